package chart

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	plotfont "gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
)

// errNoFont is what an operator reads when no font path was set and none of
// the usual Debian CJK fonts is installed: it names the package and the knob.
const errNoFont = "no CJK font found for charts: install Debian's fonts-wqy-microhei (apt-get install fonts-wqy-microhei) or set SALESBOT_FONT to a .ttf/.ttc with Chinese glyphs"

// FontCandidates are the paths FindFont tries, in order, when no font was
// set explicitly: the Debian packages fonts-wqy-microhei, fonts-wqy-zenhei,
// fonts-droid-fallback and fonts-noto-cjk.
func FontCandidates() []string {
	return []string{
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
		"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	}
}

// FindFont returns the path of the font charts are drawn with. explicit is
// what the operator set (SALESBOT_FONT, read by the caller): when it is not
// empty it must name a readable TrueType/OpenType font or collection, and
// no other path is tried. When it is empty the first of FontCandidates that
// looks like a font wins. The error says how to get a font.
func FindFont(explicit string) (string, error) {
	if explicit != "" {
		if err := checkFontFile(explicit); err != nil {
			return "", fmt.Errorf("chart font %q (SALESBOT_FONT): %w", explicit, err)
		}
		return explicit, nil
	}
	for _, path := range FontCandidates() {
		if checkFontFile(path) == nil {
			return path, nil
		}
	}
	return "", errors.New(errNoFont)
}

// checkFontFile reports whether path is a regular file that starts like a
// TrueType, OpenType or TrueType-collection file. It reads 4 bytes, so a
// wrong path fails at startup rather than at the first chart.
func checkFontFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil {
		return fmt.Errorf("not a font file: %w", err)
	}
	if !isFontMagic(magic) {
		return errors.New("not a TrueType/OpenType font (.ttf, .otf or .ttc)")
	}
	return nil
}

// isFontMagic reports whether b starts with one of the sfnt signatures.
func isFontMagic(b []byte) bool {
	for _, m := range [][]byte{{0, 1, 0, 0}, []byte("OTTO"), []byte("true"), []byte("ttcf")} {
		if bytes.HasPrefix(b, m) {
			return true
		}
	}
	return false
}

// Renderer draws charts with one CJK font. It is safe for concurrent use:
// the font is parsed once and only read afterwards (sfnt.Font methods are
// safe concurrently when each call has its own buffer, which gonum/plot
// does), and every chart builds its own plot and canvas. It never touches
// gonum/plot's package-level font settings.
type Renderer struct {
	name     string // the font's full name, for logs
	face     *sfnt.Font
	typeface plotfont.Typeface
	handler  text.Plain
}

// LoadFont parses the font at path (a .ttf, .otf or .ttc collection; from a
// collection the member with Chinese glyphs is taken, preferring a
// Simplified Chinese one) and returns a Renderer drawing every text with it.
// It fails when the font has no glyph for 中.
func LoadFont(path string) (*Renderer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load chart font: %w", err)
	}
	if !isFontMagic(data) {
		return nil, fmt.Errorf("load chart font %s: not a TrueType/OpenType font (.ttf, .otf or .ttc)", path)
	}
	var face *sfnt.Font
	if bytes.HasPrefix(data, []byte("ttcf")) {
		face, err = pickFromCollection(data)
	} else {
		face, err = parseAt(data, 0, func() (*sfnt.Font, error) { return opentype.Parse(data) })
	}
	if err != nil {
		return nil, fmt.Errorf("load chart font %s: %w", path, err)
	}
	if !hasGlyphs(face, "中") {
		return nil, fmt.Errorf("load chart font %s: it has no Chinese glyphs", path)
	}
	name, err := face.Name(nil, sfnt.NameIDFull)
	if err != nil || name == "" {
		name = path
	}
	tf := plotfont.Typeface("salesbot-chart")
	cache := plotfont.NewCache(plotfont.Collection{{
		Font: plotfont.Font{Typeface: tf},
		Face: face,
	}})
	return &Renderer{name: name, face: face, typeface: tf, handler: text.Plain{Fonts: cache}}, nil
}

// pickFromCollection returns the member of a font collection that has
// Chinese glyphs, preferring a Simplified Chinese ("SC") member and then a
// proportional (not "Mono") one: Noto's collection starts with Japanese,
// WenQuanYi's has a monospaced second member.
func pickFromCollection(data []byte) (*sfnt.Font, error) {
	coll, err := opentype.ParseCollection(data)
	if err != nil {
		return nil, err
	}
	var best *sfnt.Font
	bestScore := -1
	var firstErr error
	for i := 0; i < coll.NumFonts(); i++ {
		f, err := coll.Font(i)
		if err != nil {
			f, err = parseMember(data, i, err)
		}
		if err != nil {
			firstErr = cmp.Or(firstErr, fmt.Errorf("font %d: %w", i, err))
			continue
		}
		if !hasGlyphs(f, "中") {
			continue
		}
		name, _ := f.Name(nil, sfnt.NameIDFull)
		score := 0
		if strings.Contains(name, " SC") {
			score += 2
		}
		if !strings.Contains(name, "Mono") {
			score++
		}
		if score > bestScore {
			best, bestScore = f, score
		}
	}
	if best == nil && firstErr != nil {
		return nil, firstErr
	}
	if best == nil {
		return nil, fmt.Errorf("none of the %d fonts in the collection has Chinese glyphs", coll.NumFonts())
	}
	return best, nil
}

// parseMember parses the i-th font of a collection whose tables sfnt
// refused (parseErr), as a realigned standalone copy.
func parseMember(data []byte, i int, parseErr error) (*sfnt.Font, error) {
	offset, err := collectionOffset(data, i)
	if err != nil {
		return nil, err
	}
	return parseAt(data, offset, func() (*sfnt.Font, error) { return nil, parseErr })
}

// parseAt returns parse's font or, when sfnt refuses the font's table
// layout, the font at offset in data realigned (see realign).
func parseAt(data []byte, offset int, parse func() (*sfnt.Font, error)) (*sfnt.Font, error) {
	f, err := parse()
	if err == nil {
		return f, nil
	}
	fixed, rerr := realign(data, offset)
	if rerr != nil {
		return nil, fmt.Errorf("%w (realigning its tables: %v)", err, rerr)
	}
	f, rerr = opentype.Parse(fixed)
	if rerr != nil {
		return nil, fmt.Errorf("%w (after realigning its tables: %v)", err, rerr)
	}
	return f, nil
}

// hasGlyphs reports whether f has a real glyph (not .notdef) for every
// rune of s.
func hasGlyphs(f *sfnt.Font, s string) bool {
	var buf sfnt.Buffer
	for _, r := range s {
		idx, err := f.GlyphIndex(&buf, r)
		if err != nil || idx == 0 {
			return false
		}
	}
	return true
}

// FontName is the full name of the font the Renderer draws with, such as
// "WenQuanYi Micro Hei", for a startup log line.
func (r *Renderer) FontName() string {
	return r.name
}
