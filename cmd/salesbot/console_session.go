package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"salesbot"
	"salesbot/directory"
	"salesbot/handlers"
	"salesbot/scheduler"
	"salesbot/service"
	"salesbot/store"
)

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
	envManagers []string            // SALESBOT_MANAGERS
	granted     map[string]bool     // manager rights given by --manager or :as
	charts      handlers.Charts     // nil: forecasts without pictures
	gates       salesbot.Gates      // SALESBOT_GATES
	escalation  salesbot.Escalation // SALESBOT_ESCALATION
	inboundDue  salesbot.InboundDue // SALESBOT_INBOUND_DUE
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
	// The console sweeps when asked (:sweep), at any hour of any day.
	allDay, _ := salesbot.ParseWorkHours("0-24", "0-6")
	svc := service.New(service.Config{Store: c.store, Cadence: c.cadence, Logger: c.log, Managers: managers, WorkHours: allDay, Gates: c.gates, Escalation: c.escalation, InboundDue: c.inboundDue})
	c.h = handlers.New(c.store, c.slack, handlers.Config{
		Cadence: c.cadence, Logger: c.log, Respond: c.slack, Directory: people,
		Digests: svc, Reports: svc, Teams: svc, Reminders: svc, Leads: svc,
		Stages: svc, Approvals: svc, Visits: svc, Stakeholders: svc, Inbound: svc, Removal: svc, Profiles: svc,
		Deals: svc, Forecasts: svc, Reviews: svc, Quotes: svc, Negotiation: svc, Notify: svc, Maintenance: svc, Charts: c.charts,
		Transfer: svc,
	})
	sched, _ := scheduler.New(scheduler.Config{
		Store: c.store, Notifier: c.h, People: people, Digests: svc, Teams: svc, Reminders: svc,
		Reviews: svc, Logger: c.log, Digest: "0 0 * * *", Prefs: svc, Escalation: c.escalation,
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
