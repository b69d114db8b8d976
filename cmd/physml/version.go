package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/physml/physml/blas"
	"github.com/physml/physml/lapack"
)

func runVersion(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("version", "Print the module version, Go version, BLAS/LAPACK backend and thread count.", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	version := "(unknown)"
	if info, ok := debug.ReadBuildInfo(); ok {
		version = info.Main.Version
	}
	fmt.Fprintf(stdout, "physml %s\n", version)
	fmt.Fprintf(stdout, "go      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(stdout, "blas    %s\n", blas.Backend())
	fmt.Fprintf(stdout, "gemm    %s\n", blas.Kernels())
	fmt.Fprintf(stdout, "lapack  %s\n", lapack.Backend())
	fmt.Fprintf(stdout, "threads %d\n", blas.Threads())
	return nil
}
