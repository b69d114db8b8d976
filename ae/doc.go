// Package ae implements the lecture's autoencoders on package nn: an encoder
// h = f(x, W) into a bottleneck code and a decoder x̃ = g(h, V) back, trained
// to minimise the reconstruction error — feed-forward, denoising, sparse and
// linear (which learns the PCA subspace, CompareLinearWithPCA) —, the
// variational autoencoder (VAE: β-weighted KL term, sampling from the prior,
// interpolation, the negative ELBO), the sequence autoencoder (SequenceAE:
// an LSTM or GRU encoder's last state as the code, repeated into a
// recurrent decoder), and anomaly detection.
//
// Anomaly detection is a workflow: AnomalySet holds the rows with their
// labels and split (NewAnomalySet, SplitNormal: 60/20/20 of the normal
// rows, every anomaly tested; MNISTAnomalies for the lecture's digits);
// Detect (or FitDetector) trains the autoencoder (dense, sequence or
// variational: DenseDetectorNet, SequenceDetectorNet,
// VariationalDetectorNet) on the normal training rows, calibrates the
// threshold at a quantile of the calibration rows' scores and scores every
// row; EvaluateScores gives the typed AnomalyMetrics (ROC AUC, average
// precision, precision and recall at the threshold, AUC per kind). A
// score is of a ScoreKind: the reconstruction error, the latent distance
// of the code under a Gaussian mixture of the normal codes
// (LatentDensity), the larger of the two standardised, or a VAE's
// importance-weighted −log p(x). A sequence detector also has a
// FaultLocator, a gated one-step forecaster whose step scores
// (AnomalyDetector.StepScores) say where in a sequence the fault is. The
// AnomalyDetector saves and loads with its kind of score, threshold, input
// scaling and locator. SplitSamples splits and scales a table or
// image set for any autoencoder, with the training rows' statistics only.
//
// An Autoencoder is an nn.Layer, so nn.Fit trains it with the data as its own
// target (Dataset{X: x, Y: x}), with nn's optimizers, schedules, early
// stopping and NaN guard, and nn.SaveSafetensors writes it with the names a
// PyTorch module with encoder and decoder nn.Sequential attributes would
// use: "encoder.0.weight", …, "decoder.0.weight", ….
//
// Denoising: GaussianNoise and MaskingNoise return an nn.FitConfig.Corrupt
// function that corrupts each input batch afresh (seeded) while the targets
// stay clean. Sparsity: Config.Sparsity adds λ·Σ|h| per sample (averaged over
// the batch) to the loss; use the loss returned by TrainingLoss so that the
// reported loss includes it.
//
// # Concurrency
//
// An Autoencoder owns its workspaces and is not safe for concurrent use, not
// even for Reconstruct; Clone gives an independent copy per goroutine.
package ae
