package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"salesbot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/internal/fakeslack"
	"salesbot/scheduler"
	"salesbot/service"
	"salesbot/sheet"
)

// dryRun is what a manager sees after submitting the import form: the
// summary message, and the plan its Import button carries.
type dryRun struct {
	text string
	plan string
	call fakeslack.Call
}

// importForm opens /salesbot import as user, shares the file in the fake
// workspace, submits the form with it and returns the dry run's message
// (the last chat.update of the DM that said it was reading the file).
func (h *harness) importForm(user, name string, data []byte) dryRun {
	h.t.Helper()
	if reply := h.command(user, "/salesbot import"); reply.Text != "" {
		h.t.Fatalf("/salesbot import answered %q; want the form", reply.Text)
	}
	views := h.slack.Calls("views.open")
	form := views[len(views)-1].Param("view")
	mustContain(h.t, "import form", form, `"type":"file_input"`, `"filetypes":["xlsx","csv"]`, `"max_files":1`)
	if !strings.Contains(form, "File (.xlsx or .csv)") && !strings.Contains(form, "文件（.xlsx 或 .csv）") {
		h.t.Errorf("the import form's label names no File:\n%s", form)
	}
	id := fmt.Sprintf("F0IMPORT%d", h.seq.Add(1))
	h.slack.AddFile(id, fakeslack.File{Name: name, Data: data})
	before := len(h.slack.Calls("chat.update"))
	status, body := h.submit(user, "import", map[string]slack.BlockAction{"file": {Files: []slack.File{{ID: id, Name: name}}}})
	if status != 200 || len(body) != 0 {
		h.t.Fatalf("import form: status %d body %s", status, body)
	}
	updates := h.slack.Calls("chat.update")[before:]
	if len(updates) == 0 {
		h.t.Fatalf("no dry run after the form; calls %v", h.slack.Calls(""))
	}
	last := updates[len(updates)-1]
	if last.Failed != "" {
		h.t.Fatalf("the dry run's message failed: %s", last.Failed)
	}
	unescape := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
	return dryRun{text: unescape.Replace(last.Text()), plan: buttonValue(h.t, last, "import_run"), call: last}
}

// lastUpdate is the text of the last chat.update.
func (h *harness) lastUpdate() string {
	calls := h.slack.Calls("chat.update")
	if len(calls) == 0 {
		return ""
	}
	return calls[len(calls)-1].Text()
}

func (h *harness) leadCount() int {
	h.t.Helper()
	leads, err := h.store.AllLeads(h.t.Context(), h.team)
	if err != nil {
		h.t.Fatal(err)
	}
	return len(leads)
}

const leadsCSV = "\ufeffCompany,Owner,Grade,Stage,Value,Close date,Source,Last touch,Next step,Notes\n" +
	"Acme Industrial,<@U0REP>,A,first-visit,180万,2027-03-31,referral,2026-11-01,Send the quote,met the CFO\n" +
	"华为技术有限公司,ray@example.com,B,lead,,,展会,,,\n" +
	"Globex,,C,,,,,,,\n" +
	"Initech,<@U0GHOST>,B,,,,,,,\n" +
	"Umbrella,,Z,,,,,,,\n" +
	"Existing Co,,B,,,,,,,\n" +
	"Hooli,bot@example.com,B,,,,,,,\n"

// TestImportCSV: a manager's UTF-8 CSV goes through the dry run (counts,
// the duplicate named, each bad row with its number and what to fix, and
// nothing written), then Import writes the new leads with their owner,
// grade, stage, value, source, last touch and next step, scheduled, and
// the message ends with what was imported. The same file again creates
// nothing, and its old Import button imports nothing twice.
func TestImportCSV(t *testing.T) {
	h := newHarness(t)
	h.slack.SetEmail("ray@example.com", rep)
	h.slack.SetEmail("bot@example.com", "U0BUILDBOT")
	h.slack.SetUser("U0BUILDBOT", fakeslack.User{Name: "Build Bot", Bot: true})
	h.command(manager, "/lead new \"Existing Co\"")
	h.h.Wait()
	h.slack.OnCall(func(c fakeslack.Call) { // someone Slack does not know
		if c.Method == "users.info" && c.Param("user") == "U0GHOST" {
			h.slack.FailNext("users.info", "user_not_found")
		}
	})

	h.slack.RateLimitNext("users.lookupByEmail", 1) // Tier 3: the look-up waits and asks again
	d := h.importForm(manager, "pipeline.csv", []byte(leadsCSV))
	mustContain(t, "dry run", d.text, "New: *3*", "duplicates of existing leads: *1*", "rows with errors: *3*", "the file has 7 rows",
		"Existing Co", "Row 5", "U0GHOST", "Row 6", "Row 8", "bot or a deactivated account", "no owner in the file (1) will be yours", "Import 3 new", "Cancel")
	if d.plan == "" {
		t.Fatal("no Import button")
	}
	if calls := h.slack.Calls("users.lookupByEmail"); len(calls) != 3 || calls[0].Failed != "http 429" {
		t.Errorf("users.lookupByEmail: %+v; want one refused for its rate, then each address once", calls)
	}
	if n := h.leadCount(); n != 1 {
		t.Fatalf("the dry run wrote leads: %d", n)
	}
	if to := d.call.Param("channel"); to != manager {
		t.Errorf("the dry run went to %s; want the manager directly", to)
	}

	h.click(manager, "import_run", d.plan)
	mustContain(t, "import done", h.lastUpdate(), "Imported pipeline.csv", "new: *3*", "already there: *1*", "rows with errors skipped: *3*")
	acme := h.lead("Acme Industrial")
	if acme.Owner != rep || acme.Grade != salesbot.GradeA || acme.Stage != salesbot.StageFirstVisit || acme.Source != "referral" ||
		acme.NextStep != "Send the quote" || acme.Value.IsZero() || acme.CloseBy.String() != "2027-03-31" || acme.CreatedBy != manager {
		t.Errorf("Acme as imported: %+v", acme)
	}
	if want := acme.LastTouch.Add(7 * salesbot.Day); !acme.Due.Equal(want) || acme.LastTouch.IsZero() {
		t.Errorf("Acme is due %v; want its last touch %v plus an A's cadence", acme.Due, acme.LastTouch)
	}
	if hw := h.lead("华为技术"); hw.Owner != rep || hw.Source != "event" || hw.Grade != salesbot.GradeB {
		t.Errorf("华为 as imported: owner %s source %s grade %s", hw.Owner, hw.Source, hw.Grade)
	}
	if g := h.lead("Globex"); g.Owner != manager {
		t.Errorf("Globex, with no owner, is %s's; want the manager's", g.Owner)
	}
	mustContain(t, "pipeline", text(h.command(manager, "/lead list all")), "Acme Industrial", "华为技术有限公司", "Globex")
	mustContain(t, "rep's pipeline", text(h.command(rep, "/lead list")), "Acme Industrial", "华为技术有限公司")
	audit, err := h.store.Audit(t.Context(), h.team, 5)
	if err != nil || len(audit) == 0 || audit[0].Kind != salesbot.AuditImport || audit[0].Subject != "pipeline.csv" || audit[0].By != manager {
		t.Fatalf("audit: %+v %v", audit, err)
	}

	// The same file again: nothing new, no Import button.
	again := h.importForm(manager, "pipeline.csv", []byte(leadsCSV))
	mustContain(t, "again", again.text, "New: *0*", "existing leads: *4*", "Nothing new to import")
	if again.plan != "" {
		t.Error("an Import button for nothing new")
	}
	// The old button imports nothing twice.
	h.click(manager, "import_run", d.plan)
	mustContain(t, "pressed again", h.lastResponse(), "imported already")
	if n := h.leadCount(); n != 4 {
		t.Fatalf("%d leads after importing twice; want 4", n)
	}
}

// TestImportGBKAndXLSX: a CSV in GBK with Chinese headers, as Chinese
// Excel saves it, and an .xlsx workbook import alike.
func TestImportGBKAndXLSX(t *testing.T) {
	h := newHarness(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("公司,负责人,分级,来源,下一步\n上海明达机械,<@U0REP>,A,介绍,约老板见面\n北京远航科技,,D,网络,\n")
	if err != nil {
		t.Fatal(err)
	}
	d := h.importForm(manager, "客户.csv", []byte(gbk))
	mustContain(t, "gbk dry run", d.text, "New: *2*", "rows with errors: *0*")
	h.click(manager, "import_run", d.plan)
	// A manager who reads Chinese gets the dry run, its row errors and
	// the outcome in Chinese.
	h.command(manager, "/salesbot lang zh")
	bad, err := simplifiedchinese.GBK.NewEncoder().String("公司,分级\n广州新星贸易,Z\n深圳华强电子,B\n")
	if err != nil {
		t.Fatal(err)
	}
	zh := h.importForm(manager, "第二批.csv", []byte(bad))
	mustContain(t, "zh dry run", zh.text, "试运行", "新增：*1*", "第 2 行", "不是", "导入 1 个新客户")
	h.click(manager, "import_run", zh.plan)
	mustContain(t, "zh outcome", h.lastUpdate(), "已导入 第二批.csv", "新增：*1*")
	h.command(manager, "/salesbot lang en")
	if l := h.lead("上海明达机械"); l.Owner != rep || l.Grade != salesbot.GradeA || l.Source != "referral" || l.NextStep != "约老板见面" {
		t.Errorf("明达 as imported: %+v", l)
	}

	x := excelize.NewFile()
	rows := [][]any{{"Company", "Owner", "Grade", "Stage", "Source"}, {"Wayne Enterprises", rep, "B", "discovery", "phone"}, {"Stark Industries", "", "C", "", ""}}
	for i, r := range rows {
		if err := x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	d = h.importForm(manager, "pipeline.xlsx", buf.Bytes())
	mustContain(t, "xlsx dry run", d.text, "New: *2*")
	h.click(manager, "import_run", d.plan)
	if l := h.lead("Wayne Enterprises"); l.Owner != rep || l.Stage != salesbot.StageDiscovery || l.Source != "phone" {
		t.Errorf("Wayne as imported: %+v", l)
	}
}

// TestImportBadFiles: a file that is no spreadsheet, one over the limit
// (refused by files.info's size, before any download) and one with no
// company column each get a clear message, and nothing is written.
func TestImportBadFiles(t *testing.T) {
	h := newHarness(t)
	d := h.importForm(manager, "notes.pdf", []byte("%PDF-1.4 not a spreadsheet"))
	mustContain(t, "pdf", d.text, "notes.pdf", "not a spreadsheet")
	d = h.importForm(manager, "nocompany.csv", []byte("Name,Grade\nAcme,A\n"))
	mustContain(t, "no company", d.text, "no company column")

	h.command(manager, "/salesbot import")
	h.slack.AddFile("F0HUGE", fakeslack.File{Name: "huge.csv", Data: []byte("Company\nAcme\n"), Size: 6 << 20})
	downloads := len(h.slack.Calls("download"))
	h.submit(manager, "import", map[string]slack.BlockAction{"file": {Files: []slack.File{{ID: "F0HUGE"}}}})
	mustContain(t, "huge", h.lastUpdate(), "huge.csv is 6.0 MB", "up to 5 MB")
	if len(h.slack.Calls("download")) != downloads {
		t.Error("a file over the limit was downloaded")
	}
	// files.info understating the size: the download stops at the limit.
	h.command(manager, "/salesbot import")
	h.slack.AddFile("F0LIAR", fakeslack.File{Name: "liar.csv", Data: []byte("Company\n" + strings.Repeat("Acme,\n", 1<<20)), Size: 100})
	h.submit(manager, "import", map[string]slack.BlockAction{"file": {Files: []slack.File{{ID: "F0LIAR"}}}})
	mustContain(t, "liar", h.lastUpdate(), "liar.csv is larger than 5 MB")
	// No file attached: the form says so under the file input.
	_, body := h.submit(manager, "import", map[string]slack.BlockAction{})
	mustContain(t, "no file", string(body), `"file"`, "Attach one .xlsx or .csv file")
	if n := h.leadCount(); n != 0 {
		t.Fatalf("bad files wrote %d leads", n)
	}
}

// TestImportRights: a rep's /salesbot import and export are refused, a
// rep's submission of the form and a rep's forged Import click too; Cancel
// writes nothing, and Import after Cancel finds nothing to import.
func TestImportRights(t *testing.T) {
	h := newHarness(t)
	mustContain(t, "rep import", h.command(rep, "/salesbot import").Text, "Importing leads is for managers")
	mustContain(t, "rep export", h.command(rep, "/salesbot export").Text, "Exporting the team's data is for managers")
	_, body := h.submit(rep, "import", map[string]slack.BlockAction{"file": {Files: []slack.File{{ID: "F0X"}}}})
	mustContain(t, "rep submits", string(body), "for managers")

	d := h.importForm(manager, "pipeline.csv", []byte(leadsCSV))
	h.click(rep, "import_run", d.plan)
	mustContain(t, "forged click", h.lastResponse(), "Importing leads is for managers")
	h.click(rep, "import_cancel", d.plan)
	mustContain(t, "forged cancel", h.lastResponse(), "Importing leads is for managers")
	if n := h.leadCount(); n != 0 {
		t.Fatalf("a rep's click wrote %d leads", n)
	}
	h.click(manager, "import_run", "x}:lead:1")
	mustContain(t, "forged plan", h.lastResponse(), "That button is out of date")
	h.click(manager, "import_cancel", d.plan)
	mustContain(t, "cancelled", h.lastUpdate(), "cancelled by <@"+manager+">", "nothing was imported")
	h.click(manager, "import_run", d.plan)
	mustContain(t, "after cancel", h.lastResponse(), "expired or was cancelled")
	if n := h.leadCount(); n != 0 {
		t.Fatalf("a cancelled import wrote %d leads", n)
	}
}

// TestImportInterrupted: an import whose runner stops after its first
// batch (a replica shut down mid-way) is found by the scheduler's sweep
// and finished from its cursor, each lead once; one whose dry run expired
// meanwhile is reported to the manager with how far it got.
func TestImportInterrupted(t *testing.T) {
	h := newHarness(t)
	var b strings.Builder
	b.WriteString("Company,Grade\n")
	n := service.ImportBatch*2 + 100
	for i := range n {
		fmt.Fprintf(&b, "Company %04d,B\n", i)
	}
	d := h.importForm(manager, "big.csv", []byte(b.String()))
	mustContain(t, "big dry run", d.text, fmt.Sprintf("New: *%d*", n))

	// Another replica starts it and stops after the first batch.
	other := service.New(service.Config{Store: h.store, Managers: []string{manager}})
	crash := func(plan string) {
		p, job, started, err := other.StartImport(t.Context(), salesbot.Actor{User: manager, Manager: true}, h.team, plan, "replica-2", now)
		if err != nil || !started {
			t.Fatal(started, err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		if _, err := other.RunImport(ctx, p, job, "replica-2", func(salesbot.ImportJob) { cancel() }); err == nil {
			t.Fatal("the runner was not stopped")
		}
	}
	crash(d.plan)
	if got := h.leadCount(); got != service.ImportBatch {
		t.Fatalf("%d leads after the first batch; want %d", got, service.ImportBatch)
	}
	if err := h.sched.SweepTeam(t.Context(), h.team); err != nil {
		t.Fatal(err)
	}
	h.h.Wait()
	mustContain(t, "resumed", h.lastUpdate(), "Imported big.csv", fmt.Sprintf("new: *%d*", n))
	var progress []string
	for _, c := range h.slack.Calls("chat.update") {
		if strings.Contains(c.Text(), "Importing big.csv") {
			progress = append(progress, c.Param("text"))
		}
	}
	if want := fmt.Sprintf("1000 of %d", n); !slices.ContainsFunc(progress, func(s string) bool { return strings.Contains(s, want) }) {
		t.Errorf("progress shown: %q; want %q among them", progress, want)
	}
	if got := h.leadCount(); got != n {
		t.Fatalf("%d leads after the resume; want %d", got, n)
	}

	// Expired before anyone resumed it.
	var c strings.Builder
	c.WriteString("Company\n")
	for i := range service.ImportBatch + 10 {
		fmt.Fprintf(&c, "Later %04d\n", i)
	}
	d = h.importForm(manager, "later.csv", []byte(c.String()))
	crash(d.plan)
	if _, err := h.store.DropImportPlan(t.Context(), h.team, d.plan); err != nil {
		t.Fatal(err)
	}
	if err := h.sched.SweepTeam(t.Context(), h.team); err != nil {
		t.Fatal(err)
	}
	h.h.Wait()
	want := fmt.Sprintf("interrupted after %d of %d leads", service.ImportBatch, service.ImportBatch+10)
	mustContain(t, "interrupted", h.lastUpdate(), "later.csv", want)
	mustContain(t, "told", strings.Join(dmsTo(h, want), " "), manager)
}

// TestExportRoundTrip: /salesbot export uploads a workbook of the team's
// leads, stakeholders, visits and history to the manager; imported into
// another, empty team it gives the same leads, people, visits and history.
func TestExportRoundTrip(t *testing.T) {
	h := newHarness(t)
	for _, line := range []string{
		`/lead new "Acme Industrial"`,
		`/lead grade "Acme Industrial" A budget approved`,
		`/lead value "Acme Industrial" 180万`,
		`/visit "Acme Industrial" 2026-11-20 Met the CFO`,
		`/stance "Acme Industrial" "Wang Li" eb high +2`,
		`/lead new 上海明达机械`,
	} {
		h.command(rep, line)
	}
	d := h.importForm(manager, "pipeline.csv", []byte("Company,Owner,Source\nGlobex,<@U0OTHER>,referral\n"))
	h.click(manager, "import_run", d.plan)

	mustContain(t, "export", h.command(manager, "/salesbot export").Text, "Preparing the workbook")
	h.h.Wait()
	uploads := h.slack.Calls("files.getUploadURLExternal")
	if len(uploads) != 1 || uploads[0].Param("filename") != "salesbot-export-2026-11-23.xlsx" {
		t.Fatalf("uploads: %+v", uploads)
	}
	if done := h.slack.Calls("files.completeUploadExternal"); len(done) != 1 || !strings.HasPrefix(done[0].Param("channel_id"), "U0MANAGER") && !strings.HasPrefix(done[0].Param("channel_id"), "D") {
		t.Fatalf("the workbook went to %+v; want the manager", done)
	}
	mustContain(t, "export line", strings.Join(dmsTo(h, "The team's data"), " "), manager)
	mustContain(t, "export line", h.slack.Calls("chat.postMessage")[len(h.slack.Calls("chat.postMessage"))-1].Text(), "leads: 3", "visits: 1", "audit entries: 1")
	var data []byte
	for _, b := range h.slack.Uploads() {
		data = b
	}
	file, err := sheet.Read("export.xlsx", data, sheet.DefaultLimits())
	if err != nil || len(file.Records) != 3 || len(file.Errors) != 0 {
		t.Fatalf("the export read back: %v, %+v", err, file)
	}

	// Into another team, through the same form.
	h2 := newHarness(t)
	d2 := h2.importForm(manager, "salesbot-export.xlsx", data)
	mustContain(t, "round trip dry run", d2.text, "New: *3*", "rows with errors: *0*")
	h2.click(manager, "import_run", d2.plan)
	for _, company := range []string{"Acme Industrial", "上海明达机械", "Globex"} {
		a, b := h.lead(company), h2.lead(company)
		if a.Owner != b.Owner || a.Grade != b.Grade || a.Stage != b.Stage || a.Source != b.Source || a.Value != b.Value ||
			!a.LastTouch.Equal(b.LastTouch) || len(a.Stakeholders) != len(b.Stakeholders) {
			t.Errorf("%s: exported %+v\nimported %+v", company, a, b)
		}
		va, _ := h.store.Visits(t.Context(), h.team, a.ID, 100)
		vb, _ := h2.store.Visits(t.Context(), h2.team, b.ID, 100)
		ha, _ := h.store.History(t.Context(), h.team, a.ID, 100)
		hb, _ := h2.store.History(t.Context(), h2.team, b.ID, 100)
		if len(va) != len(vb) || len(ha) != len(hb) {
			t.Errorf("%s: %d visits, %d changes; imported %d, %d", company, len(va), len(ha), len(vb), len(hb))
		}
		if len(va) > 0 && (va[0].Notes != vb[0].Notes || va[0].Date != vb[0].Date) {
			t.Errorf("%s: visit %+v imported as %+v", company, va[0], vb[0])
		}
		kinds := func(cs []salesbot.Change) []salesbot.ChangeKind {
			var out []salesbot.ChangeKind
			for _, c := range cs {
				out = append(out, c.Kind)
			}
			return out
		}
		if !slices.Equal(kinds(ha), kinds(hb)) {
			t.Errorf("%s: history %v imported as %v", company, kinds(ha), kinds(hb))
		}
	}
	if p := h2.lead("Acme Industrial").Stakeholders; len(p) != 1 || p[0].Name != "Wang Li" || p[0].Support != 2 {
		t.Errorf("Acme's people imported: %+v", p)
	}
}

// TestImportHostileFile: a file named and filled to ping a channel, and
// thousands of bad rows: every name is escaped, and the dry run keeps to
// Slack's limits (fakeslack refuses a message that breaks them), listing
// the first errors and how many more there are.
func TestImportHostileFile(t *testing.T) {
	h := newHarness(t)
	h.command(manager, `/lead new "Evil <!here> Corp"`)
	var b strings.Builder
	b.WriteString("Company,Grade,Owner\n")
	b.WriteString("Evil <!here> Corp,B,\n")
	b.WriteString("Fine Co,B,<!channel>\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "Bad %04d *bold* <@U0REP>,Q,\n", i)
	}
	d := h.importForm(manager, "<!channel>.csv", []byte(b.String()))
	if d.call.Failed != "" {
		t.Fatalf("the dry run broke Slack's limits: %s", d.call.Failed)
	}
	mustContain(t, "hostile", d.text, "&lt;!channel&gt;.csv", "Evil &lt;!here&gt; Corp", "rows with errors: *3001*", "…and 2941 more")
	// Only the header, plain text that pings no one, shows the name as it is.
	if strings.Contains(d.text, "<!here>") || strings.Count(d.text, "<!channel>") != 1 || !strings.Contains(d.text, `"plain_text","text":"Import <!channel>.csv — dry run"`) {
		t.Errorf("the dry run pings:\n%s", d.text)
	}
	if n := h.leadCount(); n != 1 {
		t.Fatalf("%d leads after a dry run", n)
	}
}

// TestImportStopsOnShutdown: a replica shutting down (StopImports) stops
// its imports between batches, with nothing half-written and the job left
// for a sweep, which finishes it.
func TestImportStopsOnShutdown(t *testing.T) {
	h := newHarness(t)
	var b strings.Builder
	b.WriteString("Company\n")
	for i := range service.ImportBatch + 50 {
		fmt.Fprintf(&b, "Shutdown %04d\n", i)
	}
	d := h.importForm(manager, "shutdown.csv", []byte(b.String()))
	h.h.StopImports()
	h.click(manager, "import_run", d.plan)
	mustContain(t, "stopped", h.lastUpdate(), "Importing shutdown.csv", fmt.Sprintf("0 of %d", service.ImportBatch+50))
	if n := h.leadCount(); n != 0 {
		t.Fatalf("%d leads written by a stopped import", n)
	}
	// The stopped replica's own sweep takes nothing over; another's
	// does, and returns before the import is written (its first
	// progress waits for the sweep to return).
	if err := h.sched.SweepTeam(t.Context(), h.team); err != nil {
		t.Fatal(err)
	}
	h.h.Wait()
	if n := h.leadCount(); n != 0 {
		t.Fatalf("%d leads written by the stopped replica's sweep", n)
	}
	other, sched := replica(h)
	swept := make(chan struct{})
	h.slack.OnCall(func(c fakeslack.Call) {
		if c.Method == "chat.update" {
			select {
			case <-swept:
			case <-time.After(30 * time.Second): // a guard against a hang, not a measure
				t.Error("the sweep waited for the resumed import to be written")
			}
		}
	})
	ctx, cancel := context.WithCancel(t.Context())
	if err := sched.SweepTeam(ctx, h.team); err != nil {
		t.Fatal(err)
	}
	cancel() // the sweep is over; the import goes on
	close(swept)
	other.Wait()
	mustContain(t, "finished by the sweep", h.lastUpdate(), "Imported shutdown.csv", fmt.Sprintf("new: *%d*", service.ImportBatch+50))
	if n := h.leadCount(); n != service.ImportBatch+50 {
		t.Fatalf("%d leads after the sweep", n)
	}
}

// hostileBy is a user cell written to make links and an @here when
// printed inside <@…>.
const hostileBy = "U1> <https://evil|x> <!here> <@U2"

// hostileWord is hostileBy as one word, which the By cells of a workbook
// take.
const hostileWord = "U1><https://evil|x><!here><@U2"

// TestImportUserFieldsAreUserIDs: a CSV and a workbook whose Created by,
// By and JSON cells' user fields hold text that would print a link and an
// @here inside <@…> import with the manager in their place, and the card
// shows neither.
func TestImportUserFieldsAreUserIDs(t *testing.T) {
	h := newHarness(t)
	csv := "Company,Created by\n" + `"Hostile CSV Co","` + hostileBy + `"` + "\n"
	d := h.importForm(manager, "pipeline.csv", []byte(csv))
	h.click(manager, "import_run", d.plan)

	x := excelize.NewFile()
	if err := x.SetSheetName("Sheet1", "Leads"); err != nil {
		t.Fatal(err)
	}
	facts := `{"need":{"text":"a new line","by":"` + strings.ReplaceAll(hostileBy, `"`, `\"`) + `","at":"2026-11-01T00:00:00Z"}}`
	concessions := `[{"give":"free training","get":"a reference","by":"` + hostileBy + `","at":"2026-11-02T00:00:00Z"}]`
	sheets := map[string][][]any{
		"Leads":        {{"Company", "Created by", "Key facts", "Concessions", "Stage"}, {"Hostile Book Co", hostileBy, facts, concessions, "negotiation"}},
		"Stakeholders": {{"Company", "Name", "Role", "Influence", "Support", "Updated by"}, {"Hostile Book Co", "Wang Li", "eb", "high", "2", hostileWord}},
		"Visits":       {{"Company", "Date", "Notes", "By"}, {"Hostile Book Co", "2026-11-20", "met them", hostileWord}},
		"History":      {{"Company", "Kind", "By", "At"}, {"Hostile Book Co", "created", hostileWord, "2026-11-01 09:00"}},
	}
	for _, name := range []string{"Leads", "Stakeholders", "Visits", "History"} {
		if name != "Leads" {
			if _, err := x.NewSheet(name); err != nil {
				t.Fatal(err)
			}
		}
		for i, r := range sheets[name] {
			if err := x.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	d = h.importForm(manager, "book.xlsx", buf.Bytes())
	mustContain(t, "workbook dry run", d.text, "New: *1*", "rows with errors: *0*")
	h.click(manager, "import_run", d.plan)

	for _, company := range []string{"Hostile CSV Co", "Hostile Book Co"} {
		l := h.lead(company)
		if l.CreatedBy != manager {
			t.Errorf("%s: created by %q; want the manager", company, l.CreatedBy)
		}
		card := text(h.command(manager, `/lead show "`+company+`"`))
		for _, bad := range []string{"<https://evil", "<!here>", "evil|x", "<@U1>", "<@U2"} {
			if strings.Contains(card, bad) {
				t.Errorf("%s's card holds %q:\n%s", company, bad, card)
			}
		}
		mustContain(t, company+" card", card, "<@"+manager+">")
	}
	book := h.lead("Hostile Book Co")
	if len(book.Stakeholders) != 1 || book.Stakeholders[0].UpdatedBy != manager || book.Facts[salesbot.FactNeed].UpdatedBy != manager ||
		len(book.Concessions) != 1 || book.Concessions[0].By != manager {
		t.Errorf("the workbook's lead: %+v", book)
	}
	visits, _ := h.store.Visits(t.Context(), h.team, book.ID, 10)
	history, _ := h.store.History(t.Context(), h.team, book.ID, 10)
	if len(visits) != 1 || visits[0].By != manager || len(history) != 1 || history[0].By != manager {
		t.Errorf("visits %+v history %+v; want the manager as their author", visits, history)
	}
}

// TestImportNotesAreTheNeed: a row's notes (Notes, 备注) are kept as the
// lead's Need key fact, as the new-lead form keeps its notes, with a fact
// change in its history, and the card shows them; a workbook's lead whose
// Need is recorded keeps its own.
func TestImportNotesAreTheNeed(t *testing.T) {
	h := newHarness(t)
	d := h.importForm(manager, "客户.csv", []byte("公司,备注\n上海明达机械,老板想换掉旧系统\nPlain Co,\n"))
	h.click(manager, "import_run", d.plan)
	l := h.lead("上海明达机械")
	if f := l.Facts[salesbot.FactNeed]; f.Text != "老板想换掉旧系统" || f.UpdatedBy != manager {
		t.Errorf("the notes as the Need: %+v", l.Facts)
	}
	history, _ := h.store.History(t.Context(), h.team, l.ID, 10)
	if len(history) != 2 || history[0].Kind != salesbot.ChangeFact || history[0].To != "老板想换掉旧系统" { // newest first
		t.Errorf("history %+v; want the import and the fact", history)
	}
	mustContain(t, "card", text(h.command(manager, "/lead show 上海明达机械")), "老板想换掉旧系统")
	if p := h.lead("Plain Co"); len(p.Facts) != 0 {
		t.Errorf("no notes, yet facts %+v", p.Facts)
	}

	x := excelize.NewFile()
	if err := x.SetSheetName("Sheet1", "Leads"); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{{"Company", "Key facts (JSON)", "Notes"},
		{"Known Co", `{"need":{"text":"a new line","by":"U0REP","at":"2026-11-01T00:00:00Z"}}`, "not this"}}
	for i, r := range rows {
		if err := x.SetSheetRow("Leads", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	d = h.importForm(manager, "book.xlsx", buf.Bytes())
	h.click(manager, "import_run", d.plan)
	if f := h.lead("Known Co").Facts[salesbot.FactNeed]; f.Text != "a new line" || f.UpdatedBy != rep {
		t.Errorf("the file's Need: %+v", f)
	}
}

// TestShutdownInterruptsDryRunAndExport: a dry run or an export that a
// shutdown (StopImports) cuts short does not hold the shutdown up, and
// the manager is told to run it again.
func TestShutdownInterruptsDryRunAndExport(t *testing.T) {
	h := newHarness(t)
	h.command(manager, `/lead new "Acme Industrial"`)
	h.h.Wait()
	h.h.StopImports()

	mustContain(t, "export", h.command(manager, "/salesbot export").Text, "Preparing the workbook")
	h.h.Wait() // returns: the export stopped
	if got := dmsTo(h, "The export was interrupted by a restart. Run `/salesbot export` again."); len(got) != 1 {
		t.Errorf("the manager was told of the export %v", got)
	}
	if n := len(h.slack.Calls("files.getUploadURLExternal")); n != 0 {
		t.Errorf("%d uploads after the shutdown", n)
	}

	h.command(manager, "/salesbot import")
	h.slack.AddFile("F0STOPPED", fakeslack.File{Name: "p.csv", Data: []byte("Company\nGlobex\n")})
	h.submit(manager, "import", map[string]slack.BlockAction{"file": {Files: []slack.File{{ID: "F0STOPPED", Name: "p.csv"}}}})
	h.h.Wait()
	if got := dmsTo(h, "The dry run was interrupted by a restart; nothing was imported. Run `/salesbot import` again."); len(got) != 1 {
		t.Errorf("the manager was told of the dry run %v", got)
	}
	if n := h.leadCount(); n != 1 {
		t.Errorf("%d leads", n)
	}
}

// replica is another replica of h's bot: its own handler (with its own
// import token) and scheduler on the same Redis and Slack.
func replica(h *harness) (*handlers.Handler, *scheduler.Scheduler) {
	h.t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := func() time.Time { return now }
	api := slack.New("xoxb-test", slack.OptionAPIURL(h.slack.APIURL()))
	people := directory.New(api, clock)
	svc := service.New(service.Config{Store: h.store, Logger: log, Managers: []string{manager}, Team: h.team})
	other := handlers.New(h.store, api, handlers.Config{Now: clock, Logger: log, Directory: people,
		Digests: svc, Reports: svc, Teams: svc, Reminders: svc, Leads: svc, Stages: svc, Approvals: svc, Visits: svc,
		Stakeholders: svc, Deals: svc, Forecasts: svc, Reviews: svc, Quotes: svc, Negotiation: svc, Notify: svc,
		Maintenance: svc, Charts: chartsFor(h.t), Transfer: svc})
	h.t.Cleanup(other.Wait)
	sched, err := scheduler.New(scheduler.Config{Store: h.store, Notifier: other, People: people, Digests: svc, Teams: svc, Reminders: svc, Reviews: svc, Now: clock, Logger: log})
	if err != nil {
		h.t.Fatal(err)
	}
	return other, sched
}

// TestImportOwnerMentionsBalanced: an owner cell is read as the bot reads
// a mention anywhere (<@U…>, <@U…|name>, @U…, U…); an unbalanced one
// (<@U… or U…>) is a row error, not a user.
func TestImportOwnerMentionsBalanced(t *testing.T) {
	h := newHarness(t)
	csv := "Company,Owner\nOne Co,<@" + rep + "|ray>\nTwo Co,@" + rep + "\nThree Co,<@" + rep + "\nFour Co," + rep + ">\n"
	d := h.importForm(manager, "owners.csv", []byte(csv))
	mustContain(t, "dry run", d.text, "New: *2*", "rows with errors: *2*", "Row 4", "Row 5", "is not a Slack mention")
	h.click(manager, "import_run", d.plan)
	for _, c := range []string{"One Co", "Two Co"} {
		if l := h.lead(c); l.Owner != rep {
			t.Errorf("%s is %s's", c, l.Owner)
		}
	}
}
