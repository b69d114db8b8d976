// Package bench holds the Go benchmarks of every hot path of physml, runnable
// in both builds (go test -bench . -benchmem ./bench, with and without
// -tags netlib), and compare.sh, which runs them in both builds next to the
// PyTorch and scikit-learn peers of bench/peers and writes RESULTS.md.
//
// The workloads are the lecture's: GEMM at the LSTM's shapes, a Dense layer
// of the autoencoder, RNN/LSTM/GRU at batch 64 × 28 steps × 28 inputs with
// hidden 128 and 512, one training step of the MNIST LSTM classifier (an
// epoch is 938 of them), inference, one autoencoder epoch over 10000 images,
// and PCA of MNIST's 60000×784 training images with each solver.
package bench
