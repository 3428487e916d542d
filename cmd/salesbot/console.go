package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/chzyer/readline"
	"github.com/redis/go-redis/v9"

	"salesbot"
	"salesbot/store"
)

// Where console requests come from, as Slack would name them.
const (
	consoleChannel = "C0CONSOLE"
	defaultUser    = "U0CONSOLE"
	defaultTeam    = "T0CONSOLE"
	screenWidth    = 78
)

const consoleHelp = `Console commands:
  /lead …, /visit …, /stance …, /followups, /salesbot help   slash commands, as in Slack
  /lead, /visit, /stance (alone)   open a form; fill it in at the prompts
  :click N  (or just N)            press button or menu N of the last message with buttons
  :click                           list the buttons you can press
  :as U123 [manager|rep]           act as another user, with or without manager rights
  :home                            open the bot's Home tab
  :sweep                           send this team's due reminders and today's digests now (any hour)
  :cancel                          (in a form) close it without sending
  :help                            this
  :quit                            leave (or Ctrl-D)`

// consoleOptions are console's command-line flags.
type consoleOptions struct {
	user, team, tz string
	files          string // where uploaded files are saved
	manager, demo  bool
}

var teamIDPattern = regexp.MustCompile(`^[TE][A-Z0-9]{2,}$`)

func parseConsoleFlags(args []string, getenv func(string) string, out io.Writer) (consoleOptions, error) {
	var o consoleOptions
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.user, "user", defaultUser, "the Slack user `ID` you act as")
	fs.BoolVar(&o.manager, "manager", false, "give that user manager rights")
	fs.BoolVar(&o.demo, "demo", false, "load sample leads, reps and visits")
	fs.StringVar(&o.team, "team", defaultTeam, "the Slack team `ID` whose data you see")
	fs.StringVar(&o.files, "files", "", "the `folder` uploaded files (reports, charts) are saved in; a new temporary one when empty")
	defaultTZ := "UTC"
	if tz := strings.TrimSpace(getenv("TZ")); tz != "" && tz != "UTC" {
		if _, err := time.LoadLocation(tz); err == nil {
			defaultTZ = tz
		}
	}
	fs.StringVar(&o.tz, "tz", defaultTZ, "every user's time zone, an IANA `name` such as Asia/Shanghai")
	fs.Usage = func() {
		fmt.Fprint(out, "Usage: salesbot console [--user U…] [--manager] [--demo] [--team T…] [--tz Area/City]\n\n"+
			"Drives the bot's handlers from this terminal: type slash commands, fill in forms at the prompts.\n"+
			"Uses REDIS_URL when set, else an in-memory Redis that is gone when the console exits.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("console takes flags only, not %q; type commands at its prompt", fs.Arg(0))
	}
	var ok bool
	if o.user, ok = userID(o.user); !ok {
		return o, fmt.Errorf("--user: %q is not a Slack user ID such as U012ABCDEF", o.user)
	}
	if !teamIDPattern.MatchString(o.team) {
		return o, fmt.Errorf("--team: %q is not a Slack team ID such as T012ABCDEF", o.team)
	}
	if _, err := time.LoadLocation(o.tz); err != nil || o.tz == "" || o.tz == "Local" {
		return o, fmt.Errorf("--tz: %q is not a time zone; use an IANA name such as Asia/Shanghai or Europe/Berlin", o.tz)
	}
	return o, nil
}

// userID reads a user ID as typed: U123, @U123 or <@U123>.
func userID(s string) (string, bool) {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "<"), ">")
	s = strings.TrimPrefix(s, "@")
	s, _, _ = strings.Cut(s, "|")
	return s, salesbot.IsUserID(s)
}

// runConsole is `salesbot console`: the bot's handlers driven from a
// terminal as one chosen user, like hubot's shell adapter. Replies, direct
// messages and the Home tab are printed as text; forms are filled in at
// prompts; buttons are pressed by number.
func runConsole(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	opts, err := parseConsoleFlags(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	loc, _ := time.LoadLocation(opts.tz) // checked by parseConsoleFlags
	cadence, err := salesbot.ParseCadence(getenv("SALESBOT_CADENCE"))
	if err != nil {
		return &SettingError{"SALESBOT_CADENCE", err.Error() + " (default A=7d,B=14d,C=30d,D=90d)"}
	}
	envManagers, err := consoleManagers(getenv("SALESBOT_MANAGERS"))
	if err != nil {
		return err
	}
	escalation, err := salesbot.ParseEscalation(getenv("SALESBOT_ESCALATION"))
	if err != nil {
		return &SettingError{"SALESBOT_ESCALATION", err.Error() + " (default A=2d,B=5d,C=10d,D=30d)"}
	}
	inboundDue, err := salesbot.ParseInboundDue(getenv("SALESBOT_INBOUND_DUE"))
	if err != nil {
		return &SettingError{"SALESBOT_INBOUND_DUE", err.Error() + " (default " + salesbot.DefaultInboundDue().String() + ")"}
	}

	out := &syncWriter{w: stdout}
	client, where, closeRedis, err := openRedis(ctx, getenv("REDIS_URL"))
	if err != nil {
		return err
	}
	defer closeRedis()

	in := newLineReader(ctx, stdin, stdout, out)
	defer in.Close()
	c := &console{
		// The demo's changes were made days ago: the activity stream places
		// each at its own time, so that the digest and the reports see them
		// then (store.WithChangeTime).
		store: store.New(client, store.WithChangeTime()), cadence: cadence, escalation: escalation, inboundDue: inboundDue, team: opts.team, user: opts.user, loc: loc,
		envManagers: envManagers, granted: map[string]bool{}, in: in, out: out,
		log:    slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: dropTime})),
		byURL:  map[string]*shown{},
		render: renderer{names: demoName, width: screenWidth, color: colorful(stdout, getenv)},
	}
	if c.render.color {
		c.termWidth = readline.GetScreenWidth
	}
	c.slack = newConsoleSlack(opts.team, opts.tz, c.isGranted)
	c.slack.setUser(opts.user)
	if c.slack.files, err = filesFolder(opts.files); err != nil {
		return err
	}
	c.charts = loadCharts(getenv("SALESBOT_FONT"), c.log)
	if c.gates, err = salesbot.ParseGates(getenv("SALESBOT_GATES")); err != nil {
		return &SettingError{"SALESBOT_GATES", err.Error()}
	}
	if opts.manager {
		c.granted[opts.user] = true
	}
	c.rebuild()
	defer func() { c.h.Wait() }() // before Redis closes

	if err := c.greet(ctx, opts, where); err != nil {
		return err
	}
	return c.run(ctx)
}

// filesFolder is the folder the console saves uploaded files in: the one
// asked for (made when missing), else a new temporary one.
func filesFolder(asked string) (string, error) {
	if asked == "" {
		dir, err := os.MkdirTemp("", "salesbot-console-files-")
		if err != nil {
			return "", fmt.Errorf("make a folder for uploaded files: %w", err)
		}
		return dir, nil
	}
	if err := os.MkdirAll(asked, 0o755); err != nil {
		return "", fmt.Errorf("make the folder for uploaded files: %w", err)
	}
	return asked, nil
}

// consoleManagers reads SALESBOT_MANAGERS: user IDs separated by commas.
func consoleManagers(setting string) ([]string, error) {
	var managers []string
	for _, m := range strings.Split(setting, ",") {
		if m = strings.TrimSpace(m); m == "" {
			continue
		} else if !salesbot.IsUserID(m) {
			return nil, &SettingError{"SALESBOT_MANAGERS", fmt.Sprintf("%q is not a Slack user ID such as U012ABCDEF", m)}
		}
		managers = append(managers, m)
	}
	return managers, nil
}

// greet says who the console acts as and where its data is, loads the
// demo's leads when asked, and suggests what to type.
func (c *console) greet(ctx context.Context, opts consoleOptions, where string) error {
	c.say("salesbot console — team %s, acting as @%s%s, time zone %s.\n", c.team, c.user, c.rightsNote(ctx), opts.tz)
	c.say("%s\n", where)
	c.say("Uploaded files (reports, charts) are saved in %s\n", c.slack.files)
	if opts.demo {
		n, err := loadDemo(ctx, c.store, c.team, c.user, c.cadence, c.loc, time.Now())
		if err != nil {
			return fmt.Errorf("load the demo data: %w", err)
		}
		if n == 0 {
			c.say("The sample leads are in team %s already.\n", c.team)
		} else {
			c.say("Loaded %d sample leads: yours, and those of @%s, @%s and @%s; @%s is their manager.\n",
				n, demoName(demoRepA), demoName(demoRepB), demoName(demoRepC), demoName(demoManager))
		}
	}
	c.say("%s\n", welcome(opts.demo, salesbot.DateOf(time.Now().In(c.loc))))
	return nil
}

func welcome(demo bool, today salesbot.Date) string {
	next := today.AddDays(7)
	if demo {
		return "Try:\n" +
			"  /lead list                   your pipeline (/lead list all as a manager)\n" +
			"  /lead show 明达              a lead card; then 1 presses its first button\n" +
			"  /visit Acme today met the CFO next: " + next.String() + " send quote\n" +
			"  /stance Acme \"Wang Li\" eb high +2\n" +
			"  /followups                   what is due today\n" +
			"  /lead                        a form, filled in at the prompts\n" +
			"  :help                        console commands (:as, :click, :home, :quit)\n"
	}
	return "Try:\n" +
		"  /lead new \"Acme Industrial\" B\n" +
		"  /visit Acme today met the CFO next: " + next.String() + " send quote\n" +
		"  /stance Acme \"Wang Li\" eb high +2\n" +
		"  /lead show Acme\n" +
		"  /lead                        a form, filled in at the prompts\n" +
		"  :help                        console commands (:as, :click, :home, :quit); --demo loads sample leads\n"
}

// openRedis connects to REDIS_URL, or starts an embedded in-memory Redis
// when it is not set. where says which, without the password.
func openRedis(ctx context.Context, rawURL string) (client redis.UniversalClient, where string, closeFn func(), err error) {
	rawURL = strings.TrimSpace(rawURL)
	if rawURL == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return nil, "", nil, fmt.Errorf("start the in-memory Redis: %w", err)
		}
		client, err := store.NewClient("redis://" + mr.Addr())
		if err != nil {
			mr.Close()
			return nil, "", nil, err
		}
		return client, "Redis: in memory (REDIS_URL is not set). Nothing is kept when the console exits.",
			func() { _ = client.Close(); mr.Close() }, nil
	}
	client, err = store.NewClient(rawURL)
	if err != nil {
		return nil, "", nil, &SettingError{"REDIS_URL", err.Error()}
	}
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := store.New(client).Ping(pingCtx); err != nil {
		_ = client.Close()
		return nil, "", nil, &SettingError{"REDIS_URL", fmt.Sprintf("%s does not answer: %v", redact(rawURL), err)}
	}
	return client, "Redis: " + redact(rawURL) + " (REDIS_URL); what you do here is kept there.", func() { _ = client.Close() }, nil
}

// redact hides the password of a Redis URL.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "(a malformed URL)"
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if hasPass {
		user += ":xxxxx"
	}
	return scheme + "://" + user + "@" + rest[at+1:]
}

func colorful(stdout io.Writer, getenv func(string) string) bool {
	f, ok := stdout.(*os.File)
	return ok && readline.IsTerminal(int(f.Fd())) && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

func dropTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// syncWriter lets the handlers' logger, which may write from their
// background work, share the terminal with the console.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
