package salesbot_test

import (
	"testing"

	"salesbot"
)

func TestSightOf(t *testing.T) {
	owner, rep, manager := salesbot.Actor{User: "U0OWNER"}, salesbot.Actor{User: "U0REP"}, salesbot.Actor{User: "U0MGR", Manager: true}
	open := &salesbot.Lead{Owner: owner.User, Stage: salesbot.StageDemo}
	lost := &salesbot.Lead{Owner: owner.User, Stage: salesbot.StageLost}
	for _, c := range []struct {
		l     *salesbot.Lead
		a     salesbot.Actor
		named bool
		want  salesbot.Sight
	}{
		{open, owner, false, salesbot.SightAll},
		{open, manager, false, salesbot.SightAll},
		{open, rep, false, salesbot.SightNone},
		{open, rep, true, salesbot.SightOwner},
		{lost, rep, false, salesbot.SightPool},
		{lost, rep, true, salesbot.SightPool},
		{lost, owner, false, salesbot.SightAll},
	} {
		if got := c.l.SightOf(c.a, c.named); got != c.want {
			t.Errorf("%s lead, %s, named %v: sight %d, want %d", c.l.Stage, c.a.User, c.named, got, c.want)
		}
	}
}
