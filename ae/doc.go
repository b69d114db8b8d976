// Package ae implements the lecture's autoencoders on package nn: an encoder
// h = f(x, W) into a bottleneck code and a decoder x̃ = g(h, V) back, trained
// to minimise the reconstruction error — feed-forward, denoising, sparse and
// linear (which learns the PCA subspace) — and anomaly detection by
// reconstruction error.
//
// An Autoencoder is an nn.Layer, so nn.Fit trains it with the data as its own
// target (Dataset{X: x, Y: x}), with nn's optimizers, schedules, early
// stopping and NaN guard, and nn.SaveSafetensors writes it with the names a
// PyTorch module with encoder and decoder nn.Sequential attributes would
// use: "encoder.0.weight", …, "decoder.0.weight", ….
//
// Denoising: GaussianNoise and MaskingNoise return an nn.FitConfig.Corrupt
// function that corrupts each input batch afresh (seeded) while the targets
// stay clean. Sparsity: Config.Sparsity adds λ·Σ|h| per sample (averaged over
// the batch) to the loss; use the loss returned by TrainingLoss so that the
// reported loss includes it.
//
// # Concurrency
//
// An Autoencoder owns its workspaces and is not safe for concurrent use, not
// even for Reconstruct; Clone gives an independent copy per goroutine.
package ae
