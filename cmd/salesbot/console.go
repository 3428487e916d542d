package main

import (
	"context"
	"errors"
	"io"
)

func runConsole(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	return errors.New("console: not yet wired")
}
