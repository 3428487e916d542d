package deploy

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// interfaceVars are the environment variables of INTERFACE.md; compose and
// .env.example must both carry every one of them.
var interfaceVars = []string{
	"SLACK_BOT_TOKEN",
	"SLACK_SIGNING_SECRET",
	"SLACK_APP_TOKEN",
	"SLACK_API_URL",
	"REDIS_URL",
	"LISTEN_ADDR",
	"SALESBOT_MANAGERS",
	"SALESBOT_CADENCE",
	"SALESBOT_SWEEP",
	"SALESBOT_DIGEST",
	"SALESBOT_WORK_HOURS",
}

// ---------------------------------------------------------------------------
// Slack app manifest

// manifest is the part of Slack's app manifest that salesbot depends on.
type manifest struct {
	Metadata struct {
		MajorVersion int `yaml:"major_version"`
	} `yaml:"_metadata"`
	DisplayInformation struct {
		Name        string `yaml:"name"`
		Description string `yaml:"description"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTabEnabled     bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled bool `yaml:"messages_tab_enabled"`
		} `yaml:"app_home"`
		BotUser *struct {
			DisplayName string `yaml:"display_name"`
		} `yaml:"bot_user"`
		SlashCommands []slashCommand `yaml:"slash_commands"`
		Shortcuts     []shortcut     `yaml:"shortcuts"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			BotEvents []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled bool `yaml:"is_enabled"`
		} `yaml:"interactivity"`
		SocketModeEnabled *bool `yaml:"socket_mode_enabled"`
	} `yaml:"settings"`
}

type slashCommand struct {
	Command      string `yaml:"command"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint"`
	ShouldEscape bool   `yaml:"should_escape"`
}

// shortcut is a message or global shortcut of the manifest.
type shortcut struct {
	Name        string `yaml:"name"`
	Type        string `yaml:"type"`
	CallbackID  string `yaml:"callback_id"`
	Description string `yaml:"description"`
}

// checkManifest returns what the bot needs from the manifest and does not find.
func checkManifest(m manifest) []string {
	var problems []string
	if m.Metadata.MajorVersion != 2 {
		problems = append(problems, "_metadata.major_version must be 2 (the stored schema is the v2 one)")
	}
	if m.DisplayInformation.Name != "salesbot" || m.DisplayInformation.Description == "" {
		problems = append(problems, "display_information needs name salesbot and a description")
	}
	if !m.Features.AppHome.HomeTabEnabled {
		problems = append(problems, "features.app_home.home_tab_enabled must be true (views.publish answers not_enabled otherwise)")
	}
	if !m.Features.AppHome.MessagesTabEnabled {
		problems = append(problems, "features.app_home.messages_tab_enabled must be true (reminders are DMs)")
	}
	if m.Features.BotUser == nil || m.Features.BotUser.DisplayName == "" {
		problems = append(problems, "features.bot_user with a display_name is missing")
	}
	for _, name := range []string{"/lead", "/visit", "/stance", "/quote", "/concede", "/followups", "/salesbot"} {
		i := slices.IndexFunc(m.Features.SlashCommands, func(c slashCommand) bool { return c.Command == name })
		if i < 0 {
			problems = append(problems, "slash command "+name+" is missing")
			continue
		}
		c := m.Features.SlashCommands[i]
		if c.Description == "" || c.UsageHint == "" {
			problems = append(problems, "slash command "+name+" needs a description and a usage_hint")
		}
		if !c.ShouldEscape {
			problems = append(problems, "slash command "+name+" needs should_escape: true (mentions must arrive as <@U…|name>)")
		}
	}
	// The message shortcuts the bot answers (handlers/shortcuts.go).
	for _, id := range []string{"log_visit_from_message", "register_lead_from_message"} {
		i := slices.IndexFunc(m.Features.Shortcuts, func(s shortcut) bool { return s.CallbackID == id })
		if i < 0 || m.Features.Shortcuts[i].Type != "message" || m.Features.Shortcuts[i].Name == "" {
			problems = append(problems, "message shortcut "+id+" (type message, with a name) is missing")
		}
	}
	for _, scope := range []string{"commands", "chat:write", "im:write", "users:read", "files:write", "files:read", "users:read.email"} {
		if !slices.Contains(m.OAuthConfig.Scopes.Bot, scope) {
			problems = append(problems, "bot scope "+scope+" is missing")
		}
	}
	if !slices.Contains(m.Settings.EventSubscriptions.BotEvents, "app_home_opened") {
		problems = append(problems, "settings.event_subscriptions.bot_events must include app_home_opened")
	}
	if !m.Settings.Interactivity.IsEnabled {
		problems = append(problems, "settings.interactivity.is_enabled must be true (modals and buttons)")
	}
	if m.Settings.SocketModeEnabled == nil {
		problems = append(problems, "settings.socket_mode_enabled must be declared")
	}
	return problems
}

func readManifest(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile("slack-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestManifest(t *testing.T) {
	var m manifest
	if err := yaml.Unmarshal(readManifest(t), &m); err != nil {
		t.Fatalf("slack-manifest.yaml: %v", err)
	}
	for _, p := range checkManifest(m) {
		t.Error(p)
	}
}

// TestManifestChecksCatchMistakes makes sure checkManifest does not pass
// everything: each mutation of the real manifest must be reported.
func TestManifestChecksCatchMistakes(t *testing.T) {
	dropScope := func(m *manifest, scope string) {
		m.OAuthConfig.Scopes.Bot = slices.DeleteFunc(m.OAuthConfig.Scopes.Bot, func(s string) bool { return s == scope })
	}
	mutations := map[string]func(*manifest){
		"version 1":            func(m *manifest) { m.Metadata.MajorVersion = 1 },
		"home tab off":         func(m *manifest) { m.Features.AppHome.HomeTabEnabled = false },
		"no bot user":          func(m *manifest) { m.Features.BotUser = nil },
		"no /stance":           func(m *manifest) { m.Features.SlashCommands = m.Features.SlashCommands[:2] },
		"unescaped command":    func(m *manifest) { m.Features.SlashCommands[0].ShouldEscape = false },
		"no description":       func(m *manifest) { m.Features.SlashCommands[4].Description = "" },
		"no files:write":       func(m *manifest) { m.OAuthConfig.Scopes.Bot = m.OAuthConfig.Scopes.Bot[:4] },
		"no app_home_opened":   func(m *manifest) { m.Settings.EventSubscriptions.BotEvents = nil },
		"no files:read":        func(m *manifest) { dropScope(m, "files:read") },
		"interactivity off":    func(m *manifest) { m.Settings.Interactivity.IsEnabled = false },
		"socket mode unstated": func(m *manifest) { m.Settings.SocketModeEnabled = nil },
		"no shortcuts":         func(m *manifest) { m.Features.Shortcuts = nil },
		"a global shortcut":    func(m *manifest) { m.Features.Shortcuts[0].Type = "global" },
	}
	src := readManifest(t)
	for name, mutate := range mutations {
		var m manifest
		if err := yaml.Unmarshal(src, &m); err != nil {
			t.Fatal(err)
		}
		if len(m.Features.SlashCommands) != 7 || len(m.OAuthConfig.Scopes.Bot) < 5 {
			t.Fatalf("the mutations expect 7 commands and files:write fifth of the bot scopes in the manifest")
		}
		mutate(&m)
		if len(checkManifest(m)) == 0 {
			t.Errorf("%s: checkManifest found nothing wrong", name)
		}
	}
}

// regexp2Engine compiles the schema's patterns as ECMAScript regular
// expressions, as JSON Schema specifies: Slack's schema uses lookaheads,
// which Go's regexp package rejects.
func regexp2Engine(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}

type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

// slackSchema compiles testdata/manifest.schema.json, Slack's own schema for
// manifests of major version 2 (see testdata/README.md).
func slackSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "manifest.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("manifest.schema.json: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(regexp2Engine)
	c.AssertFormat()
	const url = "https://salesbot.invalid/manifest.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile manifest.schema.json: %v", err)
	}
	return sch
}

// manifestJSON returns the YAML manifest as a JSON value for the validator.
func manifestJSON(t *testing.T, src []byte) map[string]any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst.(map[string]any)
}

func TestManifestMatchesSlackSchema(t *testing.T) {
	sch := slackSchema(t)
	if err := sch.Validate(manifestJSON(t, readManifest(t))); err != nil {
		t.Fatalf("slack-manifest.yaml does not match Slack's manifest schema:\n%v", err)
	}

	// The schema must be able to say no, or the check above proves nothing.
	broken := map[string]func(m map[string]any){
		"command without slash": func(m map[string]any) {
			cmds := m["features"].(map[string]any)["slash_commands"].([]any)
			cmds[0].(map[string]any)["command"] = "lead"
		},
		"unknown setting": func(m map[string]any) {
			m["settings"].(map[string]any)["socket_mode"] = true
		},
		"no display_information": func(m map[string]any) { delete(m, "display_information") },
	}
	for name, breakIt := range broken {
		m := manifestJSON(t, readManifest(t))
		breakIt(m)
		if sch.Validate(m) == nil {
			t.Errorf("%s: the schema accepted a broken manifest", name)
		}
	}
}

// ---------------------------------------------------------------------------
// Dockerfile

type instruction struct {
	cmd  string // upper case: FROM, RUN, …
	args string
}

// parseDockerfile splits a Dockerfile into instructions, joining continued
// lines and dropping comments and blank lines.
func parseDockerfile(src string) []instruction {
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.Join(strings.Fields(args), " ")})
		cur.Reset()
	}
	return out
}

// execForm returns the words of an exec-form (JSON array) or shell-form argument.
func execForm(args string) []string {
	var words []string
	if json.Unmarshal([]byte(args), &words) == nil {
		return words
	}
	return strings.Fields(args)
}

// checkDockerfile returns what the Dockerfile lacks.
func checkDockerfile(src string) []string {
	var problems []string
	var stages [][]instruction
	for _, in := range parseDockerfile(src) {
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], in)
		}
	}
	if len(stages) < 2 {
		return append(problems, "want a multi-stage build (at least 2 FROM)")
	}

	// The binary is built by the Makefile, and only there.
	var bin string
	for _, stage := range stages[:len(stages)-1] {
		for _, in := range stage {
			if in.cmd != "RUN" {
				continue
			}
			words := strings.Fields(in.args)
			if len(words) == 3 && words[0] == "make" && words[1] == "build" && strings.HasPrefix(words[2], "BIN=") {
				bin = strings.TrimPrefix(words[2], "BIN=")
			}
			if strings.Contains(in.args, "go build") {
				problems = append(problems, "RUN "+in.args+": build with `make build BIN=…`, not go build")
			}
		}
	}
	if bin == "" {
		problems = append(problems, "no build stage runs exactly `make build BIN=…`")
	}

	final := stages[len(stages)-1]
	var user, entrypoint string
	var copied, exposed, healthy bool
	for _, in := range final {
		switch in.cmd {
		case "COPY":
			if f := strings.Fields(in.args); bin != "" && len(f) == 3 && strings.HasPrefix(f[0], "--from=") && f[1] == bin {
				copied = true
				entrypoint = f[2]
			}
		case "USER":
			user = in.args
		case "EXPOSE":
			for _, p := range strings.Fields(in.args) {
				exposed = exposed || p == "3000" || p == "3000/tcp"
			}
		case "HEALTHCHECK":
			_, cmd, ok := strings.Cut(in.args, "CMD ")
			words := execForm(cmd)
			healthy = ok && len(words) == 2 && words[1] == "healthcheck"
			for _, opt := range []string{"--interval=", "--timeout=", "--start-period=", "--retries="} {
				if !strings.Contains(in.args, opt) {
					problems = append(problems, "HEALTHCHECK lacks "+opt)
				}
			}
		case "ENTRYPOINT":
			if w := execForm(in.args); entrypoint == "" || !slices.Equal(w, []string{entrypoint}) {
				problems = append(problems, "ENTRYPOINT "+in.args+" is not the copied binary")
			}
		case "CMD":
			if !slices.Equal(execForm(in.args), []string{"serve"}) {
				problems = append(problems, `CMD must be ["serve"]`)
			}
		}
	}
	if !copied {
		problems = append(problems, "the final stage does not COPY --from the built "+bin)
	}
	if name, _, _ := strings.Cut(user, ":"); name == "" || name == "root" || name == "0" {
		problems = append(problems, "the final stage must set a non-root USER, has "+strings.TrimSpace(user+" (none)"))
	}
	if !healthy {
		problems = append(problems, `want HEALTHCHECK … CMD ["<binary>","healthcheck"] in the final stage`)
	}
	if !exposed {
		problems = append(problems, "the final stage must EXPOSE 3000")
	}
	return problems
}

func readDockerfile(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

func TestDockerfile(t *testing.T) {
	for _, p := range checkDockerfile(readDockerfile(t)) {
		t.Error(p)
	}
}

func TestDockerfileChecksCatchMistakes(t *testing.T) {
	good := readDockerfile(t)
	mutations := map[string][2]string{
		"single stage":     {"FROM golang:1.26-bookworm AS builder\n", ""},
		"go build instead": {"RUN make build BIN=/out/salesbot", "RUN go build -o /out/salesbot ./cmd/salesbot"},
		"root user":        {"USER nonroot:nonroot", "USER root"},
		"no user":          {"USER nonroot:nonroot", ""},
		"no healthcheck":   {`CMD ["/salesbot","healthcheck"]`, `CMD ["/salesbot","serve"]`},
		"other port":       {"EXPOSE 3000", "EXPOSE 8080"},
		"wrong entrypoint": {`ENTRYPOINT ["/salesbot"]`, `ENTRYPOINT ["/bin/salesbot"]`},
	}
	for name, m := range mutations {
		if !strings.Contains(good, m[0]) {
			t.Fatalf("%s: the Dockerfile no longer contains %q; update this test", name, m[0])
		}
		if len(checkDockerfile(strings.Replace(good, m[0], m[1], 1))) == 0 {
			t.Errorf("%s: checkDockerfile found nothing wrong", name)
		}
	}
}

// ---------------------------------------------------------------------------
// docker compose

type composeFile struct {
	Services map[string]struct {
		Image       string         `yaml:"image"`
		Build       any            `yaml:"build"`
		Command     any            `yaml:"command"`
		Volumes     []string       `yaml:"volumes"`
		Environment any            `yaml:"environment"`
		DependsOn   any            `yaml:"depends_on"`
		Ports       []string       `yaml:"ports"`
		Restart     string         `yaml:"restart"`
		Healthcheck map[string]any `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// words flattens a compose command or healthcheck test (string or list) into words.
func words(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.Fields(v)
	case []any:
		var out []string
		for _, w := range v {
			if s, ok := w.(string); ok {
				out = append(out, strings.Fields(s)...)
			}
		}
		return out
	}
	return nil
}

// hasFlag reports whether args contain flag followed by value (or flag=value).
func hasFlag(args []string, flag, value string) bool {
	for i, a := range args {
		if a == flag+"="+value || (a == flag && i+1 < len(args) && args[i+1] == value) {
			return true
		}
	}
	return false
}

// environment returns a service's environment as NAME → raw value (the
// empty string for pass-through entries), for list or mapping syntax.
func environment(v any) map[string]string {
	env := map[string]string{}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			s, _ := e.(string)
			name, value, _ := strings.Cut(s, "=")
			env[name] = value
		}
	case map[string]any:
		for name, value := range v {
			if value != nil {
				env[name] = fmt.Sprint(value)
			} else {
				env[name] = ""
			}
		}
	}
	return env
}

func checkCompose(src []byte) []string {
	var c composeFile
	if err := yaml.Unmarshal(src, &c); err != nil {
		return []string{"docker-compose.yml: " + err.Error()}
	}
	var problems []string
	redis, ok := c.Services["redis"]
	if !ok {
		return append(problems, "no redis service")
	}
	if !strings.HasPrefix(redis.Image, "redis:7") {
		problems = append(problems, "redis should run redis:7-alpine, has "+redis.Image)
	}
	cmd := words(redis.Command)
	if !hasFlag(cmd, "--appendonly", "yes") || !hasFlag(cmd, "--appendfsync", "everysec") {
		problems = append(problems, "redis must run with --appendonly yes --appendfsync everysec")
	}
	dataVolume := false
	for _, v := range redis.Volumes {
		name, target, _ := strings.Cut(v, ":")
		_, declared := c.Volumes[name]
		dataVolume = dataVolume || (declared && strings.HasPrefix(target, "/data"))
	}
	if !dataVolume {
		problems = append(problems, "redis needs a named volume (declared under volumes:) mounted on /data")
	}
	if test := strings.Join(words(redis.Healthcheck["test"]), " "); !strings.Contains(test, "redis-cli ping") {
		problems = append(problems, "redis needs a healthcheck running redis-cli ping")
	}

	bot, ok := c.Services["salesbot"]
	if !ok {
		return append(problems, "no salesbot service")
	}
	healthyRedis := false
	switch d := bot.DependsOn.(type) {
	case map[string]any:
		r, _ := d["redis"].(map[string]any)
		healthyRedis = r["condition"] == "service_healthy"
	}
	if !healthyRedis {
		problems = append(problems, "salesbot must depend on redis with condition: service_healthy")
	}
	if bot.Build == nil {
		problems = append(problems, "salesbot must be built from the repository (build: ..)")
	}
	env := environment(bot.Environment)
	for _, name := range interfaceVars {
		if _, ok := env[name]; !ok {
			problems = append(problems, "salesbot environment lacks "+name)
		}
	}
	if env["REDIS_URL"] != "redis://redis:6379/0" {
		problems = append(problems, "salesbot REDIS_URL must be redis://redis:6379/0, is "+env["REDIS_URL"])
	}
	if !strings.HasPrefix(env["SLACK_BOT_TOKEN"], "${SLACK_BOT_TOKEN:?") {
		problems = append(problems, "SLACK_BOT_TOKEN must be required: ${SLACK_BOT_TOKEN:?…}")
	}
	if !slices.ContainsFunc(bot.Ports, func(p string) bool { return strings.HasSuffix(p, ":3000") }) {
		problems = append(problems, "salesbot must publish container port 3000")
	}
	if bot.Restart != "unless-stopped" {
		problems = append(problems, "salesbot restart must be unless-stopped")
	}
	return problems
}

func TestCompose(t *testing.T) {
	src, err := os.ReadFile("docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkCompose(src) {
		t.Error(p)
	}

	mutations := map[string][2]string{
		"no appendonly":  {`"--appendonly", "yes", `, ""},
		"no data volume": {"      - redis-data:/data\n", ""},
		"no depends_on":  {"condition: service_healthy", "condition: service_started"},
		"redis url":      {"REDIS_URL=redis://redis:6379/0", "REDIS_URL=redis://localhost:6379/0"},
		"optional token": {"${SLACK_BOT_TOKEN:?", "${SLACK_BOT_TOKEN:-"},
		"missing var":    {"      - SALESBOT_DIGEST\n", ""},
	}
	for name, m := range mutations {
		if !bytes.Contains(src, []byte(m[0])) {
			t.Fatalf("%s: docker-compose.yml no longer contains %q; update this test", name, m[0])
		}
		if len(checkCompose(bytes.Replace(src, []byte(m[0]), []byte(m[1]), 1))) == 0 {
			t.Errorf("%s: checkCompose found nothing wrong", name)
		}
	}
}

func TestEnvExample(t *testing.T) {
	src, err := os.ReadFile(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	for _, name := range interfaceVars {
		documented := slices.ContainsFunc(lines, func(l string) bool {
			return strings.HasPrefix(strings.TrimLeft(l, "# "), name+"=")
		})
		if !documented {
			t.Errorf(".env.example does not list %s", name)
		}
	}
	if !slices.Contains(lines, "SLACK_BOT_TOKEN=") {
		t.Error(".env.example must leave SLACK_BOT_TOKEN= uncommented, to be filled in")
	}
}

// ---------------------------------------------------------------------------
// CI script and the binary

func TestCIScript(t *testing.T) {
	path := filepath.Join("..", ".ci", "run")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&0o111 == 0 {
		t.Errorf("%s is not executable", path)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("set -euo pipefail")) || !bytes.Contains(src, []byte("make test")) {
		t.Errorf("%s must `set -euo pipefail` and run `make test`", path)
	}
	if bash, err := exec.LookPath("bash"); err == nil {
		if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", path, err, out)
		}
	}
}

// TestBuildIsStatic builds the binary exactly as the Dockerfile does and checks
// that it runs on distroless/static or scratch: no dynamic loader, no shared
// libraries, and the zoneinfo database inside.
func TestBuildIsStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole binary; skipped with -short")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "salesbot")
	cmd := exec.Command("make", "-C", "..", "build", "BIN="+bin)
	// A surrounding `make test` must not leak its flags or variables into this make.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return name == "MAKEFLAGS" || name == "MFLAGS" || name == "MAKELEVEL" || name == "BIN"
	})
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build BIN=%s: %v\n%s", bin, err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a PT_INTERP program header: it is dynamically linked (CGO_ENABLED=0 missing?)")
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	if len(libs) > 0 {
		t.Errorf("the binary needs shared libraries (DT_NEEDED): %v", libs)
	}

	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	// A zone no one names in code: present only if time/tzdata is linked in.
	if !bytes.Contains(data, []byte("Antarctica/Troll")) {
		t.Error("the binary does not embed the zoneinfo database (build with -tags timetzdata or import time/tzdata)")
	}
}
