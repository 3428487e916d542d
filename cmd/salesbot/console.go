package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/chzyer/readline"
	"github.com/redis/go-redis/v9"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"salesbot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/scheduler"
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
	return s, userIDPattern.MatchString(s)
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
	var envManagers []string
	for _, m := range strings.Split(getenv("SALESBOT_MANAGERS"), ",") {
		if m = strings.TrimSpace(m); m == "" {
			continue
		} else if !userIDPattern.MatchString(m) {
			return &SettingError{"SALESBOT_MANAGERS", fmt.Sprintf("%q is not a Slack user ID such as U012ABCDEF", m)}
		}
		envManagers = append(envManagers, m)
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
		store: store.New(client), cadence: cadence, team: opts.team, user: opts.user, loc: loc,
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
	if opts.manager {
		c.granted[opts.user] = true
	}
	c.rebuild()
	defer func() { c.h.Wait() }() // before Redis closes

	c.say("salesbot console — team %s, acting as @%s%s, time zone %s.\n", c.team, c.user, c.rightsNote(ctx), opts.tz)
	c.say("%s\n", where)
	if opts.demo {
		n, err := loadDemo(ctx, c.store, c.team, c.user, cadence, loc, time.Now())
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
	c.say("%s\n", welcome(opts.demo, salesbot.DateOf(time.Now().In(loc))))
	return c.run(ctx)
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

// console is one session: who is typing, the handlers they talk to, and
// what has been shown to them.
type console struct {
	store       *store.Store
	slack       *consoleSlack
	h           *handlers.Handler
	cadence     salesbot.Cadence
	log         *slog.Logger
	team, user  string
	loc         *time.Location
	envManagers []string        // SALESBOT_MANAGERS
	granted     map[string]bool // manager rights given by --manager or :as
	in          lineReader
	out         io.Writer
	render      renderer
	termWidth   func() int // the terminal's width; nil when output is no terminal

	sched    *scheduler.Scheduler
	controls []pressable       // the buttons and menus that :click N presses
	fresh    bool              // the next button shown starts a new numbering
	byURL    map[string]*shown // messages by response_url
	messages int               // response_urls issued
}

// shown is a message printed on the console.
type shown struct {
	url     string // its response_url
	ts      string // its timestamp, for messages posted with chat.postMessage
	channel string // where it is: C… for a channel, D… for a direct message
	viewer  string // the one person who sees it; "" when the whole channel does
}

// pressable is a button or menu of a shown message.
type pressable struct {
	control
	msg  *shown
	gone bool // its message was replaced
}

var (
	errCancel    = errors.New("form cancelled")
	errInterrupt = errors.New("interrupted")
)

func (c *console) isGranted(user string) bool { return c.granted[user] }

// rebuild makes the handlers anew with the manager rights of the moment;
// handlers take them from their Config once.
func (c *console) rebuild() {
	managers := slices.Clone(c.envManagers)
	for u, ok := range c.granted {
		if ok {
			managers = append(managers, u)
		}
	}
	slices.Sort(managers)
	people := directory.New(c.slack, nil)
	var sched *scheduler.Scheduler
	c.h = handlers.New(c.store, c.slack, handlers.Config{
		Cadence: c.cadence, Managers: managers, Logger: c.log, Respond: c.slack, Directory: people,
		Digests: func(ctx context.Context, team, manager string) (salesbot.Digest, error) {
			return digestNow(ctx, sched, team, manager)
		},
		Reports: func(ctx context.Context, team string, p salesbot.Period) (salesbot.Report, error) {
			return buildReport(ctx, c.store, team, p)
		},
	})
	// The console sweeps when asked (:sweep), at any hour of any day.
	allDay, _ := salesbot.ParseWorkHours("0-24", "0-6")
	sched, _ = scheduler.New(scheduler.Config{
		Store: c.store, Notifier: c.h, People: people, Cadence: c.cadence, WorkHours: allDay,
		Managers: managers, Logger: c.log, Digest: "0 0 * * *",
	})
	c.sched = sched
}

func (c *console) rightsNote(ctx context.Context) string {
	if c.granted[c.user] || slices.Contains(c.envManagers, c.user) {
		return " (manager)"
	}
	if ok, err := c.store.IsManager(ctx, c.team, c.user); err == nil && ok {
		return " (manager, granted in Slack)"
	}
	return ""
}

func (c *console) printf(format string, args ...any) { fmt.Fprintf(c.out, format, args...) }

// say prints a paragraph, wrapped at spaces to fit a terminal.
func (c *console) say(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if c.termWidth != nil {
		if w := c.termWidth(); w > 10 {
			s = wrap(s, w-1)
		}
	}
	fmt.Fprint(c.out, s)
}

// run reads and answers lines until :quit, the end of input or ctx is done.
func (c *console) run(ctx context.Context) error {
	for ctx.Err() == nil {
		line, err := c.in.ReadLine(fmt.Sprintf("salesbot (@%s)> ", c.user))
		switch {
		case errors.Is(err, errInterrupt):
			c.printf("(:quit or Ctrl-D leaves the console)\n")
			continue
		case err != nil:
			return nil // end of input: a clean exit
		}
		quit, err := c.do(ctx, strings.TrimSpace(line))
		if quit || errors.Is(err, io.EOF) || ctx.Err() != nil {
			return nil
		} else if err != nil {
			return err
		}
	}
	return nil
}

// do answers one line typed at the main prompt.
func (c *console) do(ctx context.Context, line string) (quit bool, err error) {
	if n, err := strconv.Atoi(line); err == nil {
		return false, c.click(ctx, n)
	}
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch {
	case line == "":
	case strings.HasPrefix(line, "/"):
		return false, c.command(ctx, word, rest)
	case word == ":quit" || word == ":q" || word == ":exit":
		return true, nil
	case word == ":help" || word == ":h" || word == ":?":
		c.printf("%s\n\n", consoleHelp)
	case word == ":click" || word == ":c":
		if rest == "" {
			c.listControls()
			return false, nil
		}
		n, err := strconv.Atoi(rest)
		if err != nil {
			c.printf("Write :click and a button's number, e.g. :click 1.\n\n")
			return false, nil
		}
		return false, c.click(ctx, n)
	case word == ":as":
		c.switchUser(ctx, rest)
	case word == ":home":
		c.fresh = true
		c.h.Event(ctx, c.team, slackevents.EventsAPIInnerEvent{
			Type: string(slackevents.AppHomeOpened),
			Data: &slackevents.AppHomeOpenedEvent{Type: string(slackevents.AppHomeOpened), User: c.user, Channel: dmChannel(c.user), Tab: "home"},
		})
		return false, c.settle(ctx)
	case word == ":sweep":
		c.fresh = true
		if err := c.sched.SweepTeam(ctx, c.team); err != nil {
			c.printf("The sweep failed: %v\n\n", err)
		}
		if err := c.settle(ctx); err != nil {
			return false, err
		}
		c.printf("(sweep done: due reminders and today's digests were sent)\n\n")
	case word == ":cancel":
		c.printf("No form is open.\n\n")
	default:
		c.printf("Type a slash command such as /lead list, a button's number, or :help.\n\n")
	}
	return false, nil
}

// command sends a slash command as Slack would, and shows the reply and
// whatever follows from it.
func (c *console) command(ctx context.Context, name, text string) error {
	url := c.newURL()
	cmd := slack.SlashCommand{
		TeamID: c.team, TeamDomain: "console", UserID: c.user, UserName: strings.ToLower(c.user),
		ChannelID: consoleChannel, ChannelName: "console", Command: name,
		Text:      slackEscape(text), // Slack escapes &, < and > in a command's text
		TriggerID: c.slack.newTrigger(), ResponseURL: url, APIAppID: "A0CONSOLE",
	}
	c.fresh = true
	msg := c.h.Command(ctx, cmd)
	if msg != nil {
		m := &shown{url: url, channel: consoleChannel, viewer: c.user}
		tag := ""
		if msg.ResponseType == slack.ResponseTypeInChannel {
			m.viewer, tag = "", "[message in "+consoleChannel+"]"
		}
		c.show(tag, m, msg.Text, msg.Blocks.BlockSet)
	}
	return c.settle(ctx)
}

var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// settle waits for the work a request started, prints the messages it
// sent, and runs the forms it opened, until nothing more is pending.
func (c *console) settle(ctx context.Context) error {
	for {
		c.h.Wait()
		c.flush()
		v, ok := c.slack.nextView()
		if !ok {
			return nil
		}
		err := c.fillForm(ctx, v)
		if errors.Is(err, errCancel) {
			c.printf("Form closed; nothing was sent.\n\n")
		} else if err != nil {
			return err
		}
	}
}

func (c *console) newURL() string {
	c.messages++
	return fmt.Sprintf("console://response/%d", c.messages)
}

// show prints a message under a tag saying where it went, numbering its
// buttons.
func (c *console) show(tag string, m *shown, text string, blocks []slack.Block) {
	c.byURL[m.url] = m
	width := 0
	if c.termWidth != nil {
		width = c.termWidth()
		c.render.width = screenWidth
		if width > 10 {
			c.render.width = min(screenWidth, width-1)
		}
	}
	body := c.render.blocks(text, blocks, func(ct control) int {
		if c.fresh {
			c.controls, c.fresh = nil, false
		}
		c.controls = append(c.controls, pressable{control: ct, msg: m})
		return len(c.controls)
	})
	switch {
	case tag == "":
	case strings.HasPrefix(tag, "("):
		body = tag + " " + body
	default:
		body = tag + "\n" + body
	}
	if width > 10 {
		body = wrap(body, width-1)
	}
	c.printf("%s\n\n", body)
}

// flush prints what the handlers sent through Slack since the last time.
func (c *console) flush() {
	for _, o := range c.slack.drain() {
		switch o.kind {
		case sentUpdate:
			old := c.byTS(o.channel, o.ts)
			if old == nil {
				continue // not a message this console showed
			}
			c.drop(old.url)
			c.show("(updated)", old, o.text, o.blocks)
		case sentMessage:
			m := &shown{url: c.newURL(), channel: o.channel, ts: o.ts}
			tag := "[message in " + o.channel + "]"
			if u, ok := dmUser(o.channel); ok {
				m.channel, m.viewer, tag = dmChannel(u), u, "[DM to "+c.who(u)+"]"
			}
			c.show(tag, m, o.text, o.blocks)
		case sentEphemeral:
			tag := "[only you see this]"
			if o.user != c.user {
				tag = "[only " + c.who(o.user) + " sees this, in " + o.channel + "]"
			}
			c.show(tag, &shown{url: c.newURL(), channel: o.channel, viewer: o.user}, o.text, o.blocks)
		case sentResponse:
			old := c.byURL[o.url]
			if old == nil {
				old = &shown{url: o.url, channel: consoleChannel, viewer: o.user}
			}
			if o.deleteOriginal {
				c.drop(o.url)
				c.printf("(message removed)\n\n")
				continue
			}
			if !o.replace {
				c.show("", &shown{url: c.newURL(), channel: old.channel, viewer: o.user}, o.text, o.blocks)
				continue
			}
			c.drop(o.url)
			c.show("(updated)", old, o.text, o.blocks)
		case sentHome:
			c.show("[Home tab of "+c.who(o.user)+"]", &shown{url: c.newURL(), channel: dmChannel(o.user), viewer: o.user}, "", o.blocks)
		}
	}
}

// byTS finds a posted message by its channel and timestamp.
func (c *console) byTS(channel, ts string) *shown {
	if u, ok := dmUser(channel); ok {
		channel = dmChannel(u)
	}
	for _, m := range c.byURL {
		if m.ts == ts && m.channel == channel {
			return m
		}
	}
	return nil
}

// drop retires the buttons of a message that was replaced.
func (c *console) drop(url string) {
	for i := range c.controls {
		if c.controls[i].msg.url == url {
			c.controls[i].gone = true
		}
	}
}

func (c *console) who(user string) string {
	if user == c.user {
		return "you"
	}
	if n := demoName(user); n != "" {
		return "@" + n
	}
	return "@" + user
}

func (c *console) listControls() {
	if len(c.controls) == 0 {
		c.printf("No buttons to press yet.\n\n")
		return
	}
	for i, p := range c.controls {
		note := ""
		switch {
		case p.gone:
			note = " (its message was replaced)"
		case p.msg.viewer != "" && p.msg.viewer != c.user:
			note = " (in " + c.who(p.msg.viewer) + "'s view)"
		}
		kind := ""
		if p.menu {
			kind = " ▾"
		}
		c.printf("  [%d] %s%s%s\n", i+1, emojify(p.label), kind, note)
	}
	c.printf("\n")
}

// click presses button or menu n, as the current user.
func (c *console) click(ctx context.Context, n int) error {
	if len(c.controls) == 0 {
		c.printf("No buttons to press yet.\n\n")
		return nil
	}
	if n < 1 || n > len(c.controls) {
		c.printf("There is no button %d; the last message with buttons has 1 to %d.\n\n", n, len(c.controls))
		return nil
	}
	p := c.controls[n-1]
	switch {
	case p.gone:
		c.printf("Button %d is gone: its message was replaced.\n\n", n)
		return nil
	case p.msg.viewer != "" && p.msg.viewer != c.user:
		c.printf("Button %d is in a message only %s sees. Press it as them: :as %s, then %d.\n\n", n, c.who(p.msg.viewer), p.msg.viewer, n)
		return nil
	}
	action := &slack.BlockAction{ActionID: p.actionID, BlockID: p.blockID, ActionTs: c.slack.stamp()}
	if p.menu {
		opt, err := c.choose(emojify(p.label)+" [number, Enter = keep as it is]", p.options, p.initial, true, "")
		switch {
		case errors.Is(err, errCancel) || errors.Is(err, errInterrupt):
			c.printf("Nothing chosen.\n\n")
			return nil
		case err != nil:
			return err
		case opt == nil:
			c.printf("Nothing chosen.\n\n")
			return nil
		}
		action.Type, action.SelectedOption = slack.ActionType(slack.OptTypeStatic), *opt
	} else {
		action.Type, action.Value = slack.ActionType("button"), p.value
		action.Text = *slack.NewTextBlockObject(slack.PlainTextType, p.label, true, false)
	}
	cb := slack.InteractionCallback{
		Type:        slack.InteractionTypeBlockActions,
		Team:        slack.Team{ID: c.team},
		User:        slack.User{ID: c.user, TeamID: c.team},
		Channel:     slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: p.msg.channel}}},
		TriggerID:   c.slack.newTrigger(),
		ResponseURL: p.msg.url,
		ActionTs:    action.ActionTs,
		Container:   slack.Container{Type: "message", ChannelID: p.msg.channel, MessageTs: p.msg.ts, IsEphemeral: p.msg.viewer != "" && p.msg.ts == ""},
		ActionCallback: slack.ActionCallbacks{
			BlockActions: []*slack.BlockAction{action},
		},
	}
	c.fresh = true
	c.h.Interaction(ctx, cb)
	return c.settle(ctx)
}

// switchUser is :as U123 [manager|rep].
func (c *console) switchUser(ctx context.Context, args string) {
	fields := strings.Fields(args)
	if len(fields) == 0 || len(fields) > 2 {
		c.printf("Write :as U123 to act as another user; add manager to give them manager rights, rep to take them away.\n\n")
		return
	}
	u, ok := userID(fields[0])
	if !ok {
		c.printf("%q is not a Slack user ID such as U012ABCDEF.\n\n", fields[0])
		return
	}
	if len(fields) == 2 {
		switch strings.ToLower(fields[1]) {
		case "manager", "mgr":
			c.granted[u] = true
		case "rep":
			delete(c.granted, u)
		default:
			c.printf("After the user, write manager or rep, not %q.\n\n", fields[1])
			return
		}
	}
	c.user = u
	c.slack.setUser(u)
	c.rebuild()
	note := c.rightsNote(ctx)
	if note == "" {
		note = " (rep)"
	}
	c.printf("You are %s now%s.\n\n", "@"+u, note)
}

// formField is one input of a form being filled in.
type formField struct {
	block    *slack.InputBlock
	actionID string
	label    string
	answer   slack.BlockAction
}

// fillForm asks for a form's inputs one by one, submits it, and asks again
// for the inputs the handlers find fault with.
func (c *console) fillForm(ctx context.Context, v openedView) error {
	title := plainText(v.view.Title)
	c.printf("── %s ──  (Enter skips what is optional · :cancel closes the form)\n", emojify(title))
	var fields []*formField
	for _, b := range v.view.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			if s := c.render.block(b, func(control) int { return 0 }); s != "" {
				c.printf("%s\n", s)
			}
			continue
		}
		f := &formField{block: in, label: emojify(plainText(in.Label))}
		f.actionID, f.answer.Type = elementInfo(in.Element)
		f.answer.ActionID, f.answer.BlockID = f.actionID, in.BlockID
		fields = append(fields, f)
	}
	todo := fields
	for {
		for _, f := range todo {
			if err := c.ask(f); err != nil {
				if errors.Is(err, errInterrupt) {
					return errCancel
				}
				return err
			}
		}
		values := map[string]map[string]slack.BlockAction{}
		for _, f := range fields {
			values[f.block.BlockID] = map[string]slack.BlockAction{f.actionID: f.answer}
		}
		cb := slack.InteractionCallback{
			Type:      slack.InteractionTypeViewSubmission,
			Team:      slack.Team{ID: c.team},
			User:      slack.User{ID: c.user, TeamID: c.team},
			TriggerID: c.slack.newTrigger(),
			View: slack.View{
				ID: v.id, Type: slack.VTModal, TeamID: c.team, CallbackID: v.view.CallbackID,
				PrivateMetadata: v.view.PrivateMetadata, Title: v.view.Title, Blocks: v.view.Blocks,
				State: &slack.ViewState{Values: values},
			},
		}
		c.fresh = true
		resp := c.h.Interaction(ctx, cb)
		if resp == nil || len(resp.Errors) == 0 {
			if resp != nil && resp.ResponseAction != "" {
				c.printf("(the bot answered the form with %q, which the console does not show)\n", resp.ResponseAction)
			}
			return nil
		}
		todo = nil
		for _, f := range fields {
			if msg, ok := resp.Errors[f.block.BlockID]; ok {
				c.printf("  ⚠️ %s: %s\n", f.label, emojify(msg))
				todo = append(todo, f)
			}
		}
		if len(todo) == 0 { // an error about no input the form has: show it, ask again
			for block, msg := range resp.Errors {
				c.printf("  ⚠️ %s: %s\n", block, emojify(msg))
			}
			todo = fields
		}
	}
}

// elementInfo returns an input element's action ID and the type Slack gives
// its value.
func elementInfo(e slack.BlockElement) (string, slack.ActionType) {
	switch e := e.(type) {
	case *slack.PlainTextInputBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	case *slack.SelectBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	case *slack.DatePickerBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	case *slack.NumberInputBlockElement:
		return e.ActionID, slack.ActionType(e.Type)
	}
	return "", slack.ActionType(e.ElementType())
}

// ask reads one input of a form.
func (c *console) ask(f *formField) error {
	var notes []string
	if f.block.Optional {
		notes = append(notes, "optional")
	}
	switch e := f.block.Element.(type) {
	case *slack.PlainTextInputBlockElement:
		if e.InitialValue != "" {
			notes = append(notes, "Enter = "+e.InitialValue)
		}
		line, err := c.readField(f, notes, func(s string) (string, error) {
			if e.MaxLength > 0 && len([]rune(s)) > e.MaxLength {
				return "", fmt.Errorf("keep it to %d characters", e.MaxLength)
			}
			if e.MinLength > 0 && len([]rune(s)) < e.MinLength {
				return "", fmt.Errorf("write at least %d characters", e.MinLength)
			}
			return s, nil
		}, e.InitialValue)
		f.answer.Value = line
		return err
	case *slack.SelectBlockElement:
		switch e.Type {
		case slack.OptTypeStatic:
			options := e.Options
			for _, g := range e.OptionGroups {
				options = append(options, g.Options...)
			}
			if e.InitialOption != nil {
				notes = append(notes, "Enter = "+plainText(e.InitialOption.Text))
			}
			opt, err := c.choose(f.label+bracket(notes), options, e.InitialOption, f.block.Optional, f.label)
			f.answer.SelectedOption = slack.OptionBlockObject{}
			if opt != nil {
				f.answer.SelectedOption = *opt
			}
			return err
		case slack.OptTypeUser:
			notes = append(notes, "a user ID such as U012ABCDEF")
			line, err := c.readField(f, notes, func(s string) (string, error) {
				u, ok := userID(s)
				if !ok {
					return "", fmt.Errorf("%q is not a user ID such as U012ABCDEF", s)
				}
				return u, nil
			}, e.InitialUser)
			f.answer.SelectedUser = line
			return err
		}
	case *slack.DatePickerBlockElement:
		notes = append(notes, "YYYY-MM-DD")
		if e.InitialDate != "" {
			notes = append(notes, "Enter = "+e.InitialDate)
		}
		line, err := c.readField(f, notes, c.date, e.InitialDate)
		f.answer.SelectedDate = line
		return err
	}
	c.printf("(%s: the console cannot fill in a %s input; it is left empty)\n", f.label, f.block.Element.ElementType())
	return nil
}

func bracket(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return " [" + strings.Join(notes, " · ") + "]"
}

// readField prompts for a text-like input until the answer is acceptable:
// empty keeps def, or leaves an optional input empty.
func (c *console) readField(f *formField, notes []string, check func(string) (string, error), def string) (string, error) {
	for {
		line, err := c.in.ReadLine(f.label + bracket(notes) + ": ")
		if err != nil {
			return "", err
		}
		line = strings.TrimSpace(line)
		switch {
		case line == ":cancel":
			return "", errCancel
		case line == "" && def != "":
			return def, nil
		case line == "" && f.block.Optional:
			return "", nil
		case line == "":
			c.printf("  %s is required.\n", f.label)
			continue
		}
		v, err := check(line)
		if err != nil {
			c.printf("  %s\n", err)
			continue
		}
		return v, nil
	}
}

// date reads a date as a date picker would give it; today, yesterday and
// tomorrow are counted in the console's time zone.
func (c *console) date(s string) (string, error) {
	today := salesbot.DateOf(time.Now().In(c.loc))
	switch strings.ToLower(s) {
	case "today":
		return today.String(), nil
	case "yesterday":
		return today.AddDays(-1).String(), nil
	case "tomorrow":
		return today.AddDays(1).String(), nil
	}
	d, err := salesbot.ParseDate(s)
	if err != nil {
		return "", errors.New("write the date as YYYY-MM-DD (or today, yesterday, tomorrow)")
	}
	return d.String(), nil
}

// choose lists numbered options and reads a choice: its number, value or
// text. An empty answer gives the initial option when it is not only
// marked, or nothing when the choice may be skipped.
func (c *console) choose(prompt string, options []*slack.OptionBlockObject, initial *slack.OptionBlockObject, optional bool, what string) (*slack.OptionBlockObject, error) {
	texts := make([]string, len(options))
	total := 0
	for i, o := range options {
		texts[i] = fmt.Sprintf("%d) %s", i+1, emojify(plainText(o.Text)))
		if what == "" && initial != nil && o.Value == initial.Value {
			texts[i] += " (current)"
		}
		total += displayWidth(texts[i]) + 2
	}
	if total <= screenWidth-2 {
		c.printf("  %s\n", strings.Join(texts, "  "))
	} else {
		c.printf("  %s\n", strings.Join(texts, "\n  "))
	}
	for {
		line, err := c.in.ReadLine(prompt + ": ")
		if err != nil {
			return nil, err
		}
		line = strings.TrimSpace(line)
		switch {
		case line == ":cancel":
			return nil, errCancel
		case line == "" && what == "": // a menu in a message: Enter chooses nothing
			return nil, nil
		case line == "" && initial != nil:
			return initial, nil
		case line == "" && optional:
			return nil, nil
		case line == "":
			c.printf("  %s is required: choose 1 to %d.\n", what, len(options))
			continue
		}
		if o := pick(options, line); o != nil {
			c.printf("  → %s\n", emojify(plainText(o.Text)))
			return o, nil
		}
		c.printf("  Choose 1 to %d (or type the choice).\n", len(options))
	}
}

// pick finds the option an answer names: by its value or text first (so
// that "-1" is the support level, not an index), then by its number, then
// by the start of its text ("B" for "B · closes in 4–6 months") when only
// one option starts so.
func pick(options []*slack.OptionBlockObject, answer string) *slack.OptionBlockObject {
	for _, o := range options {
		if strings.EqualFold(o.Value, answer) || strings.EqualFold(plainText(o.Text), answer) {
			return o
		}
	}
	if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(options) {
		return options[n-1]
	}
	var found *slack.OptionBlockObject
	for _, o := range options {
		text := strings.ToLower(plainText(o.Text))
		if rest, ok := strings.CutPrefix(text, strings.ToLower(answer)); ok && (rest == "" || rest[0] == ' ') {
			if found != nil {
				return nil
			}
			found = o
		}
	}
	return found
}

// dmUser reports whether a message's channel is a person: the handlers post
// direct messages to a user ID.
func dmUser(channel string) (string, bool) {
	if strings.HasPrefix(channel, "D") {
		return "U" + channel[1:], true
	}
	return channel, userIDPattern.MatchString(channel)
}

// dmChannel names the console's direct-message channel with a user.
func dmChannel(user string) string { return "D" + strings.TrimLeft(user, "UW") }

// The kinds of outgoing Slack traffic the console prints.
const (
	sentMessage = iota
	sentEphemeral
	sentResponse
	sentHome
	sentUpdate // chat.update of a message posted before
)

type outgoing struct {
	kind           int
	channel, user  string
	ts             string // the message's timestamp, as Slack answers it
	text           string
	blocks         []slack.Block
	url            string
	replace        bool
	deleteOriginal bool
}

type openedView struct {
	id      string
	trigger string
	view    slack.ModalViewRequest
}

// consoleSlack is the Slack the handlers talk to in the console: messages
// are queued to be printed, forms are kept to be filled in at the prompt
// once the request is answered (never inside views.open, which must return
// within the request's deadline), and users.info answers from a small table.
// It is also the handlers' Responder for response_urls.
type consoleSlack struct {
	// api encodes messages exactly as slack-go would send them, into Do.
	api     *slack.Client
	team    string
	tz      string
	manager func(user string) bool

	mu       sync.Mutex
	user     string
	outbox   []outgoing
	views    []openedView
	triggers map[string]time.Time // issued and not yet used
	seq      int
}

// triggerLife is how long Slack honours a trigger_id.
const triggerLife = 3 * time.Second

func newConsoleSlack(team, tz string, manager func(string) bool) *consoleSlack {
	s := &consoleSlack{team: team, tz: tz, manager: manager, triggers: map[string]time.Time{}}
	s.api = slack.New("xoxb-console", slack.OptionAPIURL("http://console.invalid/api/"), slack.OptionHTTPClient(s))
	return s
}

var _ handlers.Slack = (*consoleSlack)(nil)
var _ handlers.Responder = (*consoleSlack)(nil)

func (s *consoleSlack) setUser(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

func (s *consoleSlack) newTrigger() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, issued := range s.triggers {
		if time.Since(issued) > triggerLife {
			delete(s.triggers, t)
		}
	}
	s.seq++
	t := fmt.Sprintf("console-trigger-%d", s.seq)
	s.triggers[t] = time.Now()
	return t
}

func (s *consoleSlack) stamp() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("%d.%06d", time.Now().Unix(), s.seq)
}

func (s *consoleSlack) drain() []outgoing {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.outbox
	s.outbox = nil
	return out
}

func (s *consoleSlack) nextView() (openedView, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.views) == 0 {
		return openedView{}, false
	}
	v := s.views[0]
	s.views = s.views[1:]
	return v, true
}

func (s *consoleSlack) queue(o outgoing) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outbox = append(s.outbox, o)
}

// OpenViewContext keeps the form to be filled in after the request is
// answered. Like Slack, it refuses a trigger_id that is unknown, used or
// older than three seconds.
func (s *consoleSlack) OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	issued, ok := s.triggers[triggerID]
	delete(s.triggers, triggerID)
	resp := &slack.ViewResponse{}
	switch {
	case !ok:
		resp.Error = "invalid_trigger_id"
		return resp, slack.SlackErrorResponse{Err: resp.Error}
	case time.Since(issued) > triggerLife:
		resp.Error = "expired_trigger_id"
		return resp, slack.SlackErrorResponse{Err: resp.Error}
	}
	s.seq++
	id := fmt.Sprintf("V0CONSOLE%d", s.seq)
	s.views = append(s.views, openedView{id: id, trigger: triggerID, view: view})
	resp.Ok = true
	resp.View = slack.View{ID: id, TeamID: s.team, Type: slack.VTModal, Title: view.Title, Blocks: view.Blocks,
		CallbackID: view.CallbackID, PrivateMetadata: view.PrivateMetadata, State: &slack.ViewState{}}
	return resp, nil
}

// PublishViewContext prints the Home tab.
func (s *consoleSlack) PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error) {
	s.queue(outgoing{kind: sentHome, user: req.UserID, blocks: req.View.Blocks.BlockSet})
	return &slack.ViewResponse{SlackResponse: slack.SlackResponse{Ok: true}}, nil
}

func (s *consoleSlack) PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error) {
	return s.api.PostMessageContext(ctx, channelID, options...)
}

func (s *consoleSlack) UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error) {
	return s.api.UpdateMessageContext(ctx, channelID, timestamp, options...)
}

func (s *consoleSlack) PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error) {
	return s.api.PostEphemeralContext(ctx, channelID, userID, options...)
}

// consoleFileLines is how many lines of an uploaded file the console shows.
const consoleFileLines = 8

// UploadFileContext shows an uploaded file where it was shared: its name,
// its size and its first lines.
func (s *consoleSlack) UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error) {
	var r io.Reader = strings.NewReader(params.Content)
	if params.Reader != nil {
		r = params.Reader
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("console upload %s: %w", params.Filename, err)
	}
	text := fmt.Sprintf("[file %s, %d bytes]", params.Filename, len(data))
	if params.InitialComment != "" {
		text = params.InitialComment + "\n" + text
	}
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
	for n := 0; n < consoleFileLines && sc.Scan(); n++ {
		// A code span each, so the renderer shows the line as it is.
		line := strings.ReplaceAll(strings.TrimRight(sc.Text(), "\r"), "`", "'")
		if line != "" {
			line = "`" + slackEscape(line) + "`"
		}
		text += "\n" + line
	}
	if strings.Count(string(data), "\n") > consoleFileLines {
		text += "\n…"
	}
	s.queue(outgoing{kind: sentMessage, channel: params.Channel, ts: s.stamp(), text: text})
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("F0CONSOLE%d", s.seq)
	s.mu.Unlock()
	return &slack.FileSummary{ID: id, Title: params.Title}, nil
}

// GetUserInfoContext answers users.info: everyone is in the console's time
// zone; the demo's people have names; a user with manager rights from the
// console is a workspace admin.
func (s *consoleSlack) GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error) {
	name := demoName(user)
	u := &slack.User{
		ID: user, TeamID: s.team, Name: strings.ToLower(strings.ReplaceAll(name, " ", ".")), RealName: name,
		TZ: s.tz, IsAdmin: s.manager(user),
	}
	if u.Name == "" {
		u.Name = strings.ToLower(user)
	}
	u.Profile.RealName, u.Profile.DisplayName = name, name
	return u, nil
}

// Respond takes what the handlers post to a response_url.
func (s *consoleSlack) Respond(ctx context.Context, responseURL string, msg *slack.WebhookMessage) error {
	if !strings.HasPrefix(responseURL, "console://response/") {
		return fmt.Errorf("respond: %q is not a response_url the console gave out", responseURL)
	}
	o := outgoing{kind: sentResponse, url: responseURL, text: msg.Text, replace: msg.ReplaceOriginal, deleteOriginal: msg.DeleteOriginal}
	if msg.Blocks != nil {
		o.blocks = msg.Blocks.BlockSet
	}
	s.mu.Lock()
	o.user = s.user
	s.outbox = append(s.outbox, o)
	s.mu.Unlock()
	return nil
}

// Do receives the Web API calls that api makes: chat.postMessage and
// chat.postEphemeral, encoded by slack-go as they would go to Slack.
func (s *consoleSlack) Do(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("console slack: %w", err)
	}
	o := outgoing{channel: form.Get("channel"), user: form.Get("user"), text: form.Get("text")}
	if b := form.Get("blocks"); b != "" {
		var blocks slack.Blocks
		if err := json.Unmarshal([]byte(b), &blocks); err != nil {
			return nil, fmt.Errorf("console slack: blocks: %w", err)
		}
		o.blocks = blocks.BlockSet
	}
	o.ts = s.stamp()
	answer := map[string]any{"ok": true, "channel": o.channel, "ts": o.ts}
	switch path.Base(req.URL.Path) {
	case "chat.postMessage":
		o.kind = sentMessage
		if u, ok := dmUser(o.channel); ok {
			answer["channel"] = dmChannel(u) // as Slack answers a post to a user
		}
	case "chat.update":
		o.kind, o.ts = sentUpdate, form.Get("ts")
		answer["ts"] = o.ts
	case "chat.postEphemeral":
		o.kind = sentEphemeral
		answer["message_ts"] = answer["ts"]
	default:
		answer = map[string]any{"ok": false, "error": "unknown_method"}
	}
	if answer["ok"] == true {
		s.queue(o)
	}
	b, _ := json.Marshal(answer)
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK",
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(bytes.NewReader(b)),
		Request: req,
	}, nil
}

// lineReader reads what the person types, a line per prompt. It returns
// io.EOF when the input ends (Ctrl-D) and errInterrupt on Ctrl-C.
type lineReader interface {
	ReadLine(prompt string) (string, error)
	Close() error
}

// newLineReader edits lines with history on a terminal, and reads plain
// lines otherwise (a pipe, a file, a test).
func newLineReader(ctx context.Context, stdin io.Reader, stdout, out io.Writer) lineReader {
	if f, ok := stdin.(*os.File); ok && readline.IsTerminal(int(f.Fd())) {
		rl, err := readline.NewEx(&readline.Config{
			Stdin: f, Stdout: stdout, HistoryLimit: 1000, InterruptPrompt: "^C", EOFPrompt: "",
		})
		if err == nil {
			return &terminalReader{rl: rl}
		}
	}
	return newScanReader(ctx, stdin, out)
}

type terminalReader struct{ rl *readline.Instance }

func (t *terminalReader) ReadLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	line, err := t.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", errInterrupt
	}
	return line, err
}

func (t *terminalReader) Close() error { return t.rl.Close() }

// scanReader reads lines that are not typed at a terminal. It prints each
// prompt on a line of its own, since the input is not echoed, and gives up
// when ctx is done even while a read is blocked.
type scanReader struct {
	out   io.Writer
	lines chan string // closed at the end of input
	done  <-chan struct{}
	stop  chan struct{}
	once  sync.Once
}

func newScanReader(ctx context.Context, in io.Reader, out io.Writer) *scanReader {
	r := &scanReader{out: out, lines: make(chan string), done: ctx.Done(), stop: make(chan struct{})}
	go func() {
		defer close(r.lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case r.lines <- sc.Text():
			case <-r.stop:
				return
			}
		}
	}()
	return r
}

func (r *scanReader) ReadLine(prompt string) (string, error) {
	fmt.Fprintln(r.out, strings.TrimRight(prompt, " "))
	select {
	case line, ok := <-r.lines:
		if !ok {
			return "", io.EOF
		}
		return line, nil
	case <-r.done:
		return "", io.EOF
	}
}

func (r *scanReader) Close() error {
	r.once.Do(func() { close(r.stop) })
	return nil
}
