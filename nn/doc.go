// Package nn is the feed-forward core of physml: row-major matrices, layers
// with hand-written forward and backward passes, losses, optimizers, a
// training loop and safetensors model files. It mirrors torch.nn and
// torch.optim: Dense is nn.Linear (y = x Wᵀ + b, W shaped (out, in)),
// Sequential names its parameters "0.weight", "0.bias", … as a PyTorch
// state_dict does, and SGD, Adam, AdamW and RMSprop follow torch.optim's
// update rules and defaults.
//
// # Forward and backward
//
// There is no autograd tape. Each Layer computes its output in Forward and,
// given the gradient of the loss with respect to that output, returns the
// gradient with respect to its input in Backward, adding (+=) the gradients
// of its parameters into their Grad slices, as in a network derived by hand.
// Forward keeps what Backward needs (the input, or the activations).
//
// # Memory
//
// Layers own their outputs and workspaces and reuse them: the matrix that
// Forward or Backward returns is valid until the next call of the same
// method, and a steady-state training step allocates nothing. Copy an output
// to keep it.
//
// # Types
//
// Everything is generic over Float (float32 or float64). float32 is the
// default for training speed, float64 serves gradient checks. Heavy products
// go through package blas, so the netlib build runs them on OpenBLAS.
//
// # Errors
//
// Mismatched shapes in a call are programmer errors and panic with a message
// naming both shapes. Data from files (safetensors) returns an error naming
// the file, the field and what was expected. Fit stops with an error naming
// the epoch and batch when the loss becomes NaN or Inf. Fit also refuses,
// with an error, settings that cannot train (no epochs, NaN or
// out-of-range fractions and rates) and class labels outside the model's
// outputs.
//
// # Concurrency
//
// Layers own their workspaces (what Forward keeps for Backward, and reused
// buffers), so a layer or a model is not safe for concurrent use, not even
// for inference. The models of seq and ae have a Clone method that gives an
// independent copy per goroutine.
//
// # Model files
//
// physml's models save their architecture in the safetensors metadata
// beside their weights, so that one call rebuilds them (seq.LoadClassifier,
// ae.Load, forecast.Load, …, or package saved for any kind). Every key is a
// constant of schema.go (KeyModel, …) and SchemaKeys lists them all; a
// test refuses a file with a key this list lacks. One string per key:
//
//	physml.model         "classifier" (seq.Classifier), "regressor" (seq.Regressor),
//	                     "autoencoder" (ae.Autoencoder), "vae" (ae.VAE) or
//	                     "sequence_autoencoder" (ae.SequenceAE)
//	physml.dtype         "float32" or "float64", the type the model was trained in
//
//	seq.Classifier, seq.Regressor (and the halves of ae.SequenceAE):
//	physml.cell          lstm, gru, rnn, rnn_relu, slstm or mlstm
//	physml.input_size    features per step
//	physml.hidden        hidden size
//	physml.layers        stacked recurrent layers
//	physml.bidirectional true or false
//	physml.bias          true or false
//	physml.heads         heads of an slstm or mlstm cell
//	physml.outputs       outputs of the Dense head (classes, or forecast values)
//	physml.norm          batchnorm or layernorm before the head
//	physml.proj_size     the LSTM's projection size (PyTorch's proj_size)
//
//	ae.Autoencoder, ae.VAE:
//	physml.layers        encoder sizes from the input to the code, "784,256,64"
//	physml.hidden, physml.code, physml.output
//	                     activations (relu, leakyrelu, sigmoid, tanh, identity)
//	physml.loss          bce or mse
//	physml.tied          true or false
//	physml.sparsity      the L1 weight on the code
//	physml.batchnorm     true when BatchNorm1d layers are in (their running
//	                     statistics are in the file with the weights)
//	physml.beta          a VAE's weight of the KL term
//
//	ae.SequenceAE: physml.cell, physml.input_size, physml.hidden,
//	physml.layers as above, and physml.code, the code size
//
// The data a model was trained on and how its inputs are prepared:
//
//	physml.data          "mnist" or "user"
//	physml.normalization MNIST pixels: unit, symmetric or standardize
//	physml.input_scaling a table's scaling (dataset.Scaler): none, standard,
//	                     minmax or unit; physml.input_offset and
//	                     physml.input_scale its offsets and scales per input
//	physml.feature_mean, physml.feature_std
//	                     a sequence model's standardisation per feature
//	physml.target_mean, physml.target_std
//	                     a regressor's standardisation of its targets per
//	                     output (its outputs are mapped back with them)
//	physml.input_shape   the shape of one sample of a table autoencoder, "28,28"
//	physml.lengths       "true" when a sequence model was trained on
//	                     sequences of their own lengths (padded beyond)
//
// Workflows built on the models (forecast.Forecaster, ae.AnomalyDetector):
//
//	physml.task          "forecast" or "anomaly"
//	physml.ensemble      a forecaster's number of networks ("members.i." tensors)
//	physml.window, physml.horizon
//	                     its input and output steps
//	physml.target        level or change
//	physml.columns       its variables, a JSON array of names
//	physml.split         its training and validation fractions, "0.7,0.15"
//	physml.covariates    its driving variables, read and not forecast, a JSON array
//	physml.interval_level
//	physml.interval_half_width
//	                     its prediction intervals' coverage, 0.9, and
//	                     half-widths per lead time and variable
//	physml.threshold     a detector's score threshold
//	physml.quantile      the quantile of the calibration scores it is
//	physml.score         its kind of score: reconstruction, latent, combined or elbo
//	physml.elbo_samples  a variational detector's samples per −log p(x) estimate
//	physml.latent_weights
//	physml.latent_means
//	physml.latent_cholesky
//	                     the Gaussian mixture of its training rows' codes:
//	                     weights, means and the covariances' Cholesky factors
//	physml.score_standardization
//	                     the calibration rows' means and deviations of the
//	                     log reconstruction error and the latent distance
//	physml.score_combination
//	                     how the combined score joins the two standardised
//	                     scores: max_nll, the larger with the latent
//	                     distance as it is; max, the larger with its
//	                     logarithm, and sum, of files written before it
//	physml.locator_gate
//	physml.locator_step_mean
//	physml.locator_step_std
//	                     a sequence detector's fault locator ("locator."
//	                     tensors, a one-step forecaster): the step score
//	                     above which it reads its forecast instead, and the
//	                     calibration rows' forecast errors' mean and
//	                     deviation at each step
package nn
