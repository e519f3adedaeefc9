package main

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

var (
	rawColor     = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	serviceColor = color.RGBA{R: 0x00, G: 0x7a, B: 0xcc, A: 0xff}
)

// writeChart draws throughput (left) and p50/p99 latency (right) against
// concurrency for the service and the raw driver, with the run's facts as
// a heading so the picture never travels without them. Both axes of the
// latency plot and the concurrency axes are logarithmic: the levels grow
// by factors of 8 and latency with them.
func writeChart(path string, res results) error {
	levels := plot.ConstantTicks{}
	lowest, highest := math.Inf(1), math.Inf(-1)
	for _, rt := range res.Ratios {
		x := float64(rt.Level)
		levels = append(levels, plot.Tick{Value: x, Label: strconv.Itoa(rt.Level)})
		lowest, highest = math.Min(lowest, x), math.Max(highest, x)
	}
	newPlot := func(title, yLabel string) *plot.Plot {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "concurrent clients"
		p.Y.Label.Text = yLabel
		// Fixed ranges, padded: a log axis must never reach zero, which
		// gonum's own padding of a single point would do.
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = levels
		p.X.Min, p.X.Max = lowest/1.25, highest*1.25
		p.Legend.TextStyle.Font.Size = vg.Points(10)
		p.Add(plotter.NewGrid())
		return p
	}
	// Throughput lines run along the top and latency lines climb to the
	// right, so each legend goes where its lines are not.
	throughput := newPlot("customer.update throughput", "updates/s")
	throughput.Y.Min = 0
	throughput.Y.Tick.Marker = plainTicks{}
	throughput.Legend.Top, throughput.Legend.Left = false, true
	throughput.Legend.XOffs, throughput.Legend.YOffs = 2*vg.Millimeter, 4*vg.Millimeter
	latency := newPlot("customer.update latency", "ms")
	if lo, hi := latencyRange(res.Runs); lo > 0 {
		latency.Y.Scale = plot.LogScale{}
		latency.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		latency.Y.Min, latency.Y.Max = lo/1.5, hi*1.5
	}
	latency.Legend.Top, latency.Legend.Left = true, true
	latency.Legend.XOffs = 2 * vg.Millimeter

	for _, target := range []struct {
		name  string
		color color.Color
	}{{"raw driver", rawColor}, {"service", serviceColor}} {
		var tput, p50, p99 plotter.XYs
		for _, run := range res.Runs {
			if run.Target != target.name {
				continue
			}
			x := float64(run.Level)
			tput = append(tput, plotter.XY{X: x, Y: run.Throughput})
			if run.P50ms > 0 {
				p50 = append(p50, plotter.XY{X: x, Y: run.P50ms})
				p99 = append(p99, plotter.XY{X: x, Y: run.P99ms})
			}
		}
		if err := addLine(throughput, target.name, target.color, false, tput); err != nil {
			return err
		}
		if err := addLine(latency, target.name+" p50", target.color, false, p50); err != nil {
			return err
		}
		if err := addLine(latency, target.name+" p99", target.color, true, p99); err != nil {
			return err
		}
	}

	const heading = 18 * vg.Millimeter
	canvas := vgsvg.New(26*vg.Centimeter, 12*vg.Centimeter)
	dc := draw.New(canvas)
	style := draw.TextStyle{
		Color:   color.Black,
		Font:    font.From(plot.DefaultFont, 10),
		XAlign:  draw.XLeft,
		YAlign:  draw.YTop,
		Handler: plot.DefaultTextHandler,
	}
	dc.FillText(style, vg.Point{X: dc.Min.X + 4*vg.Millimeter, Y: dc.Max.Y - 3*vg.Millimeter},
		fmt.Sprintf("customer.update, service vs raw driver · %s · %d cores\n%s\nwrite gate: %s",
			res.Date[:10], res.Cores, res.Database, res.WriteGate))
	plots := [][]*plot.Plot{{throughput, latency}}
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 8 * vg.Millimeter, PadTop: 2 * vg.Millimeter,
		PadBottom: 2 * vg.Millimeter, PadLeft: 2 * vg.Millimeter, PadRight: 4 * vg.Millimeter}
	canvases := plot.Align(plots, tiles, draw.Crop(dc, 0, 0, 0, -heading))
	throughput.Draw(canvases[0][0])
	latency.Draw(canvases[0][1])

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := canvas.WriteTo(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// latencyRange is the smallest and largest latency measured, or zeros
// when no update succeeded.
func latencyRange(runs []runResult) (lo, hi float64) {
	for _, r := range runs {
		if r.P50ms <= 0 {
			continue
		}
		if lo == 0 || r.P50ms < lo {
			lo = r.P50ms
		}
		hi = math.Max(hi, r.P99ms)
	}
	return lo, hi
}

func addLine(p *plot.Plot, name string, c color.Color, dashed bool, xys plotter.XYs) error {
	if len(xys) == 0 {
		return nil
	}
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return err
	}
	line.Color, points.Color = c, c
	line.Width = vg.Points(1.5)
	if dashed {
		line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		points.Shape = draw.TriangleGlyph{}
	} else {
		points.Shape = draw.CircleGlyph{}
	}
	p.Add(line, points)
	p.Legend.Add(name, line, points)
	return nil
}

// plainTicks labels the default ticks without the trailing zeros the
// default labels carry ("50" rather than "50.00").
type plainTicks struct{}

func (plainTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'f', -1, 64)
		}
	}
	return ticks
}
