// Package figures draws physml's results as PNG images for a person to
// look at: training curves, scree plots, latent spaces, image grids,
// principal components, table profiles, forecasts, score histograms and
// ROC curves. Each function returns the PNG's bytes, so that a caller
// writes them where and how it writes its other outputs (physml writes
// every file through a temporary name and a rename).
package figures

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/physml/physml/ae"
	"github.com/physml/physml/decomposition"
	"github.com/physml/physml/nn"
)

// Curves plots per-epoch series (name → values) against the epoch.
func Curves(title, ylabel string, series map[string][]float64, order []string) ([]byte, error) {
	p, err := CurvesPlot(title, ylabel, series, order)
	if err != nil {
		return nil, err
	}
	// Losses fall towards 0 and accuracies rise towards 1: the middle is
	// free, 1.2 inch above the bottom.
	p.Legend.Top = false
	p.Legend.YOffs = 1.2 * vg.Inch
	return EncodePlot(title, p)
}

// CurvesLegendTop is Curves with the legend top right, for losses that
// fall away from it.
func CurvesLegendTop(title, ylabel string, series map[string][]float64, order []string) ([]byte, error) {
	p, err := CurvesPlot(title, ylabel, series, order)
	if err != nil {
		return nil, err
	}
	return EncodePlot(title, p)
}

// CurvesPlot is the plot of Curves, legend top right.
func CurvesPlot(title, ylabel string, series map[string][]float64, order []string) (*plot.Plot, error) {
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
		line.Color = Palette[i%len(Palette)]
		points.Color = Palette[i%len(Palette)]
		p.Add(line, points)
		p.Legend.Add(name, line)
	}
	p.Legend.Top = true
	return p, nil
}

// Palette is the colours of the curves and classes, in order
// (matplotlib's tab10).
var Palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
	color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
	color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255}, color.RGBA{188, 189, 34, 255},
	color.RGBA{23, 190, 207, 255},
}

// DPI is the resolution of the plots' PNGs, fit for print.
const DPI = 150

// EncodePlot returns p as a 6 × 4 inch PNG at DPI; name names it in
// errors.
func EncodePlot(name string, p *plot.Plot) ([]byte, error) {
	return encodeSized(name, p, 6*vg.Inch, 4*vg.Inch)
}

// encodeSized returns p as a w × h PNG at DPI.
func encodeSized(name string, p *plot.Plot, w, h vg.Length) ([]byte, error) {
	img := canvas(w, h)
	p.Draw(draw.New(img))
	return encodeCanvas(name, img)
}

// canvas returns a white w × h canvas at DPI.
func canvas(w, h vg.Length) *vgimg.Canvas {
	return vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
}

// History draws the training history in two panels on linear axes:
// the training and validation loss on the left, the training and
// validation accuracy on the right, each legend where its curves are not.
func History(title string, hist nn.History) ([]byte, error) {
	series := map[string][]float64{}
	for _, e := range hist.Epochs {
		series["train loss"] = append(series["train loss"], e.TrainLoss)
		series["validation loss"] = append(series["validation loss"], e.ValidationLoss)
		series["train accuracy"] = append(series["train accuracy"], e.TrainAccuracy)
		series["validation accuracy"] = append(series["validation accuracy"], e.ValidationAccuracy)
	}
	// Losses fall and accuracies rise: the legends go top right and
	// bottom right, where the curves end up away from.
	loss, err := CurvesPlot(title+": loss", "loss", series, []string{"train loss", "validation loss"})
	if err != nil {
		return nil, err
	}
	acc, err := CurvesPlot("accuracy", "accuracy", series, []string{"train accuracy", "validation accuracy"})
	if err != nil {
		return nil, err
	}
	loss.Legend.Top, acc.Legend.Top = true, false
	const w, h = 10 * vg.Inch, 4 * vg.Inch
	img := canvas(w, h)
	pad := 3 * vg.Millimeter
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	canvases := plot.Align([][]*plot.Plot{{loss, acc}}, tiles, draw.New(img))
	loss.Draw(canvases[0][0])
	acc.Draw(canvases[0][1])
	return encodeCanvas(title, img)
}

// Scree plots the explained-variance ratio per component and its
// cumulative sum.
func Scree(ratios []float64) ([]byte, error) {
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
		line.Color = Palette[i]
		p.Add(line)
		p.Legend.Add([]string{"ratio", "cumulative"}[i], line)
	}
	p.Legend.Top = false
	p.Legend.Left = false
	return EncodePlot("scree plot", p)
}

// PCAScatter draws the scores of the first two principal components (the
// first two columns of scores), coloured by label (Scatter), each axis
// labelled with its component's percentage of the variance.
func PCAScatter(scores mat.Matrix, ratio []float64, labels []int) ([]byte, error) {
	n, _ := scores.Dims()
	pts := make([][2]float64, n)
	for i := range pts {
		pts[i] = [2]float64{scores.At(i, 0), scores.At(i, 1)}
	}
	return Scatter("PCA: first two components", fmt.Sprintf("PC1 (%.1f %% of the variance)", 100*ratio[0]),
		fmt.Sprintf("PC2 (%.1f %% of the variance)", 100*ratio[1]), pts, labels)
}

// Scatter plots points coloured by label: a colour and a legend entry
// per label when there are at most len(Palette) distinct labels, else one
// colour per label modulo len(Palette) and no legend; one colour and no
// legend when labels is nil. Only the labels present are visited, whatever
// their size.
func Scatter(title, xlabel, ylabel string, points [][2]float64, labels []int) ([]byte, error) {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	groups := map[int]plotter.XYs{}
	for i, s := range points {
		l := 0
		if labels != nil {
			l = labels[i]
		}
		groups[l] = append(groups[l], plotter.XY{X: s[0], Y: s[1]})
	}
	present := slices.Sorted(maps.Keys(groups))
	legend := labels != nil && len(present) <= len(Palette)
	if labels != nil && !legend {
		p.Title.Text += fmt.Sprintf(" (%d labels, colour = label mod %d)", len(present), len(Palette))
	}
	if legend {
		p.Legend.Add("label") // the legend's title, above the labels
	}
	for i, l := range present {
		sc, err := plotter.NewScatter(groups[l])
		if err != nil {
			return nil, err
		}
		sc.Color = Palette[l%len(Palette)]
		if legend {
			sc.Color = Palette[i]
			p.Legend.Add(strconv.Itoa(l), sc)
		}
		sc.Shape = draw.CircleGlyph{}
		sc.Radius = vg.Points(1.5)
		p.Add(sc)
	}
	if legend {
		// Room on the right for the legend, clear of the points.
		p.X.Max += 0.2 * (p.X.Max - p.X.Min)
		p.Legend.Top = true
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	return EncodePlot(title, p)
}

// ImageGrid draws rows of height×width grey-scale images (values in
// [0, 1], row-major), scaled up by scale, each row of images named on its
// left.
func ImageGrid(names []string, rows [][][]float64, height, width, scale int) ([]byte, error) {
	panels := make([][]Panel, len(rows))
	for r, row := range rows {
		for _, pix := range row {
			panels[r] = append(panels[r], Panel{Width: width, Height: height, Pix: pix})
		}
	}
	return Panels(names, nil, panels, scale)
}

// Panel is a grey-scale image: height rows of width values in [0, 1]
// (1 black), row-major.
type Panel struct {
	Width, Height int
	Pix           []float64
}

// Panels draws rows of panels, scaled up by scale: each row named on
// its left, each column titled above (titles may be nil). A column is as
// wide as its widest Panel, a row as tall as its tallest.
func Panels(names, titles []string, rows [][]Panel, scale int) ([]byte, error) {
	const gap = 2
	var colW []int
	rowH := make([]int, len(rows))
	for r, row := range rows {
		for c, p := range row {
			if c == len(colW) {
				colW = append(colW, 0)
			}
			colW[c] = max(colW[c], p.Width*scale)
			rowH[r] = max(rowH[r], p.Height*scale)
		}
	}
	w, h := gap, gap
	for _, cw := range colW {
		w += cw + gap
	}
	for _, rh := range rowH {
		h += rh + gap
	}
	grid := image.NewGray(image.Rect(0, 0, w, h))
	for i := range grid.Pix {
		grid.Pix[i] = 255
	}
	y0 := gap
	for r, row := range rows {
		x0 := gap
		for c, p := range row {
			for y := 0; y < p.Height*scale; y++ {
				for x := 0; x < p.Width*scale; x++ {
					v := math.Max(0, math.Min(1, p.Pix[(y/scale)*p.Width+x/scale]))
					grid.SetGray(x0+x, y0+y, color.Gray{Y: uint8(255 - math.Round(255*v))})
				}
			}
			x0 += colW[c] + gap
		}
		y0 += rowH[r] + gap
	}
	// One point is one pixel: the names go in a margin on the left, the
	// titles in one on top.
	style := draw.TextStyle{Color: color.Black, Font: plot.DefaultFont, Handler: plot.DefaultTextHandler, XAlign: draw.XRight, YAlign: draw.YCenter}
	style.Font.Size = vg.Points(12)
	margin := vg.Length(0)
	for _, name := range names {
		margin = max(margin, style.Width(name))
	}
	margin = vg.Length(math.Ceil(float64(margin))) + 8 // whole pixels: the grid is copied, not resampled
	top := vg.Length(0)
	if titles != nil {
		top = vg.Length(math.Ceil(float64(style.Height("Xg")))) + 6
	}
	img := vgimg.NewWith(vgimg.UseWH(margin+vg.Length(w), top+vg.Length(h)), vgimg.UseDPI(72), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	dc.DrawImage(vg.Rectangle{Min: vg.Point{X: margin}, Max: vg.Point{X: margin + vg.Length(w), Y: vg.Length(h)}}, grid)
	y0 = gap
	for r, name := range names {
		if r < len(rowH) {
			dc.FillText(style, vg.Point{X: margin - 4, Y: vg.Length(h - (y0 + rowH[r]/2))}, name)
			y0 += rowH[r] + gap
		}
	}
	title := style
	title.XAlign, title.YAlign = draw.XCenter, draw.YBottom
	x0 := gap
	for c, t := range titles {
		if c < len(colW) {
			dc.FillText(title, vg.Point{X: margin + vg.Length(x0+colW[c]/2), Y: vg.Length(h) + 3}, t)
			x0 += colW[c] + gap
		}
	}
	return encodeCanvas("image grid", img)
}

// Components draws the first (up to 16) principal components — the rows
// of components — as height×width images in rows of 8: white where a
// component is most negative, black where most positive, grey at 0.
func Components(components mat.Matrix, height, width int) ([]byte, error) {
	k, _ := components.Dims()
	k = min(k, 16)
	var names []string
	var rows [][][]float64
	for i := 0; i < k; i++ {
		if i%8 == 0 {
			names = append(names, fmt.Sprintf("PC %d–%d", i+1, min(i+8, k)))
			rows = append(rows, nil)
		}
		c := mat.Row(nil, i, components)
		var m float64
		for _, v := range c {
			m = math.Max(m, math.Abs(v))
		}
		for j := range c {
			c[j] = 0.5 + c[j]/(2*max(m, 1e-300))
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], c)
	}
	return ImageGrid(names, rows, height, width, max(1, 84/max(height, width)))
}

// MaxProfilePoints is the most points Profiles draws per curve.
const MaxProfilePoints = 1000

// Profiles draws table rows as profiles — value against feature — in
// up to four panels, one per sample, each with its curves (name → values)
// in the given order: the first as points and line, the others dashed.
// Of more than MaxProfilePoints features every k-th is drawn (the panel
// title says so), so that the drawing takes bounded time whatever the
// width of the table.
func Profiles(title string, features []string, samples []map[string][]float64, order []string) ([]byte, error) {
	n := min(len(samples), 4)
	stride := 1
	for _, s := range samples[:n] {
		for _, v := range s {
			stride = max(stride, (len(v)+MaxProfilePoints-1)/MaxProfilePoints)
		}
	}
	var plots []*plot.Plot
	legend := plot.NewLegend() // one legend for all panels, above them
	for i := 0; i < n; i++ {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("test sample %d", i+1)
		if stride > 1 {
			p.Title.Text += fmt.Sprintf(" (one feature in %d)", stride)
		}
		p.X.Label.Text = "feature"
		p.Y.Tick.Marker = niceTicks{}
		p.Add(plotter.NewGrid())
		for c, name := range order {
			values := samples[i][name]
			pts := make(plotter.XYs, 0, len(values)/stride+1)
			for j := 0; j < len(values); j += stride {
				pts = append(pts, plotter.XY{X: float64(j), Y: values[j]})
			}
			line, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			line.Color = Palette[c%len(Palette)]
			p.Add(line)
			if c == 0 && len(pts) <= 200 {
				sc, err := plotter.NewScatter(pts)
				if err != nil {
					return nil, err
				}
				sc.Color = line.Color
				sc.Radius = vg.Points(2)
				p.Add(sc)
			} else if c > 0 {
				line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			if i == 0 {
				legend.Add(name, line)
			}
		}
		if len(features) <= 12 {
			ticks := make([]plot.Tick, len(features))
			long := false
			for j, f := range features {
				ticks[j] = plot.Tick{Value: float64(j), Label: f}
				long = long || utf8.RuneCountInString(f) > 3
			}
			p.X.Tick.Marker = plot.ConstantTicks(ticks)
			// Half a feature of room either side, for the names.
			p.X.Min, p.X.Max = -0.5, float64(len(features))-0.5
			if long {
				// Slanted, so that neighbouring names do not overlap.
				p.X.Tick.Label.Rotation = math.Pi / 6
				p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
			}
		}
		plots = append(plots, p)
	}
	cols := min(n, 2)
	rows := (n + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for c := range grid[r] {
			if k := r*cols + c; k < n {
				grid[r][c] = plots[k]
			}
		}
	}
	strip := vg.Length(len(order))*legend.TextStyle.Height("A") + 4*vg.Millimeter
	w, h := vg.Length(cols)*5*vg.Inch, vg.Length(rows)*3.5*vg.Inch+strip
	img := canvas(w, h)
	dc := draw.New(img)
	pad := 3 * vg.Millimeter
	legend.Top = true
	legend.Draw(draw.Crop(dc, 0, -pad, h-strip, -pad/2))
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 2 * pad, PadY: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	canvases := plot.Align(grid, tiles, draw.Crop(dc, 0, 0, 0, -strip))
	for r := range grid {
		for c, p := range grid[r] {
			if p != nil {
				p.Draw(canvases[r][c])
			}
		}
	}
	return encodeCanvas(title, img)
}

// Band is a shaded range around a series: a prediction interval.
type Band struct {
	Name         string // its legend entry, "90 % interval"
	Lower, Upper []float64
}

// XAxis is the horizontal axis of a series: its label, and whether its
// values are Unix seconds, labelled as dates.
type XAxis struct {
	Label string
	Dates bool
}

// SeriesWithResiduals plots series (name → values) against x, in the
// given order, the first (the truth) solid and the others dashed, and
// under them, on the same x, each other series minus the first: the
// residuals, around a zero line. A band, when not nil, is shaded behind
// the second series, in its colour, in both panels.
func SeriesWithResiduals(title string, xaxis XAxis, ylabel string, x []float64, series map[string][]float64, order []string, band *Band) ([]byte, error) {
	top, bottom := plot.New(), plot.New()
	top.Title.Text, top.Y.Label.Text = title, ylabel
	bottom.X.Label.Text, bottom.Y.Label.Text = xaxis.Label, "forecast − "+order[0]
	for _, p := range []*plot.Plot{top, bottom} {
		p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
		if xaxis.Dates {
			p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01-02"}
		}
	}
	top.Add(plotter.NewGrid())
	bottom.Add(plotter.NewGrid())
	if band != nil && len(order) > 1 {
		truth := series[order[0]]
		shade := Palette[1%len(Palette)]
		r, g, b, _ := shade.RGBA()
		fill := color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 60}
		for _, panel := range []*plot.Plot{top, bottom} {
			var ring plotter.XYs
			for k := range x {
				ring = append(ring, plotter.XY{X: x[k], Y: band.Lower[k]})
			}
			for k := len(x) - 1; k >= 0; k-- {
				ring = append(ring, plotter.XY{X: x[k], Y: band.Upper[k]})
			}
			if panel == bottom {
				for k := range ring {
					ring[k].Y -= truth[min(k, 2*len(x)-1-k)]
				}
			}
			poly, err := plotter.NewPolygon(ring)
			if err != nil {
				return nil, err
			}
			poly.Color, poly.LineStyle.Width = fill, 0
			panel.Add(poly)
			if panel == top {
				top.Legend.Add(band.Name, poly)
			}
		}
	}
	truth := series[order[0]]
	for i, name := range order {
		pts, res := make(plotter.XYs, len(x)), make(plotter.XYs, len(x))
		for k := range x {
			pts[k] = plotter.XY{X: x[k], Y: series[name][k]}
			res[k] = plotter.XY{X: x[k], Y: series[name][k] - truth[k]}
		}
		for _, p := range []struct {
			plot *plot.Plot
			xys  plotter.XYs
		}{{top, pts}, {bottom, res}} {
			line, err := plotter.NewLine(p.xys)
			if err != nil {
				return nil, err
			}
			line.Color = Palette[i%len(Palette)]
			if i > 0 {
				line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			p.plot.Add(line)
			if p.plot == top {
				top.Legend.Add(name, line)
			}
		}
	}
	top.Legend.Top = true
	// Room above the curves for the legend.
	entries := len(order)
	if band != nil {
		entries++
	}
	top.Y.Max += 0.08 * float64(entries) * (top.Y.Max - top.Y.Min)
	const w, h = 8 * vg.Inch, 6 * vg.Inch
	img := canvas(w, h)
	pad := 3 * vg.Millimeter
	// Aligned, so that a step is at one x in both panels.
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, draw.New(img))
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	return encodeCanvas(title, img)
}

// Series plots series (name → values) against x, in the given order,
// lines with points, the first solid and the others dashed, the legend
// above them.
func Series(title, xlabel, ylabel string, x []float64, series map[string][]float64, order []string) ([]byte, error) {
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
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		line.Color, points.Color = Palette[i%len(Palette)], Palette[i%len(Palette)]
		if i > 0 {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		}
		p.Add(line, points)
		p.Legend.Add(name, line)
	}
	p.Legend.Top = true
	p.Y.Max += 0.08 * float64(len(order)) * (p.Y.Max - p.Y.Min) // room for the legend
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	return EncodePlot(title, p)
}

// ErrorHistogram draws the distributions of a detector's scores of the
// test rows, normal and anomalous rows apart (each normalised to area 1),
// and marks the threshold; what names the score ("reconstruction error").
// Scores that are all positive, as errors are, are drawn as log₁₀; others,
// such as standardised scores, as they are.
func ErrorHistogram(scores []float64, anomalous []bool, threshold float64, what string) ([]byte, error) {
	logScale := threshold > 0
	for _, s := range scores {
		logScale = logScale && s > 0
	}
	scale, axis := func(v float64) float64 { return v }, what
	if logScale {
		scale, axis = math.Log10, "log₁₀ "+what
	}
	var normalValues, anomalousValues plotter.Values
	for i, s := range scores {
		v := scale(s)
		if anomalous != nil && anomalous[i] {
			anomalousValues = append(anomalousValues, v)
		} else {
			normalValues = append(normalValues, v)
		}
	}
	p := plot.New()
	p.Title.Text = what + "s of the test rows"
	p.X.Label.Text = axis
	p.Y.Label.Text = "density"
	for k, values := range []plotter.Values{normalValues, anomalousValues} {
		if len(values) == 0 {
			continue
		}
		h, err := plotter.NewHist(values, 40)
		if err != nil {
			return nil, err
		}
		h.Normalize(1)
		c := color.NRGBAModel.Convert(Palette[k]).(color.NRGBA)
		c.A = 110
		h.FillColor, h.LineStyle.Color = c, Palette[k]
		p.Add(h)
		p.Legend.Add([]string{"normal", "anomalous"}[k], h)
	}
	t := scale(threshold)
	p.Y.Max *= 1.3 // room above the bars for the legend
	line, err := plotter.NewLine(plotter.XYs{{X: t, Y: 0}, {X: t, Y: p.Y.Max}})
	if err != nil {
		return nil, err
	}
	line.Color = Palette[3]
	line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
	p.Add(line)
	p.Legend.Add("threshold", line)
	p.Legend.Top = true
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	return EncodePlot("errors.png", p)
}

// niceTicks labels an axis at 4 to 10 round values (steps of 1, 2, 2.5 or
// 5 times a power of ten), with as many decimals as the step needs, and
// puts a minor tick between them; gonum's default gives as few as two
// labels on a narrow range.
type niceTicks struct{}

// Ticks implements plot.Ticker.
func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	if math.Abs(step/math.Pow(10, math.Floor(math.Log10(step)+1e-9))-2.5) < 1e-9 {
		decimals++
	}
	var ticks []plot.Tick
	for k := math.Ceil(lo / step); k*step <= hi+1e-9*step; k++ {
		v := k * step
		if v == 0 {
			v = 0 // not −0, which a range starting below zero gives: "-0"
		}
		label := strconv.FormatFloat(v, 'f', decimals, 64)
		if decimals > 6 || math.Abs(v) >= 1e6 {
			label = strconv.FormatFloat(v, 'g', 4, 64)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
		if mid := v + step/2; mid <= hi {
			ticks = append(ticks, plot.Tick{Value: mid})
		}
	}
	return ticks
}

// ROC draws the ROC curve of scores against labels (0 normal, k > 0 an
// anomaly of the kind kinds[k]): all anomalies together and, with more
// than one kind, each kind against the normal rows, with the chance
// diagonal. Each curve's legend gives its AUC.
func ROC(scores []float64, labels []int, kinds []string) ([]byte, error) {
	p := plot.New()
	p.Title.Text = "ROC curve of the test rows"
	p.X.Label.Text = "false positive rate"
	p.Y.Label.Text = "true positive rate"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Add(plotter.NewGrid())
	curve := func(name string, keep func(label int) bool, anomaly func(label int) bool, c int) error {
		var s []float64
		var l []bool
		for i, label := range labels {
			if keep(label) {
				s, l = append(s, scores[i]), append(l, anomaly(label))
			}
		}
		fpr, tpr, _ := ae.ROCCurve(s, l)
		if math.IsNaN(fpr[len(fpr)-1]) || math.IsNaN(tpr[len(tpr)-1]) {
			return nil // a class is absent
		}
		pts := make(plotter.XYs, len(fpr))
		for k := range fpr {
			pts[k] = plotter.XY{X: fpr[k], Y: tpr[k]}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color = Palette[c%len(Palette)]
		if c > 0 {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		} else {
			line.Width = vg.Points(2)
		}
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("%s (AUC %.3f)", name, ae.ROCAUC(s, l)), line)
		return nil
	}
	if err := curve("all anomalies", func(int) bool { return true }, func(l int) bool { return l != 0 }, 0); err != nil {
		return nil, err
	}
	if len(kinds) > 2 {
		for k := 1; k < len(kinds) && k < len(Palette); k++ {
			if err := curve(kinds[k], func(l int) bool { return l == 0 || l == k }, func(l int) bool { return l == k }, k); err != nil {
				return nil, err
			}
		}
	}
	chance, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, err
	}
	chance.Color = color.Gray{Y: 150}
	chance.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	p.Add(chance)
	p.Legend.Top = false
	return EncodePlot("roc.png", p)
}

// encodeCanvas returns img as a PNG, named in errors by name.
func encodeCanvas(name string, img *vgimg.Canvas) ([]byte, error) {
	return encode(name, func(out io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(out)
		return err
	})
}

// encode returns the bytes fn writes (a PNG), named in errors by name.
func encode(name string, fn func(w io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return nil, fmt.Errorf("figures: rendering %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Latent scatters codes (rows of dim values, row-major) coloured by label
// (nil: one colour): the code itself when it has one or two values (one
// value against the sample number), else its first two principal
// components (PCA seeded by seed).
func Latent(codes []float64, dim int, labels []int, seed uint64) ([]byte, error) {
	n := len(codes) / dim
	pts := make([][2]float64, n)
	title, xl, yl := "latent space: the code", "code 1", "code 2"
	switch dim {
	case 1:
		xl, yl = "code", "test sample"
		for i := range pts {
			pts[i] = [2]float64{codes[i], float64(i)}
		}
	case 2:
		for i := range pts {
			pts[i] = [2]float64{codes[2*i], codes[2*i+1]}
		}
	default:
		title, xl, yl = fmt.Sprintf("latent space: first two principal components of the %d-D code", dim), "PC1", "PC2"
		pca := decomposition.PCA{NComponents: 2, Seed: seed}
		scores, err := pca.FitTransform(mat.NewDense(n, dim, append([]float64(nil), codes...)))
		if err != nil {
			// Codes without variance (dead units): show two of them as they are.
			title, xl, yl = fmt.Sprintf("latent space: the first two of %d code values (no spread for PCA)", dim), "code 1", "code 2"
			for i := range pts {
				pts[i] = [2]float64{codes[i*dim], codes[i*dim+1]}
			}
			break
		}
		for i := range pts {
			pts[i] = [2]float64{scores.At(i, 0), scores.At(i, 1)}
		}
	}
	return Scatter(title, xl, yl, pts, labels)
}

// Reconstructions draws samples beside their reconstructions: rows[c][i]
// is sample i as version c (names[c]: "input", "autoencoder", …). Images
// (shape (height, width)) go in a grid, a row per version; table rows
// (shape nil) as Profiles over the features, a panel per sample.
func Reconstructions(names []string, rows [][][]float64, shape []int, features []string) ([]byte, error) {
	if len(shape) == 2 {
		return ImageGrid(names, rows, shape[0], shape[1], max(1, 84/max(shape[0], shape[1])))
	}
	var samples []map[string][]float64
	for i := range rows[0] {
		sample := map[string][]float64{}
		for c, name := range names {
			sample[name] = rows[c][i]
		}
		samples = append(samples, sample)
	}
	return Profiles("reconstructions", features, samples, names)
}

// Tiles lays out images in rows of perRow, for ImageGrid.
func Tiles(images [][]float64, perRow int) [][][]float64 {
	var rows [][][]float64
	for i, im := range images {
		if i%perRow == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], im)
	}
	return rows
}

// FaultSignal is one signal for Faults: its values (one feature per step),
// its step scores (ae.FaultLocator's, or any per-step error) and its title
// ("spike, score 0.41").
type FaultSignal struct {
	Title      string
	Values     []float64
	StepScores []float64
}

// Faults draws signals in columns, each with its step scores in the panel
// under it on the same steps, so that the eye finds
// where a fault sits: the caller passes, say, the most and the least
// anomalous of the flagged test signals. At most 6 signals are drawn.
func Faults(signals []FaultSignal) ([]byte, error) {
	n := min(len(signals), 6)
	if n == 0 {
		return nil, fmt.Errorf("figures: no signal to draw")
	}
	plots := [][]*plot.Plot{make([]*plot.Plot, n), make([]*plot.Plot, n)}
	for c, s := range signals[:n] {
		for r, values := range [][]float64{s.Values, s.StepScores} {
			p := plot.New()
			p.Add(plotter.NewGrid())
			pts := make(plotter.XYs, len(values))
			for t, v := range values {
				pts[t] = plotter.XY{X: float64(t), Y: v}
			}
			line, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			line.Color = Palette[r*3]
			p.Add(line)
			p.X.Label.Text = "step"
			if r == 0 {
				p.Title.Text = s.Title
				p.Y.Label.Text = "signal"
			} else {
				p.Y.Label.Text = "step score"
				p.Y.Tick.Marker = niceTicks{}
			}
			plots[r][c] = p
		}
	}
	w, h := vg.Length(3.2*float64(n))*vg.Inch, 5*vg.Inch
	img := canvas(w, h)
	pad := 3 * vg.Millimeter
	tiles := draw.Tiles{Rows: 2, Cols: n, PadX: 2 * pad, PadY: 2 * pad, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad}
	canvases := plot.Align(plots, tiles, draw.New(img))
	for r := range plots {
		for c := range plots[r] {
			plots[r][c].Draw(canvases[r][c])
		}
	}
	return encodeCanvas("faults", img)
}

// correlationGrid is a correlation matrix as a plotter.GridXYZ: column j,
// row i (row 0 at the top).
type correlationGrid struct {
	r mat.Symmetric
	p int
}

func (g correlationGrid) Dims() (c, r int)   { return g.p, g.p }
func (g correlationGrid) Z(c, r int) float64 { return g.r.At(g.p-1-r, c) }
func (g correlationGrid) X(c int) float64    { return float64(c) }
func (g correlationGrid) Y(r int) float64    { return float64(r) }

// CorrelationMap draws a correlation matrix as a heat map on a blue (−1),
// white (0), red (+1) scale, its rows and columns labelled with the
// variables' names (every k-th of more than 30) and, for up to 12
// variables, each cell with its value.
func CorrelationMap(title string, names []string, r mat.Symmetric) ([]byte, error) {
	p := r.SymmetricDim()
	if p == 0 || len(names) != p {
		return nil, fmt.Errorf("figures: a correlation map of %d variables with %d names", p, len(names))
	}
	pal := moreland.SmoothBlueRed()
	pal.SetMin(-1)
	pal.SetMax(1)
	heat := plotter.NewHeatMap(correlationGrid{r, p}, pal.Palette(255))
	heat.Min, heat.Max = -1, 1
	pl := plot.New()
	pl.Title.Text = title
	pl.Add(heat)
	step := max(1, (p+29)/30)
	var xt, yt []plot.Tick
	for j := 0; j < p; j++ {
		label := ""
		if j%step == 0 {
			label = names[j]
		}
		xt = append(xt, plot.Tick{Value: float64(j), Label: label})
		yt = append(yt, plot.Tick{Value: float64(p - 1 - j), Label: label})
	}
	pl.X.Tick.Marker = plot.ConstantTicks(xt)
	pl.Y.Tick.Marker = plot.ConstantTicks(yt)
	pl.X.Tick.Label.Rotation = math.Pi / 4
	pl.X.Tick.Label.XAlign, pl.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	if p <= 12 {
		var labels plotter.XYLabels
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				labels.XYs = append(labels.XYs, plotter.XY{X: float64(j), Y: float64(p - 1 - i)})
				labels.Labels = append(labels.Labels, fmt.Sprintf("%.2f", r.At(i, j)))
			}
		}
		l, err := plotter.NewLabels(labels)
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XCenter, draw.YCenter
		}
		pl.Add(l)
	}
	return encodeSized(title, pl, 6*vg.Inch, 6*vg.Inch)
}
