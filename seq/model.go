package seq

import (
	"fmt"

	"github.com/physml/physml/nn"
)

// ModelSpec describes a recurrent classifier or regressor: the cell and
// its configuration, the head, and the initialisation.
type ModelSpec struct {
	Cell    CellType
	Config  Config
	Outputs int // classes of a classifier; values per step of a regressor
	// Regressor builds a Regressor (a Dense layer at every step, MSE)
	// instead of a Classifier (a Dense layer on the last state,
	// cross-entropy).
	Regressor bool
	// Norm is a classifier's normalisation of its last states before the
	// Dense layer: "" or "none", "batchnorm" (nn.BatchNorm1d) or
	// "layernorm" (nn.LayerNorm).
	Norm string
	// Keras initialises as the lecture's Keras listing: the recurrent
	// weights by InitKeras, an LSTM's forget-gate bias 1 (Keras's
	// unit_forget_bias), the Dense layer Glorot-uniform with zero bias.
	// Otherwise every layer has PyTorch's default initialisation.
	Keras bool
	Seed  uint64 // of the initialisation
}

// Model is a built ModelSpec.
type Model[T Float] struct {
	Net  nn.Layer[T] // the *Classifier or *Regressor, to train and apply
	RNN  *Recurrent[T]
	FC   *nn.Dense[T]
	Loss nn.Loss[T] // nn.CrossEntropy for a classifier, nn.MSE for a regressor
}

// NewModel builds the model of spec, initialised from spec.Seed.
func NewModel[T Float](spec ModelSpec) (*Model[T], error) {
	if spec.Outputs < 1 {
		return nil, fmt.Errorf("seq: a model of %d outputs", spec.Outputs)
	}
	cfg := spec.Config
	if spec.Keras {
		cfg.Init = InitKeras
		if spec.Cell == LSTM {
			cfg.ForgetBias = 1
		}
	}
	m := &Model[T]{}
	rng := nn.NewRand(spec.Seed)
	if spec.Regressor {
		if spec.Norm != "" && spec.Norm != "none" {
			return nil, fmt.Errorf("seq: a regressor has no %s layer; a classifier may", spec.Norm)
		}
		r := NewRegressor[T](spec.Cell, cfg, spec.Outputs, rng)
		m.Net, m.RNN, m.FC, m.Loss = r, r.RNN, r.FC, nn.MSE[T]{}
	} else {
		c := NewClassifier[T](spec.Cell, cfg, spec.Outputs, rng)
		switch spec.Norm {
		case "", "none":
		case "batchnorm":
			c.Norm = nn.NewBatchNorm1d[T](c.RNN.OutputSize())
		case "layernorm":
			c.Norm = nn.NewLayerNorm[T](c.RNN.OutputSize())
		default:
			return nil, fmt.Errorf("seq: normalisation %q: want none, batchnorm or layernorm", spec.Norm)
		}
		m.Net, m.RNN, m.FC, m.Loss = c, c.RNN, c.FC, nn.CrossEntropy[T]{}
	}
	if spec.Keras {
		nn.XavierUniform(nn.NewRand(spec.Seed+1), m.FC.Weight.Value, m.FC.In, m.FC.Out, 1)
		clear(m.FC.Bias.Value)
	}
	return m, nil
}

// EncodeFile returns the model as a safetensors file with extra metadata
// (Classifier.EncodeFile, Regressor.EncodeFile).
func (m *Model[T]) EncodeFile(extra map[string]string) ([]byte, error) {
	if r, ok := m.Net.(*Regressor[T]); ok {
		return r.EncodeFile(extra)
	}
	return m.Net.(*Classifier[T]).EncodeFile(extra)
}

// String describes the layers: "LSTM(28, 128), Dense(128→10)", with the
// norm layer between them, or "…, Dense(128→2) at every step" for a
// regressor.
func (m *Model[T]) String() string {
	c, ok := m.Net.(*Classifier[T])
	if !ok {
		return fmt.Sprintf("%v, Dense(%d→%d) at every step", m.RNN, m.RNN.OutputSize(), m.FC.Out)
	}
	norm := ""
	if c.Norm != nil {
		norm = fmt.Sprintf("%v, ", c.Norm)
	}
	return fmt.Sprintf("%v, %sDense(%d→%d)", m.RNN, norm, m.RNN.OutputSize(), m.FC.Out)
}
