package nn

import (
	"os"
	"strings"
	"testing"
)

// TestSchemaKeysAreDocumented: every key of SchemaKeys is named in the
// package documentation's "Model files" section, once in SchemaKeys.
func TestSchemaKeysAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "# Model files")
	if !ok {
		t.Fatal("doc.go has no Model files section")
	}
	seen := map[string]bool{}
	for _, k := range SchemaKeys() {
		if seen[k] {
			t.Errorf("%s listed twice", k)
		}
		seen[k] = true
		if !strings.HasPrefix(k, "physml.") || !strings.Contains(section, k) {
			t.Errorf("%s is not in the package documentation's schema", k)
		}
	}
}
