package bot_test

import (
	"strings"
	"testing"

	"salesbot/internal/fakeslack"
)

// TestLanguageFollowsLocaleAndChoice: a rep whose Slack locale is zh-CN is
// answered in Chinese (a card, an error, a form whose labels still carry
// the English words outside tests rely on); /salesbot lang en and zh switch;
// a manager in English reads the Chinese rep's approval request in English.
func TestLanguageFollowsLocaleAndChoice(t *testing.T) {
	h := newHarness(t)
	h.slack.SetUser(rep, fakeslack.User{Name: "Wang Fang", TZ: "Asia/Shanghai", Locale: "zh-CN"})

	mustContain(t, "new lead", text(h.command(rep, "/lead new 明达机械")), "已报备为你的客户", "客户分级")
	card := text(h.command(rep, "/lead show 明达机械"))
	mustContain(t, "card", card, "客户卡片", "*客户分级*", "取得潜在客户名单", "*关键信息*", "记录拜访")
	if strings.Contains(card, "Key facts") {
		t.Errorf("the card is not in Chinese:\n%s", card)
	}
	mustContain(t, "error", h.command(rep, "/lead grade 明达机械 Z").Text, ":warning:", "不是客户等级")
	mustContain(t, "unknown lead", h.command(rep, "/lead show Nowhere").Text, "没有名为", "/lead new")
	mustContain(t, "current language", h.command(rep, "/salesbot lang").Text, "中文", "/salesbot lang en")

	h.command(rep, "/stance")
	form := h.slack.WaitFor(t, "views.open", 1)[0].Param("view")
	for _, label := range []string{"公司 Company", "姓名 Person", "角色 Role", "影响力 Influence", "支持度 Support", "备注 Notes", "拍板人"} {
		mustContain(t, "stance form", form, label)
	}

	mustContain(t, "switch to English", h.command(rep, "/salesbot lang en").Text, "From now on I speak English")
	mustContain(t, "English card", text(h.command(rep, "/lead show 明达机械")), "lead card", "*Key facts*")
	mustContain(t, "English error", h.command(rep, "/lead grade 明达机械 Z").Text, "is not a grade")
	mustContain(t, "switch back", h.command(rep, "/salesbot lang zh").Text, "以后我用中文")
	mustContain(t, "Chinese again", text(h.command(rep, "/lead show 明达机械")), "客户卡片")
	mustContain(t, "bad language", h.command(rep, "/salesbot lang klingon").Text, "klingon")

	// The approval request reaches the English-speaking manager in English;
	// the Chinese rep is answered in Chinese.
	h.command(rep, "/lead stage 明达机械 first-visit")
	mustContain(t, "skip asked", h.command(rep, "/lead stage 明达机械 demo").Text, "需要经理审批", "演示")
	request := h.slack.WaitFor(t, "chat.postMessage", 1)[0]
	if request.Param("channel") != manager {
		t.Fatalf("approval request went to %s", request.Param("channel"))
	}
	mustContain(t, "manager's request", request.Text(), "asks to move", "First visit", "Demo", "Approve", "No economic buyer")
	if strings.Contains(request.Text(), "审批") {
		t.Errorf("the manager's request is in Chinese: %s", request.Text())
	}
	id := approvalID.FindStringSubmatch(request.Text())[1]
	h.click(manager, "approve", id)
	told := h.slack.WaitFor(t, "chat.postMessage", 2)
	last := told[len(told)-1]
	if last.Param("channel") != rep {
		t.Fatalf("outcome went to %s", last.Param("channel"))
	}
	mustContain(t, "rep told in Chinese", last.Text(), "已批准", "演示")

	// Without a zh locale and without a choice, English stays the default.
	mustContain(t, "default", h.command(other, "/lead new Initech").Text, "is your lead now")
}

// Each manager's copy of a decided request is redrawn in that manager's
// language, whoever decided.
func TestApprovalCopiesInEachManagersLanguage(t *testing.T) {
	h := newHarness(t)
	const zhBoss = "U0ZHBOSS"
	h.slack.SetUser(zhBoss, fakeslack.User{Name: "Li Jing", Locale: "zh-CN"})
	if err := h.store.AddManager(t.Context(), h.team, zhBoss); err != nil {
		t.Fatal(err)
	}
	h.command(rep, "/lead new Hyperion")
	h.command(rep, "/lead stage Hyperion discovery") // a skip: asks both managers
	requests := h.slack.WaitFor(t, "chat.postMessage", 2)
	id := approvalID.FindStringSubmatch(requests[0].Text())[1]
	h.click(manager, "approve", id)
	updates := h.slack.WaitFor(t, "chat.update", 2)
	byChannel := map[string]string{}
	for _, u := range updates {
		byChannel[u.Param("channel")] = u.Text()
	}
	mustContain(t, "English copy", byChannel[manager], "approved", "Hyperion")
	mustContain(t, "Chinese copy", byChannel[zhBoss], "已批准", "Hyperion")
}
