package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"salesbot"
	"salesbot/bot"
	"salesbot/internal/redistest"
	"salesbot/store"
)

// BenchmarkLoadFloor measures, in one run with the baseline and the real
// `/lead show`, the cheapest `/lead show` the bot could serve with the
// Redis read and the reply it has: a handler that checks the signature,
// reads the form, makes the bot's own read (store.ViewerAndLead: the
// viewer's language and the managers, and the lead with its last visit
// found by name, in one script, decoded) and writes the very reply the
// bot gave for that lead, rendered beforehand. Building the card, encoding
// it and the bot's handler logic cost nothing here; the loadgen client
// checks its reply as it checks the bot's. The gap between the floor and
// the baseline is the price of the read and the reply themselves:
//
//	go test -run=NONE -bench=LoadFloor -benchtime=20000x -count=3 ./cmd/loadgen/
func BenchmarkLoadFloor(b *testing.B) {
	r, c, companies := loadedRig(b)
	ctx := context.Background()
	// The bot's reply to each company's card, as the floor will send it.
	replies := make(map[string][]byte, len(companies))
	for _, company := range companies {
		_, line, _ := job("show", []string{company}, 0)
		status, body, err := c.Command(ctx, "bot/show", line)
		if err != nil || status != http.StatusOK {
			b.Fatalf("%s: %d %v", line, status, err)
		}
		replies[company] = body
	}
	client, err := store.NewClient(redistest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = client.Close() })
	floor := httptest.NewServer(newFloor(bot.NewVerifier(secret, nil), store.New(client), replies))
	b.Cleanup(floor.Close)
	floorClient := r.client(b, floor.URL)
	baseline := r.client(b, r.baseline.URL)
	for _, tc := range []struct {
		name  string
		c     *Client
		check Check
	}{
		{"baseline", baseline, CheckStatus},
		{"floor", floorClient, nil},
		{"show", c, nil},
	} {
		b.Run(tc.name, func(b *testing.B) { runLoad(b, tc.c, "show", companies, tc.check) })
	}
}

// newFloor is BenchmarkLoadFloor's handler: the signature, the form, the
// bot's one read, and the reply rendered beforehand for the company.
func newFloor(v *bot.Verifier, st *store.Store, replies map[string][]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, bot.MaxBodyBytes))
		if err != nil {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		if err := v.Verify(req.Header, body); err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		company := strings.TrimPrefix(form.Get("text"), "show ")
		reply, ok := replies[company]
		if !ok {
			http.Error(w, "unknown company", http.StatusNotFound)
			return
		}
		key := salesbot.NormalizeCompany(company)
		q := salesbot.LeadQuery{Names: []string{key}, Part: key, Limit: 10, Visits: 1, Caller: form.Get("user_id")}
		if _, _, m, err := st.ViewerAndLead(req.Context(), form.Get("team_id"), form.Get("user_id"), q); err != nil || m == nil {
			http.Error(w, "lead not read", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(reply)
	})
}
