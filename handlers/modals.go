package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
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
	Lead    string `json:"l,omitempty"` // the lead the reminder is about
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

func modal(callbackID, title, submit, channel string, blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackID,
		Title:           plain(title),
		Submit:          plain(submit),
		Close:           plain("Cancel"),
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

func selectInput(block, label string, optional bool, initial string, options ...*slack.OptionBlockObject) *slack.InputBlock {
	el := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose"), block, options...)
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

func companyInput(initial string) *slack.InputBlock {
	return textInput(blockCompany, "Company", "Acme Industrial / 华为技术有限公司", initial, salesbot.MaxCompanyLen, false, false)
}

func gradeInput(initial string) *slack.InputBlock {
	var options []*slack.OptionBlockObject
	for _, g := range salesbot.Grades {
		options = append(options, option(string(g), string(g)+" · "+g.Meaning()))
	}
	return selectInput(blockGrade, "Grade", false, initial, options...)
}

func newLeadModal(channel, company string) slack.ModalViewRequest {
	return modal(cbLeadNew, "New lead", "Register", channel, companyInput(company), gradeInput(string(salesbot.GradeC)))
}

func visitModal(channel, company string, kind salesbot.VisitKind) slack.ModalViewRequest {
	var kinds []*slack.OptionBlockObject
	for _, k := range salesbot.VisitKinds {
		kinds = append(kinds, option(string(k), strings.ToUpper(string(k[:1]))+string(k[1:])))
	}
	if kind == "" {
		kind = salesbot.KindVisit
	}
	// Names typed, not picked: /visit opens this before the lead is known,
	// so there is no list of its people to pick from.
	met := textInput(blockMet, "People met", "Wang Li, Li Na", "", 500, false, true)
	met.Hint = plain("Names separated by commas, as recorded with /stance. Each one met is a step deeper in contact.")
	return modal(cbVisit, "Log a visit", "Log", channel,
		companyInput(company),
		dateInput(blockDate, "Date (today if empty)"),
		selectInput(blockKind, "Kind of touch", true, string(kind), kinds...),
		met,
		textInput(blockNotes, "Notes", "What you learned, the outcome", "", salesbot.MaxTextLen, true, true),
		textInput(blockNextStep, "Next step", "Send the quote", "", 300, false, true),
		dateInput(blockNextDate, "Next step date"),
	)
}

func stanceModal(channel, company, person string) slack.ModalViewRequest {
	var roles, influences, supports, decisionRoles, depths, attitudes []*slack.OptionBlockObject
	for _, r := range salesbot.Roles {
		roles = append(roles, option(string(r), r.Name()))
	}
	for _, d := range salesbot.DecisionRoles {
		decisionRoles = append(decisionRoles, option(string(d), d.Name()+" · "+d.Meaning()))
	}
	for _, d := range salesbot.ContactDepths {
		depths = append(depths, option(string(d), d.Name()))
	}
	for _, a := range salesbot.Attitudes {
		attitudes = append(attitudes, option(string(a), a.Name()+" · "+a.Meaning()))
	}
	for _, i := range salesbot.Influences {
		influences = append(influences, option(string(i), strings.ToUpper(string(i[:1]))+string(i[1:])))
	}
	for s := salesbot.MaxSupport; s >= salesbot.MinSupport; s-- {
		supports = append(supports, option(s.String(), s.String()+" · "+s.Meaning()))
	}
	return modal(cbStance, "Stakeholder", "Save", channel,
		companyInput(company),
		textInput(blockPerson, "Person", "Wang Li", person, 80, false, false),
		selectInput(blockRole, "Role", false, "", roles...),
		selectInput(blockDecisionRole, "Decision role", true, "", decisionRoles...),
		selectInput(blockInfluence, "Influence", false, "", influences...),
		selectInput(blockSupport, "Support", false, "", supports...),
		selectInput(blockDepth, "Contact depth", true, "", depths...),
		selectInput(blockAttitude, "Attitude to change", true, "", attitudes...),
		textInput(blockWins, "Personal wins", "Avoid risk, be recognised by the boss, stability", "", 500, true, true),
		textInput(blockNotes, "Notes", "What they said, what they care about", "", 500, true, true),
	)
}

func gradeModal(channel, company string) slack.ModalViewRequest {
	return modal(cbLeadGrade, "Grade a lead", "Save", channel, companyInput(company), gradeInput(""),
		textInput(blockNotes, "Notes (why this grade)", "", "", 300, true, true))
}

// modalFor returns the form a `/lead <sub>` opens when typed alone.
func modalFor(sub, channel string) (slack.ModalViewRequest, bool) {
	reason := func(label string) *slack.InputBlock {
		return textInput(blockNotes, label, "", "", 300, true, true)
	}
	switch sub {
	case "new", "add":
		return newLeadModal(channel, ""), true
	case "grade":
		return gradeModal(channel, ""), true
	case "stage":
		var stages []*slack.OptionBlockObject
		for _, s := range salesbot.Stages {
			stages = append(stages, option(string(s), stageText(s)))
		}
		return modal(cbLeadStage, "Move a lead", "Move", channel, companyInput(""), selectInput(blockStage, "Stage", false, "", stages...)), true
	case "key", "fact":
		var facts []*slack.OptionBlockObject
		for _, k := range salesbot.KeyFacts {
			facts = append(facts, option(string(k), k.Label()))
		}
		return modal(cbLeadKey, "Key fact", "Save", channel, companyInput(""), selectInput(blockFact, "Key fact", false, "", facts...),
			textInput(blockNotes, "Notes", "What you learned", "", salesbot.MaxTextLen, true, false)), true
	case "won", "win":
		return modal(cbLeadWon, "Deal won", "Close as won", channel, companyInput("")), true
	case "lost", "lose":
		return modal(cbLeadLost, "Deal lost", "Close as lost", channel, companyInput(""), reason("Notes (why it was lost)")), true
	case "assign":
		rep := slack.NewInputBlock(blockRep, plain("Rep"), nil, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Choose a rep"), blockRep))
		return modal(cbLeadAssign, "Assign a lead", "Assign", channel, companyInput(""), rep), true
	case "show", "card":
		return modal(cbLeadShow, "Lead card", "Show", channel, companyInput("")), true
	case "map":
		return modal(cbLeadMap, "Stakeholder map", "Show", channel, companyInput("")), true
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
