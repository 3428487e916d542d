package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/plot"
	plotfont "gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// dpi makes a point 4/3 of a pixel, so a 10pt tick label is 13px high.
const dpi = 96

// Text sizes, in points.
const (
	titleSize     = vg.Length(15)
	axisSize      = vg.Length(11)
	legendSize    = vg.Length(10.5)
	tickSize      = vg.Length(10)
	smallTickSize = vg.Length(8.5)
	emptySize     = vg.Length(14)
)

// Layout, in points.
const (
	margin       = vg.Length(12) // around the whole chart
	gap          = vg.Length(8)  // between title, legend and plot
	legendSwatch = vg.Length(12) // side of a legend's colour square
	legendSpace  = vg.Length(18) // between two legend entries
)

// How many runes of a label are kept; longer ones end in "…".
const (
	maxBarLabelRunes = 16
	maxUnitRunes     = 30
	maxTextRunes     = 120
)

// Colours, as 0xRRGGBB: a muted palette that reads on Slack's light and
// dark themes (the chart itself is always on white). Weighted is a lighter
// tint of Value because it is a part of it; Won is green, what is still
// open is blue, the less certain the lighter.
const (
	colorInk      = 0x333333
	colorMuted    = 0x777777
	colorAxis     = 0x888888
	colorGrid     = 0xE3E3E3
	colorValue    = 0x4E79A7
	colorWeighted = 0xA0CBE8
	colorWon      = 0x59A14F
	colorCommit   = 0x4E79A7
	colorBest     = 0xA0CBE8
	colorTarget   = 0xE15759
)

// rgb is the opaque colour 0xRRGGBB.
func rgb(hex uint32) color.RGBA {
	return color.RGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xFF}
}

// render draws a Width×Height chart with fn and encodes it as PNG. gonum/plot
// reports some bad input by panicking; render turns such a panic into an
// error so that one odd chart cannot take the bot down.
func (r *Renderer) render(fn func(c draw.Canvas)) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, fmt.Errorf("draw chart: %v", v)
		}
	}()
	// Width pixels at dpi are Width*72/dpi points: 750pt, exactly.
	size := func(px int) vg.Length { return vg.Length(px) * vg.Inch / dpi }
	cv := vgimg.NewWith(vgimg.UseWH(size(Width), size(Height)), vgimg.UseDPI(dpi))
	fn(draw.New(cv))
	return encode(cv.Image())
}

// encode returns img as PNG.
func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// style is a text style in the Renderer's font.
func (r *Renderer) style(size vg.Length, hex uint32) text.Style {
	return text.Style{
		Color:   rgb(hex),
		Font:    plotfont.Font{Typeface: r.typeface, Size: size},
		Handler: r.handler,
	}
}

// restyle puts a text style of gonum/plot's into the Renderer's font and
// colours, keeping its alignment and rotation.
func (r *Renderer) restyle(sty *text.Style, size vg.Length) {
	sty.Color = rgb(colorInk)
	sty.Font = plotfont.Font{Typeface: r.typeface, Size: size}
	sty.Handler = r.handler
}

// legendItem is one entry of a chart's legend.
type legendItem struct {
	name  string
	thumb plot.Thumbnailer
}

// frame draws the title and the legend across the top of c, and returns
// the part of c left for the plot. The legend is a row of its own, so it
// never covers a bar.
func (r *Renderer) frame(c draw.Canvas, title string, legend []legendItem) draw.Canvas {
	c = draw.Crop(c, margin, -margin, margin, -margin)
	if title = cleanLabel(title, maxTextRunes); title != "" {
		sty := r.style(titleSize, colorInk)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		title = fit(sty, title, c.Size().X)
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, title)
		c.Max.Y -= sty.Height(title) + gap
	}
	if len(legend) > 0 {
		c.Max.Y -= r.drawLegend(c, legend) + gap
	}
	return c
}

// drawLegend draws the entries in one centred row at the top of c and
// returns the row's height. Names too long to share the row are cut.
func (r *Renderer) drawLegend(c draw.Canvas, items []legendItem) vg.Length {
	sty := r.style(legendSize, colorInk)
	sty.YAlign = draw.YCenter
	room := c.Size().X/vg.Length(len(items)) - legendSwatch - 2*gap
	names := make([]string, len(items))
	total := -legendSpace
	for i, it := range items {
		names[i] = fit(sty, cleanLabel(it.name, maxTextRunes), room)
		total += legendSwatch + gap/2 + sty.Width(names[i]) + legendSpace
	}
	rowH := max(sty.Height("图"), legendSwatch)
	midY := c.Max.Y - rowH/2
	x := c.Center().X - total/2
	for i, it := range items {
		swatch := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: midY - legendSwatch/2},
			Max: vg.Point{X: x + legendSwatch, Y: midY + legendSwatch/2},
		}}
		it.thumb.Thumbnail(&swatch)
		x += legendSwatch + gap/2
		c.FillText(sty, vg.Point{X: x, Y: midY}, names[i])
		x += sty.Width(names[i]) + legendSpace
	}
	return rowH
}

// cleanLabel makes s safe and short to draw: invalid UTF-8 becomes "?",
// control and line-breaking characters become spaces (a newline would
// otherwise start a second line), invisible format characters (bidi
// overrides, zero-width joiners) go, runs of spaces shrink to one, and
// more than limit runes end in "…".
func cleanLabel(s string, limit int) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.In(r, unicode.Zl, unicode.Zp):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:limit-1])) + "…"
}

// fit returns s, cut and ended with "…" if it is wider than room in sty.
func fit(sty text.Style, s string, room vg.Length) string {
	if sty.Width(s) <= room {
		return s
	}
	runes := []rune(s)
	for len(runes) > 0 && sty.Width(string(runes)+"…") > room {
		runes = runes[:len(runes)-1]
	}
	return strings.TrimSpace(string(runes)) + "…"
}

// thousands writes v with thousands separators and at most two decimals,
// dropping trailing zeros: 1800000 → "1,800,000", 2.5 → "2.5".
func thousands(v float64) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && s != "0" {
		b.WriteByte('-')
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// niceStep returns the smallest of 1, 2, 2.5 and 5 times a power of ten
// that is at least raw: the distance between two value ticks.
func niceStep(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// valueTicks marks the value axis every step, labelled by format.
type valueTicks struct {
	step   float64
	format func(float64) string
}

// Ticks implements plot.Ticker.
func (t valueTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	first := math.Ceil(lo/t.step - 1e-9)
	for k := first; k*t.step <= hi*(1+1e-9) && len(ticks) < 50; k++ {
		v := k * t.step
		if v == 0 {
			v = 0 // not -0, which a caller's Format may write as "-0"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: cleanLabel(t.format(v), maxUnitRunes)})
	}
	return ticks
}
