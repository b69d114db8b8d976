// Package forecast is the lecture's time-series forecasting as a workflow:
// a recurrent network reads a window of past steps of a multivariate series
// and predicts the next Horizon steps of every variable at once (direct
// multi-output), as a Keras or PyTorch user would write it by hand.
//
// The workflow is the honest one:
//
//   - the series is split in time (ChronologicalSplit): the first part
//     trains, the next validates (early stopping), the last tests;
//   - each variable is standardised with the mean and deviation of the
//     training part only, so that no statistic of the test part leaks in;
//   - the networks predict the level of the next steps, or their change
//     from the window's last value (Target), which follows trends that
//     leave the training range;
//   - an ensemble of networks from consecutive seeds is averaged;
//   - the test errors (Errors: RMSE and MAE in the data's units) stand
//     beside the baselines any forecast must beat: persistence, the
//     seasonal naive forecast with a period, and a least-squares linear
//     autoregression of the window (Evaluate).
//
// A fitted Forecaster predicts the test windows (PredictWindows) and, from
// the end of a series, the steps that follow it (Forecast). It is saved as
// one safetensors file (Save, Load): the networks' weights under
// "members.i." (as a PyTorch nn.ModuleList named members) and the window,
// horizon, target, variable names and standardisation in the metadata keys
// of nn's schema, which "physml eval" and "physml predict" read.
//
// A Forecaster owns its networks' workspaces: it is not safe for concurrent
// use; Clone gives an independent copy for another goroutine.
package forecast
