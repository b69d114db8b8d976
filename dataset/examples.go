package dataset

import (
	"embed"
	"fmt"
	"sort"
	"strings"
)

//go:embed examples/*.csv
var examples embed.FS

// Example returns the CSV text of an example time series shipped with
// physml: "sunspots" (yearly sunspot numbers 1700–2008) or "co2" (weekly
// Mauna Loa CO₂ 1958–2001, with 59 missing weeks). Source, units and licence
// are in dataset/examples/README.md.
func Example(name string) ([]byte, error) {
	data, err := examples.ReadFile("examples/" + name + ".csv")
	if err != nil {
		return nil, fmt.Errorf("no example %q: want %s", name, strings.Join(ExampleNames(), " or "))
	}
	return data, nil
}

// ExampleNames lists the example time series.
func ExampleNames() []string {
	entries, _ := examples.ReadDir("examples")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".csv"))
	}
	sort.Strings(names)
	return names
}
