package ae

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// TaskAnomaly is the nn.KeyTask value of an anomaly detector's file.
const TaskAnomaly = "anomaly"

// EncodeFile returns the detector as a safetensors file: the autoencoder's
// file (its weights and architecture) with the threshold, the quantile and
// the input scaling in the metadata — a dense or variational autoencoder's as
// dataset.Scaler metadata under nn.InputScalingPrefix, a sequence
// autoencoder's as nn.KeyFeatureMean and nn.KeyFeatureStd — and the
// caller's extra keys. nn.KeyData is "user" unless extra sets it.
func (d *AnomalyDetector[T]) EncodeFile(extra map[string]string) ([]byte, error) {
	var meta map[string]string
	if d.Sequence != nil {
		meta = map[string]string{nn.KeyFeatureMean: dataset.JoinFloats(d.Scaler.Offset), nn.KeyFeatureStd: dataset.JoinFloats(d.Scaler.Scale)}
	} else {
		meta = d.Scaler.Metadata(nn.InputScalingPrefix)
	}
	meta[nn.KeyTask], meta[nn.KeyData] = TaskAnomaly, "user"
	meta[nn.KeyThreshold] = strconv.FormatFloat(d.Threshold, 'g', -1, 64)
	meta[nn.KeyQuantile] = strconv.FormatFloat(d.Quantile, 'g', -1, 64)
	meta[nn.KeyScore] = d.Score.String()
	if d.Latent != nil {
		meta[nn.KeyLatentWeights], meta[nn.KeyLatentMeans] = dataset.JoinFloats(d.Latent.Weights), dataset.JoinFloats(d.Latent.Means)
		meta[nn.KeyLatentCholesky] = dataset.JoinFloats(d.Latent.Cholesky)
		meta[nn.KeyScoreStandardization] = dataset.JoinFloats(d.Standardization[:])
		meta[nn.KeyCombination] = combinationNames[d.Combination]
	}
	if d.Variational != nil {
		meta[nn.KeyELBOSamples] = strconv.Itoa(ELBOSamples)
	}
	for k, v := range extra {
		meta[k] = v
	}
	switch {
	case d.Sequence != nil && d.Locator != nil:
		l := d.Locator
		meta[nn.KeyLocatorGate] = strconv.FormatFloat(l.Gate, 'g', -1, 64)
		meta[nn.KeyLocatorStepMean], meta[nn.KeyLocatorStepStd] = dataset.JoinFloats(l.StepMean), dataset.JoinFloats(l.StepDeviation)
		params := slices.Concat(d.Sequence.Params(), nn.Prefixed(locatorPrefix, l.Forecaster.Params()))
		return nn.EncodeModel(params, d.Sequence.Metadata(), meta)
	case d.Sequence != nil:
		return d.Sequence.EncodeFile(meta)
	case d.Variational != nil:
		return d.Variational.EncodeFile(meta)
	}
	return d.Dense.EncodeFile(meta)
}

// Save writes EncodeFile's file to path atomically.
func (d *AnomalyDetector[T]) Save(path string, extra map[string]string) error {
	return saveFile(path, d.EncodeFile, extra)
}

// LoadDetector rebuilds the detector saved in a safetensors file by Save
// (or by physml anomaly, any version) and returns it with all of the
// file's metadata.
func LoadDetector[T Float](path string) (*AnomalyDetector[T], map[string]string, error) {
	return nn.LoadModel(path, DecodeDetector[T])
}

// DecodeDetector builds the detector that tensors and meta describe: its
// autoencoder (dense, sequence or variational), threshold and input
// scaling.
func DecodeDetector[T Float](tensors map[string]nn.Tensor, meta map[string]string) (*AnomalyDetector[T], error) {
	if meta[nn.KeyTask] != TaskAnomaly {
		return nil, fmt.Errorf("metadata %s is %q, not an anomaly detector's %q", nn.KeyTask, meta[nn.KeyTask], TaskAnomaly)
	}
	d := &AnomalyDetector[T]{}
	var err error
	if d.Threshold, err = strconv.ParseFloat(meta[nn.KeyThreshold], 64); err != nil || math.IsNaN(d.Threshold) {
		return nil, fmt.Errorf("metadata %s = %q: want a number", nn.KeyThreshold, meta[nn.KeyThreshold])
	}
	d.Quantile = math.NaN() // files written before the key
	if q, ok := meta[nn.KeyQuantile]; ok {
		if d.Quantile, err = strconv.ParseFloat(q, 64); err != nil || !(d.Quantile > 0 && d.Quantile < 1) {
			return nil, fmt.Errorf("metadata %s = %q: want a value in (0, 1)", nn.KeyQuantile, q)
		}
	}
	switch meta[nn.KeyModel] {
	case ModelSequenceAutoencoder:
		own, locator := splitTensors(tensors, locatorPrefix)
		if d.Sequence, err = DecodeSequenceAE[T](own, meta); err != nil {
			return nil, err
		}
		if d.Locator, err = decodeLocator[T](d.Sequence.SequenceConfig, locator, meta); err != nil {
			return nil, err
		}
		d.Scaler, err = dataset.ScalerFromMetadata(map[string]string{"scaling": "standard", "offset": meta[nn.KeyFeatureMean], "scale": meta[nn.KeyFeatureStd]}, "", d.Sequence.Features)
		if err != nil {
			return nil, fmt.Errorf("metadata %s and %s: %v", nn.KeyFeatureMean, nn.KeyFeatureStd, err)
		}
	case "autoencoder":
		if d.Dense, err = Decode[T](tensors, meta); err != nil {
			return nil, err
		}
		if d.Scaler, err = dataset.ScalerFromMetadata(meta, nn.InputScalingPrefix, d.Dense.Layers[0]); err != nil {
			return nil, fmt.Errorf("the saved input scaling: %v", err)
		}
	case ModelVAE:
		if d.Variational, err = DecodeVAE[T](tensors, meta); err != nil {
			return nil, err
		}
		if d.Scaler, err = dataset.ScalerFromMetadata(meta, nn.InputScalingPrefix, d.Variational.Layers[0]); err != nil {
			return nil, fmt.Errorf("the saved input scaling: %v", err)
		}
		// The estimate's samples are fixed (ELBOSamples): a file that
		// claims others was written by a physml that scores differently.
		if k := meta[nn.KeyELBOSamples]; k != strconv.Itoa(ELBOSamples) {
			return nil, fmt.Errorf("metadata %s = %q: this physml scores a variational detector with %d samples", nn.KeyELBOSamples, k, ELBOSamples)
		}
	default:
		return nil, fmt.Errorf("metadata %s is %q: an anomaly detector is an autoencoder, a %s or a %s", nn.KeyModel, meta[nn.KeyModel], ModelSequenceAutoencoder, ModelVAE)
	}
	return d, decodeScore(d, meta)
}

// decodeScore reads a detector's kind of score, the Gaussian of its codes
// and its standardisation (files written before them score by
// reconstruction and have neither).
func decodeScore[T Float](d *AnomalyDetector[T], meta map[string]string) error {
	var err error
	if s, ok := meta[nn.KeyScore]; ok {
		if d.Score, err = ParseScoreKind(s); err != nil {
			return fmt.Errorf("metadata %s: %w", nn.KeyScore, err)
		}
	}
	if d.Score == ELBOScore && d.Variational == nil {
		return fmt.Errorf("metadata %s is %v, a variational autoencoder's score, but the model is %q", nn.KeyScore, d.Score, meta[nn.KeyModel])
	}
	weights, ok := meta[nn.KeyLatentWeights]
	if !ok {
		if d.Score == LatentScore || d.Score == CombinedScore {
			return fmt.Errorf("metadata %s is %v but the file has no %s", nn.KeyScore, d.Score, nn.KeyLatentWeights)
		}
		return nil
	}
	k := d.codeSize()
	K := strings.Count(weights, ",") + 1
	if K > MaxLatentComponents {
		return fmt.Errorf("metadata %s: %d components, more than %d", nn.KeyLatentWeights, K, MaxLatentComponents)
	}
	g := &LatentDensity{}
	if g.Weights, err = dataset.ParseFloats(weights, K); err != nil {
		return fmt.Errorf("metadata %s: %w", nn.KeyLatentWeights, err)
	}
	if g.Means, err = dataset.ParseFloats(meta[nn.KeyLatentMeans], K*k); err != nil {
		return fmt.Errorf("metadata %s: %w", nn.KeyLatentMeans, err)
	}
	if g.Cholesky, err = dataset.ParseFloats(meta[nn.KeyLatentCholesky], K*k*k); err != nil {
		return fmt.Errorf("metadata %s: %w", nn.KeyLatentCholesky, err)
	}
	if err := g.check(); err != nil {
		return fmt.Errorf("metadata %s: %w", nn.KeyLatentCholesky, err)
	}
	st, err := dataset.ParseFloats(meta[nn.KeyScoreStandardization], 4)
	if err != nil || !(st[1] > 0 && st[3] > 0) {
		return fmt.Errorf("metadata %s = %q: want 4 numbers, the deviations positive", nn.KeyScoreStandardization, meta[nn.KeyScoreStandardization])
	}
	d.Latent, d.Standardization = g, Standardization(st)
	c, ok := meta[nn.KeyCombination]
	if !ok {
		c = combinationNames[SumLogCombination] // written before the maximum
	}
	if d.Combination = Combination(slices.Index(combinationNames, c)); d.Combination < 0 {
		return fmt.Errorf("metadata %s = %q: want %s (or %s or %s, of older files)", nn.KeyCombination, c, combinationNames[0], combinationNames[1], combinationNames[2])
	}
	return nil
}

// combinationNames are the values of nn.KeyCombination, by Combination.
var combinationNames = []string{MaxCombination: "max_nll", MaxLogCombination: "max", SumLogCombination: "sum"}

// locatorPrefix names a sequence detector's fault locator's tensors in its
// file: "locator.lstm.weight_ih_l0", …, "locator.fc.bias".
const locatorPrefix = "locator"

// splitTensors returns the tensors whose names do not start with
// "prefix." and, renamed without it, those that do.
func splitTensors(tensors map[string]nn.Tensor, prefix string) (rest, prefixed map[string]nn.Tensor) {
	rest, prefixed = map[string]nn.Tensor{}, map[string]nn.Tensor{}
	for k, t := range tensors {
		if name, ok := strings.CutPrefix(k, prefix+"."); ok {
			prefixed[name] = t
		} else {
			rest[k] = t
		}
	}
	return rest, prefixed
}

// decodeLocator builds the fault locator of a sequence autoencoder of cfg
// from its tensors (prefix removed) and the metadata: a forecaster of the
// autoencoder's cell, hidden size and layers, its gate and its steps'
// calibration. A file without locator tensors has none (nil).
func decodeLocator[T Float](cfg SequenceConfig, tensors map[string]nn.Tensor, meta map[string]string) (*FaultLocator[T], error) {
	if len(tensors) == 0 {
		if _, ok := meta[nn.KeyLocatorGate]; ok {
			return nil, fmt.Errorf("metadata %s is set but the file has no %s. tensors", nn.KeyLocatorGate, locatorPrefix)
		}
		return nil, nil
	}
	arch := map[string]string{nn.KeyModel: "regressor", nn.KeyCell: seq.CellName(cfg.Cell), nn.KeyInputSize: strconv.Itoa(cfg.Features),
		nn.KeyHidden: strconv.Itoa(cfg.Hidden), nn.KeyLayers: strconv.Itoa(cfg.Layers), nn.KeyOutputs: strconv.Itoa(cfg.Features)}
	f, err := seq.DecodeRegressor[T](tensors, arch)
	if err != nil {
		return nil, fmt.Errorf("the fault locator: %w", err)
	}
	l := &FaultLocator[T]{Forecaster: f}
	if l.Gate, err = strconv.ParseFloat(meta[nn.KeyLocatorGate], 64); err != nil || math.IsNaN(l.Gate) {
		return nil, fmt.Errorf("metadata %s = %q: want a number", nn.KeyLocatorGate, meta[nn.KeyLocatorGate])
	}
	steps := strings.Count(meta[nn.KeyLocatorStepMean], ",") + 1
	if l.StepMean, err = dataset.ParseFloats(meta[nn.KeyLocatorStepMean], steps); err != nil {
		return nil, fmt.Errorf("metadata %s: %w", nn.KeyLocatorStepMean, err)
	}
	if l.StepDeviation, err = dataset.ParseFloats(meta[nn.KeyLocatorStepStd], steps); err != nil {
		return nil, fmt.Errorf("metadata %s: %w", nn.KeyLocatorStepStd, err)
	}
	for t, s := range l.StepDeviation {
		if !(s > 0) || math.IsInf(s, 0) || math.IsInf(l.StepMean[t], 0) || math.IsNaN(l.StepMean[t]) {
			return nil, fmt.Errorf("metadata %s and %s: step %d has the mean %v and the deviation %v", nn.KeyLocatorStepMean, nn.KeyLocatorStepStd, t, l.StepMean[t], s)
		}
	}
	return l, nil
}

// codeSize returns the size of the autoencoder's code.
func (d *AnomalyDetector[T]) codeSize() int {
	switch {
	case d.Sequence != nil:
		return d.Sequence.Code
	case d.Variational != nil:
		return d.Variational.Latent()
	}
	return d.Dense.Layers[len(d.Dense.Layers)-1]
}
