package salesbot

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes say what kind of failure an error is, so that the transport can
// turn it into the right reply without knowing where it came from.
const (
	ECONFLICT    = "conflict"    // the thing exists already (a lead registered twice)
	EFORBIDDEN   = "forbidden"   // the actor may not do this (a stranger's lead)
	EINTERNAL    = "internal"    // a bug or an unexpected failure
	EINVALID     = "invalid"     // the input is malformed (bad grade, bad date)
	ENOTFOUND    = "not_found"   // no such lead, stakeholder or user
	EUNAVAILABLE = "unavailable" // a dependency (Redis) is down; try again later
)

// Error is a failure the user can be told about: Message is written for the
// person who typed the command, and says how to do it right where it can.
//
// Format and Args are what Message was made of (set by Errorf), so that the
// transport can word the message in the reader's language.
type Error struct {
	Code    string
	Message string
	Err     error // the cause, for logs; never shown to the user
	Format  string
	Args    []any
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Unavailable wraps a failure of a dependency (Redis down or slow) as an
// EUNAVAILABLE error whose message asks the user to try again.
func Unavailable(err error) *Error {
	const msg = "salesbot can't reach its database right now. Please try again in a moment."
	return &Error{Code: EUNAVAILABLE, Message: msg, Err: err, Format: msg}
}

// Internal wraps an unexpected failure (a bug in a script, a key of the
// wrong type, a stored value that does not decode) as an EINTERNAL error:
// the user is told it went wrong on our side, without being asked to retry
// as if it would pass, and the transport logs the cause at Error level.
func Internal(err error) *Error {
	const msg = "Something went wrong on our side. It is logged; tell your admin if it keeps happening."
	return &Error{Code: EINTERNAL, Message: msg, Err: err, Format: msg}
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// User is a person a message names, by user ID: the domain says who, and
// the transport names them as its medium does (in Slack, a mention that
// shows their name). Errorf's messages pass people as Users, never as
// mention markup.
type User string

// Term is one domain word in a message (a stage's or role's name, a grade's
// meaning, a contact depth): written as it is in English, and translated in
// another language. Errorf and the risks pass the domain's words as Terms;
// any other string argument (a company's or a person's name, what the user
// typed) is shown as it is, even when it spells a term ("Coach", "Won").
type Term string

// Term returns the word, for a translator.
func (t Term) Term() string { return string(t) }

// Terms is a list of domain words (key facts, stages) in a message: written
// "budget, need" in English, and word by word in a translation.
type Terms []string

// String joins the words with commas.
func (t Terms) String() string { return strings.Join(t, ", ") }

// Terms returns the words, for a translator.
func (t Terms) Terms() []string { return t }

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, or a generic one for any other error, so internals never leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again in a moment."
}
