package store

import (
	"errors"
	"fmt"
	"strings"

	"salesbot"
)

// teamsKey is the one key outside any team: the set of teams with data, for
// the scheduler to walk. It has no hash tag, so it is never part of a team's
// transaction.
const teamsKey = "sb:teams"

// teamsBuiltKey marks sb:teams as rebuilt from the keys (see Store.Teams).
// Its hash tag {sb:teams} hashes as sb:teams does, so both are in one slot,
// on one node: what loses the one loses the other.
const teamsBuiltKey = "{sb:teams}:built"

// keys names the keys of one team. Every one starts with sb:{T}:, so that the
// braces make Redis Cluster hash them all by the team alone: a team's keys
// share one slot, and scripts, transactions and multi-key commands across
// them work on a cluster as they do on one server.
type keys struct{ prefix string }

var errNoTeam = errors.New("no team given")

func keysOf(team string) (keys, error) {
	switch {
	case team == "":
		return keys{}, errNoTeam
	case strings.ContainsAny(team, "{}"):
		// A brace would move the hash tag and split the team across slots.
		return keys{}, fmt.Errorf("team %q has a brace in it", team)
	}
	return keys{prefix: "sb:{" + team + "}:"}, nil
}

// team is the team whose keys these are.
func (k keys) team() string { return k.prefix[len("sb:{") : len(k.prefix)-len("}:")] }

func (k keys) lead(id string) string    { return k.prefix + "lead:" + id }
func (k keys) history(id string) string { return k.prefix + "history:" + id }
func (k keys) visits(id string) string  { return k.prefix + "visits:" + id }
func (k keys) owner(user string) string { return k.prefix + "owner:" + user }
func (k keys) names() string            { return k.prefix + "names" }

// slotGuard is a key nothing ever writes. A read script that finds keys by
// what it reads (a lead by the ID a name index gives) declares it among its
// KEYS: while the team's slot moves between Cluster masters, Redis then
// refuses the script (TRYAGAIN: a key missing beside keys present, or on
// the importing master) rather than run it on a half-moved slot, where the
// lead a name points at may be read as missing ("no such lead"). Elsewhere
// a missing declared key changes nothing. Scripts that write a new key (a
// receipt, a new lead) are refused the same way already.
func (k keys) slotGuard() string           { return k.prefix + "slot:guard" }
func (k keys) sortedNames() string         { return k.prefix + "names:sorted" }
func (k keys) innerNames() string          { return k.prefix + "names:inner" }
func (k keys) leads() string               { return k.prefix + "leads" }
func (k keys) due() string                 { return k.prefix + "due" }
func (k keys) pool() string                { return k.prefix + "pool" }
func (k keys) inflight() string            { return k.prefix + "inflight" }
func (k keys) leases() string              { return k.prefix + "leases" }
func (k keys) attempts() string            { return k.prefix + "attempts" }
func (k keys) pause() string               { return k.prefix + "pause" }
func (k keys) once(name string) string     { return k.prefix + "once:" + name }
func (k keys) mark(name string) string     { return k.prefix + "mark:" + name }
func (k keys) activity() string            { return k.prefix + "activity" }
func (k keys) managers() string            { return k.prefix + "managers" }
func (k keys) receipt(token string) string { return k.prefix + "receipt:" + token }
func (k keys) lang() string                { return k.prefix + "lang" }
func (k keys) prefs() string               { return k.prefix + "prefs" }

// sortedName is a lead's member of the sorted names, the index that
// ZRANGEBYLEX searches for names starting with a word: "<name>\x00<id>",
// scored 0 like all the others.
func sortedName(name, id string) string { return name + "\x00" + id }

// nameIndexes queues the lead's entries in the name indexes: its normalised
// name in the sorted names, and each of its InnerNames in the inner names,
// so that a partial look-up is a range of either.
func nameIndexes(b *batch, k keys, l *salesbot.Lead, name string) {
	b.do("ZADD", k.sortedNames(), 0, sortedName(name, l.ID))
	inner := salesbot.InnerNames(l.Company)
	if len(inner) == 0 {
		return
	}
	args := make([]any, 0, 2*len(inner))
	for _, tail := range inner {
		args = append(args, 0, sortedName(tail, l.ID))
	}
	b.do("ZADD", k.innerNames(), args...)
}
