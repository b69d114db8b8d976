package main

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/physml/physml/nn"
)

// saveCurves plots per-epoch series (name → values) against the epoch.
func saveCurves(path, title, ylabel string, series map[string][]float64, order []string) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	for i, name := range order {
		values := series[name]
		var pts plotter.XYs
		for e, v := range values {
			if !math.IsNaN(v) {
				pts = append(pts, plotter.XY{X: float64(e + 1), Y: v})
			}
		}
		if len(pts) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Color = palette[i%len(palette)]
		points.Color = palette[i%len(palette)]
		p.Add(line, points)
		p.Legend.Add(name, line)
	}
	// Losses fall towards 0 and accuracies rise towards 1: the middle is free.
	p.Legend.YOffs = 1.2 * vg.Inch
	return savePlot(path, p)
}

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255}, color.RGBA{188, 189, 34, 255},
	color.RGBA{23, 190, 207, 255},
}

func savePlot(path string, p *plot.Plot) error {
	return render(path, func(w io.Writer) error {
		wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
		if err != nil {
			return err
		}
		_, err = wt.WriteTo(w)
		return err
	})
}

// historyCurves writes the loss curves and, when present, the accuracy.
func historyCurves(path, title string, hist nn.History) error {
	series := map[string][]float64{}
	for _, e := range hist.Epochs {
		series["train loss"] = append(series["train loss"], e.TrainLoss)
		series["validation loss"] = append(series["validation loss"], e.ValidationLoss)
		series["validation accuracy"] = append(series["validation accuracy"], e.ValAccuracy)
	}
	return saveCurves(path, title, "loss / accuracy", series, []string{"train loss", "validation loss", "validation accuracy"})
}

// saveScree plots the explained-variance ratio per component and its
// cumulative sum.
func saveScree(path string, ratios []float64) error {
	cum := make([]float64, len(ratios))
	var s float64
	for i, r := range ratios {
		s += r
		cum[i] = s
	}
	p := plot.New()
	p.Title.Text = "PCA: explained variance"
	p.X.Label.Text = "component"
	p.Y.Label.Text = "ratio"
	p.Add(plotter.NewGrid())
	for i, ys := range [][]float64{ratios, cum} {
		pts := make(plotter.XYs, len(ys))
		for k, v := range ys {
			pts[k] = plotter.XY{X: float64(k + 1), Y: v}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color = palette[i]
		p.Add(line)
		p.Legend.Add([]string{"ratio", "cumulative"}[i], line)
	}
	p.Legend.Top = false
	p.Legend.Left = false
	return savePlot(path, p)
}

// saveScatter plots the first two scores, coloured by label.
func saveScatter(path string, scores [][2]float64, labels []int) error {
	p := plot.New()
	p.Title.Text = "PCA: first two components"
	p.X.Label.Text = "PC1"
	p.Y.Label.Text = "PC2"
	groups := map[int]plotter.XYs{}
	maxLabel := 0
	for i, s := range scores {
		groups[labels[i]] = append(groups[labels[i]], plotter.XY{X: s[0], Y: s[1]})
		maxLabel = max(maxLabel, labels[i])
	}
	for l := 0; l <= maxLabel; l++ {
		pts, ok := groups[l]
		if !ok {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.Color = palette[l%len(palette)]
		sc.Radius = vg.Points(1)
		p.Add(sc)
		p.Legend.Add(strconv.Itoa(l), sc)
	}
	return savePlot(path, p)
}

// saveDigitGrid writes rows of 28×28 grey-scale images (values in [0, 1]),
// each row a slice of images, scaled up by scale.
func saveDigitGrid(path string, rows [][][]float64, side, scale int) error {
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	const gap = 2
	w := cols*(side*scale+gap) + gap
	h := len(rows)*(side*scale+gap) + gap
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for r, row := range rows {
		for c, pix := range row {
			x0, y0 := gap+c*(side*scale+gap), gap+r*(side*scale+gap)
			for y := 0; y < side*scale; y++ {
				for x := 0; x < side*scale; x++ {
					v := pix[(y/scale)*side+x/scale]
					v = math.Max(0, math.Min(1, v))
					img.SetGray(x0+x, y0+y, color.Gray{Y: uint8(255 - math.Round(255*v))})
				}
			}
		}
	}
	return render(path, func(w io.Writer) error { return png.Encode(w, img) })
}
