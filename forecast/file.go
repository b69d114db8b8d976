package forecast

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/fileio"
	"github.com/physml/physml/nn"
	"github.com/physml/physml/seq"
)

// TaskForecast is the KeyTask value of a forecaster's file.
const TaskForecast = "forecast"

// memberPrefix names network i's tensors, as in a PyTorch nn.ModuleList
// named members.
func memberPrefix(i int) string { return fmt.Sprintf("members.%d", i) }

// EncodeFile returns the forecaster as a safetensors file: every network's
// weights under "members.i.", the architecture of the first (all share
// it), and the forecaster's window, horizon, target, variables, split and
// standardisation in the metadata (nn's schema).
func (f *Forecaster[T]) EncodeFile() ([]byte, error) {
	if len(f.Members) == 0 || len(f.Members) > MaxEnsemble {
		return nil, fmt.Errorf("forecast: an ensemble of %d networks: want 1 to %d", len(f.Members), MaxEnsemble)
	}
	var params []nn.Param[T]
	for i, m := range f.Members {
		params = append(params, nn.Prefixed(memberPrefix(i), m.StateDict())...)
	}
	names, err := json.Marshal(f.Names)
	if err != nil {
		return nil, fmt.Errorf("forecast: the variable names: %w", err)
	}
	meta := map[string]string{
		nn.KeyTask: TaskForecast, nn.KeyData: "user", nn.KeyEnsemble: strconv.Itoa(len(f.Members)),
		nn.KeyWindow: strconv.Itoa(f.Window), nn.KeyHorizon: strconv.Itoa(f.Horizon), nn.KeyTarget: f.Target.String(),
		nn.KeyColumns: string(names), nn.KeySplit: dataset.JoinFloats([]float64{f.Split.Train, f.Split.Validation}),
		nn.KeyFeatureMean: dataset.JoinFloats(f.Scaler.Offset), nn.KeyFeatureStd: dataset.JoinFloats(f.Scaler.Scale),
	}
	if len(f.Covariates) > 0 {
		covariates, err := json.Marshal(f.Covariates)
		if err != nil {
			return nil, fmt.Errorf("forecast: the covariate names: %w", err)
		}
		meta[nn.KeyCovariates] = string(covariates)
	}
	if f.Interval != nil {
		meta[nn.KeyIntervalLevel] = strconv.FormatFloat(f.Interval.Level, 'g', -1, 64)
		meta[nn.KeyIntervalHalfWidth] = dataset.JoinFloats(f.Interval.HalfWidth)
	}
	return nn.EncodeModel(params, f.Members[0].Metadata(), meta)
}

// Save writes EncodeFile's file to path atomically.
func (f *Forecaster[T]) Save(path string) error {
	data, err := f.EncodeFile()
	if err != nil {
		return err
	}
	return fileio.WriteAtomic(path, data)
}

// Load reads a forecaster saved by Save (or by physml forecast, any
// version); errors name the file.
func Load[T nn.Float](path string) (*Forecaster[T], error) {
	f, _, err := nn.LoadModel(path, Decode[T])
	return f, err
}

// Parse reads a forecaster's file held in memory.
func Parse[T nn.Float](data []byte) (*Forecaster[T], error) {
	tensors, meta, err := nn.ParseSafetensors(data)
	if err != nil {
		return nil, err
	}
	return Decode[T](tensors, meta)
}

// Decode builds the forecaster that tensors and meta (as
// nn.ReadSafetensors returns them) describe. Every size is checked against
// the others and against the tensors held before anything is built.
func Decode[T nn.Float](tensors map[string]nn.Tensor, meta map[string]string) (*Forecaster[T], error) {
	if meta[nn.KeyTask] != TaskForecast {
		return nil, fmt.Errorf("metadata %s is %q, not a forecaster's %q", nn.KeyTask, meta[nn.KeyTask], TaskForecast)
	}
	members, err := nn.MetadataInt(meta, nn.KeyEnsemble)
	if err != nil || members > MaxEnsemble {
		return nil, fmt.Errorf("metadata %s = %q: want 1 to %d networks", nn.KeyEnsemble, meta[nn.KeyEnsemble], MaxEnsemble)
	}
	f := &Forecaster[T]{Split: DefaultSplit}
	if f.Window, err = nn.MetadataInt(meta, nn.KeyWindow); err != nil {
		return nil, err
	}
	if f.Horizon, err = nn.MetadataInt(meta, nn.KeyHorizon); err != nil {
		return nil, err
	}
	if f.Target, err = ParseTarget(meta[nn.KeyTarget]); err != nil {
		return nil, fmt.Errorf("metadata %s: %w", nn.KeyTarget, err)
	}
	if f.Names, err = columnNames(meta[nn.KeyColumns]); err != nil {
		return nil, err
	}
	if s, ok := meta[nn.KeyCovariates]; ok {
		if err := json.Unmarshal([]byte(s), &f.Covariates); err != nil || len(f.Covariates) == 0 {
			return nil, fmt.Errorf("metadata %s = %q: want a JSON array of names", nn.KeyCovariates, s)
		}
	}
	if s, ok := meta[nn.KeySplit]; ok {
		fr, err := dataset.ParseFloats(s, 2)
		if err != nil {
			return nil, fmt.Errorf("metadata %s = %q: want two fractions", nn.KeySplit, s)
		}
		f.Split = Fractions{fr[0], fr[1]}
		if err := f.Split.check(); err != nil {
			return nil, fmt.Errorf("metadata %s: %w", nn.KeySplit, err)
		}
	}
	v, in := f.Vars(), f.Inputs()
	if f.Scaler, err = dataset.ScalerFromMetadata(map[string]string{"scaling": "standard", "offset": meta[nn.KeyFeatureMean], "scale": meta[nn.KeyFeatureStd]}, "", in); err != nil {
		return nil, fmt.Errorf("metadata %s and %s: %w", nn.KeyFeatureMean, nn.KeyFeatureStd, err)
	}
	if f.Interval, err = decodeInterval(meta, f.Horizon*v); err != nil {
		return nil, err
	}
	for i := 0; i < members; i++ {
		prefix := memberPrefix(i) + "."
		own := map[string]nn.Tensor{}
		for name, t := range tensors {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				own[rest] = t
			}
		}
		m, err := seq.DecodeClassifier[T](own, meta)
		if err != nil {
			return nil, fmt.Errorf("network %d: %w", i, err)
		}
		f.Members = append(f.Members, m)
	}
	if want := members * len(f.Members[0].StateDict()); len(tensors) != want {
		return nil, fmt.Errorf("holds %d tensors, not the %d of %d networks", len(tensors), want, members)
	}
	if got, out := f.Members[0].RNN.InputSize, f.Members[0].FC.Out; got != in || out != f.Horizon*v {
		return nil, fmt.Errorf("networks of %d inputs and %d outputs do not forecast %d steps of the %d variables %s from %d columns", got, out, f.Horizon, v, strings.Join(f.Names, ", "), in)
	}
	return f, nil
}

// decodeInterval reads a forecaster's prediction intervals of width
// half-widths (none in files written before 2026-12-06).
func decodeInterval(meta map[string]string, width int) (*Interval, error) {
	level, ok := meta[nn.KeyIntervalLevel]
	if !ok {
		return nil, nil
	}
	l, err := strconv.ParseFloat(level, 64)
	if err != nil || !(l > 0 && l < 1) {
		return nil, fmt.Errorf("metadata %s = %q: want a coverage in (0, 1)", nn.KeyIntervalLevel, level)
	}
	hw, err := dataset.ParseFloats(meta[nn.KeyIntervalHalfWidth], width)
	if err != nil {
		return nil, fmt.Errorf("metadata %s: %w", nn.KeyIntervalHalfWidth, err)
	}
	for _, h := range hw {
		if !(h >= 0) || math.IsInf(h, 0) {
			return nil, fmt.Errorf("metadata %s: a half-width of %v", nn.KeyIntervalHalfWidth, h)
		}
	}
	return &Interval{Level: l, HalfWidth: hw}, nil
}

// columnNames reads the variable names: a JSON array, or (files written
// before 2026-12-05) a comma-separated list.
func columnNames(s string) ([]string, error) {
	var names []string
	if strings.HasPrefix(s, "[") {
		if err := json.Unmarshal([]byte(s), &names); err != nil {
			return nil, fmt.Errorf("metadata %s = %q: %v", nn.KeyColumns, s, err)
		}
	} else if s != "" {
		names = strings.Split(s, ",")
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("metadata %s is empty: a forecaster names its variables", nn.KeyColumns)
	}
	return names, nil
}
