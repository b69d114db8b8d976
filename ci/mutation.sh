#!/usr/bin/env bash
# Mutation testing of the core packages with gremlins (not part of CI: it
# runs the package's tests once per mutant and takes long).
#
#   bash ci/mutation.sh [pure|netlib|both] [package ...]
#
# Needs github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0 (go install).
# It runs the short suite (GOFLAGS=-short: the MNIST training runs are left
# out), one worker, and leaves out the files the other build compiles (and
# those for other architectures). Results go to mutation/<build>/<pkg>.json
# and a line per package on stdout: killed, lived, timed out, not covered,
# efficacy = killed / (killed + lived) and mutant coverage.
#
# MUTATION_EXCLUDE, a regular expression, leaves out more files (to split a
# long package between runs: the figures of runs of the same commit over
# disjoint files add up); the results then go to <pkg>-part.json.
#
# The timeout: gremlins stops a mutant's `go test` (build included) after
# the coefficient times its first, coverage run. That run starts from the
# emptied cache below, so it builds the standard library and gonum as well
# (30 s to a minute here) while a mutant rebuilds one package and its test
# binary (a few seconds): a coefficient of 5 gives a mutant minutes, some
# fifty times what it needs, and a mutated loop that never ends is stopped
# after 3 to 5 minutes instead of the 20 to 30 a coefficient of 30 took.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
export GOFLAGS=-short
gremlins="${GREMLINS:-$(go env GOPATH)/bin/gremlins}"
# Every mutant's build goes into the Go build cache (a megabyte or more
# each: the runs of a few days filled 72 GB, and on a full disk a mutant
# that cannot be built counts as killed). A cache of the script's own,
# emptied before each package and removed at the end, keeps the user's
# cache and the disk as they were.
GOCACHE="$(mktemp -d "${TMPDIR:-/tmp}/physml-mutation-cache.XXXXXX")"
export GOCACHE
trap 'rm -rf "$GOCACHE"' EXIT
builds="${1:-both}"
shift || true
pkgs=("$@")
if ((${#pkgs[@]} == 0)); then pkgs=(lapack blas decomposition dataset nn seq ae); fi
case "$builds" in both) builds="pure netlib" ;; esac
for build in $builds; do
	mkdir -p "mutation/$build"
	for pkg in "${pkgs[@]}"; do
		if [ "$build" = netlib ]; then
			args=(--tags netlib --exclude-files 'gonum(_kernels)?\.go$' --exclude-files 'kernels_go\.go$')
		else
			args=(--exclude-files 'openblas\.go$' --exclude-files 'kernels_cgo\.go$')
		fi
		# The files for machines without the assembly (other architectures, purego).
		args+=(--exclude-files '_other\.go$')
		name=${pkg//\//_} # internal/gemm → internal_gemm
		if [ -n "${MUTATION_EXCLUDE:-}" ]; then
			args+=(--exclude-files "$MUTATION_EXCLUDE")
			name+=-part
		fi
		out="mutation/$build/$name.json"
		go clean -cache
		free=$(df -Pk "$GOCACHE" | awk 'NR == 2 { print $4 }')
		if ((free < 5 * 1024 * 1024)); then
			echo "ci/mutation.sh: only $((free / 1024)) MiB free beside $GOCACHE; stopping before $pkg (mutants that cannot be built would count as killed)" >&2
			exit 1
		fi
		"$gremlins" unleash --workers 1 --timeout-coefficient 5 "${args[@]}" \
			--coverpkg "./$pkg/..." -o "$out" "./$pkg" >"mutation/$build/$name.log" 2>&1 || true
		# The log's closing lines hold the counts.
		awk -v b="$build" -v p="$pkg" '
			/^Killed:/ { gsub(",", ""); k=$2; l=$4; nc=$7 }
			/^Timed out:/ { gsub(",", ""); t=$3; nv=$6 }
			/Test efficacy:/ { e=$3 }
			/Mutator coverage:/ { c=$3 }
			END { printf "%-7s %-14s killed %4s  lived %3s  not covered %3s  timed out %3s  not viable %3s  efficacy %s  coverage %s\n", b, p, k, l, nc, t, nv, e, c }
		' "mutation/$build/$name.log"
	done
done
