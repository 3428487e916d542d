package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// Callback IDs of the modals, and the block IDs of their inputs. Each input's
// action ID is its block ID. Labels carry the words INTERFACE.md promises
// (Company, Grade, Date, Notes, Next step, Person, Role, Influence, Support).
const (
	cbLeadNew    = "lead_new"
	cbLeadGrade  = "lead_grade"
	cbLeadStage  = "lead_stage"
	cbLeadKey    = "lead_key"
	cbLeadWon    = "lead_won"
	cbLeadLost   = "lead_lost"
	cbLeadAssign = "lead_assign"
	cbLeadShow   = "lead_show"
	cbLeadMap    = "lead_map"
	cbVisit      = "visit"
	cbStance     = "stance"

	blockCompany   = "company"
	blockGrade     = "grade"
	blockStage     = "stage"
	blockFact      = "fact"
	blockNotes     = "notes"
	blockRep       = "rep"
	blockDate      = "date"
	blockKind      = "kind"
	blockNextStep  = "next_step"
	blockNextDate  = "next_date"
	blockPerson    = "person"
	blockRole      = "role"
	blockInfluence = "influence"
	blockSupport   = "support"

	blockDecisionRole = "decision_role"
	blockDepth        = "depth"
	blockAttitude     = "attitude"
	blockWins         = "wins"
	blockMet          = "met"
)

// modalMeta is carried in a modal's private_metadata: where the command was
// typed, so the outcome can be shown there.
type modalMeta struct {
	Channel string `json:"c,omitempty"`
	Message string `json:"m,omitempty"` // the reminder's ts, when opened from one
	Lead    string `json:"l,omitempty"` // the lead the reminder (or a review's deal) is about
	Rep     string `json:"r,omitempty"` // the rep a review is of
	Week    string `json:"w,omitempty"` // the week a review is of
}

func (m modalMeta) String() string {
	b, _ := json.Marshal(m)
	return string(b)
}

func parseMeta(s string) modalMeta {
	var m modalMeta
	_ = json.Unmarshal([]byte(s), &m) // a missing or mangled one only loses the channel
	return m
}

// modal builds a form; title and submit are words already in lang.
func modal(lang i18n.Lang, callbackID, title, submit, channel string, blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackID,
		Title:           plain(title),
		Submit:          plain(submit),
		Close:           plain(i18n.T(lang, "Cancel")),
		PrivateMetadata: modalMeta{Channel: channel}.String(),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

func textInput(block, label, placeholder, initial string, maxLen int, multiline, optional bool) *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(plain(placeholder), block)
	el.InitialValue, el.MaxLength, el.Multiline = initial, maxLen, multiline
	in := slack.NewInputBlock(block, plain(label), nil, el)
	in.Optional = optional
	return in
}

func selectInput(lang i18n.Lang, block, label string, optional bool, initial string, options ...*slack.OptionBlockObject) *slack.InputBlock {
	el := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(i18n.T(lang, "Choose")), block, options...)
	for _, o := range options {
		if o.Value == initial {
			el.InitialOption = o
		}
	}
	in := slack.NewInputBlock(block, plain(label), nil, el)
	in.Optional = optional
	return in
}

func option(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(text), nil)
}

func dateInput(block, label string) *slack.InputBlock {
	in := slack.NewInputBlock(block, plain(label), nil, slack.NewDatePickerBlockElement(block))
	in.Optional = true
	return in
}

func companyInput(lang i18n.Lang, initial string) *slack.InputBlock {
	return textInput(blockCompany, i18n.T(lang, "Company"), "Acme Industrial / 华为技术有限公司", initial, salesbot.MaxCompanyLen, false, false)
}

func gradeInput(lang i18n.Lang, initial string) *slack.InputBlock {
	var options []*slack.OptionBlockObject
	for _, g := range salesbot.Grades {
		options = append(options, option(string(g), string(g)+" · "+word(lang, g.Meaning())))
	}
	return selectInput(lang, blockGrade, i18n.T(lang, "Grade"), false, initial, options...)
}

func newLeadModal(lang i18n.Lang, channel, company string) slack.ModalViewRequest {
	blocks := append([]slack.Block{companyInput(lang, company), gradeInput(lang, string(salesbot.GradeC))}, dealInputs(lang, nil)...)
	blocks = append(blocks, sourceInput(lang, ""), newLeadNotes(lang, ""))
	return modal(lang, cbLeadNew, i18n.T(lang, "New lead"), i18n.T(lang, "Register"), channel, blocks...)
}

func visitModal(lang i18n.Lang, channel, company string, kind salesbot.VisitKind) slack.ModalViewRequest {
	return visitForm(lang, channel, company, kind, "")
}

// visitForm is the visit form with the people met filled in (names as
// recorded, separated by commas), for a risk that asks to meet someone.
func visitForm(lang i18n.Lang, channel, company string, kind salesbot.VisitKind, people string) slack.ModalViewRequest {
	t := func(format string) string { return i18n.T(lang, format) }
	var kinds []*slack.OptionBlockObject
	for _, k := range salesbot.VisitKinds {
		kinds = append(kinds, option(string(k), word(lang, strings.ToUpper(string(k[:1]))+string(k[1:]))))
	}
	if kind == "" {
		kind = salesbot.KindVisit
	}
	// Names typed, not picked: /visit opens this before the lead is known,
	// so there is no list of its people to pick from.
	met := textInput(blockMet, t("People met"), t("Wang Li, Li Na"), people, 500, false, true)
	met.Hint = plain(t("Names separated by commas, as recorded with /stance. Each one met is a step deeper in contact."))
	return modal(lang, cbVisit, t("Log a visit"), t("Log"), channel,
		companyInput(lang, company),
		dateInput(blockDate, t("Date (today if empty)")),
		selectInput(lang, blockKind, t("Kind of touch"), true, string(kind), kinds...),
		met,
		textInput(blockNotes, t("Notes"), t("What you learned, the outcome"), "", salesbot.MaxTextLen, true, true),
		textInput(blockNextStep, t("Next step"), t("Send the quote"), "", 300, false, true),
		dateInput(blockNextDate, t("Next step date")),
	)
}

func stanceModal(lang i18n.Lang, channel, company, person string) slack.ModalViewRequest {
	return stakeholderModal(lang, channel, company, salesbot.Stakeholder{Name: person})
}

// stakeholderModal is the stakeholder form filled in with s: a role chosen
// for a person still to find (a coach), or a recorded person as they stand.
// The notes stay empty: notes given with a change of support are kept as
// its reason, and empty ones keep what was recorded.
func stakeholderModal(lang i18n.Lang, channel, company string, s salesbot.Stakeholder) slack.ModalViewRequest {
	t := func(format string) string { return i18n.T(lang, format) }
	w := func(english string) string { return word(lang, english) }
	var roles, influences, supports, decisionRoles, depths, attitudes []*slack.OptionBlockObject
	for _, r := range salesbot.Roles {
		roles = append(roles, option(string(r), w(r.Name())))
	}
	for _, d := range salesbot.DecisionRoles {
		decisionRoles = append(decisionRoles, option(string(d), w(d.Name())+" · "+w(d.Meaning())))
	}
	for _, d := range salesbot.ContactDepths {
		depths = append(depths, option(string(d), w(d.Name())))
	}
	for _, a := range salesbot.Attitudes {
		attitudes = append(attitudes, option(string(a), w(a.Name())+" · "+w(a.Meaning())))
	}
	for _, i := range salesbot.Influences {
		influences = append(influences, option(string(i), w(strings.ToUpper(string(i[:1]))+string(i[1:]))))
	}
	for s := salesbot.MaxSupport; s >= salesbot.MinSupport; s-- {
		supports = append(supports, option(s.String(), s.String()+" · "+w(s.Meaning())))
	}
	// A person not yet recorded has no support level: 0 would read as one.
	support := ""
	if s.Influence != "" {
		support = s.Support.String()
	}
	return modal(lang, cbStance, t("Stakeholder"), t("Save"), channel,
		companyInput(lang, company),
		textInput(blockPerson, t("Person"), t("Wang Li"), s.Name, 80, false, false),
		selectInput(lang, blockRole, t("Role"), false, string(s.Role), roles...),
		selectInput(lang, blockDecisionRole, t("Decision role"), true, string(s.DecisionRole), decisionRoles...),
		selectInput(lang, blockInfluence, t("Influence"), false, string(s.Influence), influences...),
		selectInput(lang, blockSupport, t("Support"), false, support, supports...),
		selectInput(lang, blockDepth, t("Contact depth"), true, string(s.ContactDepth), depths...),
		selectInput(lang, blockAttitude, t("Attitude to change"), true, string(s.Attitude), attitudes...),
		textInput(blockWins, t("Personal wins"), t("Avoid risk, be recognised by the boss, stability"), s.PersonalWins, 500, true, true),
		textInput(blockNotes, t("Notes"), t("What they said, what they care about"), "", 500, true, true),
	)
}

func gradeModal(lang i18n.Lang, channel, company string) slack.ModalViewRequest {
	return gradeForm(lang, channel, company, "")
}

// gradeForm is the grade form with a grade chosen (the one a risk
// suggests); "" chooses none.
func gradeForm(lang i18n.Lang, channel, company string, g salesbot.Grade) slack.ModalViewRequest {
	return modal(lang, cbLeadGrade, i18n.T(lang, "Grade a lead"), i18n.T(lang, "Save"), channel, companyInput(lang, company), gradeInput(lang, string(g)),
		textInput(blockNotes, i18n.T(lang, "Notes (why this grade)"), "", "", 300, true, true))
}

// stageModal is the stage form for company ("" to type it).
func stageModal(lang i18n.Lang, channel, company string) slack.ModalViewRequest {
	var stages []*slack.OptionBlockObject
	for _, s := range salesbot.Stages {
		stages = append(stages, option(string(s), stageText(lang, s)))
	}
	return modal(lang, cbLeadStage, i18n.T(lang, "Move a lead"), i18n.T(lang, "Move"), channel, companyInput(lang, company),
		selectInput(lang, blockStage, i18n.T(lang, "Stage"), false, "", stages...))
}

// keyFactModal is the key-fact form for company ("" to type it): its menu
// lists first the facts, then the other key facts in the card's order; the
// first of first is chosen, with text (what is recorded of it) filled in.
func keyFactModal(lang i18n.Lang, channel, company string, first []salesbot.KeyFact, text string) slack.ModalViewRequest {
	order := slices.Clone(first)
	for _, k := range salesbot.KeyFacts {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	var facts []*slack.OptionBlockObject
	for _, k := range order {
		facts = append(facts, option(string(k), word(lang, k.Label())))
	}
	chosen := ""
	if len(first) > 0 {
		chosen = string(first[0])
	}
	return modal(lang, cbLeadKey, i18n.T(lang, "Key fact"), i18n.T(lang, "Save"), channel, companyInput(lang, company),
		selectInput(lang, blockFact, i18n.T(lang, "Key fact"), false, chosen, facts...),
		textInput(blockNotes, i18n.T(lang, "Notes"), i18n.T(lang, "What you learned"), text, salesbot.MaxTextLen, true, false))
}

// modalFor returns the form a `/lead <sub>` opens when typed alone.
func modalFor(lang i18n.Lang, sub, channel string) (slack.ModalViewRequest, bool) {
	t := func(format string) string { return i18n.T(lang, format) }
	reason := func(label string) *slack.InputBlock {
		return textInput(blockNotes, label, "", "", 300, true, true)
	}
	company := companyInput(lang, "")
	switch sub {
	case "new", "add":
		return newLeadModal(lang, channel, ""), true
	case "grade":
		return gradeModal(lang, channel, ""), true
	case "stage":
		return stageModal(lang, channel, ""), true
	case "key", "fact":
		return keyFactModal(lang, channel, "", nil, ""), true
	case "won", "win":
		return modal(lang, cbLeadWon, t("Deal won"), t("Close as won"), channel, company), true
	case "lost", "lose":
		return modal(lang, cbLeadLost, t("Deal lost"), t("Close as lost"), channel, company, reason(t("Notes (why it was lost)"))), true
	case "assign":
		rep := slack.NewInputBlock(blockRep, plain(t("Rep")), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(t("Choose a rep")), blockRep))
		return modal(lang, cbLeadAssign, t("Assign a lead"), t("Assign"), channel, company, rep), true
	case "show", "card":
		return modal(lang, cbLeadShow, t("Lead card"), t("Show"), channel, company), true
	case "map":
		return modal(lang, cbLeadMap, t("Stakeholder map"), t("Show"), channel, company), true
	case "value", "amount", "close-by", "closeby", "forecast", "deal":
		return dealModal(lang, channel, nil), true
	case "inbound", "来询":
		return inboundModal(lang, channel), true
	case "profile", "资料", "基本资料":
		return profileModal(lang, channel, nil), true
	}
	return slack.ModalViewRequest{}, false
}

// openModal opens a form. It is the first thing a command does with its
// trigger_id, which lives three seconds and works once.
func (h *Handler) openModal(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.Msg, error) {
	if triggerID == "" {
		return nil, salesbot.Errorf(salesbot.EINVALID, "This command needs more: see `/salesbot help`.")
	}
	resp, err := h.slack.OpenViewContext(ctx, triggerID, view)
	if err != nil {
		var details []string
		if resp != nil {
			details = resp.ResponseMetadata.Messages
		}
		h.log.ErrorContext(ctx, "views.open failed", "callback", view.CallbackID, "err", err, "details", details)
		return nil, fmt.Errorf("open %s form: %w", view.CallbackID, err)
	}
	return nil, nil
}

// form reads a submitted modal's values defensively: a missing block reads
// as empty.
type form map[string]map[string]slack.BlockAction

func formOf(v slack.View) form {
	if v.State == nil {
		return form{}
	}
	return form(v.State.Values)
}

func (f form) action(block string) slack.BlockAction { return f[block][block] }

func (f form) text(block string) string { return strings.TrimSpace(f.action(block).Value) }

func (f form) option(block string) string { return f.action(block).SelectedOption.Value }

func (f form) date(block string) string { return f.action(block).SelectedDate }

func (f form) user(block string) string { return f.action(block).SelectedUser }

// day reads a date picker; an empty one reads as otherwise.
func (f form) day(block string, otherwise salesbot.Date) (salesbot.Date, error) {
	if s := f.date(block); s != "" {
		return salesbot.ParseDate(s)
	}
	return otherwise, nil
}

// fieldError ties an error to the modal input it is about.
type fieldError struct {
	block string
	err   error
}

func (e *fieldError) Error() string { return e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

func inField(block string, err error) error {
	if err == nil {
		return nil
	}
	return &fieldError{block: block, err: err}
}

// about ties an operation's complaint about a value to that value's input;
// refusals (a stranger's lead, no such lead) stay under the company.
func about(block string, err error) error {
	if salesbot.ErrorCode(err) == salesbot.EINVALID {
		return inField(block, err)
	}
	return err
}
