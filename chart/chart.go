// Package chart draws the manager's pipeline charts as PNG images for Slack,
// with gonum/plot and a CJK font so Chinese names and stages read as Chinese.
package chart

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Width and Height are the size in pixels of every PNG this package makes,
// empty charts included: wide enough for 40 reps, and shown by Slack
// without scaling the text to illegibility.
const (
	Width  = 1000
	Height = 560
)

// StageBar is one stage of the pipeline chart. Money values are in major
// units of one currency, which Labels.Unit names. Negative, NaN and
// infinite values are drawn as zero.
type StageBar struct {
	Label    string  // stage name in the reader's language, e.g. "需求调研" or "Discovery"
	Value    float64 // open pipeline value at that stage
	Weighted float64 // probability-weighted value
}

// RepBar is one rep of the forecast chart: a bar stacking Won, then Commit,
// then Best case, and a target marker across it. Money values are in major
// units of one currency, which Labels.Unit names. Negative, NaN and
// infinite values are drawn as zero.
type RepBar struct {
	Label  string  // rep's display name (may be Chinese, e.g. "王小明")
	Won    float64 // closed won
	Commit float64 // committed, stacked on Won
	Best   float64 // best case, stacked on Commit
	Target float64 // 0 = no target set (draw no marker)
}

// Labels are the chart's words in the reader's language (the caller
// translates). Empty legend names fall back to the English defaults below.
// Every string is cleaned before drawing: control characters become spaces,
// and bar labels are cut to 16 runes with "…", other texts to what fits.
type Labels struct {
	Title string // e.g. "Pipeline by stage — 2026 Q4" / "各阶段管道 — 2026年第4季度"
	Unit  string // value axis title, e.g. "CNY" / "金额(元)" / "万元"

	Value, Weighted           string // legend names for StageBar series ("Value", "Weighted")
	Won, Commit, Best, Target string // legend names for RepBar series ("Won", "Commit", "Best case", "Target")

	// Empty is the message of a chart with no bars ("No data").
	Empty string

	// Format writes a value axis tick label, e.g. 1800000 as "1.8M" or
	// "180万". Nil means the whole number with thousands separators
	// ("1,800,000"), with up to two decimals when the ticks need them.
	Format func(float64) string
}

// withDefaults returns l with the empty legend names and message filled in.
func (l Labels) withDefaults() Labels {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&l.Value, "Value")
	def(&l.Weighted, "Weighted")
	def(&l.Won, "Won")
	def(&l.Commit, "Commit")
	def(&l.Best, "Best case")
	def(&l.Target, "Target")
	def(&l.Empty, "No data")
	if l.Format == nil {
		l.Format = thousands
	}
	return l
}

// Pipeline draws the open pipeline per stage: for each stage, a bar of its
// value beside a bar of its weighted value. It returns a Width×Height PNG;
// with no bars it returns a chart saying Labels.Empty.
func (r *Renderer) Pipeline(bars []StageBar, l Labels) ([]byte, error) {
	l = l.withDefaults()
	if len(bars) == 0 {
		return r.render(func(c draw.Canvas) { r.drawEmpty(c, l) })
	}
	names := make([]string, len(bars))
	values := make(plotter.Values, len(bars))
	weighted := make(plotter.Values, len(bars))
	top := 0.0
	for i, b := range bars {
		names[i] = cleanLabel(b.Label, maxBarLabelRunes)
		values[i] = amount(b.Value)
		weighted[i] = amount(b.Weighted)
		top = math.Max(top, math.Max(values[i], weighted[i]))
	}
	valueBars, err := newBars(values, colorValue)
	if err != nil {
		return nil, fmt.Errorf("pipeline chart: %w", err)
	}
	weightedBars, err := newBars(weighted, colorWeighted)
	if err != nil {
		return nil, fmt.Errorf("pipeline chart: %w", err)
	}
	legend := []legendItem{{l.Value, valueBars}, {l.Weighted, weightedBars}}

	return r.render(func(c draw.Canvas) {
		body := r.frame(c, l.Title, legend)
		p, catW := r.barPlot(body, names, top, l)
		// Two bars side by side fill 70% of a stage's slot, at most
		// 36pt each so a two-stage chart does not look like slabs.
		w := min(catW*0.35, vg.Points(36))
		valueBars.Width, valueBars.Offset = w, -w/2
		weightedBars.Width, weightedBars.Offset = w, w/2
		p.Add(valueBars, weightedBars)
		p.Draw(body)
	})
}

// Reps draws each rep's forecast: a bar stacking won, commit and best case,
// and a target marker across the bar for reps with a target. It returns a
// Width×Height PNG; with no bars it returns a chart saying Labels.Empty.
func (r *Renderer) Reps(bars []RepBar, l Labels) ([]byte, error) {
	l = l.withDefaults()
	if len(bars) == 0 {
		return r.render(func(c draw.Canvas) { r.drawEmpty(c, l) })
	}
	names := make([]string, len(bars))
	won := make(plotter.Values, len(bars))
	commit := make(plotter.Values, len(bars))
	best := make(plotter.Values, len(bars))
	var targets plotter.XYs
	top := 0.0
	for i, b := range bars {
		names[i] = cleanLabel(b.Label, maxBarLabelRunes)
		won[i], commit[i], best[i] = amount(b.Won), amount(b.Commit), amount(b.Best)
		top = math.Max(top, won[i]+commit[i]+best[i])
		if t := amount(b.Target); t > 0 {
			targets = append(targets, plotter.XY{X: float64(i), Y: t})
			top = math.Max(top, t)
		}
	}
	wonBars, err := newBars(won, colorWon)
	if err != nil {
		return nil, fmt.Errorf("reps chart: %w", err)
	}
	commitBars, err := newBars(commit, colorCommit)
	if err != nil {
		return nil, fmt.Errorf("reps chart: %w", err)
	}
	bestBars, err := newBars(best, colorBest)
	if err != nil {
		return nil, fmt.Errorf("reps chart: %w", err)
	}
	commitBars.StackOn(wonBars)
	bestBars.StackOn(commitBars)
	legend := []legendItem{{l.Won, wonBars}, {l.Commit, commitBars}, {l.Best, bestBars}}

	var marks *plotter.Scatter
	if len(targets) > 0 {
		marks, err = plotter.NewScatter(targets)
		if err != nil {
			return nil, fmt.Errorf("reps chart: targets: %w", err)
		}
		marks.GlyphStyle = draw.GlyphStyle{Color: rgb(colorTarget), Shape: targetGlyph{}}
		// The legend's marker is as wide as the swatches, whatever
		// the width of the bars.
		thumb := *marks
		thumb.GlyphStyle.Radius = legendSwatch / 2
		legend = append(legend, legendItem{l.Target, &thumb})
	}

	return r.render(func(c draw.Canvas) {
		body := r.frame(c, l.Title, legend)
		p, catW := r.barPlot(body, names, top, l)
		w := min(catW*0.6, vg.Points(48))
		wonBars.Width, commitBars.Width, bestBars.Width = w, w, w
		p.Add(wonBars, commitBars, bestBars)
		if marks != nil {
			// The marker overhangs the bar a little on each side, so
			// it reads as a line to reach rather than a band.
			marks.GlyphStyle.Radius = w/2 + min(catW*0.15, vg.Points(5))
			p.Add(marks)
		}
		p.Draw(body)
	})
}

// newBars returns a borderless bar chart of vs in the colour hex; its width
// is set once the plot's size is known.
func newBars(vs plotter.Values, hex uint32) (*plotter.BarChart, error) {
	b, err := plotter.NewBarChart(vs, 1)
	if err != nil {
		return nil, err
	}
	b.Color = rgb(hex)
	b.LineStyle.Width = 0
	return b, nil
}

// targetGlyph draws a target as a thick horizontal line, Radius each side of
// the point: across a bar it shows at a glance how far the bar has to go.
type targetGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (targetGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	line := draw.LineStyle{Color: sty.Color, Width: vg.Points(2.5)}
	c.StrokeLine2(line, pt.X-sty.Radius, pt.Y, pt.X+sty.Radius, pt.Y)
}

// amount is v as drawn: open pipeline money is never negative, and a NaN or
// infinity (a bug upstream) must not stop the chart.
func amount(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// barPlot returns a plot of len(names) categories along X, named by
// names, and values 0..top along Y, laid out to be drawn on body, and the
// width of one category's slot there. The caller adds the bars and draws.
func (r *Renderer) barPlot(body draw.Canvas, names []string, top float64, l Labels) (*plot.Plot, vg.Length) {
	p := plot.New()
	p.BackgroundColor = nil // the canvas is already white
	p.TextHandler = r.handler
	r.restyle(&p.Title.TextStyle, titleSize)
	r.restyle(&p.Legend.TextStyle, legendSize)
	r.restyle(&p.X.Label.TextStyle, axisSize)
	r.restyle(&p.Y.Label.TextStyle, axisSize)
	r.restyle(&p.X.Tick.Label, tickSize)
	r.restyle(&p.Y.Tick.Label, tickSize)

	ticks := make([]plot.Tick, len(names))
	for i, name := range names {
		ticks[i] = plot.Tick{Value: float64(i), Label: name}
	}
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Length = 0
	p.X.Padding = 0
	p.X.LineStyle = draw.LineStyle{Color: rgb(colorAxis), Width: vg.Points(0.75)}

	if top <= 0 {
		top = 1 // all zero: still a sensible axis
	}
	step := niceStep(top / 5)
	p.Y.Min, p.Y.Max = 0, step*math.Ceil(top*1.04/step)
	p.Y.Tick.Marker = valueTicks{step: step, format: l.Format}
	p.Y.Tick.Length = 0
	p.Y.LineStyle.Width = 0
	p.Y.Padding = vg.Points(4)
	if unit := cleanLabel(l.Unit, maxUnitRunes); unit != "" {
		p.Y.Label.Text = fit(p.Y.Label.TextStyle, unit, body.Size().Y)
	}

	// Many or long names: turn them 45° (and, for a big team, shrink
	// them) rather than let them overlap.
	catW := p.DataCanvas(body).Size().X / vg.Length(len(names))
	if len(names) > 24 {
		p.X.Tick.Label.Font.Size = smallTickSize
	}
	widest := vg.Length(0)
	for _, name := range names {
		widest = max(widest, p.X.Tick.Label.Width(name))
	}
	if widest > catW*0.9 {
		p.X.Tick.Label.Rotation = math.Pi / 4
		p.X.Tick.Label.XAlign = draw.XRight
		// Centred on its tick, a turned name ends under its bar; an
		// invisible tick line moves it down by the half height that
		// gonum/plot's axis size (which assumes top alignment) misses.
		p.X.Tick.Label.YAlign = draw.YCenter
		p.X.Tick.Length = p.X.Tick.Label.Font.Size * 0.6
		p.X.Tick.LineStyle.Color = color.Transparent
		catW = p.DataCanvas(body).Size().X / vg.Length(len(names))
	}

	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal = draw.LineStyle{Color: rgb(colorGrid), Width: vg.Points(0.75)}
	p.Add(grid)
	return p, catW
}

// drawEmpty draws the title and, in the middle, the empty-chart message.
func (r *Renderer) drawEmpty(c draw.Canvas, l Labels) {
	body := r.frame(c, l.Title, nil)
	sty := r.style(emptySize, colorMuted)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	msg := fit(sty, cleanLabel(l.Empty, maxTextRunes), body.Size().X)
	body.FillText(sty, body.Center(), msg)
}
