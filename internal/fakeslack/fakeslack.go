// Package fakeslack is a stand-in for Slack's Web API at its HTTP edge, for
// tests: point slack.OptionAPIURL at APIURL() and every call is recorded and
// answered as Slack would. It also serves response_url posts.
package fakeslack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	Name  string
	TZ    string
	Admin bool
}

// Server is the fake Slack.
type Server struct {
	*httptest.Server

	mu     sync.Mutex
	calls  []Call
	users  map[string]User
	fail   map[string]string // method → Slack error to answer once
	Socket http.Handler      // serves /ws when set (Socket Mode tests)
}

// New starts a fake Slack that is closed when the test ends.
func New(tb testing.TB) *Server {
	s := &Server{users: map[string]User{}, fail: map[string]string{}}
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

// FailNext makes the next call of a method answer ok:false with slackErr.
func (s *Server) FailNext(method, slackErr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[method] = slackErr
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
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/response/"):
		c.Method = "response"
	case strings.HasPrefix(r.URL.Path, "/api/"):
		c.Method = strings.TrimPrefix(r.URL.Path, "/api/")
	default:
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	failure, failing := s.fail[c.Method]
	delete(s.fail, c.Method)
	user := s.users[c.Param("user")]
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	if failing {
		writeJSON(w, map[string]any{"ok": false, "error": failure})
		return
	}
	switch c.Method {
	case "response":
		_, _ = io.WriteString(w, "ok")
	case "chat.postMessage":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Param("channel"), "ts": "1700000000.000100"})
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": "1700000000.000200"})
	case "users.info":
		tz := user.TZ
		if tz == "" {
			tz = "UTC"
		}
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
			"id": c.Param("user"), "name": strings.ToLower(c.Param("user")), "real_name": user.Name, "tz": tz, "is_admin": user.Admin,
		}})
	case "views.open", "views.publish", "views.update":
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "V0FAKE"}})
	case "apps.connections.open":
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.URL, "http") + "/ws"})
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "user_id": "U0BOT", "team_id": "T0FAKE"})
	default:
		writeJSON(w, map[string]any{"ok": true})
	}
}

func writeJSON(w http.ResponseWriter, v any) { _ = json.NewEncoder(w).Encode(v) }
