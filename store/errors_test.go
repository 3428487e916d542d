package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// reply is an error reply from Redis, as go-redis hands it over: a value
// with a RedisError method.
type reply string

func (r reply) Error() string { return string(r) }
func (reply) RedisError()     {}

var _ redis.Error = reply("")

func TestClassify(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	readTimeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"connection refused", dial, salesbot.EUNAVAILABLE},
		{"read timeout", readTimeout, salesbot.EUNAVAILABLE},
		{"connection reset", syscall.ECONNRESET, salesbot.EUNAVAILABLE},
		{"server hung up", io.EOF, salesbot.EUNAVAILABLE},
		{"reply cut short", io.ErrUnexpectedEOF, salesbot.EUNAVAILABLE},
		{"client closed", redis.ErrClosed, salesbot.EUNAVAILABLE},
		{"pool timeout", redis.ErrPoolTimeout, salesbot.EUNAVAILABLE},
		{"deadline", fmt.Errorf("claim: %w", context.DeadlineExceeded), salesbot.EUNAVAILABLE},
		{"loading", reply("LOADING Redis is loading the dataset in memory"), salesbot.EUNAVAILABLE},
		{"cluster down", reply("CLUSTERDOWN The cluster is down"), salesbot.EUNAVAILABLE},
		{"try again", reply("TRYAGAIN Multiple keys request during rehashing of slot"), salesbot.EUNAVAILABLE},
		{"master down", reply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), salesbot.EUNAVAILABLE},
		{"read-only replica after failover", reply("READONLY You can't write against a read only replica."), salesbot.EUNAVAILABLE},
		{"no replicas", reply("NOREPLICAS Not enough good replicas to write."), salesbot.EUNAVAILABLE},
		{"too many clients", reply("ERR max number of clients reached"), salesbot.EUNAVAILABLE},
		{"slot moving", reply("ASK 7640 127.0.0.1:46787"), salesbot.EUNAVAILABLE},
		{"slot moved", reply("MOVED 7640 127.0.0.1:46787"), salesbot.EUNAVAILABLE},
		{"slot moving under a script", reply("ERR Script attempted to access a non local key in a cluster node script: 17c1fcf7cdb9e9b27905937a4b65be5105c5979d, on @user_script:5."), salesbot.EUNAVAILABLE},
		{"sentinels gone", errors.New("redis: all sentinels specified in configuration are unreachable: dial tcp: i/o timeout"), salesbot.EUNAVAILABLE},

		{"wrong type", reply("WRONGTYPE Operation against a key holding the wrong kind of value"), salesbot.EINTERNAL},
		{"cross slot", redis.ErrCrossSlot, salesbot.EINTERNAL},
		{"lua bug", reply("ERR user_script:3: attempt to compare nil with number script: 9f3c, on @user_script:3."), salesbot.EINTERNAL},
		{"wrong type in a script", reply("WRONGTYPE Operation against a key holding the wrong kind of value script: 9f3c, on @user_script:2."), salesbot.EINTERNAL},
		{"out of memory", reply("OOM command not allowed when used memory > 'maxmemory'."), salesbot.EINTERNAL},
		{"a loading word elsewhere", reply("ERR unknown command 'LOADING'"), salesbot.EINTERNAL},
		{"missing key read as a bug", redis.Nil, salesbot.EINTERNAL},
		{"undecodable value", bug{errors.New("decode lead: unexpected end of JSON input")}, salesbot.EINTERNAL},
		{"unknown", errors.New("something else"), salesbot.EINTERNAL},

		{"domain error kept", salesbot.Errorf(salesbot.ENOTFOUND, "No such lead"), salesbot.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := failed(tt.err, "do %s", "it")
			if got := salesbot.ErrorCode(err); got != tt.want {
				t.Errorf("code of %v = %q; want %q", tt.err, got, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("%v lost its cause %v", err, tt.err)
			}
		})
	}
}
