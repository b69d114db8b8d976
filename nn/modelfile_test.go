package nn

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestModelFileHelpers(t *testing.T) {
	arch := map[string]string{"physml.model": "m", "physml.hidden": "4"}
	if _, err := MergeMetadata(arch, map[string]string{"physml.hidden": "5"}); err == nil || !strings.Contains(err.Error(), `"physml.hidden"`) {
		t.Errorf("an extra key overwriting the architecture: %v", err)
	}
	merged, err := MergeMetadata(arch, map[string]string{"note": "x"})
	if err != nil || len(merged) != 3 || merged["note"] != "x" || merged["physml.hidden"] != "4" {
		t.Errorf("merged %v, %v", merged, err)
	}
	if merged, err := MergeMetadata(nil, map[string]string{"a": "1", "b": "2"}); err != nil || len(merged) != 2 || merged["b"] != "2" {
		t.Errorf("extra keys without an architecture: %v, %v", merged, err)
	}
	for _, c := range []struct {
		value string
		want  int
		ok    bool
	}{{"4", 4, true}, {"0", 0, false}, {"-2", 0, false}, {"", 0, false}, {"1e3", 0, false}, {"99999999999999999999", 0, false}} {
		got, err := MetadataInt(map[string]string{"k": c.value}, "k")
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("MetadataInt(%q) = %d, %v", c.value, got, err)
		}
	}
	for _, c := range []struct {
		meta     map[string]string
		def, got bool
		ok       bool
	}{{map[string]string{}, true, true, true}, {map[string]string{"k": "true"}, false, true, true}, {map[string]string{"k": "false"}, true, false, true},
		{map[string]string{"k": "True"}, false, false, false}, {map[string]string{"k": ""}, true, false, false}} {
		got, err := MetadataBool(c.meta, "k", c.def)
		if got != c.got || (err == nil) != c.ok {
			t.Errorf("MetadataBool(%v, default %v) = %v, %v", c.meta, c.def, got, err)
		}
	}
	tensors := map[string]Tensor{"a": {Data: make([]float64, 3)}, "b": {Data: make([]float64, 4)}}
	if err := CheckParamCount(tensors, 7); err != nil {
		t.Error(err)
	}
	if err := CheckParamCount(tensors, 8); err == nil || !strings.Contains(err.Error(), "8 parameters but the file holds 7") {
		t.Errorf("8 described, 7 held: %v", err)
	}

	// EncodeModel and LoadModel: the decoder sees the merged metadata, and
	// its error comes back naming the file.
	p := newParam[float32]("w", 2)
	p.Value[0], p.Value[1] = 1.5, -2
	data, err := EncodeModel([]Param[float32]{p}, arch, map[string]string{"note": "x"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	got, meta, err := LoadModel(path, func(ts map[string]Tensor, meta map[string]string) (float64, error) {
		return ts["w"].Data[0] + ts["w"].Data[1], nil
	})
	if err != nil || got != -0.5 || meta["note"] != "x" || meta["physml.model"] != "m" {
		t.Errorf("LoadModel: %v, %v, %v", got, meta, err)
	}
	_, _, err = LoadModel(path, func(map[string]Tensor, map[string]string) (int, error) { return 0, errors.New("no such model") })
	if err == nil || !strings.Contains(err.Error(), path+": no such model") {
		t.Errorf("a decoder's error: %v", err)
	}
	if _, err := EncodeModel([]Param[float32]{p}, arch, map[string]string{"physml.model": "n"}); err == nil {
		t.Error("EncodeModel let extra metadata overwrite the architecture")
	}
}
