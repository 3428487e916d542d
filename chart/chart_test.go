package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// mustRenderer loads the font the bot would find with SALESBOT_FONT as set
// in the test's environment; without one the tests fail with the same
// instructions an operator gets.
func mustRenderer(tb testing.TB) *Renderer {
	tb.Helper()
	path, err := FindFont(os.Getenv("SALESBOT_FONT"))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := LoadFont(path)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// mustDecode decodes a PNG and checks its size is Width×Height.
func mustDecode(tb testing.TB, b []byte) image.Image {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("decode png: %v", err)
	}
	if got := img.Bounds().Size(); got != (image.Point{X: Width, Y: Height}) {
		tb.Fatalf("png is %v, want %dx%d", got, Width, Height)
	}
	return img
}

func sampleStages() []StageBar {
	return []StageBar{
		{"需求调研", 1_800_000, 360_000},
		{"方案设计", 2_400_000, 960_000},
		{"商务谈判", 1_200_000, 840_000},
		{"合同审批", 650_000, 585_000},
		{"Discovery", 300_000, 30_000},
	}
}

func sampleReps(n int) []RepBar {
	names := []string{"王小明", "李娜", "张伟", "Alice Johnson", "陈静", "刘洋", "Bob", "赵磊"}
	reps := make([]RepBar, n)
	for i := range reps {
		name := names[i%len(names)]
		if i >= len(names) {
			name = fmt.Sprintf("%s%d", name, i/len(names)+1)
		}
		f := float64(i%7 + 1)
		reps[i] = RepBar{Label: name, Won: 120_000 * f, Commit: 80_000 * float64(i%3+1), Best: 60_000 * float64(i%4), Target: 300_000 + 40_000*float64(i%5)}
		if i%6 == 5 {
			reps[i].Target = 0 // no target set
		}
	}
	return reps
}

var zhLabels = Labels{
	Title: "各阶段管道 — 2026年第4季度",
	Unit:  "金额(元)",
	Value: "金额", Weighted: "加权金额",
	Won: "已赢单", Commit: "承诺", Best: "最佳情况", Target: "目标",
	Empty: "暂无进行中的商机",
}

func TestPNGSize(t *testing.T) {
	r := mustRenderer(t)
	tests := []struct {
		name string
		draw func() ([]byte, error)
	}{
		{"pipeline", func() ([]byte, error) { return r.Pipeline(sampleStages(), zhLabels) }},
		{"pipeline one stage", func() ([]byte, error) { return r.Pipeline(sampleStages()[:1], Labels{}) }},
		{"pipeline empty", func() ([]byte, error) { return r.Pipeline(nil, zhLabels) }},
		{"reps", func() ([]byte, error) { return r.Reps(sampleReps(8), zhLabels) }},
		{"reps 40", func() ([]byte, error) { return r.Reps(sampleReps(40), zhLabels) }},
		{"reps no targets", func() ([]byte, error) { return r.Reps([]RepBar{{Label: "A", Won: 1}}, Labels{}) }},
		{"reps all zero", func() ([]byte, error) { return r.Reps([]RepBar{{Label: "A"}}, Labels{}) }},
		{"reps empty", func() ([]byte, error) { return r.Reps([]RepBar{}, Labels{Title: "Forecast"}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.draw()
			if err != nil {
				t.Fatal(err)
			}
			mustDecode(t, b)
		})
	}
}

// TestWritePNGs leaves the charts in the temporary directory (or in
// CHART_OUT) for a person to look at.
func TestWritePNGs(t *testing.T) {
	r := mustRenderer(t)
	dir := os.Getenv("CHART_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	en := Labels{Title: "Pipeline by stage — 2026 Q4", Unit: "CNY", Format: func(v float64) string {
		return fmt.Sprintf("%gM", v/1e6)
	}}
	zhReps := zhLabels
	zhReps.Title = "销售预测 — 2026年第4季度"
	charts := map[string]func() ([]byte, error){
		"chart-pipeline.png":    func() ([]byte, error) { return r.Pipeline(sampleStages(), zhLabels) },
		"chart-pipeline-en.png": func() ([]byte, error) { return r.Pipeline(sampleStages(), en) },
		"chart-reps.png":        func() ([]byte, error) { return r.Reps(sampleReps(8), zhReps) },
		"chart-reps-40.png":     func() ([]byte, error) { return r.Reps(sampleReps(40), zhReps) },
		"chart-empty.png":       func() ([]byte, error) { return r.Pipeline(nil, zhLabels) },
	}
	for name, draw := range charts {
		b, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestChineseIsDrawn fails when Chinese would come out as boxes: the font
// must have a glyph for every rune, and a title in Chinese must draw
// differently from the same title in runes no font has (which gonum/plot
// draws as the .notdef box).
func TestChineseIsDrawn(t *testing.T) {
	r := mustRenderer(t)
	const zh = "各阶段管道 需求调研 王小明 金额(万元)"
	if !hasGlyphs(r.face, strings.ReplaceAll(zh, " ", "")) {
		t.Fatalf("font %s lacks glyphs for %q", r.FontName(), zh)
	}
	if hasGlyphs(r.face, "\uE000") {
		t.Fatalf("font %s has a glyph for U+E000; the box comparison below proves nothing", r.FontName())
	}
	boxes := strings.Map(func(c rune) rune {
		if c > 0x2E80 {
			return '\uE000'
		}
		return c
	}, zh)
	draw := func(title string) image.Image {
		b, err := r.Pipeline(nil, Labels{Title: title, Empty: title})
		if err != nil {
			t.Fatal(err)
		}
		return mustDecode(t, b)
	}
	real, boxed := draw(zh), draw(boxes)
	if differing(real, boxed) < 200 {
		t.Fatalf("%q draws (almost) like a row of boxes", zh)
	}
	// Two different Chinese texts must differ too: a font drawing every
	// CJK rune alike would pass the check above.
	if differing(real, draw("管道各阶段 调研需求 明小王 万元(金额)")) < 200 {
		t.Fatalf("reordered Chinese draws like %q", zh)
	}
}

// differing counts the pixels that differ between a and b.
func differing(a, b image.Image) int {
	n := 0
	bounds := a.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

func TestHostileLabels(t *testing.T) {
	r := mustRenderer(t)
	long := strings.Repeat("很长的名字", 100)
	hostile := []string{
		"",
		"   ",
		"\x00\x01\x1b[31mred\x7f",
		"line\nbreak\r\ttab",
		long,
		strings.Repeat("W", 500),
		"\xff\xfe invalid utf8 \xc3",
		"\u202eevil\u202c \u200d\u2028\u2029",
		"😀👩‍👩‍👧 emoji",
		"\U0010FFFF\uFFFF\uE000",
		"a\u0301\u0301\u0301 combining",
	}
	for i, s := range hostile {
		l := Labels{Title: s, Unit: s, Value: s, Weighted: s, Won: s, Commit: s, Best: s, Target: s, Empty: s,
			Format: func(float64) string { return s }}
		b, err := r.Reps([]RepBar{{Label: s, Won: 1, Commit: 1, Best: 1, Target: 2}, {Label: s, Won: 2}}, l)
		if err != nil {
			t.Errorf("reps %d: %v", i, err)
			continue
		}
		mustDecode(t, b)
		if _, err := r.Pipeline(nil, l); err != nil {
			t.Errorf("empty %d: %v", i, err)
		}
	}
	// Every hostile label at once, as the stages of one chart.
	stages := make([]StageBar, len(hostile))
	for i, s := range hostile {
		stages[i] = StageBar{Label: s, Value: float64(i + 1), Weighted: float64(i) / 2}
	}
	l := Labels{Value: hostile[2], Weighted: hostile[4]}
	if _, err := r.Pipeline(stages, l); err != nil {
		t.Errorf("pipeline: %v", err)
	}
}

func TestOddNumbers(t *testing.T) {
	r := mustRenderer(t)
	nan := func() float64 { var z float64; return z / z }()
	inf := 1 / func() float64 { return 0 }()
	bars := []StageBar{{"a", nan, inf}, {"b", -5, -inf}, {"c", 1e15, 1e-9}}
	b, err := r.Pipeline(bars, Labels{})
	if err != nil {
		t.Fatal(err)
	}
	mustDecode(t, b)
	reps := []RepBar{{Label: "x", Won: nan, Commit: inf, Best: -1, Target: nan}}
	if b, err = r.Reps(reps, Labels{}); err != nil {
		t.Fatal(err)
	}
	mustDecode(t, b)
}

func TestCleanLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"王小明", "王小明"},
		{"  a\n\tb  ", "a b"},
		{"\x1b[31m", "[31m"},
		{"a\u200db", "ab"},
		{"一二三四五六七八九十一二三四五六", "一二三四五六七八九十一二三四五六"},
		{"一二三四五六七八九十一二三四五六七", "一二三四五六七八九十一二三四五…"},
		{"\xffx", "?x"},
	}
	for _, tt := range tests {
		if got := cleanLabel(tt.in, maxBarLabelRunes); got != tt.want {
			t.Errorf("cleanLabel(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"}, {5, "5"}, {999, "999"}, {1000, "1,000"}, {1_800_000, "1,800,000"},
		{2.5, "2.5"}, {0.2, "0.2"}, {1234567.891, "1,234,567.89"}, {-1500, "-1,500"}, {-0.001, "0"},
		{100, "100"}, {1e15, "1,000,000,000,000,000"},
	}
	for _, tt := range tests {
		if got := thousands(tt.in); got != tt.want {
			t.Errorf("thousands(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNiceStep(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0.2, 0.2}, {1, 1}, {1.1, 2}, {2.2, 2.5}, {3, 5}, {480_000, 500_000}, {360_000, 500_000}, {0, 1},
	}
	for _, tt := range tests {
		if got := niceStep(tt.in); got != tt.want {
			t.Errorf("niceStep(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestConcurrent draws from 8 goroutines on one Renderer; run it with
// -race. Every goroutine must get the bytes the same chart has when drawn
// alone.
func TestConcurrent(t *testing.T) {
	r := mustRenderer(t)
	wantReps, err := r.Reps(sampleReps(12), zhLabels)
	if err != nil {
		t.Fatal(err)
	}
	wantStages, err := r.Pipeline(sampleStages(), zhLabels)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var got, want []byte
			var err error
			if g%2 == 0 {
				got, err = r.Reps(sampleReps(12), zhLabels)
				want = wantReps
			} else {
				got, err = r.Pipeline(sampleStages(), zhLabels)
				want = wantStages
			}
			if err != nil {
				errs <- fmt.Errorf("goroutine %d: %w", g, err)
				return
			}
			if !bytes.Equal(got, want) {
				errs <- fmt.Errorf("goroutine %d: a different png than drawn alone", g)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestFindFont(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope.ttf")
	if _, err := FindFont(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("FindFont(missing) = %v, want an error naming %s", err, missing)
	}
	notFont := filepath.Join(dir, "font.ttf")
	if err := os.WriteFile(notFont, []byte("this is not a font at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := FindFont(notFont); err == nil || !strings.Contains(err.Error(), notFont) {
		t.Errorf("FindFont(text file) = %v, want an error naming %s", err, notFont)
	}
	if _, err := FindFont(dir); err == nil {
		t.Errorf("FindFont(directory) = nil error")
	}
	// A file that starts like a font but is not one passes FindFont's
	// cheap check; LoadFont must still refuse it.
	fake := filepath.Join(dir, "fake.ttc")
	if err := os.WriteFile(fake, []byte("ttcf garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFont(fake); err == nil {
		t.Errorf("LoadFont(fake .ttc) = nil error")
	}
	if _, err := LoadFont(notFont); err == nil {
		t.Errorf("LoadFont(text file) = nil error")
	}
}

// TestFindFontDefault checks the search order finds an installed font,
// and LoadFont takes a font without Chinese glyphs for what it is.
func TestFindFontDefault(t *testing.T) {
	path, err := FindFont("")
	if err != nil {
		if !strings.Contains(err.Error(), "fonts-wqy-microhei") || !strings.Contains(err.Error(), "SALESBOT_FONT") {
			t.Fatalf("error %q does not say how to get a font", err)
		}
		t.Fatal(err)
	}
	t.Logf("found %s", path)
	latin := "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(latin); err != nil {
		t.Skipf("no Latin-only font to check against: %v", err)
	}
	if _, err := LoadFont(latin); err == nil || !strings.Contains(err.Error(), "Chinese") {
		t.Errorf("LoadFont(%s) = %v, want a no-Chinese-glyphs error", latin, err)
	}
}

func BenchmarkPipeline(b *testing.B) {
	r := mustRenderer(b)
	stages := make([]StageBar, 10)
	for i := range stages {
		stages[i] = StageBar{Label: fmt.Sprintf("阶段%d 需求调研", i+1), Value: float64(i+1) * 350_000, Weighted: float64(i+1) * 35_000 * float64(i%10+1)}
	}
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = r.Pipeline(stages, zhLabels); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out)), "bytes/png")
}

func BenchmarkReps(b *testing.B) {
	r := mustRenderer(b)
	reps := sampleReps(40)
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = r.Reps(reps, zhLabels); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out)), "bytes/png")
}

// TestRealignTruncated feeds cut-off copies of the installed font to the
// table realigner: a broken font file must give an error, not a panic.
func TestRealignTruncated(t *testing.T) {
	path, err := FindFont(os.Getenv("SALESBOT_FONT"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 3, 11, 12, 20, 40, 200, 400, 4096, len(data) / 2} {
		if n > len(data) {
			continue
		}
		cut := data[:n]
		for _, offset := range []int{0, 12, 20, 352, -1, n} {
			if fixed, err := realign(cut, offset); err == nil {
				_, _ = parseAt(fixed, 0, func() (*sfnt.Font, error) { return opentype.Parse(fixed) })
			}
		}
		if _, err := collectionOffset(cut, 1); err == nil && n < 20 {
			t.Errorf("collectionOffset of %d bytes = nil error", n)
		}
	}
}
