package seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/nn"
)

// Float is the element type: float32 or float64.
type Float = nn.Float

// CellType selects the recurrence of a Recurrent layer.
type CellType int

// The recurrences of torch.nn.RNN (tanh or ReLU), torch.nn.LSTM and
// torch.nn.GRU, and xLSTM's sLSTM and mLSTM (see SLSTM and MLSTM).
const (
	RNNTanh CellType = iota
	RNNReLU
	LSTM
	GRU
	SLSTMCell
	MLSTMCell
)

// String returns the PyTorch module name of the cell type.
func (c CellType) String() string {
	switch c {
	case RNNTanh:
		return "RNN"
	case RNNReLU:
		return "RNN(relu)"
	case LSTM:
		return "LSTM"
	case GRU:
		return "GRU"
	case SLSTMCell:
		return "sLSTM"
	case MLSTMCell:
		return "mLSTM"
	}
	return fmt.Sprintf("CellType(%d)", int(c))
}

// gates returns the number of stacked gates: 1 (RNN), 4 (LSTM) or 3 (GRU).
func (c CellType) gates() int {
	switch c {
	case LSTM:
		return 4
	case GRU:
		return 3
	}
	return 1
}

// Config describes a recurrent layer, with the arguments of torch.nn.LSTM.
type Config struct {
	InputSize  int
	HiddenSize int
	NumLayers  int // default 1
	// Bidirectional adds a second direction that reads the sequence
	// backwards; outputs of the two directions are concatenated.
	Bidirectional bool
	// Dropout is applied to the outputs of every layer but the last, in
	// training mode only.
	Dropout float64
	NoBias  bool // bias=False
	// Parallelism is the number of blocks of the batch whose time loops run
	// concurrently (each with single-threaded BLAS); 0 chooses
	// min(GOMAXPROCS, batch/16).
	Parallelism int
	// Heads is the number of heads of an sLSTM or mLSTM layer (0 means 1);
	// it must divide HiddenSize. The other cells have none.
	Heads int
	// Init chooses the initialisation of the RNN, LSTM and GRU: PyTorch's
	// (the default) or Keras's.
	Init Init
	// ForgetBias, when not 0, sets the LSTM's forget-gate bias to it
	// (bias_ih's forget block; bias_hh's is 0), as Keras's
	// unit_forget_bias does with 1.
	ForgetBias float64
	// InputDropout and RecurrentDropout are Keras's dropout and
	// recurrent_dropout for the RNN, LSTM and GRU: in training mode every
	// layer's input x_t (InputDropout) and every direction's recurrent
	// input h_{t−1} (RecurrentDropout) are multiplied by a mask drawn once
	// per sequence and pass — each value kept with probability 1 − p and
	// scaled by 1/(1 − p) — and reused at every step. The two directions
	// of a layer share its input mask and have their own recurrent masks.
	InputDropout, RecurrentDropout float64
	// ProjSize, when positive, projects the LSTM's hidden state to
	// ProjSize < HiddenSize values, as torch.nn.LSTM's proj_size:
	// h_t = W_hr (o_t ⊙ tanh c_t), with W_hr "weight_hr_l{k}" of shape
	// (ProjSize, HiddenSize). h_t — the output, the recurrent input and the
	// final state hn — then has ProjSize values; the cell c_t keeps
	// HiddenSize.
	ProjSize int
}

// Check reports a setting of c that a layer of cell cannot take (the
// input size aside, which the data set): sizes that are not positive,
// dropout outside [0, 1), a projection other than the LSTM's to fewer
// values than its hidden size, a forget-gate bias other than the LSTM's,
// and, for the xLSTM cells, a second direction, no bias, input or
// recurrent dropout, or heads that do not divide the hidden size.
// NewRecurrent panics with its error.
func (c Config) Check(cell CellType) error {
	layers := c.NumLayers
	if layers == 0 {
		layers = 1
	}
	switch {
	case c.HiddenSize <= 0 || layers < 0 || c.InputSize < 0:
		return fmt.Errorf("seq: %v with input size %d, hidden size %d, %d layers", cell, c.InputSize, c.HiddenSize, c.NumLayers)
	case !(c.Dropout >= 0 && c.Dropout < 1): // also refuses NaN
		return fmt.Errorf("seq: dropout %g outside [0, 1)", c.Dropout)
	case !(c.InputDropout >= 0 && c.InputDropout < 1) || !(c.RecurrentDropout >= 0 && c.RecurrentDropout < 1):
		return fmt.Errorf("seq: input dropout %g or recurrent dropout %g outside [0, 1)", c.InputDropout, c.RecurrentDropout)
	case c.ForgetBias != 0 && (cell != LSTM || math.IsNaN(c.ForgetBias) || math.IsInf(c.ForgetBias, 0)):
		return fmt.Errorf("seq: forget-gate bias %g for a %v: the LSTM has one, and it must be finite", c.ForgetBias, cell)
	case c.ProjSize < 0 || c.ProjSize > 0 && (cell != LSTM || c.ProjSize >= c.HiddenSize):
		return fmt.Errorf("seq: projection size %d for a %v of hidden size %d: the LSTM projects its hidden state, to fewer values than its hidden size", c.ProjSize, cell, c.HiddenSize)
	case !cell.xlstm():
		return nil
	case c.Heads < 0 || c.HiddenSize%c.heads() != 0:
		return fmt.Errorf("seq: %d heads of a %v: the heads must divide the hidden size %d", c.Heads, cell, c.HiddenSize)
	case c.Bidirectional || c.NoBias:
		return fmt.Errorf("seq: a bidirectional %v, or one without bias: the xLSTM cells read in one direction and have a bias (lstm, gru and rnn may do either)", cell)
	case c.InputDropout != 0 || c.RecurrentDropout != 0:
		return fmt.Errorf("seq: %v layers have no input or recurrent dropout (lstm, gru and rnn do)", cell)
	}
	return nil
}

// Init names an initialisation scheme of the recurrent layers.
type Init int

const (
	// InitPyTorch draws every weight and bias uniform in ±1/√HiddenSize.
	InitPyTorch Init = iota
	// InitKeras is Keras's: the input weights Glorot-uniform (over the
	// whole input kernel, fan-in InputSize and fan-out gates·H), the
	// recurrent weights orthogonal, the biases zero. With an LSTM, add
	// ForgetBias: 1 for Keras's unit_forget_bias.
	InitKeras
)

// Recurrent is a stack of RNN, LSTM, GRU, sLSTM or mLSTM layers over
// batch-first sequences. It implements nn.Layer: Forward maps
// (batch, steps·InputSize) to (batch, steps·OutputSize()), OutputSize being
// directions·HiddenSize, or directions·ProjSize for a projected LSTM.
//
// The xLSTM cells (SLSTMCell, MLSTMCell) stack SLSTM or MLSTM layers with
// parameters "weight_ih_l{k}", "bias_l{k}" (and the sLSTM's
// "weight_hh_l{k}"); they have one direction, always a bias, and start from
// the zero state: Bidirectional, NoBias and SetInitialState are refused,
// and StepCell and InitialStateGrad are for the other cells.
type Recurrent[T Float] struct {
	Cell CellType
	Config
	// SkipInputGrad makes Backward skip the gradient with respect to the
	// input sequence and return nil: for a model's first layer, whose data
	// needs no gradient (PyTorch skips it likewise). The initial-state and
	// parameter gradients are still computed.
	SkipInputGrad bool

	layers  [][]*direction[T] // [layer][direction]
	xlayers []xlstmLayer[T]   // the layers of an sLSTM or mLSTM stack
	xout    []*nn.Matrix[T]   // their outputs, batch-first
	dropout []*nn.Dropout[T]  // between layers
	params  []nn.Param[T]

	lengths      []int // per sample; nil means all steps
	h0, c0       *nn.Matrix[T]
	dhn, dcn     *nn.Matrix[T]
	hn, cn       nn.Matrix[T]
	dh0, dc0     nn.Matrix[T]
	inputs       []nn.Matrix[T] // time-major input of each layer
	dIn          []nn.Matrix[T] // time-major gradient w.r.t. each layer's input
	outs         []nn.Matrix[T] // time-major output of each layer
	dLastOut     nn.Matrix[T]   // time-major gradient w.r.t. the last output
	y, dx        nn.Matrix[T]   // batch-first output and input gradient
	batch, steps int
	chunks       []chunk

	maskRNG    *rand.Rand // input and recurrent dropout masks
	inMasks    [][]T      // per layer: the input mask of the pass (b, in), nil when off
	inMaskBufs [][]T      // their storage, reused from pass to pass
}

// NewLSTM returns a torch.nn.LSTM-compatible layer initialised from rng.
func NewLSTM[T Float](cfg Config, rng *rand.Rand) *Recurrent[T] {
	return NewRecurrent[T](LSTM, cfg, rng)
}

// NewGRU returns a torch.nn.GRU-compatible layer initialised from rng.
func NewGRU[T Float](cfg Config, rng *rand.Rand) *Recurrent[T] {
	return NewRecurrent[T](GRU, cfg, rng)
}

// NewRNN returns a torch.nn.RNN-compatible layer (tanh, or ReLU when relu is
// true) initialised from rng.
func NewRNN[T Float](cfg Config, relu bool, rng *rand.Rand) *Recurrent[T] {
	if relu {
		return NewRecurrent[T](RNNReLU, cfg, rng)
	}
	return NewRecurrent[T](RNNTanh, cfg, rng)
}

// NewRecurrent returns a recurrent layer of the given cell type with
// PyTorch's parameter names, shapes and default initialisation (uniform in
// ±1/√HiddenSize), drawn from rng in the order of the parameters.
func NewRecurrent[T Float](cell CellType, cfg Config, rng *rand.Rand) *Recurrent[T] {
	if cfg.NumLayers == 0 {
		cfg.NumLayers = 1
	}
	if cfg.InputSize <= 0 {
		panic(fmt.Sprintf("seq: %v with input size %d", cell, cfg.InputSize))
	}
	if err := cfg.Check(cell); err != nil {
		panic(err.Error())
	}
	r := &Recurrent[T]{Cell: cell, Config: cfg}
	if cell.xlstm() {
		return newXLSTMStack(r, rng)
	}
	dirs, W := r.directions(), r.stateSize()
	gh := cell.gates() * cfg.HiddenSize
	bound := 1 / math.Sqrt(float64(cfg.HiddenSize))
	for l := 0; l < cfg.NumLayers; l++ {
		in := cfg.InputSize
		if l > 0 {
			in = dirs * W
		}
		var layer []*direction[T]
		for d := 0; d < dirs; d++ {
			suffix := fmt.Sprintf("_l%d", l)
			if d == 1 {
				suffix += "_reverse"
			}
			dir := &direction[T]{cell: cell, in: in, hidden: cfg.HiddenSize, proj: cfg.ProjSize, reverse: d == 1, col: d * W, bias: !cfg.NoBias, step: newStepFuncs[T](cell)}
			dir.wih = nn.NewParam[T]("weight_ih"+suffix, gh, in)
			dir.whh = nn.NewParam[T]("weight_hh"+suffix, gh, W)
			ps := []nn.Param[T]{dir.wih, dir.whh}
			if dir.bias {
				dir.bih = nn.NewParam[T]("bias_ih"+suffix, gh)
				dir.bhh = nn.NewParam[T]("bias_hh"+suffix, gh)
				ps = append(ps, dir.bih, dir.bhh)
			}
			if cfg.ProjSize > 0 {
				dir.whr = nn.NewParam[T]("weight_hr"+suffix, cfg.ProjSize, cfg.HiddenSize)
				ps = append(ps, dir.whr)
			}
			for _, p := range ps {
				nn.Uniform(rng, p.Value, bound)
			}
			if cfg.Init == InitKeras {
				nn.XavierUniform(rng, dir.wih.Value, in, gh, 1)
				nn.Orthogonal(rng, dir.whh.Value, gh, W, 1)
				if dir.bias {
					clear(dir.bih.Value)
					clear(dir.bhh.Value)
				}
			}
			if cfg.ForgetBias != 0 && cell == LSTM && dir.bias {
				H := cfg.HiddenSize
				for j := H; j < 2*H; j++ { // gates i, f, g, o: f is the second block
					dir.bih.Value[j], dir.bhh.Value[j] = T(cfg.ForgetBias), 0
				}
			}
			r.params = append(r.params, ps...)
			layer = append(layer, dir)
		}
		r.layers = append(r.layers, layer)
		if l < cfg.NumLayers-1 {
			r.dropout = append(r.dropout, nn.NewDropout[T](cfg.Dropout, nn.NewRand(rng.Uint64())))
		}
	}
	r.inputs = make([]nn.Matrix[T], cfg.NumLayers)
	r.dIn = make([]nn.Matrix[T], cfg.NumLayers)
	r.outs = make([]nn.Matrix[T], cfg.NumLayers)
	if cfg.InputDropout > 0 || cfg.RecurrentDropout > 0 {
		// Drawn after the weights, so that they do not depend on it.
		r.maskRNG = nn.NewRand(rng.Uint64())
		r.inMasks = make([][]T, cfg.NumLayers)
		r.inMaskBufs = make([][]T, cfg.NumLayers)
	}
	return r
}

// Clone returns an independent copy of r for use on another goroutine: the
// same parameter values and settings, its own storage and workspaces (and
// its own dropout generators).
func (r *Recurrent[T]) Clone() *Recurrent[T] {
	out := NewRecurrent[T](r.Cell, r.Config, nn.NewRand(0))
	out.SkipInputGrad = r.SkipInputGrad
	nn.CopyParamValues(out.params, r.params)
	return out
}

func (r *Recurrent[T]) directions() int {
	if r.Bidirectional {
		return 2
	}
	return 1
}

// OutputSize returns directions·HiddenSize (directions·ProjSize when the
// LSTM projects), the features of each output step.
func (r *Recurrent[T]) OutputSize() int { return r.directions() * r.stateSize() }

// stateSize returns the width of h: ProjSize when the LSTM projects, else
// HiddenSize.
func (r *Recurrent[T]) stateSize() int {
	if r.ProjSize > 0 {
		return r.ProjSize
	}
	return r.HiddenSize
}

// Params returns the parameters in PyTorch's order: weight_ih_l0,
// weight_hh_l0, bias_ih_l0, bias_hh_l0, then the _reverse direction, then
// the next layer.
func (r *Recurrent[T]) Params() []nn.Param[T] { return r.params }

// String describes the layer as PyTorch prints it.
func (r *Recurrent[T]) String() string {
	if r.Cell.xlstm() {
		return fmt.Sprintf("%v(%d, %d, num_layers=%d, num_heads=%d, dropout=%g)", r.Cell, r.InputSize, r.HiddenSize, r.NumLayers, r.heads(), r.Dropout)
	}
	proj := ""
	if r.ProjSize > 0 {
		proj = fmt.Sprintf(", proj_size=%d", r.ProjSize)
	}
	return fmt.Sprintf("%v(%d, %d, num_layers=%d, bias=%t, batch_first=True, dropout=%g, bidirectional=%t%s)",
		r.Cell, r.InputSize, r.HiddenSize, r.NumLayers, !r.NoBias, r.Dropout, r.Bidirectional, proj)
}

// SetLengths sets the valid length of each sequence of the next Forward
// (1 ≤ length ≤ steps); nil means every sequence uses all steps. The lengths
// stay in force until changed.
func (r *Recurrent[T]) SetLengths(lengths []int) {
	if lengths == nil {
		r.lengths = nil
		return
	}
	r.lengths = append(r.lengths[:0], lengths...)
}

// checkLengths panics unless lengths is nil or holds batch lengths in
// [1, steps]; layer names the layer in the message.
func checkLengths(layer string, lengths []int, batch, steps int) {
	if lengths == nil {
		return
	}
	if len(lengths) != batch {
		panic(fmt.Sprintf("seq: %s.Forward: %d lengths for a batch of %d", layer, len(lengths), batch))
	}
	for i, l := range lengths {
		if l < 1 || l > steps {
			panic(fmt.Sprintf("seq: %s.Forward: length %d of sequence %d outside [1, %d]", layer, l, i, steps))
		}
	}
}

// SetInitialState sets h0 (and c0 for an LSTM; nil otherwise) for the next
// Forward only: h0 of shape (layers·directions·batch, ProjSize) for a
// projected LSTM and (…, HiddenSize) otherwise, c0 of shape
// (layers·directions·batch, HiddenSize). Without it the initial state is
// zero, as in PyTorch.
func (r *Recurrent[T]) SetInitialState(h0, c0 *nn.Matrix[T]) {
	r.h0, r.c0 = h0, c0
}

// FinalState returns hn and cn (cn nil unless LSTM) of the last Forward, of
// the shapes of SetInitialState's h0 and c0 (hn has ProjSize columns for a
// projected LSTM). They belong to the layer.
// For the xLSTM cells hn is each layer's output at each sequence's last
// valid step.
func (r *Recurrent[T]) FinalState() (hn, cn *nn.Matrix[T]) {
	if r.Cell == LSTM {
		return &r.hn, &r.cn
	}
	return &r.hn, nil
}

// SetFinalStateGrad sets the gradients with respect to hn and cn that the
// next Backward adds to the gradient coming through the outputs; nil means
// zero. They apply to one Backward only.
func (r *Recurrent[T]) SetFinalStateGrad(dhn, dcn *nn.Matrix[T]) {
	r.dhn, r.dcn = dhn, dcn
}

// InitialStateGrad returns the gradients with respect to h0 and c0 (nil
// unless LSTM) from the last Backward; both are nil for the xLSTM cells,
// which start from the zero state.
func (r *Recurrent[T]) InitialStateGrad() (dh0, dc0 *nn.Matrix[T]) {
	if r.Cell.xlstm() {
		return nil, nil
	}
	if r.Cell == LSTM {
		return &r.dh0, &r.dc0
	}
	return &r.dh0, nil
}

// Forward runs the stacked recurrence over x of shape
// (batch, steps·InputSize) and returns the outputs of the last layer,
// (batch, steps·OutputSize()), batch-first.
func (r *Recurrent[T]) Forward(x *nn.Matrix[T], train bool) (y *nn.Matrix[T]) {
	if r.Cell.xlstm() {
		// Their products are small (per head and step, or per sequence):
		// OpenBLAS's threads cost more than they give.
		blas.RunSingleThreaded(func() { y = r.forwardXLSTM(x, train) })
		return y
	}
	r.chunks = r.split(x.Rows)
	r.run(func() { y = r.forward(x, train) })
	return y
}

// run runs a pass with OpenBLAS held to one thread when the batch is split
// into concurrent blocks: the blocks are the parallelism.
func (r *Recurrent[T]) run(fn func()) {
	if len(r.chunks) > 1 {
		blas.RunSingleThreaded(fn)
		return
	}
	fn()
}

func (r *Recurrent[T]) forward(x *nn.Matrix[T], train bool) *nn.Matrix[T] {
	if x.Cols%r.InputSize != 0 || x.Cols == 0 {
		panic(fmt.Sprintf("seq: %v.Forward: input is %s, want (batch, steps·%d)", r.Cell, x.Shape(), r.InputSize))
	}
	b, steps := x.Rows, x.Cols/r.InputSize
	r.batch, r.steps = b, steps
	checkLengths(r.Cell.String(), r.lengths, b, steps)
	dirs, h, w := r.directions(), r.HiddenSize, r.stateSize()
	rows := r.NumLayers * dirs * b
	r.checkState("h0", r.h0, rows, w)
	if r.Cell == LSTM {
		r.checkState("c0", r.c0, rows, h)
	}
	hn := nn.Workspace(&r.hn, rows, w)
	cn := nn.Workspace(&r.cn, rows, h)

	in := nn.Workspace(&r.inputs[0], steps*b, r.InputSize)
	toTimeMajor(in, x, r.chunks, steps)
	for l, layer := range r.layers {
		r.drawMasks(l, b, train)
		if r.inMasks != nil && r.inMasks[l] != nil {
			applyMask(&r.inputs[l], r.inMasks[l], r.chunks, steps)
		}
		out := r.layerOutput(l, steps*b)
		for d, dir := range layer {
			k := (l*dirs + d) * b
			var h0, c0 []T
			if r.h0 != nil {
				h0 = r.h0.Data[k*w : (k+b)*w]
			}
			if r.c0 != nil {
				c0 = r.c0.Data[k*h : (k+b)*h]
			}
			dir.forward(&r.inputs[l], out, pass{b: b, steps: steps, chunks: r.chunks, lengths: r.lengths},
				state[T]{h: h0, c: c0}, state[T]{h: hn.Data[k*w : (k+b)*w], c: cn.Data[k*h : (k+b)*h]})
		}
		if l < r.NumLayers-1 {
			dropped := r.dropout[l].Forward(out, train)
			copy(nn.Workspace(&r.inputs[l+1], steps*b, dirs*w).Data, dropped.Data)
		}
	}
	r.h0, r.c0 = nil, nil
	y := nn.Workspace(&r.y, b, steps*dirs*w)
	toBatchFirst(y, r.layerOutput(r.NumLayers-1, steps*b), r.chunks, steps)
	return y
}

// layerOutput returns the time-major output buffer of layer l.
func (r *Recurrent[T]) layerOutput(l, rows int) *nn.Matrix[T] {
	return nn.Workspace(&r.outs[l], rows, r.OutputSize())
}

func (r *Recurrent[T]) checkState(name string, s *nn.Matrix[T], rows, width int) {
	if s != nil && (s.Rows != rows || s.Cols != width) {
		panic(fmt.Sprintf("seq: %v: %s is %s, want %d×%d (layers·directions·batch × state size)", r.Cell, name, s.Shape(), rows, width))
	}
}

// Backward takes the gradient of the loss with respect to the output
// (batch, steps·OutputSize()), adds the gradients set by
// SetFinalStateGrad, accumulates all parameter gradients and returns the
// gradient with respect to the input; InitialStateGrad returns those of the
// initial states.
//
// dy may be nil when only the final states receive gradient (a
// many-to-one head): the outputs then count as having zero gradient.
func (r *Recurrent[T]) Backward(dy *nn.Matrix[T]) (dx *nn.Matrix[T]) {
	if r.Cell.xlstm() {
		blas.RunSingleThreaded(func() { dx = r.backwardXLSTM(dy) })
		return dx
	}
	r.run(func() { dx = r.backward(dy) })
	return dx
}

func (r *Recurrent[T]) backward(dy *nn.Matrix[T]) *nn.Matrix[T] {
	b, steps := r.batch, r.steps
	dirs, h, w := r.directions(), r.HiddenSize, r.stateSize()
	if dy != nil && (dy.Rows != b || dy.Cols != steps*dirs*w) {
		panic(fmt.Sprintf("seq: %v.Backward: gradient is %s, want %d×%d", r.Cell, dy.Shape(), b, steps*dirs*w))
	}
	rows := r.NumLayers * dirs * b
	r.checkState("dhn", r.dhn, rows, w)
	r.checkState("dcn", r.dcn, rows, h)
	dh0 := nn.Workspace(&r.dh0, rows, w)
	dc0 := nn.Workspace(&r.dc0, rows, h)
	dOut := nn.Workspace(&r.dLastOut, steps*b, dirs*w)
	if dy == nil {
		clear(dOut.Data)
	} else {
		toTimeMajor(dOut, dy, r.chunks, steps)
	}
	for l := r.NumLayers - 1; l >= 0; l-- {
		var dIn *nn.Matrix[T]
		if l > 0 || !r.SkipInputGrad {
			dIn = nn.Workspace(&r.dIn[l], steps*b, r.inputs[l].Cols)
		}
		for d, dir := range r.layers[l] {
			k := (l*dirs + d) * b
			var dhn, dcn []T
			if r.dhn != nil {
				dhn = r.dhn.Data[k*w : (k+b)*w]
			}
			if r.dcn != nil {
				dcn = r.dcn.Data[k*h : (k+b)*h]
			}
			dir.backward(&r.inputs[l], dOut, dIn, d > 0, pass{b: b, steps: steps, chunks: r.chunks, lengths: r.lengths},
				state[T]{h: dhn, c: dcn}, state[T]{h: dh0.Data[k*w : (k+b)*w], c: dc0.Data[k*h : (k+b)*h]})
		}
		if dIn != nil && r.inMasks != nil && r.inMasks[l] != nil {
			applyMask(dIn, r.inMasks[l], r.chunks, steps)
		}
		if l > 0 {
			dOut = r.dropout[l-1].Backward(dIn)
		}
	}
	r.dhn, r.dcn = nil, nil
	if r.SkipInputGrad {
		return nil
	}
	dx := nn.Workspace(&r.dx, b, steps*r.InputSize)
	toBatchFirst(dx, &r.dIn[0], r.chunks, steps)
	return dx
}

// drawMasks draws layer l's input mask and its directions' recurrent masks
// for a batch of b sequences into reused buffers, or clears them outside
// training.
func (r *Recurrent[T]) drawMasks(l, b int, train bool) {
	if r.maskRNG == nil {
		return
	}
	r.inMasks[l] = nil
	if train && r.InputDropout > 0 {
		r.inMaskBufs[l] = fillDropoutMask(r.inMaskBufs[l], r.maskRNG, b*r.inputs[l].Cols, r.InputDropout)
		r.inMasks[l] = r.inMaskBufs[l]
	}
	for _, dir := range r.layers[l] {
		dir.hmask = nil
		if train && r.RecurrentDropout > 0 {
			dir.hmaskBuf = fillDropoutMask(dir.hmaskBuf, r.maskRNG, b*r.stateSize(), r.RecurrentDropout)
			dir.hmask = dir.hmaskBuf
		}
	}
}

// dropoutMask returns n values, each 0 with probability p and 1/(1 − p)
// otherwise.
func dropoutMask[T Float](rng *rand.Rand, n int, p float64) []T {
	return fillDropoutMask[T](nil, rng, n, p)
}

// fillDropoutMask draws dropoutMask's n values into dst (grown when too
// short) and returns them.
func fillDropoutMask[T Float](dst []T, rng *rand.Rand, n int, p float64) []T {
	if cap(dst) < n {
		dst = make([]T, n)
	}
	m := dst[:n]
	keep := T(1 / (1 - p))
	for i := range m {
		m[i] = 0
		if rng.Float64() >= p {
			m[i] = keep
		}
	}
	return m
}

// applyMask multiplies the rows of the time-major, chunk-layout m (steps·b
// rows of w values) by the per-sequence mask (b rows of w values): the same
// mask row at every step of a sequence.
func applyMask[T Float](m *nn.Matrix[T], mask []T, chunks []chunk, steps int) {
	w := m.Cols
	for _, c := range chunks {
		block := rows(m.Data, c, steps, w)
		for t := range steps {
			for i := range c.size {
				row := block[(t*c.size+i)*w : (t*c.size+i+1)*w]
				for j, k := range mask[(c.b0+i)*w : (c.b0+i+1)*w] {
					row[j] *= k
				}
			}
		}
	}
}

// split divides a batch of b sequences into the blocks whose time loops run
// concurrently.
func (r *Recurrent[T]) split(b int) []chunk {
	n := r.Parallelism
	if n <= 0 {
		n = min(runtime.GOMAXPROCS(0), b/16)
	}
	n = max(1, min(n, b))
	if len(r.chunks) == n && r.chunks[n-1].b0+r.chunks[n-1].size == b {
		return r.chunks
	}
	return splitRange(b, n)
}

// toTimeMajor copies batch-first x (b, steps·f) into dst in the chunk
// layout (steps·b, f): row steps·b0 + t·size + i is step t of sequence
// b0 + i of the chunk starting at b0.
func toTimeMajor[T Float](dst, x *nn.Matrix[T], chunks []chunk, steps int) {
	f := x.Cols / steps
	for _, c := range chunks {
		for i := 0; i < c.size; i++ {
			row := x.Row(c.b0 + i)
			for t := 0; t < steps; t++ {
				r := steps*c.b0 + t*c.size + i
				copy(dst.Data[r*f:(r+1)*f], row[t*f:(t+1)*f])
			}
		}
	}
}

// toBatchFirst is the inverse of toTimeMajor.
func toBatchFirst[T Float](dst, x *nn.Matrix[T], chunks []chunk, steps int) {
	f := x.Cols
	for _, c := range chunks {
		for i := 0; i < c.size; i++ {
			row := dst.Row(c.b0 + i)
			for t := 0; t < steps; t++ {
				r := steps*c.b0 + t*c.size + i
				copy(row[t*f:(t+1)*f], x.Data[r*f:(r+1)*f])
			}
		}
	}
}

// gemmNT computes c = alpha·a·bᵀ + beta·c for row-major blocks.
func gemmNT[T Float](m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	blas.Gemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, lda, b, ldb, beta, c, ldc)
}
