package fileio

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteAtomic: the file appears whole, readable by others (0644),
// with no temporary file left, and replaces an older one; a folder that
// does not exist gives an error naming the path and leaves nothing.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.bin")
	if err := os.WriteFile(path, []byte("old content, longer"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	st, _ := os.Stat(path)
	if err != nil || string(got) != "new" || st.Mode().Perm() != 0o644 {
		t.Errorf("read %q (%v), mode %v", got, err, st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only m.bin", len(entries))
	}
	missing := filepath.Join(dir, "no", "m.bin")
	if err := WriteAtomic(missing, []byte("x")); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}
