package seq

import (
	"fmt"
	"strconv"

	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/nn"
)

// cellNames are the cell names of model files and of the command's --cell.
var cellNames = map[CellType]string{LSTM: "lstm", GRU: "gru", RNNTanh: "rnn", RNNReLU: "rnn_relu", SLSTMCell: "slstm", MLSTMCell: "mlstm"}

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
	r := c.RNN
	meta := map[string]string{
		"physml.model": "classifier", "physml.cell": cellNames[r.Cell], "physml.input_size": strconv.Itoa(r.InputSize),
		"physml.hidden": strconv.Itoa(r.HiddenSize), "physml.layers": strconv.Itoa(r.NumLayers),
		"physml.bidirectional": strconv.FormatBool(r.Bidirectional), "physml.bias": strconv.FormatBool(!r.NoBias),
		"physml.outputs": strconv.Itoa(c.FC.Out), "physml.dtype": fmt.Sprintf("%T", T(0)),
	}
	if r.Cell.xlstm() {
		meta["physml.heads"] = strconv.Itoa(r.heads())
	}
	return meta
}

// EncodeFile returns c as a safetensors file: its weights under PyTorch's names
// and its architecture, with the caller's extra metadata beside it.
func (c *Classifier[T]) EncodeFile(extra map[string]string) ([]byte, error) {
	return nn.EncodeModel(c.Params(), c.Metadata(), extra)
}

// Save writes EncodeFile's file to path atomically.
func (c *Classifier[T]) Save(path string, extra map[string]string) error {
	data, err := c.EncodeFile(extra)
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

// DecodeClassifier builds the classifier that tensors and meta (as
// nn.ReadSafetensors returns them) describe. The architecture is checked
// against the number of values the file holds before anything is built.
func DecodeClassifier[T Float](tensors map[string]nn.Tensor, meta map[string]string) (*Classifier[T], error) {
	if meta["physml.model"] != "classifier" {
		return nil, fmt.Errorf("metadata physml.model is %q, not a recurrent classifier", meta["physml.model"])
	}
	cell, err := ParseCell(meta["physml.cell"])
	if err != nil {
		return nil, fmt.Errorf("metadata physml.cell: %v", err)
	}
	var cfg Config
	var outputs int
	for key, dst := range map[string]*int{"physml.input_size": &cfg.InputSize, "physml.hidden": &cfg.HiddenSize,
		"physml.layers": &cfg.NumLayers, "physml.outputs": &outputs} {
		if *dst, err = nn.MetadataInt(meta, key); err != nil {
			return nil, err
		}
	}
	if cfg.Bidirectional, err = nn.MetadataBool(meta, "physml.bidirectional", false); err != nil {
		return nil, err
	}
	bias, err := nn.MetadataBool(meta, "physml.bias", true)
	if err != nil {
		return nil, err
	}
	cfg.NoBias = !bias
	if cell.xlstm() {
		if cfg.Heads, err = nn.MetadataInt(meta, "physml.heads"); err != nil {
			return nil, err
		}
		if cfg.HiddenSize%cfg.Heads != 0 || cfg.Bidirectional || cfg.NoBias {
			return nil, fmt.Errorf("metadata: an %v of hidden size %d with %d heads, bidirectional %v, bias %v cannot be built", cell, cfg.HiddenSize, cfg.Heads, cfg.Bidirectional, bias)
		}
	}
	if cfg.NumLayers > len(tensors) { // each layer has tensors of its own
		return nil, fmt.Errorf("metadata physml.layers = %d, but the file holds only %d tensors", cfg.NumLayers, len(tensors))
	}
	// The parameters this architecture has, in float64 (no overflow).
	dirs, h, in := 1.0, float64(cfg.HiddenSize), float64(cfg.InputSize)
	if cfg.Bidirectional {
		dirs = 2
	}
	gh := float64(cell.gates()) * h
	described := float64(outputs)*dirs*h + float64(outputs)
	for l := 0; l < cfg.NumLayers; l++ {
		switch {
		case cell.xlstm():
			described += xlstmParams(cell, in, h, float64(cfg.Heads))
		default:
			described += dirs * (gh*in + gh*h)
			if bias {
				described += dirs * 2 * gh
			}
		}
		in = dirs * h
	}
	if err := nn.CheckParamCount(tensors, described); err != nil {
		return nil, err
	}
	c := NewClassifier[T](cell, cfg, outputs, nn.NewRand(0))
	if err := nn.AssignTensors(tensors, c.Params()); err != nil {
		return nil, err
	}
	return c, nil
}
