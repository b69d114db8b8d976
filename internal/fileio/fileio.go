// Package fileio opens the files physml reads from users — regular files
// only, so that a path to /dev/zero, a FIFO or a directory is refused at
// once instead of being read until memory runs out — and writes its outputs
// atomically.
package fileio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// CheckRegular returns an error unless path is a regular file after its
// symbolic links: a FIFO (whose opening blocks), a device (/dev/zero reads
// without end), a socket or a folder is refused without being opened.
func CheckRegular(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file but %s; physml reads only regular files", path, kindOf(st.Mode()))
	}
	return nil
}

// kindOf names the kind of file of mode that is not regular.
func kindOf(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case mode&fs.ModeDevice != 0:
		return "a device"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode.IsDir():
		return "a folder"
	}
	return fmt.Sprintf("a file of mode %v", mode.Type())
}

// Open opens path for reading and returns the file and its size. It refuses
// anything but a regular file (after following symbolic links), before
// opening it.
func Open(path string) (*os.File, int64, error) {
	if err := CheckRegular(path); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: not a regular file but %s; physml reads only regular files", path, kindOf(st.Mode()))
	}
	return f, st.Size(), nil
}

// ReadFile reads the regular file at path whole, refusing files larger than
// max bytes before reading them.
func ReadFile(path string, max int64) ([]byte, error) {
	f, size, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > max {
		return nil, fmt.Errorf("%s: %d bytes, more than the limit of %d", path, size, max)
	}
	// The size may change while we read: never read more than it said + 1.
	data, err := io.ReadAll(io.LimitReader(f, size+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) != size {
		return nil, fmt.Errorf("%s: changed size while being read (%d bytes, then %d)", path, size, len(data))
	}
	return data, nil
}

// CheckDestination returns an error unless path is absent or a regular
// file that is not a symbolic link: an output is never written over a
// device such as /dev/null, a FIFO, a folder or a link.
func CheckDestination(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s: a symbolic link; physml writes only to absent or regular files", path)
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file (%v); physml writes only to absent or regular files", path, st.Mode().Type())
	}
	return nil
}

// SameFile reports whether the paths a and b name one existing file (after
// following links, as os.SameFile): an output that would replace one of
// the command's inputs.
func SameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// WriteAtomic writes data to a temporary file beside path, syncs it and
// renames it to path: a reader sees the old file or the whole new one,
// never a part. A new file is readable by others (0644); an existing one
// keeps its permissions. A destination that is not a regular file (a
// device, a FIFO, a folder or a symbolic link) is refused by
// CheckDestination and left as it is.
func WriteAtomic(path string, data []byte) error {
	if err := CheckDestination(path); err != nil {
		return fmt.Errorf("writing %w", err)
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Lstat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	pending.Store(tmp, true)
	defer pending.Delete(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode) // CreateTemp makes the file private
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// pending holds the temporary files of the writes under way.
var pending sync.Map

// RemovePending removes the temporary files of the writes under way, for a
// process about to exit in the middle of one (a second interrupt): no
// ".name.tmp…" file is left behind.
func RemovePending() {
	pending.Range(func(name, _ any) bool {
		os.Remove(name.(string))
		return true
	})
}
