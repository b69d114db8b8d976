#!/usr/bin/env bash
# Peak memory (RSS) of physml on the hostile recipes of issue 31: each must
# fail cleanly, or finish, under 1.5 GB. Needs GNU time (/usr/bin/time,
# installed by ci/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
limit_kb=$((1500 * 1024))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/physml" ./cmd/physml
physml="$work/physml"

# Data: a 19000-step series, a 20 × 50000 table, ten 5000-step sequences,
# a label file with one huge label, and links to /dev/zero.
awk 'BEGIN { print "x"; for (i = 0; i < 19000; i++) printf "%.6f\n", sin(i / 50) }' > "$work/series.csv"
awk 'BEGIN { for (j = 0; j < 50000; j++) printf "%sf%d", (j ? "," : ""), j; print ""
             for (i = 0; i < 20; i++) { for (j = 0; j < 50000; j++) printf "%s%.3f", (j ? "," : ""), sin(i * 7 + j); print "" } }' > "$work/wide.csv"
awk 'BEGIN { print "a,b,label"; for (i = 0; i < 10; i++) printf "%d,%d,%d\n", i, i * i, (i == 3 ? 65535 : i % 2) }' > "$work/labels.csv"
ln -s /dev/zero "$work/zero.csv"
ln -s /dev/zero "$work/zero.safetensors"

fail=0
run() { # name, expected exit codes (e.g. "0" or "1|2"), command...
	local name=$1 want=$2; shift 2
	local code=0
	/usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out" 2>&1 || code=$?
	local rss; rss=$(tail -1 "$work/rss")
	local verdict=ok
	if ! [[ "$code" =~ ^($want)$ ]]; then verdict="exit $code, want $want"; fail=1; fi
	if (( rss > limit_kb )); then verdict="$verdict; over 1.5 GB"; fail=1; fi
	printf '%-34s exit %d  %7d MB  %s\n' "$name" "$code" $((rss / 1024)) "$verdict"
	[ "$verdict" = ok ] || tail -3 "$work/out"
}

out="$work/o"
run "forecast --window 8000"         2   "$physml" forecast --input "$work/series.csv" --window 8000 --out "$out"
run "autoencoder on 20 × 50000"      0   "$physml" autoencoder --input "$work/wide.csv" --epochs 2 --layers 8 --code 2 --out "$out"
run "batch 2^62"                     0   "$physml" forecast --input "$work/series.csv" --window 8 --epochs 1 --batch 4611686018427387904 --out "$out"
run "forecast --layers 65536 (model)" 2  "$physml" forecast --input "$work/series.csv" --layers 65536 --out "$out"
run "anomaly --code 1e9"             2   "$physml" anomaly --input "$work/wide.csv" --code 1000000000 --out "$out"
run "label 65535 of 10 rows"         0   "$physml" autoencoder --input "$work/labels.csv" --label-column label --epochs 1 --out "$out"
run "pca of a link to /dev/zero"     1   "$physml" pca --input "$work/zero.csv" --out "$out"
run "eval of a link to /dev/zero"    1   "$physml" eval --model "$work/zero.safetensors"
run "--out /dev/null"                "1|2" "$physml" pca --input "$work/labels.csv" --out /dev/null
exit $fail
