package salesbot_test

import (
	"errors"
	"testing"

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
	if _, err := l.ResolveMet([]string{"Wang Li"}); !errors.Is(err, salesbot.ErrUnknownPerson) || salesbot.ErrorCode(err) != salesbot.EINVALID {
		t.Fatalf("someone not recorded, at a lead with no one: %v; want EINVALID, ErrUnknownPerson", err)
	}
	l.Stakeholders = []salesbot.Stakeholder{{Name: "Li Na"}}
	if _, err := l.ResolveMet([]string{"Wang Li"}); !errors.Is(err, salesbot.ErrUnknownPerson) {
		t.Fatalf("someone not recorded: %v; want ErrUnknownPerson", err)
	}
}
