#!/usr/bin/env bash
# Regenerates onnx.pb.go from onnx.proto (ONNX 1.12, IR version 8,
# Apache-2.0, copied from Debian's python3-onnx:
# /usr/lib/python3/dist-packages/onnx/onnx.proto).
#
# The proto package is renamed from onnx to physml.onnx while generating:
# Go's protobuf registry refuses two Go packages that register the same
# proto names (another ONNX package in the same program, gonnx in the
# tests), and the name does not reach the wire format.
#
# Needs protoc (Debian's protobuf-compiler) and
#   go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/^package onnx;/package physml.onnx;/' onnx.proto >"$tmp/onnx.proto"
protoc --plugin=protoc-gen-go="$(go env GOPATH)/bin/protoc-gen-go" --proto_path="$tmp" --go_out="$tmp" --go_opt=paths=source_relative \
	--go_opt=Monnx.proto=github.com/physml/physml/onnx/internal/onnxpb onnx.proto
cp "$tmp/onnx.pb.go" onnx.pb.go
