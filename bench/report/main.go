// Command report turns the outputs of bench/compare.sh into bench/RESULTS.md:
// medians of the Go benchmarks in the pure-Go and OpenBLAS builds with the
// speed-up per row, the peers (PyTorch, scikit-learn, NumPy) measured in the
// same run, and the whole-command timings.
//
// Usage: go run ./bench/report -gonum G.txt -netlib N.txt -peers P.json -commands C.txt -info I.txt > bench/RESULTS.md
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// results maps a benchmark name (without the -N suffix) and a unit to the
// values of its runs.
type results map[string]map[string][]float64

func parseBench(path string) (results, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	res := results{}
	var order []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := fields[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i]
		}
		if res[name] == nil {
			res[name] = map[string][]float64{}
			order = append(order, name)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			res[name][fields[i+1]] = append(res[name][fields[i+1]], v)
		}
	}
	return res, order, sc.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (r results) get(name, unit string) (float64, bool) {
	v, ok := r[name][unit]
	if !ok || len(v) == 0 {
		return 0, false
	}
	return median(v), true
}

func seconds(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func main() {
	gonumPath := flag.String("gonum", "", "go test -bench output of the pure-Go build")
	netlibPath := flag.String("netlib", "", "go test -bench output of the netlib build")
	peersPath := flag.String("peers", "", "JSON files from bench/peers/peers.py, comma-separated, one per round (optional)")
	commandsPath := flag.String("commands", "", "whole-command timings, one 'build command seconds' per line (optional)")
	infoPath := flag.String("info", "", "text describing the machine and settings (optional)")
	beamGonum := flag.String("beam-gonum", "", "go test -bench output of the beam module, pure-Go build (optional)")
	beamNetlib := flag.String("beam-netlib", "", "go test -bench output of the beam module, netlib build (optional)")
	flag.Parse()
	gonum, order, err := parseBench(*gonumPath)
	check(err)
	netlib, _, err := parseBench(*netlibPath)
	check(err)
	peers := readPeers(*peersPath)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintln(w, "# physml benchmark results")
	fmt.Fprintln(w, "\nWritten by `bench/compare.sh`; every number below comes from that one run.")
	if *infoPath != "" {
		if info, err := os.ReadFile(*infoPath); err == nil {
			fmt.Fprintf(w, "\n```\n%s```\n", info)
		}
	}
	headline(w, gonum, netlib, peers)
	pureGo(w, gonum, netlib)
	commands(w, *commandsPath)
	beamPipelines(w, *beamGonum, *beamNetlib)
	fmt.Fprintln(w, "\n## Every benchmark, pure Go against OpenBLAS (medians)")
	fmt.Fprintln(w, "\n| benchmark | pure Go | OpenBLAS | OpenBLAS speed-up | allocs/op (Go / OpenBLAS) | other metrics (OpenBLAS) |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, name := range order {
		g, gok := gonum.get(name, "ns/op")
		n, nok := netlib.get(name, "ns/op")
		if !gok || !nok {
			continue
		}
		ga, _ := gonum.get(name, "allocs/op")
		na, _ := netlib.get(name, "allocs/op")
		var extra []string
		var units []string
		for unit := range netlib[name] {
			if unit != "ns/op" && unit != "B/op" && unit != "allocs/op" {
				units = append(units, unit)
			}
		}
		sort.Strings(units)
		for _, unit := range units {
			v, _ := netlib.get(name, unit)
			extra = append(extra, fmt.Sprintf("%.4g %s", v, unit))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.2f× | %.0f / %.0f | %s |\n", strings.TrimPrefix(name, "Benchmark"), seconds(g), seconds(n), g/n, ga, na, strings.Join(extra, ", "))
	}
}

// pureGo writes the section on the pure-Go build (physml's assembly
// kernels, no C) against the OpenBLAS build, on the workloads whose ratio
// the project promises to keep within 2×.
func pureGo(w io.Writer, gonum, netlib results) {
	rows := []struct{ name, what string }{
		{"BenchmarkLSTMTrainStep", "MNIST LSTM(128) training step, batch 64 (the epoch is 938 of them)"},
		{"BenchmarkAutoencoderEpoch", "MNIST autoencoder, 10000 images of an epoch, batch 128"},
		{"BenchmarkPCA/covariance", "PCA(50) of 60000×784, covariance solver"},
		{"BenchmarkGemm/S/64x156x512", "SGEMM at the LSTM's input-and-hidden shape"},
		{"BenchmarkGemm/S/64x128x512", "SGEMM at the LSTM's hidden shape"},
		{"BenchmarkGemm/S/1024x1024x1024", "SGEMM 1024³"},
		{"BenchmarkGemm/D/1024x1024x1024", "DGEMM 1024³"},
	}
	fmt.Fprintln(w, "\n## The pure-Go build against OpenBLAS")
	fmt.Fprintln(w, "\nThe pure-Go build (`CGO_ENABLED=0` works) runs physml's own GEMM, SYRK and float32 element-wise kernels in Go assembly (AVX2 and FMA); the target is a time within 2× of the OpenBLAS build's (medians).")
	fmt.Fprintln(w, "\n| workload | pure Go | OpenBLAS | pure Go / OpenBLAS |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range rows {
		g, gok := gonum.get(r.name, "ns/op")
		n, nok := netlib.get(r.name, "ns/op")
		if !gok || !nok {
			continue
		}
		fmt.Fprintf(w, "| %s (`%s`) | %s | %s | %.2f× |\n", r.what, strings.TrimPrefix(r.name, "Benchmark"), seconds(g), seconds(n), g/n)
	}
}

// beamPipelines writes the section on the Beam module's pipelines on the
// local runner against the same work in one process.
func beamPipelines(w io.Writer, gonumPath, netlibPath string) {
	if gonumPath == "" || netlibPath == "" {
		return
	}
	gonum, _, err := parseBench(gonumPath)
	check(err)
	netlib, _, err := parseBench(netlibPath)
	check(err)
	fmt.Fprintln(w, "\n## Beam pipelines")
	fmt.Fprintln(w, "\nThe `beam/` module on Beam's local Prism runner (2 cores), against the same work in one process; time per run and rows/s (medians).")
	fmt.Fprintln(w, "\n| workload | pure Go: pipeline | pure Go: one process | OpenBLAS: pipeline | OpenBLAS: one process |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	cell := func(r results, name string) string {
		t, ok := r.get(name, "ns/op")
		if !ok {
			return "—"
		}
		rate, _ := r.get(name, "rows/s")
		return fmt.Sprintf("%s (%.0f rows/s)", seconds(t), rate)
	}
	for _, c := range []struct{ what, name string }{
		{"PCA (40 components) of MNIST's 60000×784 in 8 .npy shards: read, co-moments, merge, eigendecomposition, write", "PCAMNIST8Shards"},
		{"reconstruction errors of MNIST's 60000 images in 8 .npy shards, autoencoder 784-256-64: read, score, write a .npy per shard", "ScoreMNIST8Shards"},
	} {
		p, s := "BenchmarkPipeline"+c.name, "BenchmarkSingleProcess"+c.name
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", c.what, cell(gonum, p), cell(gonum, s), cell(netlib, p), cell(netlib, s))
	}
}

func num(m map[string]any, key string) (float64, bool) {
	v, ok := m[key].(float64)
	return v, ok
}

// readPeers reads the peers' JSON files of the rounds (paths
// comma-separated) into one map: the median of each number over the
// rounds, other values from the first file.
func readPeers(paths string) map[string]any {
	peers := map[string]any{}
	rounds := map[string][]float64{}
	for _, path := range strings.Split(paths, ",") {
		data, err := os.ReadFile(path)
		if path == "" || err != nil {
			continue
		}
		var round map[string]any
		if json.Unmarshal(data, &round) != nil {
			continue
		}
		for k, v := range round {
			if f, ok := v.(float64); ok {
				rounds[k] = append(rounds[k], f)
			} else if _, seen := peers[k]; !seen {
				peers[k] = v
			}
		}
	}
	for k, v := range rounds {
		peers[k] = median(v)
	}
	return peers
}

// headline writes the table at the top: each workload's time in both
// builds against its peer's, the ratios, and pure Go over OpenBLAS.
func headline(w io.Writer, gonum, netlib results, peers map[string]any) {
	fmt.Fprintln(w, "\n## physml (float32) against its peers, in both builds")
	fmt.Fprintln(w, "\nRatio = physml time / peer time (below 1: physml is faster); for rates, peer / physml. Medians over the rounds of the run, in which the pure-Go build, the OpenBLAS build and the peers ran in turn.")
	fmt.Fprintln(w, "\n| workload | physml OpenBLAS | physml pure Go | peer | peer's figure | ratio, OpenBLAS | ratio, pure Go | pure Go / OpenBLAS |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	// get returns a workload's figure in a build: a metric of a benchmark,
	// scaled (ns to s).
	type figure struct {
		name, unit string
		scale      float64
	}
	get := func(r results, f figure) (float64, bool) {
		v, ok := r.get(f.name, f.unit)
		return v * f.scale, ok
	}
	row := func(workload string, f figure, peer, key string, rate bool, format string) {
		ours, ok := get(netlib, f)
		if !ok {
			return
		}
		goVal, goOK := get(gonum, f)
		cell := func(v float64, ok bool) string {
			if !ok {
				return "—"
			}
			return fmt.Sprintf(format, v)
		}
		ratio := func(v float64, ok bool, theirs float64, theirsOK bool) string {
			switch {
			case !ok || !theirsOK:
				return ""
			case rate:
				return fmt.Sprintf("%.2f", theirs/v)
			}
			return fmt.Sprintf("%.2f", v/theirs)
		}
		theirs, theirsOK := num(peers, key)
		peerCell := "not measured"
		if theirsOK {
			peerCell = fmt.Sprintf(format, theirs)
		}
		goOverBLAS := ""
		if goOK {
			goOverBLAS = fmt.Sprintf("%.2f×", goVal/ours)
			if rate {
				goOverBLAS = fmt.Sprintf("%.2f×", ours/goVal)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", workload, cell(ours, true), cell(goVal, goOK), peer, peerCell,
			ratio(ours, true, theirs, theirsOK), ratio(goVal, goOK, theirs, theirsOK), goOverBLAS)
	}
	row("MNIST LSTM(128) training epoch, 60000 images, batch 64 (s)", figure{"BenchmarkLSTMTrainStep", "s/epoch", 1}, "PyTorch", "lstm_epoch_s", false, "%.2f")
	row("MNIST LSTM inference (images/s)", figure{"BenchmarkLSTMInference", "images/s", 1}, "PyTorch", "lstm_inference_images_per_s", true, "%.0f")
	row("MNIST autoencoder epoch, 60000 images, batch 128 (s)", figure{"BenchmarkAutoencoderEpoch", "s/60k-epoch", 1}, "PyTorch", "ae_epoch_s", false, "%.2f")
	row("MNIST VAE epoch (784-400-20), 60000 images, batch 128 (s)", figure{"BenchmarkVAEEpoch", "s/60k-epoch", 1}, "PyTorch", "vae_epoch_s", false, "%.2f")
	row("LSTM autoencoder epoch, 2000 signals of 50 steps, batch 32 (s)", figure{"BenchmarkSequenceAEEpoch", "s/epoch", 1}, "PyTorch", "seq_ae_epoch_s", false, "%.2f")
	for _, cell := range []string{"sLSTM", "mLSTM"} {
		row(cell+"(128, 4 heads) training pass, batch 64 of 28×28 (s)", figure{"BenchmarkRecurrent/" + cell + "/hidden128/train", "ns/op", 1e-9}, "PyTorch", strings.ToLower(cell)+"_train_step_s", false, "%.4f")
	}
	pca := figure{"BenchmarkPCA/covariance", "ns/op", 1e-9}
	row("PCA(50) of 60000×784, covariance solver (s)", pca, "NumPy XᵀX + eigh", "numpy_cov_eigh_s", false, "%.2f")
	row("PCA(50) of 60000×784, covariance solver (s)", pca, "scikit-learn full", "pca_full_s", false, "%.2f")
	row("PCA(50) of 60000×784, covariance solver (s)", pca, "scikit-learn randomized", "pca_randomized_s", false, "%.2f")
	row("PCA(50) of 60000×784, randomized solver (s)", figure{"BenchmarkPCA/randomized", "ns/op", 1e-9}, "scikit-learn randomized", "pca_randomized_s", false, "%.2f")
	row("covariance matrix of 60000×784 (s)", figure{"BenchmarkPCA/covariance-only", "ns/op", 1e-9}, "NumPy XᵀX", "numpy_cov_s", false, "%.2f")
	if r, ok := netlib.get("BenchmarkPCA/covariance", "ppm-ratio50"); ok {
		r /= 1e6
		fmt.Fprintf(w, "\nExplained-variance ratio of the top 50 components: physml %.6f", r)
		if s, ok := num(peers, "pca_full_ratio50"); ok {
			fmt.Fprintf(w, ", scikit-learn %.6f", s)
		}
		fmt.Fprintln(w, ".")
	}
	var versions []string
	for _, k := range []string{"torch", "sklearn", "numpy", "python", "openblas_threads"} {
		if v, ok := peers[k]; ok && v != nil {
			versions = append(versions, fmt.Sprintf("%s %v", k, v))
		}
	}
	if len(versions) > 0 {
		fmt.Fprintf(w, "\nPeers: %s; torch at 1 thread (torch.set_num_threads(1): faster than at 2 on this 2-core machine, bench/peers/peers.py), OpenBLAS at the same thread count as physml; glibc's malloc told to keep freed memory (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_), as a long-lived process has it, since this virtual machine makes every fresh page cost a fault.", strings.Join(versions, ", "))
		if a, ok := num(peers, "lstm_test_accuracy_1_epoch"); ok {
			fmt.Fprintf(w, " PyTorch's test accuracy after its epoch: %.4f.", a)
		}
		if m, ok := num(peers, "ae_test_mse_1_epoch"); ok {
			fmt.Fprintf(w, " Its autoencoder's test MSE after one epoch: %.4f.", m)
		}
		fmt.Fprintln(w)
	}
}

func commands(w io.Writer, path string) {
	if path == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	fmt.Fprintln(w, "\n## Whole commands (wall time, one run each)")
	fmt.Fprintln(w, "\n| command | pure Go | OpenBLAS |")
	fmt.Fprintln(w, "|---|---|---|")
	times := map[string]map[string]string{}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		build, rest, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		i := strings.LastIndex(rest, " ")
		cmd, secs := rest[:i], rest[i+1:]
		if times[cmd] == nil {
			times[cmd] = map[string]string{}
			order = append(order, cmd)
		}
		times[cmd][build] = secs + " s"
	}
	for _, cmd := range order {
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", cmd, times[cmd]["gonum"], times[cmd]["netlib"])
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}
