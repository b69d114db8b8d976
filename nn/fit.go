package nn

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Dataset is a set of samples, one per row of X, with regression or
// reconstruction targets Y (one row per sample) or class labels.
//
// For sequence models, X holds one flattened (steps, features) sequence per
// row and Lengths, if set, the valid length of each; Fit hands the lengths of
// each batch to a model that implements LengthSetter.
type Dataset[T Float] struct {
	X       *Matrix[T]
	Y       *Matrix[T]
	Labels  []int
	Lengths []int
}

// LengthSetter is implemented by sequence models that accept per-sample
// sequence lengths (seq.Recurrent and its heads).
type LengthSetter interface {
	SetLengths(lengths []int)
}

// Len returns the number of samples.
func (d Dataset[T]) Len() int { return d.X.Rows }

// Subset returns the samples at the given indices, copied.
func (d Dataset[T]) Subset(indices []int) Dataset[T] {
	out := Dataset[T]{X: NewMatrix[T](len(indices), d.X.Cols)}
	if d.Y != nil {
		out.Y = NewMatrix[T](len(indices), d.Y.Cols)
	}
	if d.Labels != nil {
		out.Labels = make([]int, len(indices))
	}
	if d.Lengths != nil {
		out.Lengths = make([]int, len(indices))
	}
	for i, k := range indices {
		copy(out.X.Row(i), d.X.Row(k))
		if d.Y != nil {
			copy(out.Y.Row(i), d.Y.Row(k))
		}
		if d.Labels != nil {
			out.Labels[i] = d.Labels[k]
		}
		if d.Lengths != nil {
			out.Lengths[i] = d.Lengths[k]
		}
	}
	return out
}

// Split shuffles the samples with seed and returns the last fraction of them
// as a validation set and the rest as a training set.
func (d Dataset[T]) Split(fraction float64, seed uint64) (train, validation Dataset[T]) {
	if fraction <= 0 || fraction >= 1 {
		panic(fmt.Sprintf("nn: validation fraction %g outside (0, 1)", fraction))
	}
	tr, va := validationRows(d.Len(), fraction, seed, false)
	return d.Subset(tr), d.Subset(va)
}

// SplitLast returns the first samples for training and the last fraction
// of them, in order, for validation — Keras's validation_split.
func (d Dataset[T]) SplitLast(fraction float64) (train, validation Dataset[T]) {
	if fraction <= 0 || fraction >= 1 {
		panic(fmt.Sprintf("nn: validation fraction %g outside (0, 1)", fraction))
	}
	tr, va := validationRows(d.Len(), fraction, 0, true)
	return d.Subset(tr), d.Subset(va)
}

// validationRows returns the samples of n that Split (seeded) or, with
// last, SplitLast keep for training and hold out for validation.
func validationRows(n int, fraction float64, seed uint64, last bool) (train, validation []int) {
	nVal := int(math.Round(fraction * float64(n)))
	var idx []int
	if last {
		idx = make([]int, n)
		for i := range idx {
			idx[i] = i
		}
	} else {
		idx = NewRand(seed).Perm(n)
	}
	return idx[:n-nVal], idx[n-nVal:]
}

func (d Dataset[T]) check() error {
	if d.X == nil || d.X.Rows == 0 {
		return fmt.Errorf("nn: dataset has no samples")
	}
	if d.Y == nil && d.Labels == nil {
		return fmt.Errorf("nn: dataset has neither targets nor labels")
	}
	if d.Y != nil && d.Y.Rows != d.X.Rows {
		return fmt.Errorf("nn: dataset has %d inputs but %d targets", d.X.Rows, d.Y.Rows)
	}
	if d.Labels != nil && len(d.Labels) != d.X.Rows {
		return fmt.Errorf("nn: dataset has %d inputs but %d labels", d.X.Rows, len(d.Labels))
	}
	if d.Lengths != nil && len(d.Lengths) != d.X.Rows {
		return fmt.Errorf("nn: dataset has %d inputs but %d lengths", d.X.Rows, len(d.Lengths))
	}
	return nil
}

// FitConfig sets up a training run.
type FitConfig[T Float] struct {
	Epochs    int
	BatchSize int    // default 32
	Seed      uint64 // shuffling seed
	NoShuffle bool   // keep the sample order

	// Validation data: a separate set, or a fraction of the training data
	// split off (seeded) before training.
	Validation      *Dataset[T]
	ValidationSplit float64
	// ValidationLast takes the split's samples from the end of the data,
	// in order, as Keras's validation_split does, instead of at random.
	ValidationLast bool

	Schedule Schedule // learning rate per epoch; nil keeps it constant
	ClipNorm float64  // clip the global gradient norm to this when > 0
	// Patience > 0 stops training after that many epochs without a lower
	// validation loss and restores the parameters and buffers (StateDict:
	// BatchNorm's running statistics too) of the best epoch.
	Patience int

	// Corrupt, if set, modifies each input batch in place after it is
	// gathered and before the forward pass (denoising autoencoders); targets
	// are not touched.
	Corrupt func(x *Matrix[T])

	OnBatch func(BatchProgress) // called after each optimizer step
	OnEpoch func(EpochStats)    // called after each epoch
}

// check refuses settings that cannot train: no epochs, a negative batch
// size, NaN or out-of-range fractions, norms, patience or learning rate.
func (cfg FitConfig[T]) check(lr float64) error {
	switch {
	case cfg.Epochs <= 0:
		return fmt.Errorf("nn: %d epochs: want at least one", cfg.Epochs)
	case cfg.BatchSize < 0:
		return fmt.Errorf("nn: batch size %d is negative", cfg.BatchSize)
	case !(cfg.ValidationSplit >= 0 && cfg.ValidationSplit < 1):
		return fmt.Errorf("nn: validation split %g outside [0, 1)", cfg.ValidationSplit)
	case cfg.ValidationSplit > 0 && cfg.Validation != nil:
		return fmt.Errorf("nn: both a validation set and a validation split of %g", cfg.ValidationSplit)
	case !(cfg.ClipNorm >= 0) || math.IsInf(cfg.ClipNorm, 0):
		return fmt.Errorf("nn: gradient clipping norm %g: want 0 (none) or a positive finite value", cfg.ClipNorm)
	case cfg.Patience < 0:
		return fmt.Errorf("nn: patience %d is negative", cfg.Patience)
	case !(lr >= 0) || math.IsInf(lr, 0):
		return fmt.Errorf("nn: learning rate %g: want a finite value ≥ 0", lr)
	}
	return nil
}

// checkLabels returns an error naming the first label of the training or
// validation data outside [0, classes).
func checkLabels[T Float](train Dataset[T], validation *Dataset[T], classes int) error {
	sets := []struct {
		name string
		d    *Dataset[T]
	}{{"training", &train}, {"validation", validation}}
	for _, s := range sets {
		if s.d == nil {
			continue
		}
		for i, l := range s.d.Labels {
			if l < 0 || l >= classes {
				return fmt.Errorf("nn: %s label %d of sample %d outside [0, %d): the model has %d outputs", s.name, l, i, classes, classes)
			}
		}
	}
	return nil
}

// BatchProgress reports one training step.
type BatchProgress struct {
	Epoch, Batch, Batches int
	Loss                  float64
}

// EpochStats is one epoch of a training history. Accuracies are set when
// the data has class labels; validation fields when there is validation
// data (NaN otherwise).
type EpochStats struct {
	Epoch                              int
	LR                                 float64
	TrainLoss, TrainAccuracy           float64
	ValidationLoss, ValidationAccuracy float64
	Duration                           time.Duration
	// Deprecated: ValAccuracy is ValidationAccuracy, under its earlier name.
	ValAccuracy float64
}

// History is the record of a training run.
type History struct {
	Epochs    []EpochStats
	BestEpoch int  // epoch of the lowest validation loss (or last epoch)
	Stopped   bool // early stopping ended the run
}

// Fit trains model on data by mini-batch gradient descent: for each epoch
// (shuffled with Seed unless NoShuffle), each batch runs Forward, the loss,
// Backward, optional gradient clipping and one optimizer step. It returns the
// per-epoch history. It stops with an error naming the epoch and batch when
// the loss is NaN or Inf (before the bad step is applied), and with ctx's
// error when ctx is cancelled, the model's state (StateDict) then put back
// to the end of the last complete epoch: a model saved after an interrupt
// equals that of a run of as many epochs. The history so far is returned
// either way.
func Fit[T Float](ctx context.Context, model Layer[T], loss Loss[T], opt Optimizer[T], data Dataset[T], cfg FitConfig[T]) (History, error) {
	var hist History
	if err := data.check(); err != nil {
		return hist, err
	}
	if err := cfg.check(opt.LR()); err != nil {
		return hist, err
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 32
	}
	// A batch size above the data's rows (up to math.MaxInt) is one batch of
	// them all; clamping keeps the index arithmetic below from overflowing.
	validation := cfg.Validation
	if validation == nil && cfg.ValidationSplit > 0 {
		var v Dataset[T]
		if cfg.ValidationLast {
			data, v = data.SplitLast(cfg.ValidationSplit)
		} else {
			data, v = data.Split(cfg.ValidationSplit, cfg.Seed)
		}
		validation = &v
		if data.Len() == 0 || v.Len() == 0 {
			return hist, fmt.Errorf("nn: a validation split of %g leaves %d training and %d validation samples; both need at least one", cfg.ValidationSplit, data.Len(), v.Len())
		}
	}
	if validation != nil {
		if err := validation.check(); err != nil {
			return hist, fmt.Errorf("validation: %w", err)
		}
	}
	labelsChecked := false
	params := opt.Params()
	initialLR := opt.LR()
	rng := NewRand(cfg.Seed)
	order := make([]int, data.Len())
	for i := range order {
		order[i] = i
	}
	cfg.BatchSize = min(cfg.BatchSize, data.Len())
	b := newBatcher(model, data, cfg.BatchSize)
	b.copyTargets = cfg.Corrupt != nil
	batches := (data.Len() + cfg.BatchSize - 1) / cfg.BatchSize
	best := math.Inf(1)
	// Early stopping keeps the best epoch's whole state: the parameters and
	// the buffers (BatchNorm's running statistics).
	state := StateDict(model)
	var bestParams [][]T
	sinceBest := 0

	var epochStart [][]T
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		start := time.Now()
		// A cancellation within the epoch puts the state back to here, so
		// that a model saved on an interrupt is that of the complete epochs.
		epochStart = snapshot(state, epochStart)
		if cfg.Schedule != nil {
			opt.SetLR(cfg.Schedule.LR(epoch, initialLR))
		}
		if !cfg.NoShuffle {
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		var sum float64
		var correct int
		for k := 0; k < batches; k++ {
			if err := ctx.Err(); err != nil {
				for i, p := range state {
					copy(p.Value, epochStart[i])
				}
				return hist, fmt.Errorf("nn: training stopped at epoch %d, batch %d: %w", epoch+1, k+1, err)
			}
			x, target := b.gather(order[k*cfg.BatchSize : min((k+1)*cfg.BatchSize, len(order))])
			if cfg.Corrupt != nil {
				cfg.Corrupt(x)
			}
			pred := model.Forward(x, true)
			if !labelsChecked {
				// The number of classes is known from the first output.
				if err := checkLabels(data, validation, pred.Cols); err != nil {
					return hist, err
				}
				labelsChecked = true
			}
			grad := b.grad.resize(pred.Rows, pred.Cols)
			l := loss.Evaluate(pred, target, grad)
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return hist, fmt.Errorf("nn: loss is %v at epoch %d, batch %d", l, epoch+1, k+1)
			}
			if target.Labels != nil {
				correct += countCorrect(pred, target.Labels)
			}
			ZeroGrad(params)
			model.Backward(grad)
			if cfg.ClipNorm > 0 {
				ClipGradNorm(params, cfg.ClipNorm)
			}
			opt.Step()
			sum += l * float64(x.Rows)
			if cfg.OnBatch != nil {
				cfg.OnBatch(BatchProgress{Epoch: epoch + 1, Batch: k + 1, Batches: batches, Loss: l})
			}
		}
		stats := EpochStats{Epoch: epoch + 1, LR: opt.LR(), TrainLoss: sum / float64(data.Len()),
			TrainAccuracy: math.NaN(), ValidationLoss: math.NaN(), ValidationAccuracy: math.NaN()}
		if data.Labels != nil {
			stats.TrainAccuracy = float64(correct) / float64(data.Len())
		}
		if validation != nil {
			stats.ValidationLoss, stats.ValidationAccuracy = Evaluate(model, loss, *validation, cfg.BatchSize)
		}
		stats.Duration = time.Since(start)
		stats.ValAccuracy = stats.ValidationAccuracy
		hist.Epochs = append(hist.Epochs, stats)
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(stats)
		}
		if v := stats.ValidationLoss; math.IsNaN(v) && validation != nil || math.IsInf(v, 0) {
			return hist, fmt.Errorf("nn: validation loss is %v after epoch %d: the model's outputs are no longer finite (lower the learning rate)", v, epoch+1)
		}
		if validation == nil {
			hist.BestEpoch = epoch + 1
			continue
		}
		if stats.ValidationLoss < best {
			best, hist.BestEpoch, sinceBest = stats.ValidationLoss, epoch+1, 0
			if cfg.Patience > 0 {
				bestParams = snapshot(state, bestParams)
			}
			continue
		}
		sinceBest++
		if cfg.Patience > 0 && sinceBest >= cfg.Patience {
			for i, p := range state {
				copy(p.Value, bestParams[i])
			}
			hist.Stopped = true
			break
		}
	}
	return hist, nil
}

// Evaluate returns the mean loss of model on data in evaluation mode, and
// the accuracy when data has labels (NaN otherwise).
func Evaluate[T Float](model Layer[T], loss Loss[T], data Dataset[T], batchSize int) (meanLoss, accuracy float64) {
	if batchSize <= 0 {
		batchSize = 256
	}
	batchSize = max(min(batchSize, data.Len()), 1)
	b := newBatcher(model, data, batchSize)
	idx := make([]int, 0, batchSize)
	var sum float64
	var correct int
	for start := 0; start < data.Len(); start += batchSize {
		idx = idx[:0]
		for i := start; i < min(start+batchSize, data.Len()); i++ {
			idx = append(idx, i)
		}
		x, target := b.gather(idx)
		pred := model.Forward(x, false)
		sum += loss.Evaluate(pred, target, b.grad.resize(pred.Rows, pred.Cols)) * float64(len(idx))
		if target.Labels != nil {
			correct += countCorrect(pred, target.Labels)
		}
	}
	accuracy = math.NaN()
	if data.Labels != nil {
		accuracy = float64(correct) / float64(data.Len())
	}
	return sum / float64(data.Len()), accuracy
}

// Predict runs model in evaluation mode on the rows of x in batches and
// returns the outputs in a new matrix.
func Predict[T Float](model Layer[T], x *Matrix[T], batchSize int) *Matrix[T] {
	mustMatrix("Predict", x)
	return predict(model, x, batchSize, nil)
}

// PredictDataset runs model in evaluation mode on the rows of data.X in
// batches, handing each batch's lengths to the model when data has lengths
// (the model must then be a LengthSetter), and returns the outputs.
func PredictDataset[T Float](model Layer[T], data Dataset[T], batchSize int) *Matrix[T] {
	mustMatrix("PredictDataset", data.X)
	if data.Lengths == nil {
		return predict(model, data.X, batchSize, nil)
	}
	ls, ok := model.(LengthSetter)
	if !ok {
		panic(fmt.Sprintf("nn: PredictDataset: the data has lengths but %T takes none", model))
	}
	if len(data.Lengths) != data.X.Rows {
		panic(fmt.Sprintf("nn: PredictDataset: %d lengths for %d rows", len(data.Lengths), data.X.Rows))
	}
	defer ls.SetLengths(nil)
	return predict(model, data.X, batchSize, func(start, end int) { ls.SetLengths(data.Lengths[start:end]) })
}

// predict runs the batches of x through model, calling before(start, end)
// ahead of each batch when it is set.
func predict[T Float](model Layer[T], x *Matrix[T], batchSize int, before func(start, end int)) *Matrix[T] {
	if batchSize <= 0 {
		batchSize = 256
	}
	batchSize = max(min(batchSize, x.Rows), 1)
	var out *Matrix[T]
	for start := 0; start < x.Rows; start += batchSize {
		end := min(start+batchSize, x.Rows)
		if before != nil {
			before(start, end)
		}
		y := model.Forward(x.Slice(start, end), false)
		if out == nil {
			out = NewMatrix[T](x.Rows, y.Cols)
		}
		copy(out.Data[start*y.Cols:], y.Data)
	}
	if out == nil {
		out = NewMatrix[T](0, 0)
	}
	return out
}

// batcher gathers mini-batches into reused buffers.
type batcher[T Float] struct {
	data       Dataset[T]
	x, y, grad Matrix[T]
	labels     []int
	lengths    []int
	model      LengthSetter // receives the lengths of each batch, if any
	// copyTargets keeps separate target rows when Y is X, because Corrupt
	// modifies the gathered inputs.
	copyTargets bool
}

func newBatcher[T Float](model Layer[T], data Dataset[T], size int) *batcher[T] {
	b := &batcher[T]{data: data}
	b.model, _ = model.(LengthSetter)
	// No batch holds more rows than the data: a batch size far above them
	// (even math.MaxInt) costs no more memory than the data itself.
	size = max(min(size, data.X.Rows), 0)
	b.x.resize(size, data.X.Cols)
	if data.Y != nil {
		b.y.resize(size, data.Y.Cols)
	}
	if data.Labels != nil {
		b.labels = make([]int, size)
	}
	if data.Lengths != nil {
		b.lengths = make([]int, size)
	}
	return b
}

func (b *batcher[T]) gather(indices []int) (*Matrix[T], Target[T]) {
	n := len(indices)
	x := b.x.resize(n, b.data.X.Cols)
	for i, k := range indices {
		copy(x.Row(i), b.data.X.Row(k))
	}
	var t Target[T]
	switch {
	case b.data.Y == b.data.X && b.data.Y != nil:
		// Reconstruction: the targets are the inputs. Share the gathered
		// batch unless the inputs get corrupted (denoising).
		t.Values = x
		if b.copyTargets {
			t.Values = b.y.resize(n, b.data.Y.Cols)
			copy(t.Values.Data, x.Data)
		}
	case b.data.Y != nil:
		t.Values = b.y.resize(n, b.data.Y.Cols)
		for i, k := range indices {
			copy(t.Values.Row(i), b.data.Y.Row(k))
		}
	}
	if b.data.Labels != nil {
		t.Labels = b.labels[:n]
		for i, k := range indices {
			t.Labels[i] = b.data.Labels[k]
		}
	}
	if b.data.Lengths != nil && b.model != nil {
		lengths := b.lengths[:n]
		for i, k := range indices {
			lengths[i] = b.data.Lengths[k]
		}
		b.model.SetLengths(lengths)
	}
	return x, t
}

func snapshot[T Float](params []Param[T], dst [][]T) [][]T {
	if dst == nil {
		dst = zerosLike(params)
	}
	for i, p := range params {
		copy(dst[i], p.Value)
	}
	return dst
}

// DefaultsForRows returns the training settings physml uses on n rows of
// a user's own data when none are chosen, as Keras users tune them by hand:
// up to 300 epochs, stopping 20 epochs after the best validation loss
// (whose weights are kept); a batch of about a twelfth of the rows (a power
// of two from 16 to 64); Adam's rate 3e-3, or 1e-3 from 10000 rows on,
// where batches are many. They are the Epochs, Patience and BatchSize of
// a FitConfig, and the LR of an AdamConfig.
func DefaultsForRows(n int) (epochs, patience, batch int, lr float64) {
	epochs, patience, batch, lr = 300, 20, 16, 3e-3
	for batch < 64 && 2*batch <= n/12 {
		batch *= 2
	}
	if n >= 10000 {
		lr = 1e-3
	}
	return epochs, patience, batch, lr
}
