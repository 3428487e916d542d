package install

import (
	"bytes"
	"html/template"
	"net/http"
)

// pageData is what the install pages show; html/template escapes each
// field.
type pageData struct {
	Title, Message string
	Start          string // the install link, to start again
	Team           string
	Enterprise     string
	OrgWide        bool
	Installer      string
	Manager        bool
}

const pageHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5}code{background:#f3f3f3;padding:0 .2em}</style>
</head><body>
`

var installedPage = template.Must(template.New("installed").Parse(pageHead + `<h1>salesbot is installed{{if .OrgWide}} for {{.Enterprise}}{{else if .Team}} in {{.Team}}{{end}}</h1>
<p>What to do next:</p>
<ol>
<li>Open Slack{{if .Team}} ({{.Team}}){{end}}.</li>
<li>Type <code>/salesbot help</code> to see every command.</li>
<li>Register your first lead with <code>/lead new Acme</code>, and log a visit with <code>/visit Acme</code>.</li>
</ol>
{{if .Manager}}<p>You installed salesbot, so you are its first manager: you receive the digests and approve quotes. Add more managers with <code>/salesbot managers add @someone</code>.</p>
{{else if .OrgWide}}<p>In each workspace of the organization, a workspace admin makes the first managers with <code>/salesbot managers add @someone</code>.</p>
{{else}}<p>A workspace admin makes the first managers with <code>/salesbot managers add @someone</code>.</p>
{{end}}</body></html>
`))

var deniedPage = template.Must(template.New("denied").Parse(pageHead + `<h1>salesbot was not installed</h1>
<p>You cancelled on Slack's page, so nothing was installed and nothing was kept.</p>
<p>To install it after all, <a href="{{.Start}}">start again from the install link</a>.</p>
</body></html>
`))

var busyPage = template.Must(template.New("busy").Parse(pageHead + `<h1>{{.Title}}</h1>
<p>This install link was opened too often from here in a short time. Wait a minute, then <a href="{{.Start}}">open it again</a>.</p>
</body></html>
`))

var problemPage = template.Must(template.New("problem").Parse(pageHead + `<h1>{{.Title}}</h1>
<p>{{.Message}} Nothing was installed.</p>
<p><a href="{{.Start}}">Start again from the install link</a> ({{.Start}}).</p>
</body></html>
`))

// problem shows why an install did not go through, and the way to start
// again.
func (r *Registry) problem(w http.ResponseWriter, status int, title, message string) {
	r.render(w, status, problemPage, pageData{Title: title, Message: message, Start: r.cfg.PublicURL + InstallPath})
}

// render writes a page; it renders into a buffer first, so that a template
// failure is a 500, not half a page.
func (r *Registry) render(w http.ResponseWriter, status int, t *template.Template, d pageData) {
	if d.Title == "" {
		d.Title = "salesbot"
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		r.cfg.Logger.Error("install page", "page", t.Name(), "err", err)
		http.Error(w, "salesbot: cannot show this page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
