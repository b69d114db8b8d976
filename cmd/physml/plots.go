package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/physml/physml/nn"
)

// curvesPNG plots per-epoch series (name → values) against the epoch.
func curvesPNG(title, ylabel string, series map[string][]float64, order []string) ([]byte, error) {
	p, err := curvesPlot(title, ylabel, series, order)
	if err != nil {
		return nil, err
	}
	// Losses fall towards 0 and accuracies rise towards 1: the middle is
	// free, 1.2 inch above the bottom.
	p.Legend.Top = false
	p.Legend.YOffs = 1.2 * vg.Inch
	return plotPNG(title, p)
}

// curvesPlot is the plot of curvesPNG, legend top right.
func curvesPlot(title, ylabel string, series map[string][]float64, order []string) (*plot.Plot, error) {
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
			return nil, err
		}
		line.Color = palette[i%len(palette)]
		points.Color = palette[i%len(palette)]
		p.Add(line, points)
		p.Legend.Add(name, line)
	}
	p.Legend.Top = true
	return p, nil
}

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255}, color.RGBA{188, 189, 34, 255},
	color.RGBA{23, 190, 207, 255},
}

func plotPNG(name string, p *plot.Plot) ([]byte, error) {
	return render(name, func(w io.Writer) error {
		wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
		if err != nil {
			return err
		}
		_, err = wt.WriteTo(w)
		return err
	})
}

// historyCurves draws the training history in two panels on linear axes:
// the training and validation loss on the left, the training and
// validation accuracy on the right, each legend where its curves are not.
func historyCurves(title string, hist nn.History) ([]byte, error) {
	series := map[string][]float64{}
	for _, e := range hist.Epochs {
		series["train loss"] = append(series["train loss"], e.TrainLoss)
		series["validation loss"] = append(series["validation loss"], e.ValidationLoss)
		series["train accuracy"] = append(series["train accuracy"], e.TrainAccuracy)
		series["validation accuracy"] = append(series["validation accuracy"], e.ValAccuracy)
	}
	// Losses fall and accuracies rise: the legends go top right and
	// bottom right, where the curves end up away from.
	loss, err := curvesPlot(title+": loss", "loss", series, []string{"train loss", "validation loss"})
	if err != nil {
		return nil, err
	}
	acc, err := curvesPlot("accuracy", "accuracy", series, []string{"train accuracy", "validation accuracy"})
	if err != nil {
		return nil, err
	}
	loss.Legend.Top, acc.Legend.Top = true, false
	const w, h = 10 * vg.Inch, 4 * vg.Inch
	img := vgimg.New(w, h)
	pad := 3 * vg.Millimeter
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	canvases := plot.Align([][]*plot.Plot{{loss, acc}}, tiles, draw.New(img))
	loss.Draw(canvases[0][0])
	acc.Draw(canvases[0][1])
	return render(title, func(out io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(out)
		return err
	})
}

// screePNG plots the explained-variance ratio per component and its
// cumulative sum.
func screePNG(ratios []float64) ([]byte, error) {
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
			return nil, err
		}
		line.Color = palette[i]
		p.Add(line)
		p.Legend.Add([]string{"ratio", "cumulative"}[i], line)
	}
	p.Legend.Top = false
	p.Legend.Left = false
	return plotPNG("scree plot", p)
}

// scatterPNG plots the first two scores, coloured by label: a colour and a
// legend entry per label when there are at most len(palette) distinct labels,
// else one colour per label modulo len(palette) and no legend. Only the
// labels present are visited, whatever their size.
func scatterPNG(scores [][2]float64, labels []int) ([]byte, error) {
	p := plot.New()
	p.Title.Text = "PCA: first two components"
	p.X.Label.Text = "PC1"
	p.Y.Label.Text = "PC2"
	groups := map[int]plotter.XYs{}
	for i, s := range scores {
		groups[labels[i]] = append(groups[labels[i]], plotter.XY{X: s[0], Y: s[1]})
	}
	present := slices.Sorted(maps.Keys(groups))
	legend := len(present) <= len(palette)
	if !legend {
		p.Title.Text += fmt.Sprintf(" (%d labels, colour = label mod %d)", len(present), len(palette))
	}
	for i, l := range present {
		sc, err := plotter.NewScatter(groups[l])
		if err != nil {
			return nil, err
		}
		sc.Color = palette[l%len(palette)]
		if legend {
			sc.Color = palette[i]
			p.Legend.Add(strconv.Itoa(l), sc)
		}
		sc.Radius = vg.Points(1)
		p.Add(sc)
	}
	return plotPNG("scatter plot", p)
}

// digitGridPNG draws rows of side×side grey-scale images (values in [0, 1]),
// each row a slice of images, scaled up by scale.
func digitGridPNG(rows [][][]float64, side, scale int) ([]byte, error) {
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
	return render("image grid", func(w io.Writer) error { return png.Encode(w, img) })
}

// seriesPNG plots series (name → values) against x, in the given order.
func seriesPNG(title, xlabel, ylabel string, x []float64, series map[string][]float64, order []string) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	for i, name := range order {
		pts := make(plotter.XYs, len(x))
		for k := range x {
			pts[k] = plotter.XY{X: x[k], Y: series[name][k]}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		line.Color = palette[i%len(palette)]
		if i > 0 {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		p.Add(line)
		p.Legend.Add(name, line)
	}
	p.Legend.Top = true
	return plotPNG(title, p)
}
