package handlers

import (
	"strings"
	"testing"
	"time"

	"salesbot"
	"salesbot/i18n"
)

// TestNamesAreNotTranslated: a company or a person whose name spells a
// domain term (a company called "Coach", a person named "Won") keeps the
// name in Chinese, while the terms beside it are translated.
func TestNamesAreNotTranslated(t *testing.T) {
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	manager := salesbot.Actor{User: "U0MGR", Manager: true}
	rep := salesbot.Actor{User: "U0REP"}

	errs := []struct {
		name   string
		err    error
		zh, en string
	}{
		{"a closed lead of a company called Coach",
			func() error {
				l := &salesbot.Lead{Company: "Coach", Owner: rep.User, Grade: salesbot.GradeA, Stage: salesbot.StageWon}
				_, err := l.Regrade(manager, salesbot.GradeB, "", now)
				return err
			}(),
			"Coach 已关闭（签约）", "Coach is closed (Won)."},
		{"a company called Won not yet at negotiation",
			func() error {
				l := &salesbot.Lead{Company: "Won", Owner: rep.User, Grade: salesbot.GradeA, Stage: salesbot.StageDemo}
				_, err := l.Win(rep, now)
				return err
			}(),
			"在商务谈判之后才能签约；Won 目前处于演示", "A deal is won after Negotiation; Won is at Demo."},
		{"a stage skipped",
			func() error {
				_, err := salesbot.CheckStageMove(salesbot.StageLead, salesbot.StageDemo, false)
				return err
			}(),
			"销售阶段要逐个推进：取得潜在客户名单之后是初访。跳到演示需要经理审批", "from Lead the next is First visit. Skipping to Demo needs a manager."},
		{"a quote needs approval",
			func() error {
				_, err := salesbot.CheckStageMove(salesbot.StageDemo, salesbot.StageQuote, false)
				return err
			}(),
			"进入正式书面报价阶段需要经理审批：正式书面报价必须经过经理审批", "Moving to Quote needs a manager's approval: a formal quote must be approved by a manager."},
	}
	for _, c := range errs {
		if c.err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		if got := errorMessage(i18n.Zh, c.err); !strings.Contains(got, c.zh) || strings.Contains(got, "内线") {
			t.Errorf("%s: Chinese %q, want %q in it", c.name, got, c.zh)
		}
		if got := errorMessage(i18n.En, c.err); !strings.Contains(got, c.en) || got != salesbot.ErrorMessage(c.err) {
			t.Errorf("%s: English %q, want %q in it, as the domain wrote it", c.name, got, c.en)
		}
	}

	// A plain string argument is never a term.
	err := salesbot.Errorf(salesbot.EINVALID, "%s is already %s's lead.", "Coach", salesbot.User("U0REP"))
	if got := errorMessage(i18n.Zh, err); got != "Coach 已经是 <@U0REP> 的客户。" {
		t.Errorf("Chinese %q", got)
	}

	for _, depth := range []salesbot.ContactDepth{salesbot.DepthNone, salesbot.DepthBrief} {
		l := &salesbot.Lead{
			Company: "Coach", Owner: rep.User, Grade: salesbot.GradeA, Stage: salesbot.StageDiscovery, StageSince: now,
			Stakeholders: []salesbot.Stakeholder{
				{Name: "Won", Role: salesbot.RoleEconomicBuyer, Influence: salesbot.InfluenceHigh, Support: 1, ContactDepth: depth},
				{Name: "Coach", Role: salesbot.RoleTechnicalBuyer, Influence: salesbot.InfluenceHigh, Support: -3},
			},
		}
		var zh []string
		for _, r := range salesbot.Risks(l, now, salesbot.DefaultCadence()) {
			zh = append(zh, riskMessage(i18n.Zh, r))
			if en := riskMessage(i18n.En, r); en != r.Message {
				t.Errorf("English risk %q, want %q", en, r.Message)
			}
		}
		all := strings.Join(zh, "\n")
		for _, want := range []string{"拍板人 Won 从未深入接触", "Coach（", "反对我们（-3）"} {
			if !strings.Contains(all, want) {
				t.Errorf("depth %s: Chinese risks lack %q:\n%s", depth, want, all)
			}
		}
		for _, bad := range []string{"签约", "内线（教练）（", "只有过简单接触"} {
			if strings.Contains(all, bad) {
				t.Errorf("depth %s: Chinese risks have %q:\n%s", depth, bad, all)
			}
		}
	}
}

// TestErrorMessageEscapesOnce: a name someone typed is escaped in an error,
// once, even when the error quotes another error's message.
func TestErrorMessageEscapesOnce(t *testing.T) {
	inner := salesbot.Errorf(salesbot.EINVALID, "%q is not a role.", "<!here> & co")
	outer := salesbot.Errorf(salesbot.EINVALID, "%s\nWrite it like this: `/stance %s`.", markup(errorMessage(i18n.En, inner)), "A&B <Co>")
	got := errorMessage(i18n.En, outer)
	want := "\"&lt;!here&gt; &amp; co\" is not a role.\nWrite it like this: `/stance A&amp;B &lt;Co&gt;`."
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
