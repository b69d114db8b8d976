package seq

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/nn"
)

// cellNames are the cell names of model files and of the command's --cell.
var cellNames = map[CellType]string{LSTM: "lstm", GRU: "gru", RNNTanh: "rnn", RNNReLU: "rnn_relu", SLSTMCell: "slstm", MLSTMCell: "mlstm"}

// CellName returns the cell's name in model files and flags: lstm, gru,
// rnn, rnn_relu, slstm or mlstm.
func CellName(c CellType) string { return cellNames[c] }

// ParseLayers parses the sizes of stacked recurrent layers, a hidden size
// per layer, comma-separated: "64,64" is two layers of 64. The layers
// share one hidden size, as PyTorch's nn.LSTM(hidden_size, num_layers) has
// them; at most 1024 layers of at most 65536.
func ParseLayers(s string) (hidden, layers int, err error) {
	for _, f := range strings.Split(s, ",") {
		h, err := strconv.Atoi(strings.TrimSpace(f))
		switch {
		case err != nil || h <= 0:
			return 0, 0, fmt.Errorf("seq: layers %q: not a list of positive sizes", s)
		case layers > 0 && h != hidden:
			return 0, 0, fmt.Errorf("seq: layers %s: stacked recurrent layers share one hidden size (as in PyTorch's nn.LSTM): give it once per layer, as %d,%d", s, hidden, hidden)
		case h > 1<<16 || layers == 1<<10:
			return 0, 0, fmt.Errorf("seq: layers %s: at most 1024 layers of at most 65536", s)
		}
		hidden, layers = h, layers+1
	}
	return hidden, layers, nil
}

// ParseCell returns the cell type named lstm, gru, rnn (tanh), rnn_relu,
// slstm or mlstm.
func ParseCell(s string) (CellType, error) {
	for c, name := range cellNames {
		if name == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("seq: cell %q: want lstm, gru, rnn, rnn_relu, slstm or mlstm", s)
}

// Metadata returns the architecture of c as safetensors metadata (the
// schema is in nn's package documentation, "Model files").
func (c *Classifier[T]) Metadata() map[string]string {
	meta := headMetadata("classifier", c.RNN, c.FC.Out)
	if kind := normKind(c.Norm); kind != "" {
		meta[nn.KeyNorm] = kind
	}
	return meta
}

// Metadata returns the architecture of m as safetensors metadata, as the
// Classifier's with physml.model = regressor.
func (m *Regressor[T]) Metadata() map[string]string {
	return headMetadata("regressor", m.RNN, m.FC.Out)
}

// headMetadata describes a recurrent layer r under a Dense head of outputs.
func headMetadata[T Float](model string, r *Recurrent[T], outputs int) map[string]string {
	meta := map[string]string{
		nn.KeyModel: model, nn.KeyCell: cellNames[r.Cell], nn.KeyInputSize: strconv.Itoa(r.InputSize),
		nn.KeyHidden: strconv.Itoa(r.HiddenSize), nn.KeyLayers: strconv.Itoa(r.NumLayers),
		nn.KeyBidirectional: strconv.FormatBool(r.Bidirectional), nn.KeyBias: strconv.FormatBool(!r.NoBias),
		nn.KeyOutputs: strconv.Itoa(outputs), nn.KeyDType: fmt.Sprintf("%T", T(0)),
	}
	if r.Cell.xlstm() {
		meta[nn.KeyHeads] = strconv.Itoa(r.heads())
	}
	if r.ProjSize > 0 {
		meta[nn.KeyProjSize] = strconv.Itoa(r.ProjSize)
	}
	return meta
}

// EncodeFile returns c as a safetensors file: its weights under PyTorch's names
// and its architecture, with the caller's extra metadata beside it.
func (c *Classifier[T]) EncodeFile(extra map[string]string) ([]byte, error) {
	if normKind(c.Norm) == "other" {
		return nil, fmt.Errorf("seq: a model file describes a Classifier's Norm when it is an nn.BatchNorm1d or nn.LayerNorm, not a %T", c.Norm)
	}
	return nn.EncodeModel(c.StateDict(), c.Metadata(), extra)
}

// Save writes EncodeFile's file to path atomically.
func (c *Classifier[T]) Save(path string, extra map[string]string) error {
	return save(path, c.EncodeFile, extra)
}

// EncodeFile returns m as a safetensors file, as the Classifier's.
func (m *Regressor[T]) EncodeFile(extra map[string]string) ([]byte, error) {
	return nn.EncodeModel(m.Params(), m.Metadata(), extra)
}

// Save writes EncodeFile's file to path atomically.
func (m *Regressor[T]) Save(path string, extra map[string]string) error {
	return save(path, m.EncodeFile, extra)
}

// save writes the file encode makes to path atomically.
func save(path string, encode func(map[string]string) ([]byte, error), extra map[string]string) error {
	data, err := encode(extra)
	if err != nil {
		return err
	}
	return fileio.WriteAtomic(path, data)
}

// LoadClassifier rebuilds the classifier saved in a safetensors file by
// Save and returns it with all of the file's metadata.
func LoadClassifier[T Float](path string) (*Classifier[T], map[string]string, error) {
	return nn.LoadModel(path, DecodeClassifier[T])
}

// LoadRegressor rebuilds the regressor saved in a safetensors file by Save
// and returns it with all of the file's metadata.
func LoadRegressor[T Float](path string) (*Regressor[T], map[string]string, error) {
	return nn.LoadModel(path, DecodeRegressor[T])
}

// DecodeClassifier builds the classifier that tensors and meta (as
// nn.ReadSafetensors returns them) describe. The architecture is checked
// against the number of values the file holds before anything is built.
func DecodeClassifier[T Float](tensors map[string]nn.Tensor, meta map[string]string) (*Classifier[T], error) {
	cell, cfg, outputs, err := decodeHead(tensors, meta, "classifier")
	if err != nil {
		return nil, err
	}
	c := NewClassifier[T](cell, cfg, outputs, nn.NewRand(0))
	if kind, ok := meta[nn.KeyNorm]; ok {
		if c.Norm, err = newNorm[T](kind, c.RNN.OutputSize()); err != nil {
			return nil, fmt.Errorf("metadata physml.norm: %v", err)
		}
	}
	if err := nn.AssignTensors(tensors, c.StateDict()); err != nil {
		return nil, err
	}
	return c, nil
}

// DecodeRegressor builds the regressor that tensors and meta describe, as
// DecodeClassifier.
func DecodeRegressor[T Float](tensors map[string]nn.Tensor, meta map[string]string) (*Regressor[T], error) {
	cell, cfg, outputs, err := decodeHead(tensors, meta, "regressor")
	if err != nil {
		return nil, err
	}
	m := NewRegressor[T](cell, cfg, outputs, nn.NewRand(0))
	if err := nn.AssignTensors(tensors, m.Params()); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeHead reads the architecture of a recurrent layer under a Dense head
// (physml.model = model) and checks it against the values the file holds.
func decodeHead(tensors map[string]nn.Tensor, meta map[string]string, model string) (cell CellType, cfg Config, outputs int, err error) {
	if meta[nn.KeyModel] != model {
		return 0, cfg, 0, fmt.Errorf("metadata %s is %q, not a recurrent %s", nn.KeyModel, meta[nn.KeyModel], model)
	}
	if cell, err = ParseCell(meta[nn.KeyCell]); err != nil {
		return 0, cfg, 0, fmt.Errorf("metadata physml.cell: %v", err)
	}
	for key, dst := range map[string]*int{nn.KeyInputSize: &cfg.InputSize, nn.KeyHidden: &cfg.HiddenSize,
		nn.KeyLayers: &cfg.NumLayers, nn.KeyOutputs: &outputs} {
		if *dst, err = nn.MetadataInt(meta, key); err != nil {
			return 0, cfg, 0, err
		}
	}
	if cfg.Bidirectional, err = nn.MetadataBool(meta, nn.KeyBidirectional, false); err != nil {
		return 0, cfg, 0, err
	}
	bias, err := nn.MetadataBool(meta, nn.KeyBias, true)
	if err != nil {
		return 0, cfg, 0, err
	}
	cfg.NoBias = !bias
	if cell.xlstm() {
		if cfg.Heads, err = nn.MetadataInt(meta, nn.KeyHeads); err != nil {
			return 0, cfg, 0, err
		}
		if cfg.HiddenSize%cfg.Heads != 0 || cfg.Bidirectional || cfg.NoBias {
			return 0, cfg, 0, fmt.Errorf("metadata: an %v of hidden size %d with %d heads, bidirectional %v, bias %v cannot be built", cell, cfg.HiddenSize, cfg.Heads, cfg.Bidirectional, bias)
		}
	}
	if _, ok := meta[nn.KeyProjSize]; ok {
		if cfg.ProjSize, err = nn.MetadataInt(meta, nn.KeyProjSize); err != nil {
			return 0, cfg, 0, err
		}
		if cell != LSTM || cfg.ProjSize >= cfg.HiddenSize {
			return 0, cfg, 0, fmt.Errorf("metadata physml.proj_size = %d: a projection of a %v of hidden size %d cannot be built", cfg.ProjSize, cell, cfg.HiddenSize)
		}
	}
	if cfg.NumLayers > len(tensors) { // each layer has tensors of its own
		return 0, cfg, 0, fmt.Errorf("metadata physml.layers = %d, but the file holds only %d tensors", cfg.NumLayers, len(tensors))
	}
	described := headParams(cell, cfg, outputs, meta[nn.KeyNorm])
	if err := nn.CheckParamCount(tensors, described); err != nil {
		return 0, cfg, 0, err
	}
	return cell, cfg, outputs, nil
}

// ParamCount returns the number of parameters (weights and biases) of a
// Classifier or Regressor of the given cell, configuration and outputs,
// computed in float64 so that no size overflows: what a caller checks
// against a memory bound before building a model that large.
func ParamCount(cell CellType, cfg Config, outputs int) float64 {
	cfg.NumLayers = max(cfg.NumLayers, 1)
	if cell.xlstm() {
		cfg.Heads = max(cfg.Heads, 1)
	}
	return headParams(cell, cfg, outputs, "")
}

// headParams returns the parameters of a recurrent layer of cfg under a
// Dense head of outputs, with a norm ("batchnorm", "layernorm" or "") in
// between, in float64.
func headParams(cell CellType, cfg Config, outputs int, norm string) float64 {
	dirs, h, in := 1.0, float64(cfg.HiddenSize), float64(cfg.InputSize)
	if cfg.Bidirectional {
		dirs = 2
	}
	bias := !cfg.NoBias
	gh := float64(cell.gates()) * h
	w := h // the width of h
	if cfg.ProjSize > 0 {
		w = float64(cfg.ProjSize)
	}
	described := float64(outputs)*dirs*w + float64(outputs)
	for l := 0; l < cfg.NumLayers; l++ {
		switch {
		case cell.xlstm():
			described += xlstmParams(cell, in, h, float64(cfg.Heads))
		default:
			described += dirs * (gh*in + gh*w)
			if bias {
				described += dirs * 2 * gh
			}
			if cfg.ProjSize > 0 {
				described += dirs * w * h // weight_hr
			}
		}
		in = dirs * w
	}
	switch norm { // over the dirs·w last states
	case "batchnorm": // weight, bias, running mean and variance, the batch count
		described += 4*dirs*w + 1
	case "layernorm":
		described += 2 * dirs * w
	}
	return described
}
