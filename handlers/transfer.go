package handlers

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"salesbot"
	"salesbot/i18n"
	"salesbot/internal/logctx"
	"salesbot/sheet"
)

// /salesbot import: a form takes a file; after it closes the file is
// fetched from Slack, read (package sheet) and planned — a dry run the
// manager sees in a direct message with Import and Cancel — and Import
// writes the plan in the background, the message showing its progress.

// transfer is what the import and export keep: the service, and the token
// this process's import runners hold their leases with.
type transfer struct {
	svc   salesbot.TransferService
	token string
	// stopping ends when StopImports is called: the imports under way
	// then stop between two batches, for another replica to finish.
	stopping context.Context
	stop     context.CancelFunc
}

func newTransfer(svc salesbot.TransferService) transfer {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	stopping, stop := context.WithCancel(context.Background())
	return transfer{svc: svc, token: "import-" + hex.EncodeToString(b), stopping: stopping, stop: stop}
}

// StopImports stops the imports this process runs, each after the batch it
// is writing: their cursors are saved and their leases given up, so that
// the next sweep of any replica finishes them. Call it on shutdown, before
// Wait, which would otherwise wait for them to end.
func (h *Handler) StopImports() { h.transfer.stop() }

// fileSlack is the part of the Slack Web API an import calls beyond
// Slack: *slack.Client has it, and so does the console.
type fileSlack interface {
	GetFileInfoContext(ctx context.Context, fileID string, count, page int) (*slack.File, []slack.Comment, *slack.Paging, error)
	GetFileContext(ctx context.Context, downloadURL string, writer io.Writer) error
	GetUserByEmailContext(ctx context.Context, email string) (*slack.User, error)
}

const (
	cbImport        = "import"
	blockFile       = "file"
	actionImportRun = "import_run"    // dry run: write the plan, value "<plan ID>"
	actionImportNo  = "import_cancel" // dry run: forget the plan, value "<plan ID>"
)

// Deadlines of an import's and an export's steps.
const (
	fileInfoTimeout = 10 * time.Second
	downloadTimeout = 60 * time.Second
	planTimeout     = 3 * time.Minute  // owners looked up, duplicates found
	importTimeout   = 10 * time.Minute // a plan written, batch by batch
	exportTimeout   = 5 * time.Minute
	lookupTimeout   = 5 * time.Second // one users.lookupByEmail
)

// interrupted reports whether ctx, a long one, ended because this
// process is shutting down (StopImports).
func (h *Handler) interrupted(ctx context.Context) bool {
	return ctx.Err() != nil && h.transfer.stopping.Err() != nil
}

// afterStop is a short context to tell someone, after ctx ended, that
// their work was interrupted.
func afterStop(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

func isImport(actionID string) bool { return actionID == actionImportRun || actionID == actionImportNo }

// long runs fn after the request has been answered with its own, longer
// deadline (see later): the work of an import or an export. Its context
// also ends when StopImports is called, so that a shutdown does not wait
// for it (interrupted tells fn so).
func (h *Handler) long(ctx context.Context, what string, timeout time.Duration, fn func(ctx context.Context) error) {
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		ctx, cancel := context.WithTimeout(logctx.Detach(ctx), timeout)
		defer cancel()
		defer context.AfterFunc(h.transfer.stopping, cancel)()
		if h.transfer.stopping.Err() != nil {
			cancel() // now, not in AfterFunc's goroutine
		}
		if err := fn(ctx); err != nil {
			h.log.ErrorContext(ctx, "background work failed", "what", what, "err", err)
		}
	}()
}

// importCmd answers `/salesbot import`: the form with the file input, for
// managers.
func (h *Handler) importCmd(ctx context.Context, cmd slack.SlashCommand) (*slack.Msg, error) {
	r, err := h.request(ctx, cmd.TeamID, cmd.UserID, cmd.ChannelID)
	if err != nil {
		return nil, err
	}
	if !r.actor.Manager {
		return nil, salesbot.Errorf(salesbot.EFORBIDDEN, "Importing leads is for managers. Ask a manager to import your file, or register leads one by one with `/lead new <company>`.")
	}
	if h.transfer.svc == nil {
		return nil, salesbot.Errorf(salesbot.EINTERNAL, "Importing is not set up on this bot.")
	}
	return h.openModal(ctx, cmd.TriggerID, importModal(r.lang, cmd.ChannelID))
}

// importModal is the import form: one .xlsx or .csv file.
func importModal(lang i18n.Lang, channel string) slack.ModalViewRequest {
	t := func(format string, args ...any) string { return i18n.T(lang, format, args...) }
	el := slack.NewFileInputBlockElement(blockFile).WithFileTypes("xlsx", "csv").WithMaxFiles(1)
	in := slack.NewInputBlock(blockFile, plain(t("File (.xlsx or .csv)")), nil, el)
	lim := sheet.DefaultLimits()
	help := section(t("A header row, then one lead a row. Columns by English or Chinese name: *company*/公司 (required), owner/负责人 (a mention, user ID or e-mail; empty: you), grade/分级, stage/阶段, value/金额, close date/预计成交, source/来源, last touch/上次跟进, next step/下一步, notes/备注. CSV in UTF-8 or GBK. At most %d MB and %s rows.",
		lim.MaxBytes>>20, thousands(lim.MaxRows)))
	note := contextLine(t("First a dry run: you see what would be imported, and nothing is written until you press Import."))
	return modal(lang, cbImport, t("Import leads"), t("Check file"), channel, help, in, note)
}

// submittedImport takes the import form: the modal closes at once, and
// the file is fetched, read and planned after the acknowledgement.
func (h *Handler) submittedImport(ctx context.Context, cb slack.InteractionCallback, r request, f form) (*slack.Msg, bool, error) {
	if cb.View.CallbackID != cbImport {
		return nil, false, nil
	}
	if !r.actor.Manager {
		return nil, true, inField(blockFile, salesbot.Errorf(salesbot.EFORBIDDEN, "Importing leads is for managers."))
	}
	if h.transfer.svc == nil {
		return nil, true, inField(blockFile, salesbot.Errorf(salesbot.EINTERNAL, "Importing is not set up on this bot."))
	}
	files := f.action(blockFile).Files
	if len(files) != 1 || files[0].ID == "" {
		return nil, true, inField(blockFile, salesbot.Errorf(salesbot.EINVALID, "Attach one .xlsx or .csv file."))
	}
	id := files[0].ID
	h.long(ctx, "import dry run", planTimeout, func(ctx context.Context) error { return h.dryRun(ctx, r, id) })
	return nil, true, nil
}

// dryRun fetches the file, reads it and shows the manager its plan, in a
// direct message that says first that the file is being read.
func (h *Handler) dryRun(ctx context.Context, r request, fileID string) error {
	stopped := r.T(":warning: The dry run was interrupted by a restart; nothing was imported. Run `/salesbot import` again.")
	channel, ts, err := h.slack.PostMessageContext(ctx, r.actor.User, slack.MsgOptionText(r.T(":hourglass_flowing_sand: Reading your file…"), false))
	if err != nil {
		if h.interrupted(ctx) {
			sctx, cancel := afterStop(ctx)
			defer cancel()
			err = errors.Join(err, h.notify(sctx, r.actor.User, stopped))
		}
		return fmt.Errorf("import: tell %s: %w", r.actor.User, err)
	}
	show := func(ctx context.Context, text string, blocks ...slack.Block) error {
		opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
		if len(blocks) == 0 {
			blocks = []slack.Block{section(text)}
		}
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
		if _, _, _, err := h.slack.UpdateMessageContext(ctx, channel, ts, opts...); err != nil {
			return fmt.Errorf("import: update %s: %w", ts, err)
		}
		return nil
	}
	fail := func(err error) error {
		if h.interrupted(ctx) {
			sctx, cancel := afterStop(ctx)
			defer cancel()
			return errors.Join(show(sctx, stopped), err)
		}
		return errors.Join(show(ctx, h.errorText(ctx, r.lang, err)), ignoreCode(err))
	}
	name, data, err := h.fetchFile(ctx, r, fileID)
	if err != nil {
		return fail(err)
	}
	lim := sheet.DefaultLimits()
	lim.Currency = h.currency // amounts written without one are the team's
	file, err := sheet.Read(name, data, lim)
	if err != nil {
		return fail(fmt.Errorf("read %s: %w", name, err))
	}
	p := &salesbot.ImportPlan{Team: r.team, File: name, At: h.now(), Channel: channel, TS: ts, Lang: string(r.lang)}
	if err := h.transfer.svc.PlanImport(ctx, r.actor, p, file, owners{h: h}); err != nil {
		return fail(err)
	}
	if err := show(ctx, planText(r.lang, p), planBlocks(r.lang, p)...); err != nil {
		return fail(err)
	}
	return nil
}

// ignoreCode drops an error the person was told of (a domain error about
// their file), keeping the rest for the log.
func ignoreCode(err error) error {
	switch salesbot.ErrorCode(err) {
	case salesbot.EINVALID, salesbot.ENOTFOUND, salesbot.EFORBIDDEN:
		return nil
	}
	return err
}

// fetchFile asks Slack about the file (files.info) and downloads it with
// the bot's token, refusing it before the download when Slack says it is
// over the limit, and during it when it turns out to be.
func (h *Handler) fetchFile(ctx context.Context, r request, fileID string) (string, []byte, error) {
	api, ok := h.slack.(fileSlack)
	if !ok {
		return "", nil, salesbot.Errorf(salesbot.EINTERNAL, "Importing is not set up on this bot.")
	}
	lim := sheet.DefaultLimits()
	ictx, cancel := context.WithTimeout(ctx, fileInfoTimeout)
	info, _, _, err := api.GetFileInfoContext(ictx, fileID, 0, 0)
	cancel()
	switch {
	case slackError(err, "file_not_found", "file_deleted"):
		return "", nil, salesbot.Errorf(salesbot.EINVALID, "Slack no longer has that file. Run `/salesbot import` again and attach it.")
	case slackError(err, "missing_scope", "no_permission"):
		return "", nil, salesbot.Errorf(salesbot.EINVALID, "The bot may not read files: a workspace admin can reinstall it with the `files:read` scope.")
	case err != nil:
		return "", nil, fmt.Errorf("files.info %s: %w", fileID, err)
	case info.IsExternal || info.URLPrivateDownload == "":
		return "", nil, salesbot.Errorf(salesbot.EINVALID, "%s is kept outside Slack. Upload the file itself: an .xlsx or .csv file.", info.Name)
	case int64(info.Size) > lim.MaxBytes:
		return "", nil, salesbot.Errorf(salesbot.EINVALID, "%s is %.1f MB; I take files up to %d MB. Split it in two and import each.", info.Name, float64(info.Size)/(1<<20), lim.MaxBytes>>20)
	}
	dctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	buf := &capped{max: lim.MaxBytes}
	if err := api.GetFileContext(dctx, info.URLPrivateDownload, buf); errors.Is(err, errTooBig) {
		return "", nil, salesbot.Errorf(salesbot.EINVALID, "%s is larger than %d MB. Split it in two and import each.", info.Name, lim.MaxBytes>>20)
	} else if err != nil {
		return "", nil, fmt.Errorf("download %s: %w", fileID, err)
	}
	h.log.InfoContext(ctx, "import file fetched", "team", r.team, "file", fileID, "bytes", buf.buf.Len())
	return info.Name, buf.buf.Bytes(), nil
}

var errTooBig = errors.New("file over the limit")

// capped is a buffer that refuses to grow past max bytes. It has no
// ReadFrom, so that io.Copy writes through Write.
type capped struct {
	buf bytes.Buffer
	max int64
}

func (c *capped) Write(p []byte) (int, error) {
	if int64(c.buf.Len()+len(p)) > c.max {
		return 0, errTooBig
	}
	return c.buf.Write(p)
}

// owners finds the people an imported file names as owners: a mention or a
// user ID through the directory (users.info), an e-mail address through
// users.lookupByEmail. Bots and deactivated accounts own no leads.
type owners struct{ h *Handler }

var (
	planID   = regexp.MustCompile(`^[a-z2-7]{8}$`) // as the store draws them
	emailRef = regexp.MustCompile(`^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$`)
)

// FindOwner implements salesbot.OwnerFinder.
func (o owners) FindOwner(ctx context.Context, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if id, ok := mention(ref); ok { // <@U…>, <@U…|name>, @U… or U…, as resolve reads them
		p := o.h.people.Lookup(ctx, id)
		if !p.Known {
			// Not known, or Slack was slow: ask once more, and tell the
			// two apart (a slow Slack is no fault of the row).
			uctx, cancel := context.WithTimeout(ctx, lookupTimeout)
			u, err := o.h.slack.GetUserInfoContext(uctx, id)
			cancel()
			switch {
			case slackError(err, "user_not_found", "users_not_found"):
				return "", salesbot.Errorf(salesbot.EINVALID, "The owner %s is no one I can find in this workspace. Write a member's mention, user ID or e-mail address.", ref)
			case err != nil:
				return "", fmt.Errorf("look up %s: %w", id, err)
			}
			p.Bot, p.Deleted = u.IsBot, u.Deleted
		}
		switch {
		case p.Bot || p.Deleted:
			return "", salesbot.Errorf(salesbot.EINVALID, "The owner %s is a bot or a deactivated account. Give the lead to a person who sells.", ref)
		}
		return id, nil
	}
	if !emailRef.MatchString(ref) {
		return "", salesbot.Errorf(salesbot.EINVALID, "The owner %q is not a Slack mention, user ID or e-mail address. Write one, e.g. wang.li@example.com.", ref)
	}
	api, ok := o.h.slack.(fileSlack)
	if !ok {
		return "", salesbot.Errorf(salesbot.EINVALID, "I cannot look up e-mail addresses here. Write the owner as a mention or user ID.")
	}
	u, err := o.byEmail(ctx, api, ref)
	switch {
	case slackError(err, "users_not_found", "user_not_found"):
		return "", salesbot.Errorf(salesbot.EINVALID, "No one in this workspace has the e-mail address %s. Check it, or write the owner as a mention.", ref)
	case err != nil:
		return "", fmt.Errorf("look up %s: %w", ref, err)
	case u.IsBot || u.Deleted:
		return "", salesbot.Errorf(salesbot.EINVALID, "The owner %s is a bot or a deactivated account. Give the lead to a person who sells.", ref)
	}
	return u.ID, nil
}

// byEmail asks users.lookupByEmail (Tier 3: a file naming many owners may
// meet its rate limit, and then waits as Slack says, a few times).
func (o owners) byEmail(ctx context.Context, api fileSlack, email string) (*slack.User, error) {
	for attempt := 0; ; attempt++ {
		lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
		u, err := api.GetUserByEmailContext(lctx, email)
		cancel()
		var limited *slack.RateLimitedError
		if !errors.As(err, &limited) || attempt == 3 {
			return u, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(limited.RetryAfter):
		}
	}
}

// importAction runs Import and Cancel. Import starts the writing in the
// background, where its message shows how far it got; a click that is not
// a manager's is refused by the service.
func (h *Handler) importAction(ctx context.Context, r request, actionID string, parts []string) (*slack.Msg, bool, error) {
	if h.transfer.svc == nil {
		return nil, false, salesbot.Errorf(salesbot.EINTERNAL, "Importing is not set up on this bot.")
	}
	if len(parts) != 1 || !planID.MatchString(parts[0]) {
		return nil, false, salesbot.Errorf(salesbot.EINVALID, "That button is out of date. Run the command again.")
	}
	plan := parts[0]
	if actionID == actionImportNo {
		p, err := h.transfer.svc.CancelImport(ctx, r.actor, r.team, plan)
		if err != nil {
			return nil, false, err
		}
		if p == nil {
			return ephemeral(r.T(":information_source: That dry run had already expired or been cancelled; nothing was imported.")), false, nil
		}
		text := r.T(":x: Import of %s cancelled by <@%s>: nothing was imported.", markup(esc(p.File)), r.actor.User)
		return nil, false, h.updateImport(ctx, p.Channel, p.TS, text, section(text))
	}
	p, job, started, err := h.transfer.svc.StartImport(ctx, r.actor, r.team, plan, h.transfer.token, h.now())
	if err != nil {
		return nil, false, err
	}
	if !started {
		if job.Finished() {
			return ephemeral(r.T(":information_source: That file was imported already: %s", jobCounts(r.lang, job))), false, nil
		}
		return ephemeral(r.T(":information_source: That import is under way: %d of %d written.", job.Cursor, job.Total)), false, nil
	}
	lang := langOf(job.Lang, r.lang)
	h.long(ctx, "import", importTimeout, func(ctx context.Context) error {
		prog := h.progress(ctx, lang)
		prog(job)
		_, err := h.transfer.svc.RunImport(ctx, p, job, h.transfer.token, prog)
		return err
	})
	return nil, false, nil
}

func langOf(s string, otherwise i18n.Lang) i18n.Lang {
	if l, ok := i18n.Parse(s); ok {
		return l
	}
	return otherwise
}

// progressEvery bounds how often an import's message is redrawn: every
// this long, or every progressRows leads, and at the end.
const (
	progressEvery = 2 * time.Second
	progressRows  = 1000
)

// progress returns what an import runner calls after each batch: it
// redraws the import's message (chat.update of the dry run's) now and
// then, and tells the manager when it ends interrupted. Its Slack calls
// are made for the workspace ctx names, whatever becomes of ctx.
func (h *Handler) progress(ctx context.Context, lang i18n.Lang) func(salesbot.ImportJob) {
	var (
		last  time.Time
		lastN = -1
	)
	base := logctx.Detach(ctx)
	return func(job salesbot.ImportJob) {
		// Wall-clock pacing of Slack calls, not a business time.
		if !job.Finished() && lastN >= 0 && time.Since(last) < progressEvery && job.Cursor-lastN < progressRows {
			return
		}
		last, lastN = time.Now(), job.Cursor
		ctx, cancel := context.WithTimeout(base, 10*time.Second)
		defer cancel()
		text, blocks := jobText(lang, job), jobBlocks(lang, job)
		if err := h.updateImport(ctx, job.Channel, job.TS, text, blocks...); err != nil {
			h.log.WarnContext(ctx, "import progress", "plan", job.Plan, "err", err)
		}
		if job.Interrupted {
			if err := h.notify(ctx, job.By, text); err != nil {
				h.log.WarnContext(ctx, "import interrupted", "plan", job.Plan, "err", err)
			}
		}
	}
}

// updateImport redraws an import's message.
func (h *Handler) updateImport(ctx context.Context, channel, ts, text string, blocks ...slack.Block) error {
	if channel == "" || ts == "" {
		return nil
	}
	if _, _, _, err := h.slack.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("update import message: %w", err)
	}
	return nil
}

// ResumeImports takes over the team's imports whose runner stopped (a
// crash, a restart): it leases each and runs it to its end in the
// background (h.long), or reports it interrupted when its dry run
// expired; the scheduler's sweep calls it, and it returns once the leases
// are claimed. A process shutting down (StopImports) takes none over.
func (h *Handler) ResumeImports(ctx context.Context, team string) error {
	ctx = forTeam(ctx, team)
	if h.transfer.svc == nil || h.transfer.stopping.Err() != nil {
		return nil
	}
	var mu sync.Mutex // the runs report from their own goroutines
	progs := map[string]func(salesbot.ImportJob){}
	progress := func(job salesbot.ImportJob) {
		mu.Lock()
		prog, ok := progs[job.Plan]
		if !ok {
			prog = h.progress(ctx, langOf(job.Lang, i18n.En))
			progs[job.Plan] = prog
		}
		mu.Unlock()
		prog(job)
	}
	start := func(run func(context.Context) error) { h.long(ctx, "resumed import", importTimeout, run) }
	return h.transfer.svc.ResumeImports(ctx, team, h.transfer.token, progress, start)
}
