package ae

import (
	"fmt"
	"math"
	"strconv"

	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/nn"
)

// Metadata returns the architecture of a as safetensors metadata (the
// schema is in nn's package documentation, "Model files").
func (a *Autoencoder[T]) Metadata() map[string]string {
	layers := ""
	for i, n := range a.Layers {
		if i > 0 {
			layers += ","
		}
		layers += strconv.Itoa(n)
	}
	meta := map[string]string{
		nn.KeyModel: "autoencoder", nn.KeyLayers: layers, nn.KeyHidden: a.Hidden.String(), nn.KeyCode: a.Code.String(),
		nn.KeyOutput: a.Output.String(), nn.KeyLoss: a.Loss.String(), nn.KeyTied: strconv.FormatBool(a.TiedWeights),
		nn.KeySparsity: strconv.FormatFloat(a.Sparsity, 'g', -1, 64), nn.KeyDType: fmt.Sprintf("%T", T(0)),
	}
	if a.BatchNorm {
		meta[nn.KeyBatchNorm] = "true"
	}
	return meta
}

// EncodeFile returns a as a safetensors file: its state_dict (weights and
// the BatchNorm1d buffers) under PyTorch's names and its architecture, with
// the caller's extra metadata beside it.
func (a *Autoencoder[T]) EncodeFile(extra map[string]string) ([]byte, error) {
	return nn.EncodeModel(nn.StateDict[T](a), a.Metadata(), extra)
}

// Save writes EncodeFile's file to path atomically.
func (a *Autoencoder[T]) Save(path string, extra map[string]string) error {
	data, err := a.EncodeFile(extra)
	if err != nil {
		return err
	}
	return fileio.WriteAtomic(path, data)
}

// Load rebuilds the autoencoder saved in a safetensors file by Save and
// returns it with all of the file's metadata.
func Load[T Float](path string) (*Autoencoder[T], map[string]string, error) {
	return nn.LoadModel(path, DecodeAutoencoder[T])
}

// Decode is DecodeAutoencoder under its earlier name.
//
// Deprecated: use DecodeAutoencoder; Decode is also the name of the
// network half Autoencoder.Decode.
func Decode[T Float](tensors map[string]nn.Tensor, meta map[string]string) (*Autoencoder[T], error) {
	return DecodeAutoencoder[T](tensors, meta)
}

// DecodeAutoencoder builds the autoencoder that tensors and meta (as
// nn.ReadSafetensors returns them) describe. The architecture is checked
// against the number of values the file holds before anything is built.
func DecodeAutoencoder[T Float](tensors map[string]nn.Tensor, meta map[string]string) (*Autoencoder[T], error) {
	if meta[nn.KeyModel] != "autoencoder" {
		return nil, fmt.Errorf("metadata %s is %q, not an autoencoder", nn.KeyModel, meta[nn.KeyModel])
	}
	var cfg Config
	var err error
	if cfg.Layers, err = parseSizes(meta[nn.KeyLayers], len(tensors)); err != nil {
		return nil, fmt.Errorf("metadata physml.layers: %v", err)
	}
	for key, dst := range map[string]*Activation{nn.KeyHidden: &cfg.Hidden, nn.KeyOutput: &cfg.Output} {
		if *dst, err = ParseActivation(meta[key]); err != nil {
			return nil, fmt.Errorf("metadata %s: %v", key, err)
		}
	}
	cfg.Code = cfg.Hidden // files without physml.code: the command's default
	if code, ok := meta[nn.KeyCode]; ok {
		if cfg.Code, err = ParseActivation(code); err != nil {
			return nil, fmt.Errorf("metadata physml.code: %v", err)
		}
	}
	if cfg.Loss, err = ParseLoss(meta[nn.KeyLoss]); err != nil {
		return nil, fmt.Errorf("metadata physml.loss: %v", err)
	}
	if cfg.TiedWeights, err = nn.MetadataBool(meta, nn.KeyTied, false); err != nil {
		return nil, err
	}
	if cfg.BatchNorm, err = nn.MetadataBool(meta, nn.KeyBatchNorm, false); err != nil {
		return nil, err
	}
	if s, ok := meta[nn.KeySparsity]; ok {
		if cfg.Sparsity, err = strconv.ParseFloat(s, 64); err != nil || !(cfg.Sparsity >= 0) || math.IsInf(cfg.Sparsity, 0) {
			return nil, fmt.Errorf("metadata physml.sparsity = %q: want a finite weight ≥ 0", s)
		}
	}
	described := cfg.ParamCount()
	if err := nn.CheckParamCount(tensors, described); err != nil {
		return nil, err
	}
	a, err := New[T](cfg, nn.NewRand(0))
	if err != nil {
		return nil, err
	}
	if err := nn.AssignTensors(tensors, nn.StateDict[T](a)); err != nil {
		return nil, err
	}
	return a, nil
}

// parseSizes parses "784,256,64": at least two positive sizes and, as each
// layer has tensors of its own, at most tensors+1 of them.
func parseSizes(s string, tensors int) ([]int, error) {
	var sizes []int
	for start := 0; start <= len(s); {
		end := start
		for end < len(s) && s[end] != ',' {
			end++
		}
		n, err := strconv.Atoi(s[start:end])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a list of positive sizes", s)
		}
		if sizes = append(sizes, n); len(sizes) > tensors+1 {
			return nil, fmt.Errorf("%q has more layers than the file's %d tensors", s, tensors)
		}
		start = end + 1
	}
	if len(sizes) < 2 {
		return nil, fmt.Errorf("%q: want the input and the code size at least", s)
	}
	return sizes, nil
}

// ParamCount returns the number of values an autoencoder of c holds
// (weights, biases and BatchNorm1d's statistics), in float64 so that no
// size overflows: what a caller checks against a memory bound before
// building one that large.
func (c Config) ParamCount() float64 {
	var described float64
	for i := 0; i+1 < len(c.Layers); i++ {
		in, out := float64(c.Layers[i]), float64(c.Layers[i+1])
		described += in*out + out + in // encoder weight and bias, decoder bias
		if !c.TiedWeights {
			described += in * out
		}
		if c.BatchNorm && i+2 < len(c.Layers) { // a hidden size: one BatchNorm1d in each half
			described += 2 * (4*out + 1)
		}
	}
	return described
}
