package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/slack-go/slack"
)

// A form's file input in the console (/salesbot import): the person types
// the path of a local file, which the console shares under an ID as Slack
// would, and serves to files.info and the download the handlers make.

// askFile reads a file input: the path of a local file.
func (c *console) askFile(f *formField, notes []string) error {
	notes = append(notes, "the path of a local file")
	path, err := c.readField(f, notes, func(s string) (string, error) {
		p := strings.Trim(s, `"' `)
		st, err := os.Stat(p)
		switch {
		case err != nil:
			return "", fmt.Errorf("cannot read %s: %v", p, err)
		case st.IsDir():
			return "", fmt.Errorf("%s is a folder; give a file", p)
		}
		return p, nil
	}, "")
	if err != nil || path == "" {
		f.answer.Files = nil
		return err
	}
	id := c.slack.share(path)
	f.answer.Files = []slack.File{{ID: id, Name: filepath.Base(path)}}
	return nil
}

// share makes a local file one the console's Slack knows, and returns its
// ID.
func (s *consoleSlack) share(path string) string {
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("F0CONSOLE%d", s.seq)
	s.mu.Unlock()
	s.shared.Store(id, path)
	return id
}

// GetFileInfoContext answers files.info for a file shared through a form.
func (s *consoleSlack) GetFileInfoContext(ctx context.Context, fileID string, count, page int) (*slack.File, []slack.Comment, *slack.Paging, error) {
	p, ok := s.shared.Load(fileID)
	if !ok {
		return nil, nil, nil, slack.SlackErrorResponse{Err: "file_not_found"}
	}
	path := p.(string)
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, nil, slack.SlackErrorResponse{Err: "file_deleted"}
	}
	name := filepath.Base(path)
	return &slack.File{ID: fileID, Name: name, Title: name, Size: int(st.Size()), Mode: "hosted",
		URLPrivate: "console://files/" + fileID, URLPrivateDownload: "console://files/" + fileID}, nil, nil, nil
}

// GetFileContext copies a shared file's bytes into w.
func (s *consoleSlack) GetFileContext(ctx context.Context, downloadURL string, w io.Writer) error {
	p, ok := s.shared.Load(strings.TrimPrefix(downloadURL, "console://files/"))
	if !ok {
		return fmt.Errorf("download %s: not a file the console shared", downloadURL)
	}
	f, err := os.Open(p.(string))
	if err != nil {
		return fmt.Errorf("download %s: %w", downloadURL, err)
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// GetUserByEmailContext answers users.lookupByEmail: the console knows no
// one's e-mail address, so a file names its owners by user ID there.
func (s *consoleSlack) GetUserByEmailContext(ctx context.Context, email string) (*slack.User, error) {
	return nil, slack.SlackErrorResponse{Err: "users_not_found"}
}
