package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/physml/physml/internal/cli"
)

var updateCLI = flag.Bool("update-cli", false, "rewrite the flag table of docs/cli.md from the commands' flag sets")

const (
	cliDoc        = "../../docs/cli.md"
	cliTableBegin = "<!-- flag table: made by go test ./cmd/physml -run TestCLITable -update-cli -->\n"
	cliTableEnd   = "<!-- end of the flag table -->\n"
)

// cliTable returns the table of every flag of every command (renamed
// spellings left out): the flag, the commands that take it and its
// meaning in the first of them.
func cliTable(t *testing.T) string {
	takers := map[string][]string{}
	meaning := map[string]string{}
	for _, c := range commands() {
		if code, _, errOut := runCommand(c.name, "--help"); code != 0 {
			t.Fatalf("%s --help: %s", c.name, errOut)
		}
		lastFlagSet.VisitAll(func(f *flag.Flag) {
			if _, old := f.Value.(*cli.RenamedFlag); old {
				return
			}
			if _, ok := meaning[f.Name]; !ok {
				meaning[f.Name] = f.Usage
			}
			takers[f.Name] = append(takers[f.Name], c.name)
		})
	}
	names := make([]string, 0, len(takers))
	for name := range takers {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(cliTableBegin)
	b.WriteString("| flag | commands | meaning |\n|---|---|---|\n")
	for _, name := range names {
		who := strings.Join(takers[name], ", ")
		if len(takers[name]) == len(commands()) {
			who = "all"
		}
		fmt.Fprintf(&b, "| `--%s` | %s | %s |\n", name, who, strings.ReplaceAll(meaning[name], "|", `\|`))
	}
	b.WriteString(cliTableEnd)
	return b.String()
}

// TestCLITableIsCurrent: the flag table of docs/cli.md is the one the
// commands' flag sets make, so that it cannot go stale.
func TestCLITableIsCurrent(t *testing.T) {
	doc, err := os.ReadFile(cliDoc)
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	begin, end := strings.Index(text, cliTableBegin), strings.Index(text, cliTableEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no flag table between %q and %q", cliDoc, cliTableBegin, cliTableEnd)
	}
	want := cliTable(t)
	got := text[begin : end+len(cliTableEnd)]
	if got == want {
		return
	}
	if *updateCLI {
		if err := os.WriteFile(cliDoc, []byte(text[:begin]+want+text[end+len(cliTableEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the flag table of %s is stale: run go test ./cmd/physml -run TestCLITable -update-cli", cliDoc)
}
