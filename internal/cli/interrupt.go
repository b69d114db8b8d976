package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/physml/physml/internal/fileio"
)

// Interruptible returns a context that the first SIGINT or SIGTERM
// cancels, saying so on stderr under the program's name (a run then
// stops and keeps what it has), and a function that releases the signals.
// A second signal exits at once with code 130, after removing the
// temporary file of a write under way (fileio.RemovePending), so that
// nothing half-written is left.
func Interruptible(program string, stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sig:
			fmt.Fprintf(stderr, "%s: %v: stopping (a second signal exits at once)\n", program, s)
			cancel()
		case <-done:
			return
		}
		select {
		case <-sig:
			fileio.RemovePending()
			os.Exit(130)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(done)
		cancel()
	}
}
