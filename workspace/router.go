package workspace

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/slack-go/slack"

	"salesbot/internal/logctx"
)

// ErrNoWorkspace is returned, with the bot serving many workspaces, for a
// Web API call whose context names no workspace: it has no token to use,
// and must never borrow another workspace's.
var ErrNoWorkspace = errors.New("no workspace in the call's context")

// DefaultMaxClients is how many per-token clients a Router keeps when
// RouterConfig.MaxClients is not set.
const DefaultMaxClients = 1024

// RouterConfig holds a Router's settings.
type RouterConfig struct {
	// Token is the one bot token of the single-workspace bot
	// (SLACK_BOT_TOKEN): every call uses it, whatever its context says.
	// It is ignored when Tokens is set.
	Token string
	// Tokens gives each workspace's bot token (the OAuth install's
	// registry): each call uses the token of the workspace its context
	// names (logctx.WorkspaceOf).
	Tokens Tokens
	// Options build every client: the API URL (slack.OptionAPIURL) and the
	// one HTTP client with deadlines they all share
	// (slack.OptionHTTPClient).
	Options []slack.Option
	// MaxClients bounds the per-token clients kept; DefaultMaxClients
	// when 0. The least recently used is dropped first.
	MaxClients int
}

// Router calls the Slack Web API with the bot token of the workspace each
// call belongs to. It implements the handlers' Slack interface (files
// included) and the directory's Users. It is safe for concurrent use.
//
// Errors Slack answers (invalid_auth, token_revoked, a 429 …) come back as
// slack-go returns them, so that callers recognise them as before; a call
// that cannot be made (no workspace in its context, a workspace with no
// installation) fails naming the call, ErrNoWorkspace or ErrNotInstalled
// wrapped.
type Router struct {
	tokens  Tokens
	single  *slack.Client // the single-workspace bot's; nil with Tokens
	options []slack.Option
	max     int

	mu      sync.Mutex
	clients map[string]*list.Element // token → element of order
	order   *list.List               // of *cached, most recently used first
}

type cached struct {
	token  string
	client *slack.Client
}

// NewRouter returns a Router for cfg.
func NewRouter(cfg RouterConfig) *Router {
	r := &Router{tokens: cfg.Tokens, options: cfg.Options, max: cfg.MaxClients, clients: map[string]*list.Element{}, order: list.New()}
	if r.max <= 0 {
		r.max = DefaultMaxClients
	}
	if r.tokens == nil {
		r.single = slack.New(cfg.Token, cfg.Options...)
	}
	return r
}

// Client returns the client a Web API call made with ctx uses: the
// single-workspace bot's, or one for the token of the workspace ctx names.
// method names the call in errors.
func (r *Router) Client(ctx context.Context, method string) (*slack.Client, error) {
	if r.single != nil {
		return r.single, nil
	}
	w, ok := logctx.WorkspaceOf(ctx)
	if !ok {
		return nil, fmt.Errorf("slack %s: %w", method, ErrNoWorkspace)
	}
	token, err := r.tokens.BotToken(ctx, w.Team, w.Enterprise)
	if err == nil && token == "" {
		err = ErrNotInstalled
	}
	if err != nil {
		return nil, fmt.Errorf("slack %s for workspace %s: %w", method, w.Team, err)
	}
	return r.clientFor(token), nil
}

// clientFor returns the cached client of token, making it (and dropping
// the least recently used beyond the bound) when there is none.
func (r *Router) clientFor(token string) *slack.Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.clients[token]; ok {
		r.order.MoveToFront(e)
		return e.Value.(*cached).client
	}
	c := &cached{token: token, client: slack.New(token, r.options...)}
	r.clients[token] = r.order.PushFront(c)
	for r.order.Len() > r.max {
		last := r.order.Back()
		r.order.Remove(last)
		delete(r.clients, last.Value.(*cached).token)
	}
	return c.client
}

// Cached reports how many per-token clients the Router keeps.
func (r *Router) Cached() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.order.Len()
}

// OpenViewContext calls views.open for the workspace in ctx.
func (r *Router) OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error) {
	c, err := r.Client(ctx, "views.open")
	if err != nil {
		return nil, err
	}
	return c.OpenViewContext(ctx, triggerID, view)
}

// PublishViewContext calls views.publish for the workspace in ctx.
func (r *Router) PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error) {
	c, err := r.Client(ctx, "views.publish")
	if err != nil {
		return nil, err
	}
	return c.PublishViewContext(ctx, req)
}

// PostMessageContext calls chat.postMessage for the workspace in ctx.
func (r *Router) PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error) {
	c, err := r.Client(ctx, "chat.postMessage")
	if err != nil {
		return "", "", err
	}
	return c.PostMessageContext(ctx, channelID, options...)
}

// PostEphemeralContext calls chat.postEphemeral for the workspace in ctx.
func (r *Router) PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error) {
	c, err := r.Client(ctx, "chat.postEphemeral")
	if err != nil {
		return "", err
	}
	return c.PostEphemeralContext(ctx, channelID, userID, options...)
}

// UpdateMessageContext calls chat.update for the workspace in ctx.
func (r *Router) UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error) {
	c, err := r.Client(ctx, "chat.update")
	if err != nil {
		return "", "", "", err
	}
	return c.UpdateMessageContext(ctx, channelID, timestamp, options...)
}

// GetUserInfoContext calls users.info for the workspace in ctx.
func (r *Router) GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error) {
	c, err := r.Client(ctx, "users.info")
	if err != nil {
		return nil, err
	}
	return c.GetUserInfoContext(ctx, user, options...)
}

// GetUserByEmailContext calls users.lookupByEmail for the workspace in ctx.
func (r *Router) GetUserByEmailContext(ctx context.Context, email string) (*slack.User, error) {
	c, err := r.Client(ctx, "users.lookupByEmail")
	if err != nil {
		return nil, err
	}
	return c.GetUserByEmailContext(ctx, email)
}

// UploadFileContext uploads a file (files upload v2) for the workspace in
// ctx.
func (r *Router) UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error) {
	c, err := r.Client(ctx, "files.uploadV2")
	if err != nil {
		return nil, err
	}
	return c.UploadFileContext(ctx, params)
}

// GetFileInfoContext calls files.info for the workspace in ctx.
func (r *Router) GetFileInfoContext(ctx context.Context, fileID string, count, page int) (*slack.File, []slack.Comment, *slack.Paging, error) {
	c, err := r.Client(ctx, "files.info")
	if err != nil {
		return nil, nil, nil, err
	}
	return c.GetFileInfoContext(ctx, fileID, count, page)
}

// GetFileContext downloads a file's private URL with the bot token of the
// workspace in ctx.
func (r *Router) GetFileContext(ctx context.Context, downloadURL string, writer io.Writer) error {
	c, err := r.Client(ctx, "file download")
	if err != nil {
		return err
	}
	return c.GetFileContext(ctx, downloadURL, writer)
}
