package store

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"slices"

	"github.com/redis/go-redis/v9"
)

// runWrites is the Lua that the write scripts end with: it runs the writes
// packed into ARGV from index i on, each as its number of words, then the
// words (command name first).
const runWrites = `
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  redis.call(unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
`

// guardedScript runs a batch of writes only if every guard still holds, in
// one step on the server: a compare-and-set that needs no WATCH, and so no
// round trip besides its own. A guard is a key, a field and the value
// expected. With a field, the hash field must hold that value ("" for
// absent). Without one, the key's value must have that SHA-1 (its
// revision; "" for a missing key). It returns {1} when it wrote, and
// {0, what the failed guard found} when it wrote nothing: a caller whose
// reply was lost and whose command was sent again (go-redis retries once)
// finds its own write there, and knows it landed.
//
// KEYS: every key read or written (for Cluster's routing and slot check).
// ARGV: the number of guards, three words per guard, then the writes.
var guardedScript = redis.NewScript(`
local g = tonumber(ARGV[1])
for j = 0, g - 1 do
  local key, field, want = ARGV[2 + 3 * j], ARGV[3 + 3 * j], ARGV[4 + 3 * j]
  local have
  if field == '' then
    local v = redis.call('GET', key)
    have = v and redis.sha1hex(v) or ''
  else
    have = redis.call('HGET', key, field) or ''
  end
  if have ~= want then return {0, have} end
end
local i = 2 + 3 * g
` + runWrites + `
return {1}
`)

// revision names a stored value's version: the SHA-1 of its bytes, which
// the guarded script compares with redis.sha1hex.
func revision(raw []byte) string {
	sum := sha1.Sum(raw)
	return hex.EncodeToString(sum[:])
}

// batch is a list of writes for one team, packed as the write scripts read
// them, with every key it touches.
type batch struct {
	keys []string
	args []any
}

// do queues one write; its key is the word after the command's name.
func (b *batch) do(cmd string, key string, args ...any) {
	b.args = append(b.args, 2+len(args), cmd, key)
	b.args = append(b.args, args...)
	if !slices.Contains(b.keys, key) {
		b.keys = append(b.keys, key)
	}
}

// guard is one condition of a guarded write (see guardedScript).
type guard struct{ key, field, want string }

// unchanged is the guard that a key still holds the value read, by its
// revision ("" for a key that did not exist).
func unchanged(key, rev string) guard { return guard{key: key, want: rev} }

// guarded runs b if every guard holds. It reports whether it wrote and,
// when it did not, what the first failed guard found.
func (s *Store) guarded(ctx context.Context, guards []guard, b *batch) (bool, string, error) {
	keys := slices.Clone(b.keys)
	args := make([]any, 0, 1+3*len(guards)+len(b.args))
	args = append(args, len(guards))
	for _, g := range guards {
		args = append(args, g.key, g.field, g.want)
		if !slices.Contains(keys, g.key) {
			keys = append(keys, g.key)
		}
	}
	args = append(args, b.args...)
	res, err := guardedScript.Run(ctx, s.client, keys, args...).Slice()
	if err != nil {
		return false, "", err
	}
	if len(res) > 1 {
		found, _ := res[1].(string)
		return false, found, nil
	}
	return true, "", nil
}
