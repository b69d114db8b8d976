package saved

import (
	"sort"
	"strings"

	"github.com/physml/physml/nn"
)

// Preparation says how the inputs of the model's exported graph (package
// onnx) must be prepared: as in training, which the model file's metadata
// records.
func (m *Model) Preparation() string {
	meta := m.Metadata
	switch n := meta[nn.KeyNormalization]; {
	case meta[nn.KeyData] == "mnist" && n == "unit":
		return "the graph expects MNIST pixels divided by 255, as in training"
	case meta[nn.KeyData] == "mnist" && n == "symmetric":
		return "the graph expects MNIST pixels p as 2p/255 − 1, as in training"
	case meta[nn.KeyData] == "mnist" && n == "standardize":
		return "the graph expects MNIST pixels p as (p/255 − 0.1307)/0.3081, as in training"
	}
	var keys []string
	for k := range meta {
		if k == nn.KeyFeatureMean || k == nn.KeyFeatureStd || strings.HasPrefix(k, nn.InputScalingPrefix) || k == nn.KeyNormalization {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "the graph expects its inputs as the model saw them in training"
	}
	sort.Strings(keys)
	return "the graph expects inputs prepared as in training: see the model file's metadata " + strings.Join(keys, ", ")
}
