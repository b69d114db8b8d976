package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/dataset"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// writeIDX writes an IDX file of unsigned bytes, gzipped when the name ends
// in .gz; claim, when positive, replaces the first dimension in the header.
func writeIDX(t testing.TB, path string, dims []uint32, claim uint32, data []byte) {
	t.Helper()
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	header := append([]uint32(nil), dims...)
	if claim > 0 {
		header[0] = claim
	}
	binary.Write(&b, binary.BigEndian, header)
	b.Write(data)
	out := b.Bytes()
	if strings.HasSuffix(path, ".gz") {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(out)
		zw.Close()
		out = z.Bytes()
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeMNIST writes train and test sets of n images of rows×cols pixels
// (a bright bar whose row is the label, so that there is something to
// learn), claiming claim images in the headers when claim > 0.
func fakeMNIST(t testing.TB, n, rows, cols int, claim uint32) string {
	dir := t.TempDir()
	pixels := make([]byte, n*rows*cols)
	labels := make([]byte, n)
	for i := range labels {
		labels[i] = byte(i % 10)
		r := (int(labels[i]) * 2) % rows
		for c := 0; c < cols; c++ {
			pixels[i*rows*cols+r*cols+c] = byte(100 + (i*7+c)%156)
		}
	}
	for _, prefix := range []string{"train", "t10k"} {
		writeIDX(t, filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), []uint32{uint32(n), uint32(rows), uint32(cols)}, claim, pixels)
		writeIDX(t, filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), []uint32{uint32(n)}, claim, labels)
	}
	return dir
}

// npyFile writes a .npy file of a rows×cols float64 matrix made by value.
func npyFile(t testing.TB, path string, rows, cols int, value func(i, j int) float64) string {
	data := make([]float64, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			data[i*cols+j] = value(i, j)
		}
	}
	b, err := dataset.EncodeNpy([]int{rows, cols}, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// savedClassifier writes a small LSTM classifier file whose metadata entry
// key is replaced by value.
func savedClassifier(t testing.TB, path, key, value string) string {
	m := seq.NewClassifier[float32](seq.LSTM, seq.Config{InputSize: 28, HiddenSize: 4}, 10, nn.NewRand(1))
	meta := m.Metadata()
	meta["physml.data"] = "mnist"
	meta[key] = value
	if err := nn.SaveSafetensors(path, m.Params(), meta); err != nil {
		t.Fatal(err)
	}
	return path
}

// savedAutoencoder writes a small autoencoder file with its metadata entry
// key replaced by value.
func savedAutoencoder(t testing.TB, path, key, value string) string {
	m, err := ae.New[float32](ae.Config{Layers: []int{784, 8}, Hidden: ae.ReLU, Output: ae.Sigmoid, Loss: ae.BCELoss}, nn.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	meta := m.Metadata()
	meta["physml.data"] = "mnist"
	meta[key] = value
	if err := nn.SaveSafetensors(path, m.Params(), meta); err != nil {
		t.Fatal(err)
	}
	return path
}
