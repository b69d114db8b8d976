// Package seq implements the recurrent layers of the lecture — the Elman RNN,
// the LSTM (with PyTorch's proj_size), the GRU and the xLSTM's sLSTM and
// mLSTM — with full backpropagation through time, mirroring torch.nn.RNN,
// torch.nn.LSTM and torch.nn.GRU with batch_first=True, and the models built
// on them: the Classifier (last state, an optional norm, a Dense head) and
// the Regressor (a Dense head at every step), saved and loaded with their
// architecture (EncodeFile, DecodeClassifier, DecodeRegressor).
//
// SplitSequences prepares a dataset.Sequences for them: a seeded held-out
// test part, every feature standardised with the training part's
// statistics, and with SetTargets the regressor's per-step targets too.
// Trace and Classifier.TraceBatch record the gates and states step by step.
//
// # The LSTM of the lecture
//
// With forget gate f, input gate i, input node g, output gate o, cell state c
// (long-term memory) and hidden state h (short-term memory), one step is
//
//	i = σ(W_ii x + b_ii + W_hi h + b_hi)
//	f = σ(W_if x + b_if + W_hf h + b_hf)
//	g = tanh(W_ig x + b_ig + W_hg h + b_hg)
//	o = σ(W_io x + b_io + W_ho h + b_ho)
//	c' = f ⊙ c + i ⊙ g
//	h' = o ⊙ tanh(c')
//
// The four gates are stacked in PyTorch's order i, f, g, o in weight_ih_l{k}
// (4H × in), weight_hh_l{k} (4H × H), bias_ih_l{k} and bias_hh_l{k}. The GRU
// stacks r, z, n with n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) and
// h' = (1 − z) ⊙ n + z ⊙ h. The RNN is h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
// (or ReLU). The backward direction of a bidirectional layer carries the
// suffix _reverse. Initialisation is PyTorch's: every weight and bias uniform
// in ±1/√H.
//
// # xLSTM
//
// SLSTM and MLSTM are the two cells of xLSTM (Beck et al. 2024, "xLSTM:
// Extended Long Short-Term Memory"): the sLSTM with exponential input
// gating, a normaliser and a stabiliser state and heads with block-diagonal
// recurrent weights; the mLSTM with a matrix memory per head, written with
// value–key outer products and read with a query, which has no recurrence
// through h and is computed for a whole sequence at once (its parallel
// form; Step gives the recurrent form). Both have full backpropagation
// through time and variable lengths and are checked against the same
// equations written in PyTorch (the testdata/make_*lstm_fixture.py
// scripts, after NX-AI's reference implementation). As cells of a
// Recurrent (SLSTMCell, MLSTMCell, with Config.Heads) they stack, take
// dropout between layers and serve the Classifier, the Regressor and the
// command's --cell slstm|mlstm.
//
// physml has the cell layers. The rest of the paper's residual blocks — the
// causal convolution before the gates, the group (multi-head layer) norm,
// the gated up- and down-projections, the skip connection — and NX-AI's
// choices inside its mLSTM block (gates computed from [q, k, v], the layer
// norm in place of the output gate) are not included.
//
// # Layout
//
// A batch of sequences is an nn.Matrix with one sequence per row, shape
// (batch, steps·features) — PyTorch's (batch, steps, features) with
// batch_first=True, flattened. The output has shape
// (batch, steps·directions·H), H being the projection size of a projected
// LSTM. Initial and final states h0, c0, hn, cn are matrices of
// (layers·directions·batch) rows and H columns (c0 and cn: the hidden size),
// in PyTorch's order (layer·directions + direction, batch).
//
// # Variable lengths
//
// SetLengths gives each sequence its length. Steps past a sequence's length
// neither change its state nor receive gradient and their outputs are zero,
// and its final state is the state at its last valid step — what PyTorch's
// packed sequences (pack_padded_sequence) give.
//
// # Speed
//
// Internally the layer works time-major. The input projection X W_ihᵀ of all
// steps is one GEMM before the time loop; each step is one GEMM for all gates
// followed by one fused loop for the gate non-linearities and the state
// update; the weight gradients of all steps are one GEMM each after the
// backward time loop. Workspaces are owned by the layer and reused, so a
// training step of the same shape allocates nothing.
//
// # Concurrency
//
// Because a layer owns its workspaces, a model (Recurrent, Classifier,
// Regressor) is not safe for concurrent use, not even for Forward in
// evaluation mode. Clone gives an independent copy — its own parameters and
// workspaces, sharing nothing mutable — for each further goroutine.
package seq
