package ae

import (
	"math"
	"strings"
	"testing"

	"github.com/physml/physml/dataset"
	"github.com/physml/physml/internal/numcheck"
)

// TestAnomalyMetricsAtTheirEdges: quantiles at q = 0 and 1 and between
// order statistics (numpy.quantile), the threshold itself not flagged, and
// the precision–recall curve and average precision of a case with ties and
// a top-scored normal sample (sklearn.metrics.precision_recall_curve and
// average_precision_score: AP 0.5333…).
func TestAnomalyMetricsAtTheirEdges(t *testing.T) {
	v := []float64{4, 1, 3, 2}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {1, 4}, {0.5, 2.5}, {1.0 / 3, 2}} {
		numcheck.Scalar(t, "quantile", Quantile(v, c.q), c.want, 1e-15)
	}
	for _, q := range []float64{-0.01, 1.01, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Quantile(%v) did not panic", q)
				}
			}()
			Quantile(v, q)
		}()
	}
	if got := (Detector{Threshold: 2}).Predict([]float64{2, 2.0000001, 1}); got[0] || !got[1] || got[2] {
		t.Errorf("Predict at the threshold: %v", got)
	}
	scores := []float64{0.1, 0.4, 0.35, 0.8, 0.4, 0.9}
	labels := []bool{false, false, true, true, true, false}
	precision, recall, thresholds, ap := PrecisionRecall(scores, labels)
	numcheck.Close(t, "precision", precision, []float64{0, 0.5, 0.5, 0.6, 0.5}, 1e-15)
	numcheck.Close(t, "recall", recall, []float64{0, 1.0 / 3, 2.0 / 3, 1, 1}, 1e-15)
	numcheck.Close(t, "thresholds", thresholds, []float64{0.9, 0.8, 0.4, 0.35, 0.1}, 0)
	numcheck.Scalar(t, "average precision", ap, 0.5333333333333333, 1e-15)
}

// TestReportSaysWhatWasMeasured: the threshold and flagged fractions
// always; the separation and each tested kind's AUC with anomalies.
func TestReportSaysWhatWasMeasured(t *testing.T) {
	scores := []float64{0.1, 0.2, 0.3, 0.9, 0.8, 0.25}
	labels := []int{0, 0, 0, 1, 2, 1}
	kinds := []string{"normal", "spike", "dropout"}
	m := EvaluateScores(scores, labels, []int{0, 1, 2, 3, 4, 5}, 0.5, 0.99, kinds)
	got := m.Report(kinds)
	for _, want := range []string{"threshold 0.5 (the 0.99 quantile", "flagged: 0.0000 of 3 normal test rows, 0.6667 of 3 anomalies", "ROC AUC 0.8889", "ROC AUC spike", "ROC AUC dropout            1.0000"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	normal := EvaluateScores(scores, nil, []int{0, 1}, 0.5, 0.99, nil).Report(nil)
	if strings.Contains(normal, "ROC") || !strings.HasSuffix(normal, "2 normal test rows\n") {
		t.Errorf("report without anomalies:\n%s", normal)
	}
}

func TestLocatedFaults(t *testing.T) {
	// Three rows of 4 steps: a normal one, a spike found at step 2 (its
	// span [2, 3)), a shift whose peak (step 0) lies before its span.
	steps := []float64{9, 9, 9, 9, 0, 1, 5, 1, 3, 1, 2, 2}
	got := LocatedFaults(steps, 4, []int{0, 1, 2}, []int{0, 1, 2}, []dataset.Span{{}, {Start: 2, End: 3}, {Start: 1, End: 4}}, []string{"normal", "spike", "level shift"})
	if len(got) != 2 || got["spike"] != 1 || got["level shift"] != 0 {
		t.Errorf("located %v", got)
	}
}
