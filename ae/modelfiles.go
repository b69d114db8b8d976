package ae

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// Model-file names of the VAE and the sequence autoencoder (nn.KeyModel).
const (
	ModelVAE                 = "vae"
	ModelSequenceAutoencoder = "sequence_autoencoder"
)

// Metadata returns the architecture of v as safetensors metadata (nn's
// schema): its sizes, activations, reconstruction loss and β.
func (v *VAE[T]) Metadata() map[string]string {
	return map[string]string{
		nn.KeyModel: ModelVAE, nn.KeyLayers: sizesString(v.Layers), nn.KeyHidden: v.Hidden.String(),
		nn.KeyOutput: v.Output.String(), nn.KeyLoss: v.Loss.String(), nn.KeyBeta: strconv.FormatFloat(v.beta(), 'g', -1, 64),
		nn.KeyDType: fmt.Sprintf("%T", T(0)),
	}
}

// EncodeFile returns v as a safetensors file: its weights under PyTorch's
// names (encoder, fc_mu, fc_logvar, decoder) and its architecture, with the
// caller's extra metadata beside it.
func (v *VAE[T]) EncodeFile(extra map[string]string) ([]byte, error) {
	return nn.EncodeModel(v.Params(), v.Metadata(), extra)
}

// Save writes EncodeFile's file to path atomically.
func (v *VAE[T]) Save(path string, extra map[string]string) error {
	return saveFile(path, v.EncodeFile, extra)
}

// LoadVAE rebuilds the VAE saved in a safetensors file by Save (or by
// physml vae) and returns it with all of the file's metadata.
func LoadVAE[T Float](path string) (*VAE[T], map[string]string, error) {
	return nn.LoadModel(path, DecodeVAE[T])
}

// DecodeVAE builds the VAE that tensors and meta describe; the sizes are
// checked against the values the file holds before anything is built.
func DecodeVAE[T Float](tensors map[string]nn.Tensor, meta map[string]string) (*VAE[T], error) {
	if meta[nn.KeyModel] != ModelVAE {
		return nil, fmt.Errorf("metadata %s is %q, not a %s", nn.KeyModel, meta[nn.KeyModel], ModelVAE)
	}
	var cfg VAEConfig
	var err error
	if cfg.Layers, err = parseSizes(meta[nn.KeyLayers], len(tensors)); err != nil {
		return nil, fmt.Errorf("metadata %s: %v", nn.KeyLayers, err)
	}
	for key, dst := range map[string]*Activation{nn.KeyHidden: &cfg.Hidden, nn.KeyOutput: &cfg.Output} {
		if *dst, err = ParseActivation(meta[key]); err != nil {
			return nil, fmt.Errorf("metadata %s: %v", key, err)
		}
	}
	if cfg.Loss, err = ParseLoss(meta[nn.KeyLoss]); err != nil {
		return nil, fmt.Errorf("metadata %s: %v", nn.KeyLoss, err)
	}
	if s, ok := meta[nn.KeyBeta]; ok {
		if cfg.Beta, err = strconv.ParseFloat(s, 64); err != nil || !(cfg.Beta >= 0) || math.IsInf(cfg.Beta, 0) {
			return nil, fmt.Errorf("metadata %s = %q: want a finite weight ≥ 0", nn.KeyBeta, s)
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := nn.CheckParamCount(tensors, cfg.ParamCount()); err != nil {
		return nil, err
	}
	v, err := NewVAE[T](cfg, nn.NewRand(0), 0)
	if err != nil {
		return nil, err
	}
	if err := nn.AssignTensors(tensors, v.Params()); err != nil {
		return nil, err
	}
	return v, nil
}

// ParamCount returns the number of parameters of a VAE of c, in float64
// (no size can overflow): the encoder's Dense layers up to the last hidden
// size, the μ and log σ² heads, and the mirrored decoder.
func (c VAEConfig) ParamCount() float64 {
	sizes := c.Layers
	n := len(sizes) - 1
	var p float64
	for i := 0; i < n; i++ {
		in, out := float64(sizes[i]), float64(sizes[i+1])
		if i < n-1 {
			p += in*out + out // encoder
		} else {
			p += 2 * (in*out + out) // the two heads
		}
		p += out*in + in // decoder
	}
	return p
}

// sizesString writes sizes as "784,400,20".
func sizesString(sizes []int) string {
	s := make([]string, len(sizes))
	for i, n := range sizes {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// saveFile writes the file encode makes to path atomically.
func saveFile(path string, encode func(map[string]string) ([]byte, error), extra map[string]string) error {
	data, err := encode(extra)
	if err != nil {
		return err
	}
	return fileio.WriteAtomic(path, data)
}

// Metadata returns the architecture of a as safetensors metadata (nn's
// schema): the cell, features per step, hidden size, layers and code size.
func (a *SequenceAE[T]) Metadata() map[string]string {
	return map[string]string{
		nn.KeyModel: ModelSequenceAutoencoder, nn.KeyCell: seq.CellName(a.Cell), nn.KeyInputSize: strconv.Itoa(a.Features),
		nn.KeyHidden: strconv.Itoa(a.Hidden), nn.KeyLayers: strconv.Itoa(max(a.Layers, 1)), nn.KeyCode: strconv.Itoa(a.Code),
		nn.KeyDType: fmt.Sprintf("%T", T(0)),
	}
}

// EncodeFile returns a as a safetensors file: its weights under PyTorch's
// names ("encoder.lstm.weight_ih_l0", …, "decoder.fc.bias") and its
// architecture, with the caller's extra metadata beside it.
func (a *SequenceAE[T]) EncodeFile(extra map[string]string) ([]byte, error) {
	return nn.EncodeModel(a.Params(), a.Metadata(), extra)
}

// Save writes EncodeFile's file to path atomically.
func (a *SequenceAE[T]) Save(path string, extra map[string]string) error {
	return saveFile(path, a.EncodeFile, extra)
}

// LoadSequenceAE rebuilds the sequence autoencoder saved in a safetensors
// file by Save (or by physml anomaly, any version) and returns it with all
// of the file's metadata.
func LoadSequenceAE[T Float](path string) (*SequenceAE[T], map[string]string, error) {
	return nn.LoadModel(path, DecodeSequenceAE[T])
}

// DecodeSequenceAE builds the sequence autoencoder that tensors and meta
// describe. Its two halves are decoded as the seq.Classifier and
// seq.Regressor they are, each checked against the values the file holds
// before it is built. Files written before physml.input_size and
// physml.layers were saved (the cell then spelled "LSTM" or "GRU") take the
// features from the encoder's first weight and one layer.
func DecodeSequenceAE[T Float](tensors map[string]nn.Tensor, meta map[string]string) (*SequenceAE[T], error) {
	if meta[nn.KeyModel] != ModelSequenceAutoencoder {
		return nil, fmt.Errorf("metadata %s is %q, not a %s", nn.KeyModel, meta[nn.KeyModel], ModelSequenceAutoencoder)
	}
	cell, err := seq.ParseCell(strings.ToLower(meta[nn.KeyCell]))
	if err != nil {
		return nil, fmt.Errorf("metadata %s: %v", nn.KeyCell, err)
	}
	name := seq.CellName(cell)
	features := meta[nn.KeyInputSize]
	if features == "" {
		t, ok := tensors["encoder."+name+".weight_ih_l0"]
		if !ok || len(t.Shape) != 2 {
			return nil, fmt.Errorf("metadata %s is missing and the file has no encoder.%s.weight_ih_l0 matrix", nn.KeyInputSize, name)
		}
		features = strconv.Itoa(t.Shape[1])
	}
	layers := meta[nn.KeyLayers]
	if layers == "" {
		layers = "1"
	}
	half := func(model, in, out string) map[string]string {
		return map[string]string{nn.KeyModel: model, nn.KeyCell: name, nn.KeyInputSize: in, nn.KeyHidden: meta[nn.KeyHidden],
			nn.KeyLayers: layers, nn.KeyOutputs: out}
	}
	own := func(prefix string) map[string]nn.Tensor {
		out := map[string]nn.Tensor{}
		for k, t := range tensors {
			if rest, ok := strings.CutPrefix(k, prefix+"."); ok {
				out[rest] = t
			}
		}
		return out
	}
	encTensors, decTensors := own("encoder"), own("decoder")
	if len(encTensors)+len(decTensors) != len(tensors) {
		return nil, fmt.Errorf("holds %d tensors outside encoder. and decoder.", len(tensors)-len(encTensors)-len(decTensors))
	}
	enc, err := seq.DecodeClassifier[T](encTensors, half("classifier", features, meta[nn.KeyCode]))
	if err != nil {
		return nil, fmt.Errorf("the encoder: %w", err)
	}
	dec, err := seq.DecodeRegressor[T](decTensors, half("regressor", meta[nn.KeyCode], features))
	if err != nil {
		return nil, fmt.Errorf("the decoder: %w", err)
	}
	cfg := SequenceConfig{Cell: cell, Features: enc.RNN.InputSize, Hidden: enc.RNN.HiddenSize, Layers: enc.RNN.NumLayers, Code: enc.FC.Out}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dec.InputGradient(true)
	return &SequenceAE[T]{SequenceConfig: cfg, Encoder: enc, Decoder: dec}, nil
}

// ParamCount returns the number of parameters of a sequence autoencoder of
// c, in float64: the encoder (a classifier of the features to the code)
// and the decoder (a regressor of the code to the features).
func (c SequenceConfig) ParamCount() float64 {
	layers := max(c.Layers, 1)
	return seq.ParamCount(c.Cell, seq.Config{InputSize: c.Features, HiddenSize: c.Hidden, NumLayers: layers}, c.Code) +
		seq.ParamCount(c.Cell, seq.Config{InputSize: c.Code, HiddenSize: c.Hidden, NumLayers: layers}, c.Features)
}
