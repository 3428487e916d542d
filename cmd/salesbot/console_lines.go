package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/chzyer/readline"
)

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
