package ae

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// AnomalyDetector is anomaly detection by reconstruction error as a
// workflow: an autoencoder trained on normal rows only, its inputs scaled
// with statistics of the training rows, and a threshold at a quantile of
// the errors of held-out normal rows (the calibration rows), so that the
// fraction of normal data flagged is known before any anomaly is seen.
//
// Rows are what the autoencoder reads as one sample: a dense
// autoencoder's inputs (a table's row, an image's pixels), or a sequence
// of steps × features values for a sequence autoencoder, padded after its
// valid length.
//
// An AnomalyDetector is not safe for concurrent use (its autoencoder owns
// its workspaces); Clone gives an independent copy.
type AnomalyDetector[T Float] struct {
	// Dense, Sequence or Variational is the autoencoder; the others are
	// nil. A variational autoencoder reads rows as a dense one does, and
	// is the one with an ELBOScore.
	Dense       *Autoencoder[T]
	Sequence    *SequenceAE[T]
	Variational *VAE[T]
	// Scaler scales the inputs as in training: each input of a dense or
	// variational autoencoder, or each feature of a sequence autoencoder
	// (standardised over the valid steps).
	Scaler dataset.Scaler
	// Threshold is the Quantile-quantile of the calibration rows' scores;
	// a row whose score exceeds it is flagged.
	Threshold, Quantile float64
	// Score is the kind of score flagged. Latent, the Gaussian of the
	// training rows' codes, and Standardization, of the calibration rows'
	// scores, serve LatentScore and CombinedScore (nil and zero in files
	// written before them, which score by reconstruction).
	Score           ScoreKind
	Latent          *LatentDensity
	Standardization Standardization
	// Locator, of a sequence detector, finds where in a sequence a fault
	// sits (StepScores); nil for a dense or variational detector, and for
	// a file written before it or a training interrupted before it.
	Locator *FaultLocator[T]
	// Combination is how CombinedScore joins the two scores: an older
	// file's keeps the rule its threshold was calibrated with.
	Combination Combination
}

// DetectorConfig sets up FitDetector.
type DetectorConfig struct {
	// Scaling is a dense autoencoder's input scaling, fitted on the
	// training rows; sequences are always standardised.
	Scaling dataset.Scaling
	// Quantile of the calibration scores that sets the threshold, in
	// (0, 1): 0.99 flags about 1 % of normal data.
	Quantile float64
	// Score is the kind of score the detector flags by.
	Score  ScoreKind
	Epochs int
	// Patience > 0 stops the autoencoder's training after that many
	// epochs without a lower loss on a validation split of
	// ValidationFraction of the training rows (from 10 rows on), and
	// keeps the best epoch's weights; Epochs is then the most it trains.
	Patience  int
	BatchSize int
	LR        float64 // Adam's learning rate
	Seed      uint64  // shuffling seed
	OnBatch   func(nn.BatchProgress)
	OnEpoch   func(nn.EpochStats)
	// OnLocator, if set, is called when a sequence detector's fault
	// locator starts to train (to convergence, LocatorPatience), with
	// the same callbacks.
	OnLocator func()
}

// ValidationFraction is the part of the training rows that early stopping
// holds out to watch the validation loss (DetectorConfig.Patience, and a
// sequence detector's fault locator), as Keras's validation_split: the
// calibration rows stay apart for the threshold.
const ValidationFraction = 0.2

// minValidationRows is the fewest training rows early stopping holds a
// validation split out of; fewer all train, for every epoch.
const minValidationRows = 10

// earlyStopping returns the patience and the validation split of n
// training rows under cfg: none without a Patience or with fewer than
// minValidationRows rows.
func (cfg DetectorConfig) earlyStopping(n int) (patience int, split float64) {
	if cfg.Patience <= 0 || n < minValidationRows {
		return 0, 0
	}
	return cfg.Patience, ValidationFraction
}

// Rows are n rows of data for a detector: X holds n rows of equal width,
// row-major; Lengths, for sequences, the valid steps of each (nil: all).
type Rows struct {
	X       []float64
	N       int
	Lengths []int
}

// width returns the values per row.
func (r Rows) width() int {
	if r.N <= 0 {
		return 0
	}
	return len(r.X) / r.N
}

// FitDetector trains model — an *Autoencoder[T], a *SequenceAE[T] or a
// *VAE[T] — on the rows train of data with Adam and the autoencoder's own
// loss, its inputs scaled by cfg.Scaling fitted on those rows; fits the
// Gaussian mixture of the training rows' codes and the standardisation of
// the calib rows' scores; and sets the threshold at cfg.Quantile of the
// calib rows' scores of kind cfg.Score. A sequence detector then trains
// its FaultLocator on the same rows until its validation loss stops
// falling, and calibrates it on the calib rows. A cancelled ctx ends the
// training early: the detector as trained so far is calibrated and
// returned with the context's error (without a locator if the
// autoencoder's training was cut short).
func FitDetector[T Float](ctx context.Context, model nn.Layer[T], data Rows, train, calib []int, cfg DetectorConfig) (*AnomalyDetector[T], nn.History, error) {
	var hist nn.History
	d := &AnomalyDetector[T]{Quantile: cfg.Quantile, Score: cfg.Score}
	switch m := model.(type) {
	case *Autoencoder[T]:
		d.Dense = m
	case *SequenceAE[T]:
		d.Sequence = m
	case *VAE[T]:
		d.Variational = m
	default:
		return nil, hist, fmt.Errorf("ae: a detector is built on an *Autoencoder, a *SequenceAE or a *VAE, not a %T", model)
	}
	switch {
	case cfg.Score == ELBOScore && d.Variational == nil:
		return nil, hist, fmt.Errorf("ae: the %v score is a variational autoencoder's; the detector's is a %T", cfg.Score, model)
	case !(cfg.Quantile > 0 && cfg.Quantile < 1):
		return nil, hist, fmt.Errorf("ae: quantile %g: want a value in (0, 1)", cfg.Quantile)
	case len(train) == 0 || len(calib) == 0:
		return nil, hist, fmt.Errorf("ae: %d training and %d calibration rows: the detector needs both", len(train), len(calib))
	case data.N <= 0 || len(data.X)%data.N != 0 || (data.Lengths != nil && len(data.Lengths) != data.N):
		return nil, hist, fmt.Errorf("ae: %d values and %d lengths for %d rows", len(data.X), len(data.Lengths), data.N)
	}
	if err := d.checkWidth(data.width()); err != nil {
		return nil, hist, err
	}
	var err error
	if d.Sequence != nil {
		s := d.sequences(data)
		d.Scaler, err = s.FitStandardization(train)
	} else {
		d.Scaler, err = dataset.FitScaler(cfg.Scaling, data.X, data.width(), train)
	}
	if err != nil {
		return nil, hist, err
	}
	trainSet, err := d.dataset(data, train)
	if err != nil {
		return nil, hist, err
	}
	var loss nn.Loss[T]
	var params []nn.Param[T]
	switch {
	case d.Sequence != nil:
		loss, params = d.Sequence.TrainingLoss(), d.Sequence.Params()
	case d.Variational != nil:
		loss, params = d.Variational.TrainingLoss(), d.Variational.Params()
	default:
		loss, params = d.Dense.TrainingLoss(), d.Dense.Params()
	}
	patience, split := cfg.earlyStopping(len(train))
	hist, fitErr := nn.Fit(ctx, model, loss, nn.NewAdam(params, nn.AdamConfig{LR: cfg.LR}), trainSet,
		nn.FitConfig[T]{Epochs: cfg.Epochs, BatchSize: cfg.BatchSize, Seed: cfg.Seed, OnBatch: cfg.OnBatch, OnEpoch: cfg.OnEpoch,
			Patience: patience, ValidationSplit: split})
	if fitErr != nil && !(ctx.Err() != nil && errors.Is(fitErr, ctx.Err())) {
		return nil, hist, fitErr
	}
	trainScores, err := d.scores(pick(data, train))
	if err != nil {
		return nil, hist, fmt.Errorf("training rows: %w", err)
	}
	if d.Latent, err = FitLatentDensity(trainScores.codes, trainScores.codeSize, cfg.Seed); err != nil {
		return nil, hist, err
	}
	calibScores, err := d.ScoresByKind(pick(data, calib))
	if err != nil {
		return nil, hist, fmt.Errorf("calibration: %w", err)
	}
	d.Calibrate(calibScores)
	if d.Sequence != nil && fitErr == nil {
		calibSet, err := d.dataset(data, calib)
		if err != nil {
			return nil, hist, fmt.Errorf("calibration: %w", err)
		}
		if cfg.OnLocator != nil {
			cfg.OnLocator()
		}
		d.Locator = newFaultLocator[T](d.Sequence.SequenceConfig, nn.NewRand(cfg.Seed^0x10c))
		if fitErr = d.Locator.fit(ctx, trainSet, calibSet, cfg); fitErr != nil && !(ctx.Err() != nil && errors.Is(fitErr, ctx.Err())) {
			return nil, hist, fitErr
		}
	}
	return d, hist, fitErr
}

// Calibrate sets, from the scores of every kind of the normal calibration
// rows (ScoresByKind), the standardisation of CombinedScore and the
// threshold at the Quantile-quantile of the scores of kind d.Score.
// FitDetector calls it; a caller that scores all rows in one pass may call
// it again with the calibration rows' scores of that pass, so that the
// threshold and those scores agree to the bit (OpenBLAS rounds a row's
// score differently in batches of other sizes, by about 1e-10).
func (d *AnomalyDetector[T]) Calibrate(scores [][]float64) {
	d.Standardization = standardizationOf(scores[ReconstructionScore], scores[LatentScore], d.Combination)
	scores[CombinedScore] = d.combine(scores[ReconstructionScore], scores[LatentScore])
	d.Threshold = Quantile(scores[d.Score], d.Quantile)
}

// pick returns the rows of data that rows lists.
func pick(data Rows, rows []int) Rows {
	w := data.width()
	out := Rows{X: make([]float64, 0, len(rows)*w), N: len(rows)}
	for _, i := range rows {
		out.X = append(out.X, data.X[i*w:(i+1)*w]...)
		if data.Lengths != nil {
			out.Lengths = append(out.Lengths, data.Lengths[i])
		}
	}
	return out
}

// checkWidth returns an error unless rows of width values suit the
// autoencoder.
func (d *AnomalyDetector[T]) checkWidth(width int) error {
	switch {
	case d.Dense != nil && width != d.Dense.Layers[0]:
		return fmt.Errorf("ae: rows of %d values; the autoencoder reads %d", width, d.Dense.Layers[0])
	case d.Variational != nil && width != d.Variational.Layers[0]:
		return fmt.Errorf("ae: rows of %d values; the variational autoencoder reads %d", width, d.Variational.Layers[0])
	case d.Sequence != nil && (width <= 0 || width%d.Sequence.Features != 0):
		return fmt.Errorf("ae: rows of %d values; the sequence autoencoder reads steps of %d features", width, d.Sequence.Features)
	}
	return nil
}

// Features returns the values a dense or variational autoencoder reads per
// row, or the features per step of a sequence autoencoder.
func (d *AnomalyDetector[T]) Features() int {
	switch {
	case d.Sequence != nil:
		return d.Sequence.Features
	case d.Variational != nil:
		return d.Variational.Layers[0]
	}
	return d.Dense.Layers[0]
}

// sequences views data as a sequence set of the autoencoder's features.
func (d *AnomalyDetector[T]) sequences(data Rows) *dataset.Sequences {
	f := d.Sequence.Features
	return &dataset.Sequences{N: data.N, Steps: data.width() / f, Features: f, X: data.X, Lengths: data.Lengths}
}

// dataset returns the given rows scaled as in training, as the
// autoencoder's training set (targets = inputs, lengths kept). A value that
// is not finite, before or after scaling, is an error naming its row and
// column.
func (d *AnomalyDetector[T]) dataset(data Rows, rows []int) (nn.Dataset[T], error) {
	w := data.width()
	for _, i := range rows {
		for j, v := range data.X[i*w : (i+1)*w] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nn.Dataset[T]{}, fmt.Errorf("row %d, column %d: %v", i, j, v)
			}
		}
	}
	var out nn.Dataset[T]
	if d.Sequence != nil {
		out = seq.DatasetOf[T](d.sequences(data), rows, d.Scaler)
	} else {
		out.X = nn.NewMatrix[T](len(rows), w)
		for r, i := range rows {
			copy(out.X.Row(r), dataset.Transform[T](d.Scaler, data.X[i*w:(i+1)*w]))
		}
	}
	for k, v := range out.X.Data {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return nn.Dataset[T]{}, fmt.Errorf("row %d, column %d: %v scales to %v, beyond the training data's range", rows[k/w], k%w, data.X[rows[k/w]*w+k%w], f)
		}
	}
	out.Y = out.X
	return out, nil
}

// Scores returns the score of kind d.Score of every row of data, scaled as
// in training (ScoresByKind).
func (d *AnomalyDetector[T]) Scores(data Rows) ([]float64, error) {
	all, err := d.ScoresByKind(data)
	if err != nil {
		return nil, err
	}
	if all[d.Score] == nil && data.N > 0 {
		return nil, fmt.Errorf("ae: the detector has no %v score (not calibrated, or a file written before it)", d.Score)
	}
	return all[d.Score], nil
}

// ScoresByKind returns the scores of every row of data, scaled as in
// training, of each kind, indexed by ScoreKind: the reconstruction error
// (the autoencoder's loss per row, a sequence's over its valid steps),
// the latent distance and their combination (nil for a detector read from
// a file written before them; the combination also before Calibrate), and
// a variational autoencoder's −log p(x) estimate (nil for the others). A
// value or a score that is not finite is an error naming its row.
func (d *AnomalyDetector[T]) ScoresByKind(data Rows) ([][]float64, error) {
	r, err := d.scores(data)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(ScoreKinds))
	out[ReconstructionScore], out[ELBOScore] = r.reconstruction, r.elbo
	if d.Latent != nil {
		if d.Latent.Size() != r.codeSize {
			return nil, fmt.Errorf("ae: a latent density of %d values for codes of %d", d.Latent.Size(), r.codeSize)
		}
		out[LatentScore] = d.Latent.Distances(r.codes)
		if d.Standardization[1] > 0 { // calibrated
			out[CombinedScore] = d.combine(out[ReconstructionScore], out[LatentScore])
		}
	}
	for _, scores := range out {
		for i, s := range scores {
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return nil, fmt.Errorf("row %d: the score is %v", i, s)
			}
		}
	}
	return out, nil
}

// ScoreOf returns the scores of kind d.Score of the rows of x, scaled as in
// training, whose reconstruction errors and codes (rows of the code's
// size) are given (Reconstruct), as Scores computes them.
func (d *AnomalyDetector[T]) ScoreOf(x *nn.Matrix[T], reconstruction, codes []float64) ([]float64, error) {
	switch d.Score {
	case ReconstructionScore:
		return reconstruction, nil
	case ELBOScore:
		if d.Variational == nil {
			return nil, fmt.Errorf("ae: the %v score is a variational autoencoder's", d.Score)
		}
		return d.Variational.NegativeLogLikelihoods(x, ELBOSamples, elboNoiseSeed), nil
	}
	if d.Latent == nil || !(d.Standardization[1] > 0) {
		return nil, fmt.Errorf("ae: the detector has no %v score (not calibrated, or a file written before it)", d.Score)
	}
	latent := d.Latent.Distances(codes)
	if d.Score == LatentScore {
		return latent, nil
	}
	return d.combine(reconstruction, latent), nil
}

// rowScores are the reconstruction errors and the codes of rows, and a
// variational autoencoder's −log p(x) estimates.
type rowScores struct {
	reconstruction, codes, elbo []float64
	codeSize                    int
}

// elboNoiseSeed seeds the noise of ELBOScore's codes: a row's score is the
// same in every call.
const elboNoiseSeed = 0xe1b0

// Reconstruct returns the codes, the reconstructions and the
// reconstruction errors (the autoencoder's loss per row) of the rows of x,
// scaled as in training; lengths are a sequence autoencoder's valid
// lengths (nil: all steps). A variational autoencoder codes a row by its
// mean μ and decodes it from there.
func (d *AnomalyDetector[T]) Reconstruct(x *nn.Matrix[T], lengths []int) (codes, reconstructions *nn.Matrix[T], errors []float64) {
	switch {
	case d.Sequence != nil:
		a := d.Sequence
		rec := nn.PredictDataset[T](a, nn.Dataset[T]{X: x, Lengths: lengths}, 256)
		return a.Encode(x, lengths), rec, a.errorsOf(x, rec, lengths)
	case d.Variational != nil:
		v := d.Variational
		rec := v.Reconstruct(x)
		return v.Encode(x), rec, rowErrors(x, rec, v.Loss)
	}
	a := d.Dense
	rec := a.Reconstruct(x)
	return a.Encode(x), rec, rowErrors(x, rec, a.Loss)
}

// scores returns the reconstruction errors and the codes of every row of
// data.
func (d *AnomalyDetector[T]) scores(data Rows) (rowScores, error) {
	if data.N == 0 {
		return rowScores{}, nil
	}
	set, err := d.allRows(data)
	if err != nil {
		return rowScores{}, err
	}
	var r rowScores
	codes, _, errs := d.Reconstruct(set.X, set.Lengths)
	r.reconstruction, r.codes, r.codeSize = errs, nn.Convert[float64](codes).Data, codes.Cols
	if d.Variational != nil {
		r.elbo = d.Variational.NegativeLogLikelihoods(set.X, ELBOSamples, elboNoiseSeed)
	}
	for i, s := range r.reconstruction {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return rowScores{}, fmt.Errorf("row %d: the reconstruction error is %v", i, s)
		}
	}
	return r, nil
}

// StepErrors returns, for a detector of sequences, the squared
// reconstruction error of every step of every row of data (scaled as in
// training, averaged over the features; SequenceAE.StepErrors): rows ×
// steps values, zero past a row's length. A dense detector has no steps:
// an error.
func (d *AnomalyDetector[T]) StepErrors(data Rows) ([]float64, error) {
	if d.Sequence == nil {
		return nil, fmt.Errorf("ae: a dense detector scores whole rows; per-step errors are a sequence detector's")
	}
	if data.N == 0 {
		return nil, nil
	}
	set, err := d.allRows(data)
	if err != nil {
		return nil, err
	}
	return d.Sequence.StepErrors(set.X, set.Lengths), nil
}

// StepScores returns, for a sequence detector, the fault locator's score
// of every step of every row of data (FaultLocator.StepScores): rows ×
// steps values, zero past a row's length. Its largest value is where the
// fault is. A dense detector, or one without a locator, is an error.
func (d *AnomalyDetector[T]) StepScores(data Rows) ([]float64, error) {
	if d.Locator == nil {
		return nil, fmt.Errorf("ae: the detector has no fault locator (a dense detector, a file written before it, or a training interrupted before it)")
	}
	if data.N == 0 {
		return nil, nil
	}
	set, err := d.allRows(data)
	if err != nil {
		return nil, err
	}
	return d.Locator.StepScores(set.X, set.Lengths)
}

// allRows checks data and returns all its rows as the model reads them.
func (d *AnomalyDetector[T]) allRows(data Rows) (nn.Dataset[T], error) {
	if data.N < 0 || len(data.X)%data.N != 0 || (data.Lengths != nil && len(data.Lengths) != data.N) {
		return nn.Dataset[T]{}, fmt.Errorf("ae: %d values and %d lengths for %d rows", len(data.X), len(data.Lengths), data.N)
	}
	if err := d.checkWidth(data.width()); err != nil {
		return nn.Dataset[T]{}, err
	}
	all := make([]int, data.N)
	for i := range all {
		all[i] = i
	}
	return d.dataset(data, all)
}

// Flag returns true for each score above the threshold (an anomaly).
func (d *AnomalyDetector[T]) Flag(scores []float64) []bool {
	return Detector{Threshold: d.Threshold}.Predict(scores)
}

// Clone returns an independent copy of d for another goroutine.
func (d *AnomalyDetector[T]) Clone() *AnomalyDetector[T] {
	c := *d
	if d.Dense != nil {
		c.Dense = d.Dense.Clone()
	}
	if d.Sequence != nil {
		c.Sequence = d.Sequence.Clone()
	}
	if d.Variational != nil {
		c.Variational = d.Variational.Clone()
	}
	if d.Locator != nil {
		c.Locator = d.Locator.Clone()
	}
	c.Scaler = d.Scaler.Clone()
	return &c
}

// SplitNormal splits n rows for a detector with a seeded shuffle: 60 % of
// the normal rows (label 0, or all rows when labels is nil) for training,
// 20 % for calibration and the rest, with every anomalous row, for testing.
func SplitNormal(n int, labels []int, seed uint64) (train, calib, test []int, err error) {
	var normal, anomalous []int
	for _, i := range nn.NewRand(seed ^ 0xa40).Perm(n) {
		if labels == nil || labels[i] == 0 {
			normal = append(normal, i)
		} else {
			anomalous = append(anomalous, i)
		}
	}
	if len(normal) < 5 {
		return nil, nil, nil, fmt.Errorf("ae: %d normal rows: the detector needs at least 5 (training, calibration and test)", len(normal))
	}
	nTrain, nCalib := len(normal)*3/5, len(normal)/5
	return normal[:nTrain], normal[nTrain : nTrain+nCalib], append(normal[nTrain+nCalib:], anomalous...), nil
}
