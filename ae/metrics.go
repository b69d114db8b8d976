package ae

import (
	"fmt"
	"math"
	"strings"
)

// AnomalyMetrics are a detector's results on its test rows: the flagged
// fractions and, when there are anomalies among them, how well the scores
// separate them from the normal rows. It marshals to the JSON of physml
// anomaly's metrics.json.
type AnomalyMetrics struct {
	Threshold             float64 `json:"threshold"`
	Quantile              float64 `json:"quantile"`
	TestNormal            int     `json:"test_normal"` // normal test rows
	Anomalies             int     `json:"anomalies"`   // anomalous test rows
	FlaggedNormalFraction float64 `json:"flagged_normal_fraction"`
	// Separation is nil when the test rows hold no anomaly.
	*Separation
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
	fmt.Fprintf(&b, "threshold %.6g (the %.3g quantile of the calibration errors)\n", m.Threshold, m.Quantile)
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
	return b.String()
}
