package fakeslack

// This file holds the fake's files: those a test shares (files.info and
// their download) and those the bot uploads (files upload v2).

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// Uploads returns the files uploaded so far, by file ID: the bytes posted to
// each upload_url that files.getUploadURLExternal gave out.
func (s *Server) Uploads() map[string][]byte {
	files := map[string][]byte{}
	for _, c := range s.Calls("upload") {
		if c.Failed == "" {
			files[c.Param("file_id")] = c.File
		}
	}
	return files
}

// uploadedFile returns the "file" part of a multipart form (nil when there
// is none).
func uploadedFile(contentType string, body []byte) []byte {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil
		}
		if part.FormName() == "file" {
			b, _ := io.ReadAll(part)
			return b
		}
	}
}

// Token is the bot token the fake's file downloads take (as a bearer
// token), the one the tests give slack.New; a file's download is served to
// the tokens that read its files.info too.
const Token = "xoxb-test"

// File is a file shared in the fake workspace, which files.info describes
// and whose bytes its url_private_download serves to the bot's token.
type File struct {
	Name string
	Data []byte
	// Size is what files.info says the file's size is; len(Data) when 0.
	Size int
	// External is a file kept outside Slack (is_external).
	External bool
}

// AddFile shares a file as a person does through a file input, under id.
func (s *Server) AddFile(id string, f File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shared[id] = f
}

// SetEmail makes users.lookupByEmail find user by email.
func (s *Server) SetEmail(email, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emails[strings.ToLower(email)] = user
}

// answerFile answers files.info for a file a test shared, and serves its
// bytes at its download URL to the bot's token only: Token, or a token
// files.info described the file to (reader), as Slack serves a file to the
// tokens of its workspace.
func (s *Server) answerFile(w http.ResponseWriter, c Call, f File, known, reader bool) {
	id := c.Param("file")
	if c.Method == "download" {
		if !reader {
			http.Error(w, "not signed in", http.StatusForbidden)
			return
		}
		if !known {
			http.NotFound(w, nil)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(f.Data)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if !known {
		writeJSON(w, map[string]any{"ok": false, "error": "file_not_found"})
		return
	}
	size := f.Size
	if size == 0 {
		size = len(f.Data)
	}
	ext := ""
	if i := strings.LastIndex(f.Name, "."); i >= 0 {
		ext = strings.ToLower(f.Name[i+1:])
	}
	writeJSON(w, map[string]any{"ok": true, "file": map[string]any{
		"id": id, "name": f.Name, "title": f.Name, "filetype": ext, "size": size, "mode": "hosted", "is_external": f.External,
		"url_private": s.URL + "/files/" + id, "url_private_download": s.URL + "/files/" + id,
	}})
}
