package salesbot

import (
	"strings"
	"time"
)

// Qualification (seed 003 评估商业机会): does the opportunity exist, can
// we compete, can we win, is it worth winning.

// Question is one of seed 003's four qualification questions.
type Question string

// The four questions, in the order they are asked.
const (
	QuestionExists  Question = "exists"  // does the opportunity exist? (机会是否存在)
	QuestionCompete Question = "compete" // can we compete? (我们能否竞争)
	QuestionWin     Question = "win"     // can we win? (我们能否赢)
	QuestionWorth   Question = "worth"   // is it worth winning? (赢了是否值得)
)

// Questions lists the four questions in order.
var Questions = []Question{QuestionExists, QuestionCompete, QuestionWin, QuestionWorth}

var questionAliases = map[string]Question{
	"exist": QuestionExists, "opportunity": QuestionExists, "存在": QuestionExists, "机会": QuestionExists,
	"竞争": QuestionCompete, "能竞争": QuestionCompete, "赢": QuestionWin, "能赢": QuestionWin, "值得": QuestionWorth,
}

// ParseQuestion reads a question by its key (exists, compete, win, worth)
// or its Chinese.
func ParseQuestion(s string) (Question, error) {
	key := strings.ToLower(foldWidth(strings.TrimSpace(s)))
	for _, q := range Questions {
		if string(q) == key {
			return q, nil
		}
	}
	if q, ok := questionAliases[key]; ok {
		return q, nil
	}
	return "", Errorf(EINVALID, "%q is not one of the four questions. Answer exists=, compete=, win= and worth=, each yes, no or unknown.", s)
}

// Ask is the question as a person is asked it.
func (q Question) Ask() string {
	switch q {
	case QuestionExists:
		return "Does the opportunity exist?"
	case QuestionCompete:
		return "Can we compete?"
	case QuestionWin:
		return "Can we win?"
	case QuestionWorth:
		return "Is it worth winning?"
	}
	return string(q)
}

// Answer is a qualification answer: yes, no or unknown.
type Answer string

// The answers; the zero Answer reads as unknown (not asked yet).
const (
	AnswerYes     Answer = "yes"
	AnswerNo      Answer = "no"
	AnswerUnknown Answer = "unknown"
)

var answerAliases = map[string]Answer{
	"yes": AnswerYes, "y": AnswerYes, "是": AnswerYes, "有": AnswerYes, "能": AnswerYes, "对": AnswerYes,
	"no": AnswerNo, "n": AnswerNo, "否": AnswerNo, "不": AnswerNo, "没有": AnswerNo, "不能": AnswerNo,
	"unknown": AnswerUnknown, "?": AnswerUnknown, "dunno": AnswerUnknown, "未知": AnswerUnknown, "不知道": AnswerUnknown, "不确定": AnswerUnknown,
}

// ParseAnswer reads yes, no or unknown, in English or Chinese (是/否/未知).
func ParseAnswer(s string) (Answer, error) {
	if a, ok := answerAliases[strings.ToLower(foldWidth(strings.TrimSpace(s)))]; ok {
		return a, nil
	}
	return "", Errorf(EINVALID, "%q is not an answer. Answer each question yes, no or unknown (是/否/未知).", s)
}

// Or is the answer, unknown when none was given.
func (a Answer) Or() Answer {
	if a == "" {
		return AnswerUnknown
	}
	return a
}

// Verdict is the answer to one question, with a note on why.
type Verdict struct {
	Answer Answer `json:"answer,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Qualification is the lead's answers to the four questions, with who
// answered them last and when.
type Qualification struct {
	Exists  Verdict   `json:"exists,omitzero"`
	Compete Verdict   `json:"compete,omitzero"`
	Win     Verdict   `json:"win,omitzero"`
	Worth   Verdict   `json:"worth,omitzero"`
	By      string    `json:"by,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// Asked reports whether the questions were ever answered.
func (q Qualification) Asked() bool { return !q.At.IsZero() }

// Of is the verdict on one question.
func (q Qualification) Of(k Question) Verdict {
	switch k {
	case QuestionExists:
		return q.Exists
	case QuestionCompete:
		return q.Compete
	case QuestionWin:
		return q.Win
	case QuestionWorth:
		return q.Worth
	}
	return Verdict{}
}

func (q *Qualification) set(k Question, v Verdict) {
	switch k {
	case QuestionExists:
		q.Exists = v
	case QuestionCompete:
		q.Compete = v
	case QuestionWin:
		q.Win = v
	case QuestionWorth:
		q.Worth = v
	}
}

// Score counts the yes answers, of the four.
func (q Qualification) Score() int {
	n := 0
	for _, k := range Questions {
		if q.Of(k).Answer == AnswerYes {
			n++
		}
	}
	return n
}

// With lists the questions answered a, in order.
func (q Qualification) With(a Answer) QuestionList {
	var out QuestionList
	for _, k := range Questions {
		if q.Of(k).Answer.Or() == a {
			out = append(out, k)
		}
	}
	return out
}

// QuestionList is questions in a message: "compete, win" in English,
// "能否竞争、能否赢" in Chinese.
type QuestionList []Question

// String writes the keys with commas.
func (l QuestionList) String() string { return l.InLanguage("en") }

// zhQuestions are the questions' short Chinese names (seed 003).
var zhQuestions = map[Question]string{
	QuestionExists: "机会是否存在", QuestionCompete: "能否竞争", QuestionWin: "能否赢", QuestionWorth: "是否值得赢",
}

// InLanguage writes the questions the reader's way.
func (l QuestionList) InLanguage(lang string) string {
	words := make([]string, len(l))
	sep := ", "
	for i, k := range l {
		words[i] = string(k)
		if lang == "zh" {
			words[i], sep = zhQuestions[k], "、"
		}
	}
	return strings.Join(words, sep)
}

// Verdicts are answers given to some of the questions.
type Verdicts map[Question]Verdict

// ParseVerdicts reads `exists=yes compete=no they want SAP win=unknown`:
// each question key with its answer (= or :, 是/否/未知 too), and the words
// that follow, up to the next key, as its note. A quoted word is always a
// note's.
func ParseVerdicts(toks []Token) (Verdicts, error) {
	out := Verdicts{}
	var cur Question
	notes := map[Question][]Token{}
	for _, t := range toks {
		text := foldWidth(t.Text)
		key, ans, ok := strings.Cut(text, "=")
		if !ok {
			key, ans, ok = strings.Cut(text, ":")
		}
		if ok && !t.Quoted && !t.Entity {
			q, err := ParseQuestion(key)
			if err != nil {
				return nil, err
			}
			a, err := ParseAnswer(ans)
			if err != nil {
				return nil, Errorf(EINVALID, "%q is not an answer to %s. Answer each question yes, no or unknown (是/否/未知).", ans, QuestionList{q})
			}
			if _, twice := out[q]; twice {
				return nil, Errorf(EINVALID, "%s is answered twice. Answer each question once.", QuestionList{q})
			}
			out[q], cur = Verdict{Answer: a}, q
			continue
		}
		if cur == "" {
			return nil, Errorf(EINVALID, "%q is not an answer. Start with a question and its answer: exists=yes compete=no win=unknown worth=yes, a note after each if you like.", t.Text)
		}
		notes[cur] = append(notes[cur], t)
	}
	for q, n := range notes {
		v := out[q]
		v.Note = JoinTokens(n)
		out[q] = v
	}
	return out, nil
}

// Qualify records answers to the qualification questions (the owner or a
// manager): each one given replaces that question's answer and note, the
// others stay. A lead that was never qualified has every answer unknown.
func (l *Lead) Qualify(a Actor, answers Verdicts, now time.Time) (Change, error) {
	if err := l.checkEdit(a); err != nil {
		return Change{}, err
	}
	if err := l.checkOpen(); err != nil {
		return Change{}, err
	}
	if len(answers) == 0 {
		return Change{}, Errorf(EINVALID, "Answer at least one question: exists=yes compete=no win=unknown worth=yes.")
	}
	for k := range answers {
		if _, err := ParseQuestion(string(k)); err != nil {
			return Change{}, err
		}
	}
	q := l.Qualification
	from := ""
	if q.Asked() {
		from = q.Summary()
	}
	for _, k := range Questions {
		v, ok := answers[k]
		if !ok {
			continue
		}
		if v.Answer == "" {
			v.Answer = AnswerUnknown
		}
		if _, err := ParseAnswer(string(v.Answer)); err != nil {
			return Change{}, err
		}
		note, err := cleanText("note", v.Note, maxVerdictLen)
		if err != nil {
			return Change{}, err
		}
		v.Note = note
		q.set(k, v)
	}
	q.By, q.At = a.User, now
	l.Qualification = q
	return l.change(a, ChangeQualified, from, q.Summary(), "", now), nil
}

// Summary is the qualification as history keeps it: "exists=yes
// compete=no win=unknown worth=yes".
func (q Qualification) Summary() string {
	parts := make([]string, len(Questions))
	for i, k := range Questions {
		parts[i] = string(k) + "=" + string(q.Of(k).Answer.Or())
	}
	return strings.Join(parts, " ")
}

// RiskQualificationNo is a "no" to a qualification question on an A or B
// lead: lower the grade or let it go (seed 001: 没有通过,考虑放弃或降低接触级别).
const RiskQualificationNo RiskKind = "qualification-no"

// qualificationRisks is the risk of a "no" on a serious (A or B) lead,
// suggesting the grade below.
func qualificationRisks(l *Lead) []Risk {
	if l.Grade != GradeA && l.Grade != GradeB {
		return nil
	}
	no := l.Qualification.With(AnswerNo)
	if len(no) == 0 {
		return nil
	}
	lower := GradeC
	if l.Grade == GradeA {
		lower = GradeB
	}
	r := newRisk(RiskQualificationNo,
		"Qualification answered no (%s) on a grade %s lead: lower it to %s or let it go (没有通过,考虑放弃或降低接触级别).", no, string(l.Grade), string(lower))
	r.Suggest = lower
	return []Risk{r}
}
