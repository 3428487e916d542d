package salesbot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"salesbot"
)

// TestVisitErrorCauses: the refusals a form shows under one of its inputs
// carry a cause that says which input (a touch's date, a next step's date,
// the people met), and only those.
func TestVisitErrorCauses(t *testing.T) {
	today := salesbot.Date{Year: 2026, Month: 11, Day: 24}
	if err := salesbot.CheckVisitDate(today.AddDays(1), today); !errors.Is(err, salesbot.ErrVisitDate) || errors.Is(err, salesbot.ErrNextDate) {
		t.Fatalf("a touch tomorrow: %v; want ErrVisitDate", err)
	}
	if err := salesbot.CheckVisitDate(today.AddDays(-4000), today); !errors.Is(err, salesbot.ErrVisitDate) {
		t.Fatalf("a touch 11 years ago: %v; want ErrVisitDate", err)
	}
	if err := salesbot.CheckNextDate(today.AddDays(-1), today); !errors.Is(err, salesbot.ErrNextDate) || errors.Is(err, salesbot.ErrVisitDate) {
		t.Fatalf("a next step yesterday: %v; want ErrNextDate", err)
	}
	if err := salesbot.CheckNextDate(today.AddDays(salesbot.MaxPlanDays+1), today); !errors.Is(err, salesbot.ErrNextDate) {
		t.Fatalf("a next step past the year: %v; want ErrNextDate", err)
	}
	if salesbot.CheckVisitDate(today, today) != nil || salesbot.CheckNextDate(today, today) != nil || salesbot.CheckNextDate(salesbot.Date{}, today) != nil {
		t.Fatal("today refused")
	}
	l := &salesbot.Lead{Company: "Acme"}
	for _, people := range [][]salesbot.Stakeholder{nil, {{Name: "Li Na"}}} {
		l.Stakeholders = people
		_, err := l.ResolveMet([]string{"Wang  Li"})
		var who *salesbot.UnknownPersonError
		if !errors.As(err, &who) || who.Company != "Acme" || who.Name != "Wang Li" || salesbot.ErrorCode(err) != salesbot.EINVALID {
			t.Fatalf("someone not recorded among %v: %v (%+v); want EINVALID caused by Wang Li at Acme", people, err, who)
		}
	}
}

// TestVisitErrorsSpeakNoCommands: what the domain says of a touch or a
// person refused names no slash command and no command syntax; how to
// write it is the handlers' to add, in the words of the way it was asked.
func TestVisitErrorsSpeakNoCommands(t *testing.T) {
	today := salesbot.Date{Year: 2026, Month: 11, Day: 24}
	l := &salesbot.Lead{Company: "Acme", Stakeholders: []salesbot.Stakeholder{{Name: "Li Na"}}}
	_, unknown := l.ResolveMet([]string{"Wang Li"})
	_, nobody := (&salesbot.Lead{Company: "Acme"}).ResolveMet([]string{"Wang Li"})
	_, noName := (&salesbot.Lead{Company: "Acme", Owner: "UREP"}).SetStakeholder(salesbot.Actor{User: "UREP"}, salesbot.Stakeholder{Role: salesbot.RoleUser, Influence: salesbot.InfluenceLow}, time.Now())
	for _, err := range []error{
		salesbot.CheckVisitDate(today.AddDays(2), today), salesbot.CheckNextDate(today.AddDays(-2), today),
		unknown, nobody, noName,
	} {
		msg := salesbot.ErrorMessage(err)
		if err == nil || strings.Contains(msg, "/stance") || strings.Contains(msg, "next:") || strings.Contains(msg, "met:") || strings.Contains(msg, "`") {
			t.Errorf("domain error %q names a command or its syntax", msg)
		}
	}
}
