#!/usr/bin/env bash
# What CI runs: setup, formatting, vet and the tests of both builds.
set -euo pipefail
cd "$(dirname "$0")/.."

# OpenBLAS 0.3.21 misdetects some recent CPUs; Haswell kernels are correct there.
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"

bash ci/setup.sh

step() { echo "== $*"; }

step gofmt
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi

step go vet, pure Go and netlib
go vet ./...
go vet -tags netlib ./...

step "build without a C compiler: here, without the assembly (purego), and for arm64 and Windows"
CGO_ENABLED=0 go build ./...
CGO_ENABLED=0 go vet -tags purego ./...
CGO_ENABLED=0 GOARCH=arm64 go vet ./...
CGO_ENABLED=0 GOOS=windows go build ./...

step "the pure-Go kernels without the assembly (purego): the packages that hold assembly"
go test -count=1 -tags purego ./blas ./internal/...

step tests, pure-Go build
go test -count=1 ./...

step tests, netlib build
go test -count=1 -tags netlib ./...

step "Beam module: vet, tests of both builds; the core free of Beam"
if go list -deps ./... | grep -q '^github.com/apache/beam'; then
	echo "the core module imports Beam"; exit 1
fi
(cd beam && go vet ./... && go test -count=1 ./... && go test -count=1 -tags netlib ./...)

step "peak memory of the hostile recipes (issue 31): under 1.5 GB each"
bash ci/rss.sh

step race detector, pure-Go build
go test -count=1 -race -short ./...

if [ -x ci/fuzz.sh ]; then
	step short fuzzing
	bash ci/fuzz.sh
fi
if [ "${PHYSML_SKIP_DOCKER:-0}" != 1 ]; then
	step Docker image: build and run physml inside it
	bash ci/docker-test.sh 2>&1 | grep -v -E '^(Copying|Getting|Writing|Storing) '
fi
echo "== ci/test.sh: all passed"
