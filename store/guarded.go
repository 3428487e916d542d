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
// words (command name first). One write is not a Redis command: xaddAt.
const runWrites = `
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  if ARGV[i + 1] == '` + xaddAt + `' then
    local key, ms = ARGV[i + 2], tonumber(ARGV[i + 3])
    local id = string.format('%.0f-0', ms)
    local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)[1]
    if last then
      local lms, lseq = string.match(last[1], '^(%d+)-(%d+)$')
      if tonumber(lms) >= ms then id = lms .. '-' .. string.format('%.0f', tonumber(lseq) + 1) end
    end
    redis.call('XADD', key, 'MAXLEN', '~', ARGV[i + 4], id, unpack(ARGV, i + 5, i + n))
  else
    redis.call(unpack(ARGV, i + 1, i + n))
  end
  i = i + n + 1
end
`

// xaddAt is the write "xaddAt key ms maxlen field value...": XADD at the
// millisecond ms, or just after the stream's last entry when that is not
// earlier, so that entries stay in the order written whatever their times
// (see WithChangeTime).
const xaddAt = "xaddAt"

// guardedScript runs a batch of writes only if every guard still holds, in
// one step on the server: a compare-and-set that needs no WATCH, and so no
// round trip besides its own. A guard is a key, a field and the value
// expected. With a field, the hash field must hold that value ("" for
// absent); with the field listGuard, the whole list must have that digest
// (listDigest), for a write that rewrites lists read before; with the field
// headGuard, its first n items must have that digest ("<n>:<digest>", n at
// least 1), for a write that replaces them (codec_packed.go). Without one,
// the key's value must have that SHA-1 (its revision; "" for a missing
// key). It returns 1 when it wrote, 0 when a
// guard failed and nothing was written.
//
// Each call names a receipt key of its own, which a write leaves for a
// minute. When the reply to a call is lost and go-redis sends the same call
// again (it retries once), the second run finds the receipt and answers 1
// without writing again, whatever other writers did in between.
//
// KEYS: every key read or written (for Cluster's routing and slot check).
// ARGV: the receipt key, the number of guards, three words per guard, then
// the writes.
var guardedScript = redis.NewScript(`
local receipt = ARGV[1]
if redis.call('EXISTS', receipt) == 1 then return 1 end
local g = tonumber(ARGV[2])
for j = 0, g - 1 do
  local key, field, want = ARGV[3 + 3 * j], ARGV[4 + 3 * j], ARGV[5 + 3 * j]
  local have
  if field == '' then
    local v = redis.call('GET', key)
    have = v and redis.sha1hex(v) or ''
  elseif field == '` + listGuard + `' then
    have = redis.sha1hex(table.concat(redis.call('LRANGE', key, 0, -1), '\n'))
  elseif field == '` + headGuard + `' then
    local n = tonumber(string.match(want, '^(%d+):'))
    have = n .. ':' .. redis.sha1hex(table.concat(redis.call('LRANGE', key, 0, n - 1), '\n'))
  else
    have = redis.call('HGET', key, field) or ''
  end
  if have ~= want then return 0 end
end
local i = 3 + 3 * g
` + runWrites + `
redis.call('SET', receipt, '1', 'PX', ` + receiptTTL + `)
return 1
`)

// receiptTTL is how long, in milliseconds, a guarded write's receipt lasts:
// far longer than go-redis takes to send a call again.
const receiptTTL = "60000"

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

// guarded runs b, writes to the team k, if every guard holds, and keeps
// the team listed (see listTeam). It reports whether it wrote.
func (s *Store) guarded(ctx context.Context, k keys, guards []guard, b *batch) (bool, error) {
	if err := s.listTeam(ctx, k, b); err != nil {
		return false, err
	}
	receipt := k.receipt(newID() + newID())
	keys := append(slices.Clone(b.keys), receipt)
	args := make([]any, 0, 2+3*len(guards)+len(b.args))
	args = append(args, receipt, len(guards))
	for _, g := range guards {
		args = append(args, g.key, g.field, g.want)
		if !slices.Contains(keys, g.key) {
			keys = append(keys, g.key)
		}
	}
	args = append(args, b.args...)
	n, err := guardedScript.Run(ctx, s.client, keys, args...).Int()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}
