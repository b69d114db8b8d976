package nn

// The metadata keys of physml's model files, one constant each: the
// schema of the package documentation ("Model files"). Every package that
// writes or reads a model file names its keys with these constants, and
// SchemaKeys lists them all, so that a test can refuse a file that carries
// a key the schema does not list.
const (
	// Every model.
	KeyModel = "physml.model" // the architecture: classifier, regressor, autoencoder, vae, sequence_autoencoder
	KeyDType = "physml.dtype" // float32 or float64, the type the model was trained in

	// Recurrent models (seq.Classifier, seq.Regressor, the sequence autoencoder).
	KeyCell          = "physml.cell"          // lstm, gru, rnn, rnn_relu, slstm or mlstm
	KeyInputSize     = "physml.input_size"    // features per step
	KeyHidden        = "physml.hidden"        // hidden size (an autoencoder's: the hidden activation)
	KeyLayers        = "physml.layers"        // stacked recurrent layers (an autoencoder's: its sizes)
	KeyBidirectional = "physml.bidirectional" // true or false
	KeyBias          = "physml.bias"          // true or false
	KeyHeads         = "physml.heads"         // heads of an slstm or mlstm cell
	KeyOutputs       = "physml.outputs"       // outputs of the Dense head
	KeyNorm          = "physml.norm"          // batchnorm or layernorm between the last state and the head
	KeyProjSize      = "physml.proj_size"     // an LSTM's projection size

	// Autoencoders (ae.Autoencoder, ae.VAE).
	KeyCode      = "physml.code"      // the code's activation; a sequence autoencoder's code size
	KeyOutput    = "physml.output"    // the output activation
	KeyLoss      = "physml.loss"      // bce or mse
	KeyTied      = "physml.tied"      // true or false
	KeySparsity  = "physml.sparsity"  // the L1 weight on the code
	KeyBatchNorm = "physml.batchnorm" // true when BatchNorm1d layers are in
	KeyBeta      = "physml.beta"      // a VAE's weight of the KL term

	// The data a model was trained on, and how its inputs are prepared.
	KeyData          = "physml.data"          // mnist or user
	KeyNormalization = "physml.normalization" // MNIST pixels: unit, symmetric or standardize
	KeyInputScaling  = "physml.input_scaling" // a table's scaling: none, standard or minmax
	KeyInputOffset   = "physml.input_offset"  // its offsets, one per feature
	KeyInputScale    = "physml.input_scale"   // its scales, one per feature
	KeyFeatureMean   = "physml.feature_mean"  // a sequence model's standardisation: means per feature
	KeyFeatureStd    = "physml.feature_std"   // and deviations per feature
	KeyTargetMean    = "physml.target_mean"   // a regressor's target standardisation: means per output
	KeyTargetStd     = "physml.target_std"    // and deviations per output
	KeyInputShape    = "physml.input_shape"   // the shape of one sample of a table autoencoder's input, "28,28"
	KeyLengths       = "physml.lengths"       // "true" when a sequence model was trained with valid lengths

	// Workflows built on the models.
	KeyTask                 = "physml.task"                  // forecast or anomaly
	KeyEnsemble             = "physml.ensemble"              // a forecaster's number of networks
	KeyWindow               = "physml.window"                // a forecaster's input steps
	KeyHorizon              = "physml.horizon"               // a forecaster's output steps
	KeyTarget               = "physml.target"                // a forecaster's target: level or change
	KeyColumns              = "physml.columns"               // a forecaster's variables, comma-separated
	KeySplit                = "physml.split"                 // a forecaster's training and validation fractions, "0.7,0.15"
	KeyCovariates           = "physml.covariates"            // a forecaster's driving variables, a JSON array
	KeyIntervalLevel        = "physml.interval_level"        // a forecaster's prediction-interval coverage, 0.9
	KeyIntervalHalfWidth    = "physml.interval_half_width"   // and its half-widths per lead and variable
	KeyThreshold            = "physml.threshold"             // an anomaly detector's score threshold
	KeyQuantile             = "physml.quantile"              // the quantile of the calibration scores it is
	KeyScore                = "physml.score"                 // a detector's kind of score: reconstruction, latent, combined or elbo
	KeyELBOSamples          = "physml.elbo_samples"          // a variational detector's importance samples per −log p(x) estimate
	KeyLatentWeights        = "physml.latent_weights"        // the Gaussian mixture of its training rows' codes: weights,
	KeyLatentMeans          = "physml.latent_means"          // means (components × code)
	KeyLatentCholesky       = "physml.latent_cholesky"       // and covariances' Cholesky factors (components × code × code)
	KeyScoreStandardization = "physml.score_standardization" // the combined score's terms' means and deviations
	KeyCombination          = "physml.score_combination"     // and how it joins them: max_nll (max or sum in older files)
	KeyLocatorGate          = "physml.locator_gate"          // a sequence detector's fault locator: its gate,
	KeyLocatorStepMean      = "physml.locator_step_mean"     // the calibration rows' forecast errors' means per step
	KeyLocatorStepStd       = "physml.locator_step_std"      // and their deviations per step
)

// InputScalingPrefix is the prefix of the table scaling keys
// (KeyInputScaling, KeyInputOffset, KeyInputScale) that dataset.Scaler's
// Metadata and dataset.ScalerFromMetadata take.
const InputScalingPrefix = "physml.input_"

// SchemaKeys returns every metadata key of the schema.
func SchemaKeys() []string {
	return []string{KeyModel, KeyDType, KeyCell, KeyInputSize, KeyHidden, KeyLayers, KeyBidirectional,
		KeyBias, KeyHeads, KeyOutputs, KeyNorm, KeyProjSize, KeyCode, KeyOutput, KeyLoss, KeyTied,
		KeySparsity, KeyBatchNorm, KeyBeta, KeyData, KeyNormalization, KeyInputScaling,
		KeyInputOffset, KeyInputScale, KeyFeatureMean, KeyFeatureStd, KeyTargetMean, KeyTargetStd, KeyInputShape, KeyLengths, KeyTask,
		KeyEnsemble, KeyWindow, KeyHorizon, KeyTarget, KeyColumns, KeySplit, KeyCovariates, KeyIntervalLevel, KeyIntervalHalfWidth, KeyThreshold, KeyQuantile, KeyScore, KeyELBOSamples, KeyLatentWeights, KeyLatentMeans, KeyLatentCholesky, KeyScoreStandardization, KeyCombination,
		KeyLocatorGate, KeyLocatorStepMean, KeyLocatorStepStd}
}
