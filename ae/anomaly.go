package ae

import (
	"fmt"
	"math"
	"sort"
)

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of values with linear
// interpolation between order statistics, as numpy.quantile's default.
func Quantile(values []float64, q float64) float64 {
	if len(values) == 0 || q < 0 || q > 1 {
		panic(fmt.Sprintf("ae: quantile %g of %d values", q, len(values)))
	}
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	if lo == len(s)-1 {
		return s[lo]
	}
	return s[lo] + (pos-float64(lo))*(s[lo+1]-s[lo])
}

// Detector flags samples whose reconstruction error exceeds a threshold.
type Detector struct {
	Threshold float64
}

// NewDetector sets the threshold at the q-quantile of the reconstruction
// errors of (normal) training data: q = 0.99 flags about 1 % of normal data.
func NewDetector(trainErrors []float64, q float64) Detector {
	return Detector{Threshold: Quantile(trainErrors, q)}
}

// Predict returns true for each error above the threshold (an anomaly).
func (d Detector) Predict(errors []float64) []bool {
	out := make([]bool, len(errors))
	for i, e := range errors {
		out[i] = e > d.Threshold
	}
	return out
}

// ROCAUC returns the area under the ROC curve of scores (higher means more
// anomalous) against labels (true = anomaly): the probability that a random
// anomaly scores above a random normal sample, ties counting one half, as
// sklearn.metrics.roc_auc_score. It is NaN when one class is absent.
func ROCAUC(scores []float64, labels []bool) float64 {
	idx := sortedByScore(scores, labels)
	var pos, neg float64
	for _, l := range labels {
		if l {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	// Mann–Whitney U with average ranks for ties.
	var rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1 … j
		for k := i; k < j; k++ {
			if labels[idx[k]] {
				rankSum += avg
			}
		}
		i = j
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// PrecisionRecall returns the precision and recall of flagging every sample
// whose score is at least each threshold, for the distinct scores in
// decreasing order, and the average precision Σ (R_k − R_{k−1}) P_k, as
// sklearn.metrics.precision_recall_curve and average_precision_score.
func PrecisionRecall(scores []float64, labels []bool) (precision, recall, thresholds []float64, averagePrecision float64) {
	tp, fp, thresholds, pos, _ := flaggedCounts(scores, labels)
	var prevRecall float64
	for k := range tp {
		p, r := tp[k]/(tp[k]+fp[k]), 0.0
		if pos > 0 {
			r = tp[k] / pos
		}
		precision, recall = append(precision, p), append(recall, r)
		averagePrecision += (r - prevRecall) * p
		prevRecall = r
	}
	return precision, recall, thresholds, averagePrecision
}

// flaggedCounts returns, for each distinct score in decreasing order, the
// anomalies (tp) and normal samples (fp) scoring at least it, and the
// numbers of anomalies and normal samples.
func flaggedCounts(scores []float64, labels []bool) (tp, fp, thresholds []float64, pos, neg float64) {
	idx := sortedByScore(scores, labels)
	for _, l := range labels {
		if l {
			pos++
		} else {
			neg++
		}
	}
	var t, f float64
	for i := len(idx) - 1; i >= 0; {
		j := i
		for j >= 0 && scores[idx[j]] == scores[idx[i]] {
			if labels[idx[j]] {
				t++
			} else {
				f++
			}
			j--
		}
		tp, fp, thresholds = append(tp, t), append(fp, f), append(thresholds, scores[idx[i]])
		i = j
	}
	return tp, fp, thresholds, pos, neg
}

// sortedByScore returns the indices of scores in increasing order.
func sortedByScore(scores []float64, labels []bool) []int {
	if len(scores) != len(labels) {
		panic(fmt.Sprintf("ae: %d scores for %d labels", len(scores), len(labels)))
	}
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	return idx
}

// ROCCurve returns the false and true positive rates of flagging every
// sample whose score is at least each threshold, for the distinct scores in
// decreasing order, starting at (0, 0) with threshold +Inf, as
// sklearn.metrics.roc_curve with drop_intermediate=False. The rates are NaN
// when a class is absent.
func ROCCurve(scores []float64, labels []bool) (fpr, tpr, thresholds []float64) {
	tp, fp, th, pos, neg := flaggedCounts(scores, labels)
	fpr, tpr, thresholds = []float64{0}, []float64{0}, []float64{math.Inf(1)}
	for k := range tp {
		fpr, tpr = append(fpr, fp[k]/neg), append(tpr, tp[k]/pos)
	}
	return fpr, tpr, append(thresholds, th...)
}
