// Package fakeslack is a stand-in for Slack's Web API at its HTTP edge, for
// tests: point slack.OptionAPIURL at APIURL() and every call is recorded and
// answered as Slack would. It also serves response_url posts.
package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Call is one request the bot made to the fake.
type Call struct {
	Method string         // Web API method ("chat.postMessage"), or "response" for a response_url post
	Form   url.Values     // form-encoded parameters, when sent that way
	JSON   map[string]any // the JSON body, when sent that way
	// Failed says how the fake failed the call: the Slack error it answered
	// ok:false with, "http 429" (or another status) for an HTTP error, or
	// "dropped" for a connection closed without an answer. It is "" when
	// the call succeeded.
	Failed string
	// Channel and TS are what a successful chat.postMessage answered: the
	// channel the message went to and its timestamp.
	Channel, TS string
	// File is what an "upload" call carried: the bytes of the file posted
	// to an upload_url that files.getUploadURLExternal gave out, whose
	// file ID is in Param("file_id").
	File []byte
	// Token is the token the call carried: its Authorization bearer, or
	// its form's token parameter (slack-go sends it either way); "" for
	// none.
	Token string
}

// Param returns a parameter whether it came in the form or the JSON body.
func (c Call) Param(name string) string {
	if v := c.Form.Get(name); v != "" {
		return v
	}
	if v, ok := c.JSON[name]; ok {
		if s, ok := v.(string); ok {
			return s
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	return ""
}

// Text is everything human-readable the call carried (text and blocks), for
// assertions that look for words.
func (c Call) Text() string {
	var parts []string
	for _, k := range []string{"text", "blocks", "view"} {
		parts = append(parts, c.Param(k))
	}
	return strings.Join(parts, "\n")
}

// User is what users.info answers for one user.
type User struct {
	Name   string
	TZ     string
	Admin  bool
	Locale string // users.info's locale ("zh-CN"); left out when empty
	Bot    bool   // an app's bot user (is_bot)
	// Deleted is a deactivated account (deleted).
	Deleted bool
}

// Server is the fake Slack.
type Server struct {
	*httptest.Server

	mu     sync.Mutex
	calls  []Call
	users  map[string]User
	fail   map[string]failure // method → how to fail its next call
	Socket http.Handler       // serves /ws when set (Socket Mode tests)
	dms    bool               // answer postMessage to a user with a D… channel and a fresh ts
	posts  int                // chat.postMessage calls answered ok since RealDMs
	onCall func(Call)         // sees each call before it is answered
	files  int                // upload URLs given out
	team   string             // the workspace auth.test names
	shared map[string]File    // files.info: the files a test registered, by ID
	// readers are, by file ID, the tokens files.info described the file
	// to: its download is served to them (and to Token).
	readers map[string]map[string]bool
	emails  map[string]string // users.lookupByEmail: e-mail → user ID
}

// failure is how the fake fails one call.
type failure struct {
	slackErr   string // answer ok:false with this error
	status     int    // or answer this HTTP status
	retryAfter int    // with a Retry-After header of this many seconds, when set
	drop       bool   // or close the connection without answering
}

func (f failure) String() string {
	switch {
	case f.drop:
		return "dropped"
	case f.status != 0:
		return "http " + strconv.Itoa(f.status)
	}
	return f.slackErr
}

// New starts a fake Slack that is closed when the test ends.
func New(tb testing.TB) *Server {
	s := &Server{users: map[string]User{}, fail: map[string]failure{}, team: "T0FAKE", shared: map[string]File{}, emails: map[string]string{}, readers: map[string]map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// APIURL is the base URL to give slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL is a response_url that posts back to the fake.
func (s *Server) ResponseURL(name string) string { return s.URL + "/response/" + name }

// SetUser sets what users.info says about a user.
func (s *Server) SetUser(id string, u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = u
}

// SetTeam sets the workspace auth.test says the token belongs to (T0FAKE
// until set): the bot serves that team only.
func (s *Server) SetTeam(team string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.team = team
}

// FailNext makes the next call of a method answer ok:false with slackErr.
func (s *Server) FailNext(method, slackErr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = failure{slackErr: slackErr}
}

// RateLimitNext makes the next call of a method answer HTTP 429 Too Many
// Requests with a Retry-After header of retryAfter seconds, as Slack does
// when a method's rate limit is exceeded.
func (s *Server) RateLimitNext(method string, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = failure{status: http.StatusTooManyRequests, retryAfter: retryAfter}
}

// StatusNext makes the next call of a method answer with an HTTP error
// status (such as 500 or 503) and no Slack body.
func (s *Server) StatusNext(method string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = failure{status: status}
}

// DropNext makes the next call of a method fail at the network level: the
// fake reads the request and closes the connection without answering.
func (s *Server) DropNext(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = failure{drop: true}
}

// OnCall has fn see each call before the fake answers it (nil: none), so a
// test can make a particular call fail: FailNext and its like called from
// fn apply to the call fn sees.
func (s *Server) OnCall(fn func(Call)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onCall = fn
}

// RealDMs makes chat.postMessage answer as Slack does for a message sent to
// a user ID: with the direct-message channel's ID ("D" and the user ID
// without its "U") and a timestamp of its own for each message. Without it
// the fake answers with the channel it was given and one fixed ts.
func (s *Server) RealDMs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dms = true
}

// Calls returns the calls made so far to a method ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitFor waits until a method has been called at least n times (the bot
// sends some messages after answering), failing the test after 5 seconds.
func (s *Server) WaitFor(tb testing.TB, method string, n int) []Call {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		calls := s.Calls(method)
		if len(calls) >= n {
			return calls
		}
		if time.Now().After(deadline) {
			tb.Fatalf("fakeslack: %s called %d times, want %d; calls: %v", method, len(calls), n, s.methods())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *Server) methods() []string {
	var m []string
	for _, c := range s.Calls("") {
		m = append(m, c.Method)
	}
	return m
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ws" && s.Socket != nil {
		s.Socket.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	c := Call{Form: url.Values{}}
	switch ct := r.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "multipart/"): // an upload's file, read below
	case strings.HasPrefix(ct, "application/json"):
		_ = json.Unmarshal(body, &c.JSON)
	default:
		c.Form, _ = url.ParseQuery(string(body))
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/upload/"):
		// files upload v2's middle step: the file, as multipart form data,
		// to the upload_url, which is not a Web API method.
		c.Method = "upload"
		c.Form = url.Values{"file_id": {strings.TrimPrefix(r.URL.Path, "/upload/")}}
		c.File = uploadedFile(r.Header.Get("Content-Type"), body)
	case strings.HasPrefix(r.URL.Path, "/response/"):
		c.Method = "response"
	case strings.HasPrefix(r.URL.Path, "/files/"):
		// A file's url_private_download (files.info gives it out).
		c.Method = "download"
		c.Form = url.Values{"file": {strings.TrimPrefix(r.URL.Path, "/files/")}, "authorization": {r.Header.Get("Authorization")}}
	case strings.HasPrefix(r.URL.Path, "/api/"):
		c.Method = strings.TrimPrefix(r.URL.Path, "/api/")
	default:
		http.NotFound(w, r)
		return
	}
	c.Token = callToken(r, c)
	s.mu.Lock()
	onCall := s.onCall
	s.mu.Unlock()
	if onCall != nil {
		onCall(c)
	}
	s.mu.Lock()
	f, failing := s.fail[c.Method]
	delete(s.fail, c.Method)
	if !failing {
		// Slack refuses a message whose blocks break its rules, as it
		// would in production; the test then sees the call failed.
		if problem := blocksProblem(c); problem != "" {
			f, failing = failure{slackErr: "invalid_blocks"}, true
			c.Failed = "invalid_blocks: " + problem
		}
	}
	if failing && c.Failed == "" {
		c.Failed = f.String()
	} else if failing {
		// c.Failed says what was wrong with the blocks
	} else if c.Method == "chat.postMessage" {
		c.Channel, c.TS = c.Param("channel"), "1700000000.000100"
		if s.dms {
			s.posts++
			c.TS = fmt.Sprintf("1700000000.%06d", 100+s.posts)
			if u, ok := strings.CutPrefix(c.Channel, "U"); ok {
				c.Channel = "D" + u
			}
		}
	}
	s.calls = append(s.calls, c)
	user := s.users[c.Param("user")]
	team := s.team
	if c.Method == "files.info" || c.Method == "download" {
		file, known := s.shared[c.Param("file")]
		if known && c.Method == "files.info" && !failing {
			if s.readers[c.Param("file")] == nil {
				s.readers[c.Param("file")] = map[string]bool{}
			}
			s.readers[c.Param("file")][c.Token] = true
		}
		reader := c.Token == Token || s.readers[c.Param("file")][c.Token]
		s.mu.Unlock()
		if failing {
			answerFailure(w, f)
			return
		}
		s.answerFile(w, c, file, known, reader)
		return
	}
	if c.Method == "users.lookupByEmail" {
		c.Form.Set("user", s.emails[strings.ToLower(c.Param("email"))])
		user = s.users[c.Param("user")]
	}
	fileID := ""
	if c.Method == "files.getUploadURLExternal" && !failing {
		s.files++
		fileID = fmt.Sprintf("F%08d", s.files)
	}
	s.mu.Unlock()

	if failing {
		answerFailure(w, f)
		return
	}
	s.answer(w, c, user, team, fileID)

}

// answer writes what Slack answers a successful call: the user looked up
// (users.info), the workspace (auth.test) and the upload's file ID are read
// under the lock by serve.
func (s *Server) answer(w http.ResponseWriter, c Call, user User, team, fileID string) {
	w.Header().Set("Content-Type", "application/json")
	switch c.Method {
	case "response":
		_, _ = io.WriteString(w, "ok")
	case "chat.postMessage":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS})
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": "1700000000.000200"})
	case "users.info":
		tz := user.TZ
		if tz == "" {
			tz = "UTC"
		}
		u := map[string]any{
			"id": c.Param("user"), "name": strings.ToLower(c.Param("user")), "real_name": user.Name, "tz": tz, "is_admin": user.Admin, "is_bot": user.Bot, "deleted": user.Deleted,
		}
		if user.Locale != "" {
			u["locale"] = user.Locale
		}
		writeJSON(w, map[string]any{"ok": true, "user": u})
	case "views.open", "views.publish", "views.update":
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "V0FAKE"}})
	case "apps.connections.open":
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.URL, "http") + "/ws"})
	case "files.getUploadURLExternal":
		writeJSON(w, map[string]any{"ok": true, "upload_url": s.URL + "/upload/" + fileID, "file_id": fileID})
	case "upload":
		w.Header().Set("Content-Type", "text/plain")
		_, _ = fmt.Fprintf(w, "OK - %d", len(c.File))
	case "files.completeUploadExternal":
		var files []map[string]any
		_ = json.Unmarshal([]byte(c.Param("files")), &files)
		writeJSON(w, map[string]any{"ok": true, "files": files})
	case "users.lookupByEmail":
		if c.Param("user") == "" {
			writeJSON(w, map[string]any{"ok": false, "error": "users_not_found"})
			return
		}
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
			"id": c.Param("user"), "name": strings.ToLower(c.Param("user")), "real_name": user.Name, "is_bot": user.Bot, "deleted": user.Deleted}})
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "user_id": "U0BOT", "team_id": team})
	default:
		writeJSON(w, map[string]any{"ok": true})
	}
}

// answerFailure answers a call the way f says it fails.
func answerFailure(w http.ResponseWriter, f failure) {
	switch {
	case f.drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		w.WriteHeader(http.StatusBadGateway) // cannot drop: the nearest thing
	case f.status != 0:
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, "<html><body>"+http.StatusText(f.status)+"</body></html>")
	default:
		w.Header().Set("Content-Type", "application/json")
		writeJSON(w, map[string]any{"ok": false, "error": f.slackErr})
	}
}

// callToken is the token a request carried, in its Authorization header
// or its form.
func callToken(r *http.Request, c Call) string {
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return bearer
	}
	return c.Form.Get("token")
}

// CallsWith returns the calls made so far to a method ("" for all) that
// carried token.
func (s *Server) CallsWith(method, token string) []Call {
	var out []Call
	for _, c := range s.Calls(method) {
		if c.Token == token {
			out = append(out, c)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) { _ = json.NewEncoder(w).Encode(v) }
