package i18n

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
)

// TestCountedQuick checks the counted messages' fmt path against the
// message catalog's, in both languages, for counts that do and do not take
// the singular, and that it steps aside where the catalog writes numbers
// its own way (digit grouping) or reads arguments it does not know.
func TestCountedQuick(t *testing.T) {
	verb := regexp.MustCompile(`%\[(\d+)\]([ds])`)
	for format, m := range countedMessages {
		var kinds []byte
		for _, v := range verb.FindAllStringSubmatch(m.en, -1) {
			i, _ := strconv.Atoi(v[1])
			for len(kinds) < i {
				kinds = append(kinds, 0)
			}
			kinds[i-1] = v[2][0]
		}
		for _, n := range []int{0, 1, 2, 5, 11, 21, 101, 999} {
			args := make([]any, len(kinds))
			for i, k := range kinds {
				if k == 'd' {
					args[i] = min(n+i*(n%2), 999) // some counts differ between arguments
				} else {
					args[i] = fmt.Sprintf("s%d <&> “x”", i)
				}
			}
			for _, lang := range []Lang{En, Zh} {
				p := printers.en
				if lang == Zh {
					p = printers.zh
				}
				want := p.Sprintf(format, args...)
				got, ok := m.quick(lang, args)
				if !ok || got != want {
					t.Errorf("%s %q with %v: quick %q (ok %v), catalog %q", lang, format, args, got, ok, want)
				}
			}
		}
	}
	m := countedMessages["%d days"]
	for _, args := range [][]any{{1000}, {-1}, {int64(3)}, {3.5}} {
		if s, ok := m.quick(En, args); ok {
			t.Errorf("quick writes %v as %q: the catalog's to write", args, s)
		}
	}
	if got, want := T(En, "%d days", 1234), "1,234 days"; got != want {
		t.Errorf("T(%%d days, 1234) = %q, want %q", got, want)
	}
	if got, want := T(En, "every %d days", 1), "every 1 day"; got != want {
		t.Errorf("T(every %%d days, 1) = %q, want %q", got, want)
	}
}
