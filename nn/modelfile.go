package nn

import (
	"fmt"
	"math"
	"strconv"
)

// MergeMetadata returns the union of a model's architecture keys and the
// caller's extra keys, refusing an extra key that would overwrite one of
// the architecture.
func MergeMetadata(architecture, extra map[string]string) (map[string]string, error) {
	out := map[string]string{}
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

// EncodeModel returns a model file: params under their names, with the
// model's architecture keys and the caller's extra keys as metadata. A
// parameter that is not finite is an error naming it: such a model is
// never written.
func EncodeModel[T Float](params []Param[T], architecture, extra map[string]string) ([]byte, error) {
	for _, p := range params {
		for i, v := range p.Value {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("nn: parameter %q holds %v at index %d: a model that is not finite is not saved", p.Name, f, i)
			}
		}
	}
	meta, err := MergeMetadata(architecture, extra)
	if err != nil {
		return nil, err
	}
	return EncodeSafetensors(params, meta)
}

// LoadModel reads a model file and builds its model with decode, returning
// it with all of the file's metadata; errors name the file.
func LoadModel[M any](path string, decode func(map[string]Tensor, map[string]string) (M, error)) (M, map[string]string, error) {
	var zero M
	tensors, meta, err := ReadSafetensors(path)
	if err != nil {
		return zero, nil, err
	}
	m, err := decode(tensors, meta)
	if err != nil {
		return zero, nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, meta, nil
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
