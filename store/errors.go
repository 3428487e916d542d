package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// bug marks a failure that is not Redis's, such as a stored lead that does
// not decode, so that failed makes it an EINTERNAL error whatever it wraps.
type bug struct{ err error }

func (b bug) Error() string { return b.err.Error() }
func (b bug) Unwrap() error { return b.err }

// failed wraps err with what was being done, and with the code that says
// what the user is told (see classify): domain errors keep their own.
func failed(err error, format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, classify(err))...)
}

// classify is the one place where a store failure gets its code. A failure
// of Redis to serve at all (see unavailable) is EUNAVAILABLE, which asks the
// user to try again in a moment; any other (a script's bug, a key of the
// wrong type, CROSSSLOT, a value that does not decode) is EINTERNAL, which
// the transport logs at Error level: retrying would fail the same way, and
// an outage alert would send the on-call person the wrong way.
func classify(err error) error {
	var domain *salesbot.Error
	switch {
	case errors.As(err, &domain):
		return err
	case unavailable(err):
		return salesbot.Unavailable(err)
	}
	return salesbot.Internal(err)
}

// unavailableReplies are the prefixes of the error replies with which Redis
// says it cannot serve now but will: still loading its data, a cluster or
// replication in failover, a write sent to a node that just became a
// replica, too many clients (go-redis retries the same ones), a slot's
// redirection go-redis gave up following while the slot moves (MOVED, ASK:
// it follows three), and a script
// that met a key of its team's slot already moved to another master while
// the slot is being resharded. Such a script reads the keys it finds by
// name or ID (not declared in KEYS) before its declared writes, so it
// fails before them; the one undeclared write (nameFree's ZREM of a stale
// sorted name) is a clean-up that may be done twice. Retrying any of these
// automatically would need that rule kept.
var unavailableReplies = []string{
	"LOADING ", "CLUSTERDOWN ", "TRYAGAIN ", "MASTERDOWN ", "READONLY ", "NOREPLICAS ", "BUSY ",
	"ERR max number of clients reached",
	"MOVED ", "ASK ", "ERR Script attempted to access a non local key in a cluster node",
}

// unreachable are the texts of go-redis's own errors for a topology with no
// node to serve, which it does not export as values.
var unreachable = []string{
	"redis: all sentinels specified in configuration are unreachable",
	"redis: cluster has no nodes",
	"redis: all ring shards are down",
}

// unavailable reports whether err says that Redis cannot be reached or
// cannot serve right now: the network (refused, reset, closed, timed out),
// the client's own limits (its timeouts, its pool), the caller's deadline,
// or one of unavailableReplies.
func unavailable(err error) bool {
	var (
		b     bug
		reply redis.Error
		nerr  net.Error
	)
	switch {
	case err == nil, errors.As(err, &b):
		return false
	case errors.As(err, &reply):
		for _, p := range unavailableReplies {
			if strings.HasPrefix(reply.Error(), p) {
				return true
			}
		}
		return false
	case errors.As(err, &nerr),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, redis.ErrClosed), errors.Is(err, redis.ErrPoolTimeout), errors.Is(err, redis.ErrPoolExhausted),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true
	}
	for _, s := range unreachable {
		if strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}
