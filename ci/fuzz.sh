#!/usr/bin/env bash
# Short fuzzing of every reader of user files and of the size flags (CI runs
# it from ci/test.sh).
# The budget is a count of executions, not a duration: with a duration Go
# 1.26's fuzz coordinator can report a spurious "context deadline exceeded"
# at the end of the window (golang/go#75804, fixed in Go 1.27).
set -euo pipefail
cd "$(dirname "$0")/.."
execs="${FUZZEXECS:-150000}x"
go test -run '^$' -fuzz '^FuzzParseSafetensors$' -fuzztime "$execs" ./nn
go test -run '^$' -fuzz '^FuzzReadIDX$' -fuzztime "$execs" ./dataset
go test -run '^$' -fuzz '^FuzzParseNpy$' -fuzztime "$execs" ./dataset
go test -run '^$' -fuzz '^FuzzParseCSV$' -fuzztime "$execs" ./dataset
go test -run '^$' -fuzz '^FuzzDecodeNpz$' -fuzztime "$execs" ./dataset
go test -run '^$' -fuzz '^FuzzMomentsUnmarshal$' -fuzztime "$execs" ./decomposition
go test -run '^$' -fuzz '^FuzzParseTimeSeries$' -fuzztime "$execs" ./dataset
go test -run '^$' -fuzz '^FuzzParse$' -fuzztime "$execs" ./saved
go test -run '^$' -fuzz '^FuzzParseSizes$' -fuzztime "$execs" ./internal/cli
