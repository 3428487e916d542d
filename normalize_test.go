package salesbot_test

import (
	"slices"
	"strings"
	"testing"

	"salesbot"
)

func TestNormalizeCompany(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"Acme", "acme"},
		{"ACME", "acme"},
		{"ＡＣＭＥ", "acme"}, // full width
		{"  Acme  ", "acme"},
		{"Acme Industrial", "acmeindustrial"}, // spaces do not count
		{"Acme-Industrial", "acmeindustrial"},
		{"Acme\u3000Industrial", "acmeindustrial"}, // ideographic space
		{"A.C.M.E.", "acme"},                       // punctuation does not count
		{"Acme Inc.", "acme"},
		{"Acme, Inc", "acme"},
		{"Acme LLC", "acme"},
		{"Acme GmbH", "acme"},
		{"Acme Co., Ltd.", "acme"},
		{"ACME CO.,LTD", "acme"},
		{"Acme Company Limited", "acme"},
		{"Acme Corp.", "acme"},
		{"阿里巴巴", "阿里巴巴"},
		{"阿里巴巴有限公司", "阿里巴巴"},
		{"阿里巴巴股份有限公司", "阿里巴巴"},
		{"华为技术有限责任公司", "华为技术"},
		{"阿里巴巴 有限公司", "阿里巴巴"},
		{"上海某某机械（中国）有限公司", "上海某某机械中国"}, // full-width brackets are punctuation
		{"Costco", "costco"}, // "co" is a suffix only as a whole word
		{"Costco Wholesale", "costcowholesale"},
		{"Company", "company"}, // a name that is only a suffix is kept
		{"Company Inc.", "company"},
		{"Co., Ltd.", "co"},
		{"公司", "公司"},
	}
	for _, tt := range tests {
		if got := salesbot.NormalizeCompany(tt.name); got != tt.want {
			t.Errorf("NormalizeCompany(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNormalizeCompanyTellsCompaniesApart(t *testing.T) {
	// Each group is one company written several ways (DOMAIN.md §6): the
	// names in a group share a key, and no two groups do.
	groups := [][]string{
		{"Acme", "acme", "ＡＣＭＥ", "Acme Inc.", "Acme Co., Ltd.", "ACME LLC", "Acme GmbH"},
		{"Acme Industrial", "ACME INDUSTRIAL CO., LTD.", "Ａｃｍｅ　Ｉｎｄｕｓｔｒｉａｌ", "acme   industrial"},
		{"阿里巴巴", "阿里巴巴有限公司", "阿里巴巴股份有限公司", "阿里巴巴有限责任公司"},
		{"华为技术", "华为技术有限公司"},
		{"华为"},
		{"Costco", "COSTCO", "Costco Inc."},
		{"Cost"},
		{"Company"},
		{"Apple Inc."},
		{"Apple Bank"},
	}
	owner := map[string]int{}
	for gi, group := range groups {
		for _, name := range group {
			key := salesbot.NormalizeCompany(name)
			if key == "" {
				t.Errorf("NormalizeCompany(%q) is empty", name)
			}
			if first := salesbot.NormalizeCompany(group[0]); key != first {
				t.Errorf("NormalizeCompany(%q) = %q, but %q gives %q: the same company", name, key, group[0], first)
			}
			if other, taken := owner[key]; taken && other != gi {
				t.Errorf("%q and %q are different companies but share the key %q", name, groups[other][0], key)
			}
			owner[key] = gi
		}
	}
}

func TestNormalizeCompanyIsIdempotent(t *testing.T) {
	for _, name := range []string{"Acme Co., Ltd.", "ＡＣＭＥ", "阿里巴巴股份有限公司", "Costco", "Company Inc."} {
		key := salesbot.NormalizeCompany(name)
		if again := salesbot.NormalizeCompany(key); again != key {
			t.Errorf("NormalizeCompany(%q) = %q, but NormalizeCompany(%q) = %q", name, key, key, again)
		}
	}
}

func TestNormalizePerson(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Wang Li", "wang li"},
		{"wang  li", "wang li"},
		{" Wang\tLi ", "wang li"},
		{"ＷＡＮＧ　ＬＩ", "wang li"},
		{"王力", "王力"},
		{"Dr. Wang", "dr. wang"}, // punctuation is part of a person's name
	}
	for _, tt := range tests {
		if got := salesbot.NormalizePerson(tt.name); got != tt.want {
			t.Errorf("NormalizePerson(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if salesbot.NormalizePerson("Wang Li") == salesbot.NormalizePerson("Wang Lei") {
		t.Error("Wang Li and Wang Lei share a key")
	}
	if salesbot.NormalizePerson("Wang Li") == salesbot.NormalizePerson("WangLi") {
		t.Error("NormalizePerson drops the space between given and family name")
	}
}

func BenchmarkNormalizeCompany(b *testing.B) {
	names := []string{"Acme Industrial Co., Ltd.", "上海某某机械股份有限公司", "ＡＣＭＥ　Ｉｎｃ．", "Costco"}
	for b.Loop() {
		for _, n := range names {
			salesbot.NormalizeCompany(n)
		}
	}
}

func TestNormalizeCompanyIgnoresInvisibleCharacters(t *testing.T) {
	for _, name := range []string{"Acme\u200b", "\ufeffAcme", "Ac\u00adme", "Acme\u2060"} {
		if got := salesbot.NormalizeCompany(name); got != "acme" {
			t.Errorf("NormalizeCompany(%q) = %q, want %q", name, got, "acme")
		}
	}
}

func TestInvisibleCharactersNeverSplitAPerson(t *testing.T) {
	if a, b := salesbot.NormalizePerson("Wang\u200b Li"), salesbot.NormalizePerson("Wang Li"); a != b {
		t.Errorf("NormalizePerson: %q != %q", a, b)
	}
	l := newLead(t, "Acme", salesbot.GradeA)
	if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "\u202eWang Li", Role: "eb", Influence: "high", Support: 1, Notes: "likes\u200b golf"}, registered); err != nil {
		t.Fatal(err)
	}
	if _, err := l.SetStakeholder(rep, salesbot.Stakeholder{Name: "Wang Li", Role: "eb", Influence: "high", Support: 2}, registered); err != nil {
		t.Fatal(err)
	}
	if len(l.Stakeholders) != 1 || l.Stakeholders[0].Name != "Wang Li" || l.Stakeholders[0].Notes != "likes golf" {
		t.Errorf("stakeholders = %+v", l.Stakeholders)
	}
}

func TestNormalizeCompanyComposesAccents(t *testing.T) {
	for _, pair := range [][2]string{{"Nestle´", "Nestlé"}, {"Citroe¨n", "Citroën"}, {"A´", "Á"}} {
		if a, b := salesbot.NormalizeCompany(pair[0]), salesbot.NormalizeCompany(pair[1]); a != b {
			t.Errorf("NormalizeCompany(%q) = %q, NormalizeCompany(%q) = %q; want the same key", pair[0], a, pair[1], b)
		}
	}
}

func TestInnerNames(t *testing.T) {
	for _, c := range []struct {
		company string
		want    []string
	}{
		{"Acme Industrial", []string{"industrial"}},
		{"Acme Industrial Co., Ltd.", []string{"industrial"}},
		{"北京明达科技有限公司", []string{"京明达科技", "明达科技", "达科技", "科技"}},
		{"Nordic 明达 Logistics", []string{"明达logistics", "达logistics", "logistics"}},
		{"Acme", nil},
		{"A B", nil}, // one-letter tails tell nothing apart
		{"<!channel> & Sons", []string{"sons"}},
	} {
		got := salesbot.InnerNames(c.company)
		if !slices.Equal(got, c.want) {
			t.Errorf("InnerNames(%q) = %q; want %q", c.company, got, c.want)
		}
		for _, tail := range got {
			if !strings.HasSuffix(salesbot.NormalizeCompany(c.company), tail) {
				t.Errorf("InnerNames(%q): %q is not a tail of the name %q", c.company, tail, salesbot.NormalizeCompany(c.company))
			}
		}
	}
	long := strings.Repeat("明", 500)
	if n := len(salesbot.InnerNames(long)); n > 48 {
		t.Errorf("a 500-character name gives %d tails; want at most 48", n)
	}
}

func TestNameParts(t *testing.T) {
	got := salesbot.NameParts("Acme Industrial Group")
	for _, want := range []string{"acme", "acmeindustrial", "industrial", "group", "industrialgroup"} {
		if !slices.Contains(got, want) {
			t.Errorf("NameParts lacks %q: %q", want, got)
		}
	}
	for _, part := range got {
		if part == "acmeindustrialgroup" || len([]rune(part)) < 2 {
			t.Errorf("NameParts has %q: the whole name and single letters are left out", part)
		}
	}
	if got := salesbot.NameParts("华为技术"); !slices.Contains(got, "华为") || !slices.Contains(got, "技术") {
		t.Errorf("NameParts(华为技术) = %q; want 华为 and 技术 among them", got)
	}
	var long strings.Builder
	for i := range 500 {
		long.WriteRune(rune(0x4e00 + i)) // 500 different characters
	}
	if n := len(salesbot.NameParts(long.String())); n > 48*48 || n < 48 {
		t.Errorf("a 500-character name gives %d parts", n)
	}
}
