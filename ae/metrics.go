package ae

import (
	"cmp"
	"fmt"
	"math"
	"strings"

	"github.com/physml/physml/dataset"
)

// AnomalyMetrics are a detector's results on its test rows: the flagged
// fractions and, when there are anomalies among them, how well the scores
// separate them from the normal rows. It marshals to the JSON of physml
// anomaly's metrics.json.
type AnomalyMetrics struct {
	Score                 string  `json:"score"` // the kind of score flagged (ScoreKind)
	Threshold             float64 `json:"threshold"`
	Quantile              float64 `json:"quantile"`
	TestNormal            int     `json:"test_normal"` // normal test rows
	Anomalies             int     `json:"anomalies"`   // anomalous test rows
	FlaggedNormalFraction float64 `json:"flagged_normal_fraction"`
	// Separation is nil when the test rows hold no anomaly.
	*Separation
	// FaultLocated is, for sequences whose faults' steps are known (the
	// simulated signals), the fraction of each kind's test anomalies whose
	// step of largest fault-locator score lies inside the fault (see
	// LocatedFaults); nil otherwise.
	FaultLocated map[string]float64 `json:"fault_located_per_kind,omitempty"`
	// ROCAUCByScore is the test rows' ROC AUC under each kind of score the
	// detector has (Detect sets it when there are anomalies).
	ROCAUCByScore map[string]float64 `json:"roc_auc_by_score,omitempty"`
}

// LocatedFaults returns, for each kind of anomaly among the rows (indices
// into labels), the fraction of its rows whose step of largest error
// (stepErrors: a row of steps values per row of the set) lies inside the
// row's fault span (dataset.SignalsWithFaults): where in a signal the
// detector points, against where the fault is.
func LocatedFaults(stepErrors []float64, steps int, rows, labels []int, spans []dataset.Span, kinds []string) map[string]float64 {
	hits, counts := map[string]int{}, map[string]int{}
	for _, i := range rows {
		if labels[i] == 0 {
			continue
		}
		e := stepErrors[i*steps : (i+1)*steps]
		peak := 0
		for t, v := range e {
			if v > e[peak] {
				peak = t
			}
		}
		kind := kinds[labels[i]]
		counts[kind]++
		if spans[i].Contains(peak) {
			hits[kind]++
		}
	}
	out := map[string]float64{}
	for kind, n := range counts {
		out[kind] = float64(hits[kind]) / float64(n)
	}
	return out
}

// Separation measures how well scores separate anomalies from normal rows.
type Separation struct {
	FlaggedAnomalyFraction float64 `json:"flagged_anomaly_fraction"`
	// ROCAUC is sklearn.metrics.roc_auc_score (NaN when no normal row is
	// tested), AveragePrecision sklearn.metrics.average_precision_score.
	ROCAUC           float64 `json:"roc_auc"`
	AveragePrecision float64 `json:"average_precision"`
	// Precision and Recall of the rows flagged at the threshold.
	Precision float64 `json:"precision_at_threshold"`
	Recall    float64 `json:"recall_at_threshold"`
	// ROCAUCPerKind is the ROC AUC of each kind of anomaly against the
	// normal test rows, by the kind's name.
	ROCAUCPerKind map[string]float64 `json:"roc_auc_per_kind"`
}

// EvaluateScores returns the metrics of the test rows of scores (indices
// into scores and labels) at threshold. labels are 0 for normal rows and
// k > 0 for anomalies of the kind kinds[k] (nil labels: every row normal);
// quantile is recorded as the threshold's.
func EvaluateScores(scores []float64, labels []int, test []int, threshold, quantile float64, kinds []string) AnomalyMetrics {
	m := AnomalyMetrics{Threshold: threshold, Quantile: quantile}
	var flaggedNormal, flaggedAnomalies int
	var testScores []float64
	var isAnomaly []bool
	for _, i := range test {
		a := labels != nil && labels[i] != 0
		flagged := scores[i] > threshold
		testScores, isAnomaly = append(testScores, scores[i]), append(isAnomaly, a)
		switch {
		case a:
			m.Anomalies++
			if flagged {
				flaggedAnomalies++
			}
		default:
			m.TestNormal++
			if flagged {
				flaggedNormal++
			}
		}
	}
	m.FlaggedNormalFraction = float64(flaggedNormal) / float64(max(m.TestNormal, 1))
	if m.Anomalies == 0 {
		return m
	}
	_, _, _, ap := PrecisionRecall(testScores, isAnomaly)
	s := &Separation{
		FlaggedAnomalyFraction: float64(flaggedAnomalies) / float64(m.Anomalies),
		ROCAUC:                 ROCAUC(testScores, isAnomaly),
		AveragePrecision:       ap,
		Precision:              float64(flaggedAnomalies) / float64(max(flaggedAnomalies+flaggedNormal, 1)),
		Recall:                 float64(flaggedAnomalies) / float64(m.Anomalies),
		ROCAUCPerKind:          map[string]float64{},
	}
	for k := 1; k < len(kinds); k++ {
		var ks []float64
		var kl []bool
		for _, i := range test {
			if labels[i] == 0 || labels[i] == k {
				ks, kl = append(ks, scores[i]), append(kl, labels[i] == k)
			}
		}
		if auc := ROCAUC(ks, kl); !math.IsNaN(auc) {
			s.ROCAUCPerKind[kinds[k]] = auc
		}
	}
	m.Separation = s
	return m
}

// Report returns the metrics in lines, as physml anomaly prints them: the
// threshold, the flagged fractions and, with anomalies, the ROC AUC, the
// average precision, precision and recall at the threshold, and the ROC
// AUC of each kind in kinds[1:] that was tested.
func (m AnomalyMetrics) Report(kinds []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "score %s; threshold %.6g (the %.3g quantile of the calibration rows' scores)\n", cmp.Or(m.Score, "reconstruction"), m.Threshold, m.Quantile)
	fmt.Fprintf(&b, "flagged: %.4f of %d normal test rows", m.FlaggedNormalFraction, m.TestNormal)
	if m.Separation == nil {
		b.WriteString("\n")
		return b.String()
	}
	fmt.Fprintf(&b, ", %.4f of %d anomalies\n", m.FlaggedAnomalyFraction, m.Anomalies)
	fmt.Fprintf(&b, "ROC AUC %.4f  average precision %.4f  at the threshold: precision %.4f, recall %.4f\n",
		m.ROCAUC, m.AveragePrecision, m.Precision, m.Recall)
	for k := 1; k < len(kinds); k++ {
		if auc, ok := m.ROCAUCPerKind[kinds[k]]; ok {
			fmt.Fprintf(&b, "  ROC AUC %-18s %.4f\n", kinds[k], auc)
		}
	}
	if m.ROCAUCByScore != nil {
		b.WriteString("ROC AUC by score:")
		for _, k := range ScoreKinds {
			if auc, ok := m.ROCAUCByScore[k.String()]; ok {
				fmt.Fprintf(&b, "  %s %.4f", k, auc)
			}
		}
		b.WriteString("\n")
	}
	if m.FaultLocated != nil {
		b.WriteString("the step of largest fault-locator score (step_scores.npy) lies inside the fault, of the test anomalies:\n")
		for k := 1; k < len(kinds); k++ {
			if f, ok := m.FaultLocated[kinds[k]]; ok {
				fmt.Fprintf(&b, "  %-26s %.4f\n", kinds[k], f)
			}
		}
	}
	return b.String()
}
