package fileio

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWriteAtomic: the file appears whole with no temporary file left,
// replaces an older one and keeps its permissions (0600 stays 0600); a new
// file is readable by others (0644); a folder that does not exist gives an
// error naming the path and leaves nothing.
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
	if err != nil || string(got) != "new" || st.Mode().Perm() != 0o600 {
		t.Errorf("read %q (%v), mode %v, want the old file's 0600", got, err, st.Mode().Perm())
	}
	fresh := filepath.Join(dir, "fresh.bin")
	if err := WriteAtomic(fresh, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("a new file: %v, want mode 0644", err)
	}
	os.Remove(fresh)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want only m.bin", len(entries))
	}
	missing := filepath.Join(dir, "no", "m.bin")
	if err := WriteAtomic(missing, []byte("x")); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}

// TestWriteAtomicRefusesWhatIsNotARegularFile: a FIFO, a symbolic link (to
// a regular file or to /dev/null) and a folder at the destination give an
// error naming the path and stay as they were; /dev/null itself is refused
// by CheckDestination.
func TestWriteAtomicRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	nullLink := filepath.Join(dir, "null")
	if err := os.Symlink("/dev/null", nullLink); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, link, nullLink, folder} {
		before, _ := os.Lstat(path)
		err := WriteAtomic(path, []byte("new"))
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want a refusal naming the path", path, err)
		}
		after, _ := os.Lstat(path)
		if after == nil || after.Mode() != before.Mode() {
			t.Errorf("%s: mode %v before, %v after", path, before.Mode(), after)
		}
	}
	if got, _ := os.ReadFile(target); string(got) != "keep" {
		t.Errorf("the link's target now holds %q", got)
	}
	if err := CheckDestination("/dev/null"); err == nil {
		t.Error("CheckDestination accepted /dev/null")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 5 {
		t.Errorf("the folder holds %d entries, want the 5 made (no temporary files)", len(entries))
	}
}

// TestSameFile: a path and a link to it are one file; two files are not;
// a missing file is the same as nothing.
func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("a"), 0o644)
	os.WriteFile(b, []byte("b"), 0o644)
	os.Symlink(a, filepath.Join(dir, "l"))
	if !SameFile(a, filepath.Join(dir, "l")) || !SameFile(a, filepath.Join(dir, ".", "a")) {
		t.Error("a and a link to it are not the same file")
	}
	if SameFile(a, b) || SameFile(a, filepath.Join(dir, "missing")) {
		t.Error("different or missing files called the same")
	}
}

// TestRemovePendingLeavesNoTemporaryFile (issue 31 L6): a process that
// exits in the middle of a write (a second interrupt) first removes the
// write's temporary file; the write then fails, and neither the
// destination nor a ".name.tmp…" file is left.
func TestRemovePendingLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	done := make(chan error, 1)
	go func() { done <- WriteAtomic(filepath.Join(dir, "big.npy"), make([]byte, 128<<20)) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		started := false
		pending.Range(func(_, _ any) bool { started = true; return false })
		if started {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no temporary file appeared")
		}
		time.Sleep(time.Millisecond)
	}
	RemovePending()
	err := <-done
	entries, _ := os.ReadDir(dir)
	if err == nil || len(entries) != 0 {
		t.Errorf("write error %v; left %v", err, entries)
	}
}

// TestOpenRefusesAFIFOWithoutBlocking (issue 31 M9): opening a FIFO for
// reading blocks until a writer comes; Open refuses it before opening.
func TestOpenRefusesAFIFOWithoutBlocking(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "shard.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := Open(fifo)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file but a FIFO") {
			t.Errorf("error %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open blocks on a FIFO")
	}
}
