package main

import (
	"os"
	"path/filepath"
	"testing"

	"salesbot"
)

// TestConsoleImportExport: in the console, the import form's file input
// takes the path of a local file; the dry run comes as a direct message
// whose Import button writes the leads, and /salesbot export saves the
// workbook in the files folder.
func TestConsoleImportExport(t *testing.T) {
	env, team := onRedis(t)
	env["SALESBOT_MANAGERS"] = "U0CONSOLE"
	dir := t.TempDir()
	csv := filepath.Join(dir, "pipeline.csv")
	if err := os.WriteFile(csv, []byte("公司,分级,来源\n上海明达机械,A,介绍\nGlobex,B,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := filepath.Join(dir, "out")
	s := runScript(t, env, []string{"--team", team, "--files", files},
		`/salesbot import`,
		filepath.Join(dir, "missing.csv"), csv,
		`:click 1`,
		`/salesbot export`,
	)
	mustContain(t, "dry run", s.reply(t, 0), "── Import leads ──", "the path of a local file", "cannot read", "New: 2", "[1] Import 2 new  [2] Cancel")
	mustContain(t, "import", s.reply(t, 1), "Imported pipeline.csv")
	mustContain(t, "export", s.reply(t, 2), "Preparing the workbook", "leads: 2", "salesbot-export-")
	if l := leadNamed(t, team, "上海明达机械"); l.Grade != salesbot.GradeA || l.Source != "referral" || l.Owner != "U0CONSOLE" {
		t.Errorf("imported: %+v", l)
	}
	saved, _ := filepath.Glob(filepath.Join(files, "*salesbot-export-*.xlsx"))
	if len(saved) != 1 {
		t.Fatalf("saved exports: %v", saved)
	}
}

// TestConsoleImportInMemory: the import runs on the console's embedded
// Redis (miniredis) as well, and the leads are there to list.
func TestConsoleImportInMemory(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "leads.csv")
	if err := os.WriteFile(csv, []byte("\ufeffCompany,Owner,Grade\nInitech,U0CONSOLE,A\nHooli,,B\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := runScript(t, map[string]string{"SALESBOT_MANAGERS": "U0CONSOLE"}, []string{"--files", filepath.Join(dir, "out")},
		`/salesbot import`, csv,
		`:click 1`,
		`/lead list`,
	)
	mustContain(t, "dry run", s.reply(t, 0), "New: 2")
	mustContain(t, "import", s.reply(t, 1), "Imported leads.csv")
	mustContain(t, "list", s.reply(t, 2), "Initech", "Hooli")
}
