package nn

import (
	"fmt"
	"strconv"
)

// Model files.
//
// physml's models save their architecture in the safetensors metadata
// beside their weights, so that one call rebuilds them
// (seq.LoadClassifier, ae.Load). The schema, one string per key:
//
//	physml.model         "classifier" (seq.Classifier) or "autoencoder" (ae.Autoencoder)
//	physml.dtype         "float32" or "float64", the type the model was trained in
//
//	seq.Classifier:
//	physml.cell          lstm, gru, rnn or rnn_relu
//	physml.input_size    features per step
//	physml.hidden        hidden size
//	physml.layers        stacked recurrent layers
//	physml.bidirectional true or false
//	physml.bias          true or false
//	physml.outputs       outputs of the Dense head (classes, or forecast values)
//
//	ae.Autoencoder:
//	physml.layers        encoder sizes from the input to the code, "784,256,64"
//	physml.hidden, physml.code, physml.output
//	                     activations (relu, leakyrelu, sigmoid, tanh, identity)
//	physml.loss          bce or mse
//	physml.tied          true or false
//	physml.sparsity      the L1 weight on the code
//
// Keys that describe the data rather than the model (how inputs were
// scaled, which columns a forecaster reads) are the caller's: the command
// writes them beside these, and the loaders return every key.

// MergeMetadata returns the union of a model's architecture keys and the
// caller's extra keys, refusing an extra key that would overwrite one of
// the architecture.
func MergeMetadata(architecture, extra map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(architecture)+len(extra))
	for k, v := range extra {
		if _, taken := architecture[k]; taken {
			return nil, fmt.Errorf("nn: metadata key %q describes the model's architecture; extra metadata cannot set it", k)
		}
		out[k] = v
	}
	for k, v := range architecture {
		out[k] = v
	}
	return out, nil
}

// MetadataInt returns the positive integer of key in meta.
func MetadataInt(meta map[string]string, key string) (int, error) {
	v, err := strconv.Atoi(meta[key])
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("metadata %s = %q is not a positive integer", key, meta[key])
	}
	return v, nil
}

// MetadataBool returns the boolean of key in meta: "true" or "false"
// (absent: def).
func MetadataBool(meta map[string]string, key string, def bool) (bool, error) {
	switch v, ok := meta[key]; {
	case !ok:
		return def, nil
	case v == "true":
		return true, nil
	case v == "false":
		return false, nil
	}
	return false, fmt.Errorf("metadata %s = %q: want true or false", key, meta[key])
}

// CheckParamCount compares the number of parameters an architecture
// describes (computed in float64, so that no size can overflow) with the
// number of values a file holds, before a model of that size is built: a
// metadata field cannot make a loader allocate more than the file holds.
func CheckParamCount(tensors map[string]Tensor, described float64) error {
	var held int
	for _, t := range tensors {
		held += len(t.Data)
	}
	if described != float64(held) {
		return fmt.Errorf("the metadata describes a model of %.0f parameters but the file holds %d values", described, held)
	}
	return nil
}
