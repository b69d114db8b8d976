package main

import (
	"fmt"
	"strings"

	"github.com/physml/physml/seq"
)

// recurrentLayers parses --layers of a recurrent network (seq.ParseLayers).
func recurrentLayers(s string) (hidden, layers int, err error) {
	if hidden, layers, err = seq.ParseLayers(s); err != nil {
		return 0, 0, usageError(fmt.Errorf("--%s", strings.TrimPrefix(err.Error(), "seq: ")))
	}
	return hidden, layers, nil
}

// layersHint is the hint of a recurrent command's earlier --hidden.
const layersHint = "--layers: a hidden size per stacked layer (--hidden 64 with two layers is --layers 64,64)"
