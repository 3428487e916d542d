package handlers

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
)

// What an import's message shows: the dry run with Import and Cancel, then
// the progress, then what was imported.

// How much of a dry run the message lists; the counts count everything.
const (
	planDuplicates = 10
	planErrors     = 60
	// planErrorText bounds one error line, so that a row's long cell
	// cannot crowd out the others.
	planErrorText = 300
)

// planText is the dry run's plain text: what a notification shows.
func planText(lang i18n.Lang, p *salesbot.ImportPlan) string {
	return i18n.T(lang, "Dry run of %s — new: %d, duplicates of existing leads: %d, rows with errors: %d", markup(esc(p.File)), len(p.Leads), len(p.Duplicates), len(p.Errors))
}

// planBlocks lays a dry run out: the counts, the duplicates (the first
// few, by name), each row error with its row and what to fix (as many as
// fit), and Import and Cancel.
func planBlocks(lang i18n.Lang, p *salesbot.ImportPlan) []slack.Block {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(truncate(t("Import %s — dry run", p.File), 150))),
		section(t(":new: New: *%d* · :information_source: duplicates of existing leads: *%d* · :warning: rows with errors: *%d* (the file has %d rows)",
			len(p.Leads), len(p.Duplicates), len(p.Errors), p.Rows)),
	}
	if p.Defaulted > 0 {
		blocks = append(blocks, contextLine(t("New leads with no owner in the file (%d) will be yours (<@%s>).", p.Defaulted, p.By)))
	}
	if n := len(p.Duplicates); n > 0 {
		names := make([]string, 0, min(n, planDuplicates))
		for _, c := range p.Duplicates[:min(n, planDuplicates)] {
			names = append(names, "*"+esc(truncate(c, 80))+"*")
		}
		line := strings.Join(names, ", ")
		if n > planDuplicates {
			line += t(" …and %d more", n-planDuplicates)
		}
		blocks = append(blocks, section(t(":information_source: Already leads, left as they are: %s", markup(line))))
	}
	if n := len(p.Errors); n > 0 {
		lines := make([]string, 0, min(n, planErrors)+1)
		for _, e := range p.Errors[:min(n, planErrors)] {
			lines = append(lines, rowErrorLine(lang, e))
		}
		if n > planErrors {
			lines = append(lines, t("…and %d more", n-planErrors))
		}
		blocks = append(blocks, chunks(t("*Rows with errors* — fix them in the file and import it again; the other rows can go in now:"), lines)...)
	}
	var buttons []slack.BlockElement
	if len(p.Leads) > 0 {
		imp := slack.NewButtonBlockElement(actionImportRun, p.ID, plain(t("Import %d new", len(p.Leads))))
		imp.Style = slack.StylePrimary
		buttons = append(buttons, imp)
	}
	buttons = append(buttons, slack.NewButtonBlockElement(actionImportNo, p.ID, plain(t("Cancel"))))
	note := t("Nothing is written until you press Import. This dry run is kept for 24 hours.")
	if len(p.Leads) == 0 {
		note = t("Nothing new to import.")
	}
	tail := []slack.Block{slack.NewActionBlock("import_buttons", buttons...), contextLine(note)}
	if len(blocks)+len(tail) > maxBlocks {
		blocks = append(blocks[:maxBlocks-len(tail)-1], section(t("…and more rows with errors.")))
	}
	return append(blocks, tail...)
}

// rowErrorLine is one row's error: where, and what to fix.
func rowErrorLine(lang i18n.Lang, e salesbot.RowError) string {
	where := i18n.T(lang, "The file")
	switch {
	case e.Row > 0 && e.Sheet != "":
		where = i18n.T(lang, "%s row %d", markup(esc(e.Sheet)), e.Row)
	case e.Row > 0:
		where = i18n.T(lang, "Row %d", e.Row)
	}
	if e.Column != "" {
		where += " (" + esc(truncate(e.Column, 40)) + ")"
	}
	// Text is cut before it is escaped, so that no entity (&amp;) is cut
	// in half; the line as a whole is cut where no entity is.
	msg := esc(truncate(e.Message, planErrorText))
	if e.Format != "" {
		args := make([]any, len(e.Args))
		for i, a := range e.Args {
			if s, ok := a.(string); ok {
				a = truncate(s, planErrorText)
			}
			args[i] = a
		}
		if m := i18n.T(lang, e.Format, escArgs(args)...); !strings.Contains(m, "%!") {
			msg = m
		}
	}
	return fmt.Sprintf("• *%s*: %s", where, cutEscaped(msg, planErrorText))
}

// cutEscaped is truncate of escaped text: it does not end inside an
// entity (&amp; &lt; &gt;).
func cutEscaped(s string, max int) string {
	t := truncate(s, max)
	if t == s {
		return s
	}
	head := strings.TrimSuffix(t, "…")
	if amp := strings.LastIndexByte(head, '&'); amp >= 0 && !strings.Contains(head[amp:], ";") {
		head = head[:amp]
	}
	return head + "…"
}

// jobCounts is what an import did.
func jobCounts(lang i18n.Lang, j salesbot.ImportJob) string {
	s := i18n.T(lang, "new: *%d* · already there: *%d* · rows with errors skipped: *%d*", j.Created, j.Already, j.Errors)
	if j.Failed > 0 {
		s += i18n.T(lang, " · not written: *%d* (run the import again for them)", j.Failed)
	}
	return s
}

// jobText is an import's progress or outcome as plain text.
func jobText(lang i18n.Lang, j salesbot.ImportJob) string {
	switch {
	case j.Interrupted:
		return i18n.T(lang, ":warning: The import of %s was interrupted after %d of %d leads and could not be resumed: its dry run expired. Run `/salesbot import` with the file again; the leads already imported are skipped.",
			markup(esc(j.File)), j.Cursor, j.Total)
	case j.Finished():
		return i18n.T(lang, ":white_check_mark: Imported %s: %s.", markup(esc(j.File)), markup(jobCounts(lang, j)))
	}
	return i18n.T(lang, ":hourglass_flowing_sand: Importing %s… %d of %d", markup(esc(j.File)), j.Cursor, j.Total)
}

// jobBlocks draws an import's progress (a bar and "2,000 of 10,000") or
// its outcome.
func jobBlocks(lang i18n.Lang, j salesbot.ImportJob) []slack.Block {
	blocks := []slack.Block{slack.NewHeaderBlock(plain(truncate(i18n.T(lang, "Import %s", j.File), 150)))}
	if j.Finished() {
		blocks = append(blocks, section(jobText(lang, j)))
		if !j.Interrupted {
			blocks = append(blocks, contextLine(i18n.T(lang, "Started by <@%s>. `/lead list all` shows the team's pipeline.", j.By)))
		}
		return blocks
	}
	return append(blocks,
		section(fmt.Sprintf("`%s` %s", bar(j.Cursor, j.Total), i18n.T(lang, "%s of %s", thousands(j.Cursor), thousands(j.Total)))),
		contextLine(i18n.T(lang, "Started by <@%s>. This message shows how far it got.", j.By)))
}

// bar draws done of total as 20 blocks.
func bar(done, total int) string {
	const width = 20
	n := width
	if total > 0 {
		n = done * width / total
	}
	return strings.Repeat("█", n) + strings.Repeat("░", width-n)
}

// thousands writes n with commas: 10,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
