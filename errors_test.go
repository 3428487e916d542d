package salesbot_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"salesbot"
)

func TestErrorCodeAndMessage(t *testing.T) {
	const generic = "Something went wrong on our side. Please try again in a moment."
	notFound := salesbot.Errorf(salesbot.ENOTFOUND, "No lead called %q.", "Acme")
	forbidden := salesbot.Errorf(salesbot.EFORBIDDEN, "Acme is <@U1>'s lead.")
	tests := []struct {
		name     string
		err      error
		wantCode string
		wantMsg  string
	}{
		{"nil", nil, "", ""},
		{"plain error", errors.New("dial tcp 10.0.0.7:6379: connection refused"), salesbot.EINTERNAL, generic},
		{"domain error", notFound, salesbot.ENOTFOUND, `No lead called "Acme".`},
		{"wrapped with %w", fmt.Errorf("grade lead L1: %w", forbidden), salesbot.EFORBIDDEN, "Acme is <@U1>'s lead."},
		{"wrapped twice", fmt.Errorf("handler: %w", fmt.Errorf("store: %w", notFound)), salesbot.ENOTFOUND, `No lead called "Acme".`},
		{"wrapped with %v loses the code", fmt.Errorf("grade lead L1: %v", forbidden), salesbot.EINTERNAL, generic},
		{"outermost domain error wins", &salesbot.Error{Code: salesbot.EINVALID, Message: "outer", Err: forbidden}, salesbot.EINVALID, "outer"},
		{"joined", errors.Join(errors.New("boom"), forbidden), salesbot.EFORBIDDEN, "Acme is <@U1>'s lead."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := salesbot.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q", got, tt.wantCode)
			}
			if got := salesbot.ErrorMessage(tt.err); got != tt.wantMsg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.wantMsg)
			}
		})
	}
}

func TestErrorMessageLeaksNoInternals(t *testing.T) {
	err := fmt.Errorf("EVALSHA 9f3c…: %w", errors.New("WRONGTYPE Operation against a key holding the wrong kind of value at lead:T1:L1"))
	msg := salesbot.ErrorMessage(err)
	for _, secret := range []string{"EVALSHA", "WRONGTYPE", "lead:T1:L1"} {
		if strings.Contains(msg, secret) {
			t.Errorf("ErrorMessage = %q: leaks %q", msg, secret)
		}
	}
}

func TestUnavailable(t *testing.T) {
	cause := errors.New("redis: connection pool timeout at 10.0.0.7:6379")
	err := salesbot.Unavailable(cause)
	if err.Code != salesbot.EUNAVAILABLE {
		t.Errorf("Code = %q, want %q", err.Code, salesbot.EUNAVAILABLE)
	}
	if !errors.Is(err, cause) {
		t.Error("errors.Is(Unavailable(cause), cause) = false; the cause must stay in the chain for logs")
	}
	wrapped := fmt.Errorf("load lead L1: %w", err)
	wantCode(t, wrapped, salesbot.EUNAVAILABLE)
	msg := salesbot.ErrorMessage(wrapped)
	if !strings.Contains(msg, "try again") {
		t.Errorf("message %q does not ask the user to try again", msg)
	}
	if strings.Contains(msg, "10.0.0.7") || strings.Contains(msg, "pool") {
		t.Errorf("message %q leaks the cause", msg)
	}
	if !strings.Contains(err.Error(), cause.Error()) {
		t.Errorf("Error() = %q: want the cause in the log text", err.Error())
	}
}

func TestInternal(t *testing.T) {
	cause := errors.New("WRONGTYPE Operation against a key holding the wrong kind of value")
	err := salesbot.Internal(cause)
	if !errors.Is(err, cause) {
		t.Error("errors.Is(Internal(cause), cause) = false; the cause must stay in the chain for logs")
	}
	wrapped := fmt.Errorf("update lead L1: %w", err)
	wantCode(t, wrapped, salesbot.EINTERNAL)
	msg := salesbot.ErrorMessage(wrapped)
	if !strings.Contains(msg, "went wrong on our side") || strings.Contains(msg, "try again") {
		t.Errorf("message %q: want our fault said, and no invitation to try again", msg)
	}
	if strings.Contains(msg, "WRONGTYPE") {
		t.Errorf("message %q leaks the cause", msg)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  *salesbot.Error
		want string
	}{
		{salesbot.Errorf(salesbot.EINVALID, "%q is not a grade.", "E"), `invalid: "E" is not a grade.`},
		{&salesbot.Error{Code: salesbot.EINTERNAL, Message: "oops", Err: errors.New("nil map")}, "internal: oops: nil map"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	if salesbot.Errorf(salesbot.EINVALID, "x").Unwrap() != nil {
		t.Error("Errorf(...).Unwrap() != nil: a fresh error has no cause")
	}
}
