package salesbot

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ProfileField names one field of a company's basic data (Profile).
type ProfileField string

// The profile's fields, in the order the card and the form list them.
const (
	FieldIndustry  ProfileField = "industry"  // 行业
	FieldHeadcount ProfileField = "headcount" // 人数
	FieldRevenue   ProfileField = "revenue"   // 营业额
	FieldRegion    ProfileField = "region"    // 地区
	FieldAddress   ProfileField = "address"   // 地址
	FieldWebsite   ProfileField = "website"   // 网站
)

// ProfileFields lists the profile's fields in the card's order.
var ProfileFields = []ProfileField{FieldIndustry, FieldHeadcount, FieldRevenue, FieldRegion, FieldAddress, FieldWebsite}

// fieldSize is the key "size" (规模): a headcount, a revenue band or both.
const fieldSize ProfileField = "size"

// The kinds of change this file adds to a lead's history.
const (
	// ChangeSource is the lead's source set or changed (From, To).
	ChangeSource ChangeKind = "source"
	// ChangeProfile is one edit of the company's profile: From and To list
	// the fields changed as "field: value" lines, Reason their names.
	ChangeProfile ChangeKind = "profile"
)

var profileKeys = map[string]ProfileField{
	"industry": FieldIndustry, "sector": FieldIndustry, "行业": FieldIndustry,
	"headcount": FieldHeadcount, "employees": FieldHeadcount, "staff": FieldHeadcount, "people": FieldHeadcount, "人数": FieldHeadcount, "员工": FieldHeadcount, "人员规模": FieldHeadcount,
	"revenue": FieldRevenue, "turnover": FieldRevenue, "营业额": FieldRevenue, "营收": FieldRevenue, "年营业额": FieldRevenue,
	"region": FieldRegion, "area": FieldRegion, "city": FieldRegion, "地区": FieldRegion, "区域": FieldRegion, "城市": FieldRegion,
	"address": FieldAddress, "addr": FieldAddress, "地址": FieldAddress,
	"website": FieldWebsite, "web": FieldWebsite, "site": FieldWebsite, "url": FieldWebsite, "网站": FieldWebsite, "网址": FieldWebsite, "官网": FieldWebsite,
	"size": fieldSize, "规模": fieldSize,
}

// Label is the field as the card and the form title it.
func (f ProfileField) Label() string {
	switch f {
	case FieldIndustry:
		return "Industry"
	case FieldHeadcount:
		return "Headcount"
	case FieldRevenue:
		return "Revenue"
	case FieldRegion:
		return "Region"
	case FieldAddress:
		return "Address"
	case FieldWebsite:
		return "Website"
	}
	return string(f)
}

// maxLen is the longest value the field takes, in characters.
func (f ProfileField) maxLen() int {
	switch f {
	case FieldHeadcount:
		return 40
	case FieldRevenue:
		return 60
	case FieldAddress, FieldWebsite:
		return 200
	}
	return 80
}

// Get is the field's value.
func (p Profile) Get(f ProfileField) string {
	switch f {
	case FieldIndustry:
		return p.Industry
	case FieldHeadcount:
		return p.Headcount
	case FieldRevenue:
		return p.Revenue
	case FieldRegion:
		return p.Region
	case FieldAddress:
		return p.Address
	case FieldWebsite:
		return p.Website
	}
	return ""
}

func (p *Profile) set(f ProfileField, v string) {
	switch f {
	case FieldIndustry:
		p.Industry = v
	case FieldHeadcount:
		p.Headcount = v
	case FieldRevenue:
		p.Revenue = v
	case FieldRegion:
		p.Region = v
	case FieldAddress:
		p.Address = v
	case FieldWebsite:
		p.Website = v
	}
}

// Missing lists the fields not yet filled in: what the first visit is to
// complete (seed 000: 补齐或修正基本资料).
func (p Profile) Missing() []ProfileField {
	var gaps []ProfileField
	for _, f := range ProfileFields {
		if p.Get(f) == "" {
			gaps = append(gaps, f)
		}
	}
	return gaps
}

// ProfileDue reports whether the lead is past its first visit (a touch
// logged, or a stage after the first visit), when the card names what is
// missing from its profile.
func (l *Lead) ProfileDue() bool {
	return !l.LastTouch.IsZero() || l.Stage.Index() > StageFirstVisit.Index() || l.Stage == StageWon
}

// ProfileEdit is what to change of a profile: each field given is set to
// its value, "" clearing it. The fields left out stay as they are.
type ProfileEdit map[ProfileField]string

// clearWords clear a field when given as its value.
var clearWords = map[string]bool{"-": true, "none": true, "无": true, "—": true}

// ParseProfileEdit reads a profile edit from the words after the company:
// key=value pairs (industry=…, headcount=…, revenue=…, size=…, region=…,
// address=…, website=…, or 行业= 人数= 营业额= 规模= 地区= 地址= 网站=). A
// value runs up to the next key, so it may hold spaces, and may be quoted
// ("…", “…”, 「…」); "-" clears the field. size= takes a headcount (a
// number or range, "100-500", "100–500人"), a revenue band ("5000万-1亿",
// "$20M"), or both separated by "/" or a comma; a value that reads as a
// headcount is one. Values are checked as Clean checks them.
func ParseProfileEdit(toks []Token) (ProfileEdit, error) {
	type pair struct {
		key   ProfileField
		typed string
		words []string
	}
	var pairs []*pair
	for _, t := range toks {
		if t.Entity && len(pairs) > 0 {
			// A link in a value: keep it as typed; Clean reads it.
			last := pairs[len(pairs)-1]
			last.words = append(last.words, t.Text)
			continue
		}
		if !t.Quoted && !t.Entity {
			if key, value, ok := cutKey(t.Text); ok {
				f, known := profileKeys[strings.ToLower(foldWidth(key))]
				if !known {
					return nil, Errorf(EINVALID, "%q is not a profile field. Use industry=, headcount=, revenue=, size=, region=, address= or website= (行业= 人数= 营业额= 规模= 地区= 地址= 网站=).", key)
				}
				p := &pair{key: f, typed: key}
				if value != "" {
					p.words = []string{value}
				}
				pairs = append(pairs, p)
				continue
			}
		}
		if len(pairs) == 0 {
			return nil, Errorf(EINVALID, "Write each field as key=value after the company, e.g. industry=machinery size=100-500 region=Suzhou; %q is not one.", t.Text)
		}
		last := pairs[len(pairs)-1]
		last.words = append(last.words, t.Text)
	}
	if len(pairs) == 0 {
		return nil, Errorf(EINVALID, "Which fields? Write them as key=value, e.g. industry=machinery size=100-500 region=Suzhou website=acme.com.")
	}
	edit := ProfileEdit{}
	for _, p := range pairs {
		v := unquote(strings.Join(p.words, " "))
		if p.key == fieldSize {
			if err := edit.size(v); err != nil {
				return nil, err
			}
			continue
		}
		if _, dup := edit[p.key]; dup {
			return nil, Errorf(EINVALID, "The %s is given twice; give it once.", p.key)
		}
		edit[p.key] = v
	}
	return edit.Clean()
}

// cutKey splits "key=value" (or with a full-width ＝) at its first equals
// sign, when what comes before is a word.
func cutKey(s string) (key, value string, ok bool) {
	i := strings.IndexAny(s, "=＝")
	if i <= 0 {
		return "", "", false
	}
	key = s[:i]
	for _, r := range key {
		if !unicode.IsLetter(r) && r != '_' && r != '-' {
			return "", "", false
		}
	}
	_, w := utf8.DecodeRuneInString(s[i:])
	return key, s[i+w:], true
}

// unquote drops one pair of quotes around a value typed as key="a b".
func unquote(s string) string {
	s = strings.TrimSpace(s)
	r, w := utf8.DecodeRuneInString(s)
	if closing, ok := quotePairs[r]; ok && len(s) > w {
		if last, lw := utf8.DecodeLastRuneInString(s); last == closing || (r == '“' && last == '"') {
			if len(s) >= w+lw {
				return strings.TrimSpace(s[w : len(s)-lw])
			}
		}
	}
	return s
}

// size splits a size= value into a headcount and a revenue band.
func (e ProfileEdit) size(v string) error {
	if clearWords[strings.ToLower(v)] {
		e[FieldHeadcount], e[FieldRevenue] = "", ""
		return nil
	}
	if v == "" {
		return Errorf(EINVALID, "Which size? Write a headcount, a revenue band or both, e.g. size=100-500 or size=\"200人/5000万\".")
	}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == ',' || r == '，' || r == ';' || r == '；' }) {
		part = strings.TrimSpace(part)
		f := FieldRevenue
		if headcountPattern.MatchString(part) {
			f = FieldHeadcount
		}
		if _, dup := e[f]; dup {
			return Errorf(EINVALID, "The %s is given twice; give it once.", f)
		}
		e[f] = part
	}
	return nil
}

// headcountPattern is a number of people or a range of them: 200, 1,200,
// 100-500, 100–500人, 500+, ~50 employees.
var headcountPattern = regexp.MustCompile(`^(?i)[~约≈]?\s*\d[\d,]*\s*(?:(?:-|–|—|~|～|至|到|to)\s*\d[\d,]*)?\s*\+?\s*(?:人|名|people|persons|employees|staff)?\s*(?:以上|以下|左右)?$`)

// hostPattern is a host name: labels of letters, digits and hyphens
// (any script, for 中文.中国), at least two of them.
var hostPattern = regexp.MustCompile(`^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}]{2,63}$`)

// Clean checks each value of the edit and returns them trimmed: not too
// long, on one line, no characters that cannot be shown; a headcount that
// reads as a number of people, a revenue with a figure in it, a website
// that is a host name or an http(s) address (never a javascript: or other
// link). "-" (or none, 无) clears a field.
func (e ProfileEdit) Clean() (ProfileEdit, error) {
	out := ProfileEdit{}
	for f, v := range e {
		if !slicesContains(ProfileFields, f) {
			return nil, Errorf(EINVALID, "%q is not a profile field. Use industry=, headcount=, revenue=, size=, region=, address= or website= (行业= 人数= 营业额= 规模= 地区= 地址= 网站=).", string(f))
		}
		v, err := cleanProfileValue(f, v)
		if err != nil {
			return nil, err
		}
		out[f] = v
	}
	return out, nil
}

func slicesContains(fields []ProfileField, f ProfileField) bool {
	for _, x := range fields {
		if x == f {
			return true
		}
	}
	return false
}

// CleanProfileField checks one value of the profile as /lead profile
// does, for a file being imported: it returns the value as kept ("" for a
// value that clears the field) or an EINVALID error saying how to write it.
func CleanProfileField(f ProfileField, v string) (string, error) { return cleanProfileValue(f, v) }

func cleanProfileValue(f ProfileField, v string) (string, error) {
	if !utf8.ValidString(v) {
		return "", Errorf(EINVALID, "The %s has characters that cannot be shown. Type it as plain text.", f)
	}
	v = strings.TrimSpace(dropInvisible(v))
	if clearWords[strings.ToLower(v)] {
		return "", nil
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return "", Errorf(EINVALID, "The %s has characters that cannot be shown. Type it on one line, as plain text.", f)
	}
	v = strings.Join(strings.Fields(v), " ")
	if n := utf8.RuneCountInString(v); n > f.maxLen() {
		return "", Errorf(EINVALID, "The %s is %d characters long; keep it under %d.", f, n, f.maxLen())
	}
	if v == "" {
		return "", nil
	}
	switch f {
	case FieldHeadcount:
		if !headcountPattern.MatchString(v) {
			return "", Errorf(EINVALID, "%q is not a headcount. Write a number of people or a range, e.g. 200, 100-500 or 100–500人.", v)
		}
	case FieldRevenue:
		if strings.IndexFunc(v, unicode.IsDigit) < 0 {
			return "", Errorf(EINVALID, "%q is not a revenue band. Write a figure or a range, e.g. 5000万-1亿 or $20M.", v)
		}
	case FieldWebsite:
		return cleanWebsite(unwrapLink(v))
	}
	return v, nil
}

// unwrapLink reads a link as Slack writes one in a command's text: an
// address typed as "acme.com" arrives as <http://acme.com|acme.com>, read
// as what was typed; a link without a label, or to anything but http(s),
// as its target (which cleanWebsite then judges).
func unwrapLink(v string) string {
	if !strings.HasPrefix(v, "<") || !strings.HasSuffix(v, ">") {
		return v
	}
	target, label, labelled := strings.Cut(v[1:len(v)-1], "|")
	if labelled && label != "" && (strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://")) {
		return label
	}
	return target
}

// cleanWebsite accepts a host name (acme.com, www.acme.com.cn) or an
// http(s) address, and returns it as typed, with an address's scheme and
// host in lower case.
func cleanWebsite(v string) (string, error) {
	bad := Errorf(EINVALID, "%q is not a website. Write its address, e.g. acme.com or https://www.acme.com.", v)
	if strings.ContainsAny(v, " <>\"'`|\\") {
		return "", bad
	}
	if !strings.Contains(v, "://") {
		host, _, _ := strings.Cut(v, "/")
		if strings.Contains(host, ":") || strings.Contains(host, "@") || !hostPattern.MatchString(strings.ToLower(host)) {
			return "", bad
		}
		return v, nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Opaque != "" {
		return "", bad
	}
	if !hostPattern.MatchString(strings.ToLower(u.Hostname())) {
		return "", bad
	}
	return v, nil
}

// SetProfile applies an edit of the company's profile (the owner or a
// manager), as one change of the history that lists what changed. An edit
// that changes nothing is refused.
func (l *Lead) SetProfile(a Actor, e ProfileEdit, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	e, err := e.Clean()
	if err != nil {
		return Change{}, err
	}
	var from, to, names []string
	next := l.Profile
	for _, f := range ProfileFields {
		v, ok := e[f]
		if !ok || v == l.Profile.Get(f) {
			continue
		}
		from = append(from, string(f)+": "+l.Profile.Get(f))
		to = append(to, string(f)+": "+v)
		names = append(names, string(f))
		next.set(f, v)
	}
	if len(names) == 0 {
		return Change{}, Errorf(EINVALID, "%s's profile already says that; nothing changed.", l.Company)
	}
	l.Profile = next
	return l.change(a, ChangeProfile, strings.Join(from, "\n"), strings.Join(to, "\n"), strings.Join(names, ", "), now), nil
}

// ProfileService records a lead's source and its company profile, and
// registers leads with their source.
type ProfileService interface {
	// RegisterFrom is LeadService.Register for a lead whose source is
	// known (s "" when it is not), the source kept in the history of the
	// registration.
	RegisterFrom(ctx context.Context, a Actor, team, company string, g Grade, s Source, now time.Time) (Registration, error)
	// SetSource sets or changes the lead's source (owner or manager).
	SetSource(ctx context.Context, a Actor, ref LeadRef, s Source, now time.Time) (*Lead, error)
	// SetProfile applies an edit of the company's profile (owner or
	// manager), as one change.
	SetProfile(ctx context.Context, a Actor, ref LeadRef, e ProfileEdit, now time.Time) (*Lead, Change, error)
	// GuessLead finds, among the leads the actor may change (their own,
	// any for a manager), the one a piece of text most likely names, in
	// a bounded number of round trips; nil when none.
	GuessLead(ctx context.Context, a Actor, team, text string) (*Lead, error)
}
