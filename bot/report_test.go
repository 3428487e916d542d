package bot_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"salesbot/internal/fakeslack"
)

const hostileName = `=HYPERLINK("http://evil.example","x")`

// reportWeek fills the harness's team with a week's work: the leads,
// grade changes, touches and closed deals a report is about.
func reportWeek(t *testing.T, h *harness) {
	t.Helper()
	for _, line := range []string{
		"/lead new 明达机械有限公司",
		"/lead grade 明达机械有限公司 A selection starts in January",
		"/visit 明达机械有限公司 met the CFO",
		"/lead new " + hostileName,
		"/lead new Initech",
		"/lead new Umbrella B",
		"/lead grade Umbrella D no budget this year",
	} {
		mustContain(t, line, h.command(rep, line).Text, ":")
	}
	mustContain(t, "new", h.command(other, "/lead new Globex").Text, "Globex")
	mustContain(t, "new", h.command(other, "/lead new Hooli").Text, "Hooli")
	mustContain(t, "lost", h.command(other, "/lead lost Globex budget frozen").Text, "budget frozen")
	mustContain(t, "won", h.command(manager, "/lead won Initech").Text, "won")
	h.h.Wait()
}

// posted returns the messages posted to a channel.
func posted(h *harness, channel string) []fakeslack.Call {
	var out []fakeslack.Call
	for _, c := range h.slack.Calls("chat.postMessage") {
		if c.Param("channel") == channel {
			out = append(out, c)
		}
	}
	return out
}

// readReport checks an uploaded report starts with the UTF-8 byte-order
// mark and parses as CSV, and returns its rows.
func readReport(t *testing.T, b []byte) [][]string {
	t.Helper()
	body, ok := bytes.CutPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	if !ok {
		t.Fatalf("the CSV does not start with a UTF-8 byte-order mark: % x", b[:min(len(b), 8)])
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v\n%s", err, body)
	}
	return rows
}

// hasRow fails the test unless a row starts with want.
func hasRow(t *testing.T, rows [][]string, want ...string) {
	t.Helper()
	for _, row := range rows {
		if len(row) >= len(want) && slices.Equal(row[:len(want)], want) {
			return
		}
	}
	t.Errorf("no row starts with %q in:\n%q", want, rows)
}

func TestReportWeek(t *testing.T) {
	h := newHarness(t)
	reportWeek(t, h)

	reply := h.command(manager, "/salesbot report week")
	if reply.ResponseType != slack.ResponseTypeEphemeral {
		t.Errorf("reply type %q, want ephemeral", reply.ResponseType)
	}
	mustContain(t, "reply", reply.Text, "Preparing the report", "week from Mon 23 Nov")
	h.h.Wait()

	summaries := posted(h, "C0SALES")
	if len(summaries) != 1 {
		t.Fatalf("%d messages in the channel, want the summary", len(summaries))
	}
	summary := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(summaries[0].Text())
	mustContain(t, "summary", summary,
		"Sales report — the week from Mon 23 Nov", "(Asia/Shanghai)",
		"*6* new leads", "*2* grade changes (:arrow_up: 1 · :arrow_down: 1)", "*1* won", "*1* lost", ":handshake: *1* touch",
		"明达机械有限公司", "=HYPERLINK", "Globex", "budget frozen", "Initech", "C→A", "B→D",
		"*Pipeline*", "*A* (1): Lead 1", "*C* (2): Lead 2",
		"<@"+rep+">: 1 in all — A 0% · B 0% · C 0% · D 0% · new 100%", "<@"+other+">: _no touches_")

	get := h.slack.Calls("files.getUploadURLExternal")
	complete := h.slack.Calls("files.completeUploadExternal")
	uploads := h.slack.Uploads()
	if len(get) != 1 || len(complete) != 1 || len(uploads) != 1 {
		t.Fatalf("upload calls: %d get URL, %d complete, %d files", len(get), len(complete), len(uploads))
	}
	var file []byte
	for id, b := range uploads {
		file = b
		mustContain(t, "completed file", complete[0].Param("files"), id, "Sales report")
	}
	if name := get[0].Param("filename"); name != "salesbot-report-2026-11-23-2026-11-23.csv" {
		t.Errorf("file name %q", name)
	}
	if n := get[0].Param("length"); n != strconv.Itoa(len(file)) {
		t.Errorf("declared length %s, uploaded %d bytes", n, len(file))
	}
	if ch := complete[0].Param("channel_id"); ch != "C0SALES" {
		t.Errorf("file shared in %q, want the channel asked from", ch)
	}

	rows := readReport(t, file)
	hasRow(t, rows, "New leads")
	hasRow(t, rows, "Company", "Registered by", "Owner", "Grade", "Stage", "Registered", "First touch",
		"Value", "Currency", "Close date", "Probability (%)", "Forecast category")
	hasRow(t, rows, "明达机械有限公司", "Ray Rep", "Ray Rep", "A", "Lead", "2026-11-23 10:00", "2026-11-23", "", "", "", "5", "Pipeline")
	hasRow(t, rows, "'"+hostileName, "Ray Rep", "Ray Rep", "C", "Lead", "2026-11-23 10:00", "")
	hasRow(t, rows, "Globex", "Olga Other", "Olga Other", "C", "Lost")
	hasRow(t, rows, "明达机械有限公司", "C", "A", "up", "Ray Rep", "2026-11-23 10:00", "selection starts in January")
	hasRow(t, rows, "Umbrella", "B", "D", "down", "Ray Rep", "2026-11-23 10:00", "no budget this year")
	hasRow(t, rows, "Initech", "Mia Manager", "2026-11-23 10:00")
	hasRow(t, rows, "Globex", "Olga Other", "2026-11-23 10:00", "budget frozen")
	hasRow(t, rows, "A", "1", "0", "0", "0", "0", "0", "0", "1")
	hasRow(t, rows, "Rep", "A leads", "B leads", "C leads", "D leads", "New leads", "Total",
		"A leads %", "B leads %", "C leads %", "D leads %", "New leads %")
	hasRow(t, rows, "Ray Rep", "0", "0", "0", "0", "1", "1", "0", "0", "0", "0", "100")
	for _, row := range rows {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("cell %q would be read as a formula", cell)
			}
		}
	}
}

// TestReportShowsDealValues: a deal valued and dated with /lead value,
// close-by and forecast shows in the uploaded CSV (its row of new leads and
// the open value by stage) and on its line of the summary.
func TestReportShowsDealValues(t *testing.T) {
	h := newHarness(t)
	for _, line := range []string{
		"/lead new 明达机械有限公司",
		"/lead value 明达机械有限公司 180万",
		"/lead close-by 明达机械有限公司 2027-03",
		"/lead forecast 明达机械有限公司 commit",
		"/lead new Initech",
		"/lead value Initech $400k", // no close date: not summed
		"/lead new Hooli",
		"/lead close-by Hooli 2027-06-30", // no value
		"/visit Initech met the CIO",      // a touch of a new lead: hunting
	} {
		mustContain(t, line, h.command(rep, line).Text, ":")
	}
	h.h.Wait()
	h.command(manager, "/salesbot report week")
	h.h.Wait()

	summaries := posted(h, "C0SALES")
	if len(summaries) != 1 {
		t.Fatalf("%d messages in the channel, want the summary", len(summaries))
	}
	summary := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(summaries[0].Text())
	mustContain(t, "summary", summary,
		"明达机械有限公司* — <@"+rep+"> · C · Lead · *¥1,800,000*", "Initech* — <@"+rep+"> · C · Lead · *$400,000*",
		"*Pipeline value* — open deals with a close date, by stage", "Lead ¥1,800,000 · *Total* ¥1,800,000")
	uploads := h.slack.Uploads()
	if len(uploads) != 1 {
		t.Fatalf("%d files uploaded, want the CSV", len(uploads))
	}
	for _, file := range uploads {
		rows := readReport(t, file)
		hasRow(t, rows, "明达机械有限公司", "Ray Rep", "Ray Rep", "C", "Lead", "2026-11-23 10:00", "", "1800000.00", "CNY", "2027-03-31", "5", "Commit")
		hasRow(t, rows, "Initech", "Ray Rep", "Ray Rep", "C", "Lead", "2026-11-23 10:00", "2026-11-23", "400000.00", "USD", "", "5", "Pipeline")
		hasRow(t, rows, "Hooli", "Ray Rep", "Ray Rep", "C", "Lead", "2026-11-23 10:00", "", "", "", "2027-06-30", "5", "Pipeline")
		hasRow(t, rows, "Pipeline value (open deals)")
		hasRow(t, rows, "Lead", "CNY", "1800000.00")
		hasRow(t, rows, "Total", "CNY", "1800000.00")
		hasRow(t, rows, "Not summed: open leads with no close date", "", "1")
		hasRow(t, rows, "Not summed: open deals with a close date and no value", "", "1")
		for _, row := range rows {
			if len(row) > 1 && row[1] == "USD" {
				t.Errorf("a deal with no close date is summed: %q", row)
			}
		}
	}

	// A week later the deals are neither new nor touched: the open value
	// is still the team's, from the read models.
	monday := now
	t.Cleanup(func() { h.h.Wait(); now = monday })
	now = monday.AddDate(0, 0, 7)
	h.command(manager, "/salesbot report week")
	h.h.Wait()
	rows := readReport(t, h.slack.Uploads()["F00000002"])
	hasRow(t, rows, "Lead", "CNY", "1800000.00")
	hasRow(t, rows, "Not summed: open leads with no close date", "", "1")
	for _, row := range rows {
		if len(row) > 0 && (row[0] == "明达机械有限公司" || row[0] == "Initech") {
			t.Errorf("last week's lead is new this week: %q", row)
		}
	}
}

func TestReportOnlyForManagers(t *testing.T) {
	h := newHarness(t)
	h.command(rep, "/lead new Acme")
	cases := []struct{ user, line, want string }{
		{rep, "/salesbot report week", "for managers"},
		{rep, "/salesbot report year", "for managers"},
		{manager, "/salesbot report year", "`year` is not a period"},
		{manager, "/salesbot report", "Which period?"},
		{manager, "/salesbot report week month", "Which period?"},
	}
	for _, c := range cases {
		reply := h.command(c.user, c.line)
		mustContain(t, c.line, reply.Text, c.want)
		if c.user == manager {
			mustContain(t, c.line, reply.Text, "`/salesbot report week`", "`/salesbot report month`")
		}
		if reply.ResponseType != slack.ResponseTypeEphemeral {
			t.Errorf("%s: reply not ephemeral", c.line)
		}
	}
	h.h.Wait()
	if n := len(h.slack.Calls("chat.postMessage")) + len(h.slack.Calls("files.getUploadURLExternal")); n != 0 {
		t.Errorf("a refused report sent %d messages or files", n)
	}
	mustContain(t, "help", h.command(rep, "/salesbot help").Text, "`report week|month|last-week|last-month`")
}

// TestReportLastWeek: on the next Monday, `week` would cover only that
// morning; `last-week` covers the whole of the week before, Monday to
// Sunday, and nothing done since.
func TestReportLastWeek(t *testing.T) {
	h := newHarness(t)
	reportWeek(t, h)

	monday := now
	t.Cleanup(func() { h.h.Wait(); now = monday }) // after the work that reads the clock
	now = monday.AddDate(0, 0, 7)                  // Mon 30 Nov, 10:00 in Shanghai
	mustContain(t, "this week", h.command(rep, "/lead new Wayne").Text, "Wayne")
	mustContain(t, "this week", h.command(rep, "/lead grade Umbrella C budget found").Text, "Umbrella")
	h.h.Wait()

	reply := h.command(manager, "/salesbot report last-week")
	mustContain(t, "reply", reply.Text, "Preparing the report for last week, Mon 23 Nov to Sun 29 Nov")
	h.h.Wait()
	summaries := posted(h, "C0SALES")
	if len(summaries) != 1 {
		t.Fatalf("%d messages in the channel, want the summary", len(summaries))
	}
	summary := summaries[0].Text()
	mustContain(t, "summary", summary,
		"Sales report — last week, Mon 23 Nov to Sun 29 Nov", "Sun 29 Nov 23:59", "(Asia/Shanghai)",
		"*6* new leads", "*2* grade changes (:arrow_up: 1 · :arrow_down: 1)", "*1* won", "*1* lost", "B→D")
	for _, since := range []string{"Wayne", "D→C", "budget found"} {
		if strings.Contains(summary, since) {
			t.Errorf("last week's report shows %q, from this week:\n%s", since, summary)
		}
	}
	if get := h.slack.Calls("files.getUploadURLExternal"); len(get) != 1 || get[0].Param("filename") != "salesbot-report-2026-11-23-2026-11-29.csv" {
		t.Errorf("upload calls %v, want one salesbot-report-2026-11-23-2026-11-29.csv", get)
	}

	// In Chinese, as 上周.
	mustContain(t, "lang", h.command(manager, "/salesbot lang zh").Text, "中文")
	mustContain(t, "上周", h.command(manager, "/salesbot report 上周").Text, "上周（11月23日 周一至11月29日 周日）")
}

func TestReportWhereTheBotIsNotInTheChannel(t *testing.T) {
	h := newHarness(t)
	h.slack.RealDMs()
	reportWeek(t, h)
	before := len(h.slack.Calls("chat.postMessage"))
	h.slack.FailNext("chat.postMessage", "not_in_channel")
	mustContain(t, "reply", h.command(manager, "/salesbot report month").Text, "Preparing the report for November 2026 so far")
	h.h.Wait()

	calls := h.slack.Calls("chat.postMessage")[before:]
	if len(calls) != 2 || calls[0].Failed != "not_in_channel" || calls[1].Param("channel") != manager {
		t.Fatalf("posts %+v, want the channel refused and then the manager", calls)
	}
	mustContain(t, "DM", calls[1].Text(), "Sales report — November 2026 so far", "not in the conversation you asked from", "/invite @salesbot", "明达机械有限公司")
	complete := h.slack.Calls("files.completeUploadExternal")
	if len(complete) != 1 || complete[0].Param("channel_id") != "D0MANAGER" {
		t.Fatalf("file shared with %+v, want the manager's DM channel", complete)
	}
	if get := h.slack.Calls("files.getUploadURLExternal"); len(get) != 1 || get[0].Param("filename") != "salesbot-report-2026-11-01-2026-11-23.csv" {
		t.Errorf("upload %+v", get)
	}
	hasRow(t, readReport(t, h.slack.Uploads()["F00000001"]), "Globex", "Olga Other", "2026-11-23 10:00", "budget frozen")
}

func TestReportUploadFails(t *testing.T) {
	cases := []struct {
		name string
		fail func(s *fakeslack.Server)
		want string
	}{
		{"upload URL refused", func(s *fakeslack.Server) { s.FailNext("files.getUploadURLExternal", "internal_error") }, "try `/salesbot report week` again"},
		{"no files:write scope", func(s *fakeslack.Server) { s.FailNext("files.getUploadURLExternal", "missing_scope") }, "`files:write` scope"},
		{"upload dropped", func(s *fakeslack.Server) { s.StatusNext("upload", 503) }, "try `/salesbot report week` again"},
		{"sharing refused", func(s *fakeslack.Server) { s.FailNext("files.completeUploadExternal", "internal_error") }, "try `/salesbot report week` again"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			reportWeek(t, h)
			c.fail(h.slack)
			h.command(manager, "/salesbot report week")
			h.h.Wait()
			if len(posted(h, "C0SALES")) != 1 {
				t.Errorf("the summary was not posted in the channel")
			}
			dms := posted(h, manager)
			if len(dms) == 0 {
				t.Fatalf("the manager was not told")
			}
			mustContain(t, "DM", dms[len(dms)-1].Text(), "The report is posted, but its CSV file could not be attached", c.want)
		})
	}
}
