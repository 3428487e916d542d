package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestScanReaderReadsLinesThenEOF: input that is not a terminal is read a
// line per prompt, each prompt printed on a line of its own, and its end is
// io.EOF, as Ctrl-D is at a terminal.
func TestScanReaderReadsLinesThenEOF(t *testing.T) {
	var out bytes.Buffer
	r := newLineReader(context.Background(), strings.NewReader("/lead list\n  1 \n"), &out, &out)
	defer r.Close()
	for _, want := range []string{"/lead list", "  1 "} {
		if got, err := r.ReadLine("salesbot> "); err != nil || got != want {
			t.Fatalf("ReadLine = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := r.ReadLine("salesbot> "); !errors.Is(err, io.EOF) {
		t.Errorf("at the end of input: %v; want io.EOF", err)
	}
	if got, want := out.String(), "salesbot>\nsalesbot>\nsalesbot>\n"; got != want {
		t.Errorf("prompts %q; want %q", got, want)
	}
}

// TestScanReaderGivesUpWhenDone: a read blocked on input that never comes
// ends when the console's context is done.
func TestScanReaderGivesUpWhenDone(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r := newLineReader(ctx, pr, io.Discard, io.Discard)
	defer r.Close()
	cancel()
	if _, err := r.ReadLine("> "); !errors.Is(err, io.EOF) {
		t.Errorf("after the context is done: %v; want io.EOF", err)
	}
}
