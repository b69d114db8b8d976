#!/usr/bin/env bash
# Short fuzzing of every reader of user files (CI runs it from ci/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
time_each="${FUZZTIME:-10s}"
go test -run '^$' -fuzz '^FuzzParseSafetensors$' -fuzztime "$time_each" ./nn
go test -run '^$' -fuzz '^FuzzReadIDX$' -fuzztime "$time_each" ./dataset
go test -run '^$' -fuzz '^FuzzParseNpy$' -fuzztime "$time_each" ./dataset
