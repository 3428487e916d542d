package store

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"salesbot"
)

// A lead's history and visits lists keep their newest entries one an
// element (what the card, the digest and the reminders read) and pack
// older ones: a packed element holds many entries, newest first, one a
// line, compressed with DEFLATE, behind packMark. A list is so its hot
// entries, newest first, then packed elements, newer before older; lists
// written before issue 14 have no packed element and read as they did.
// Since z2, a hot entry is itself packed alone (packOne): the preset
// dictionary takes a visit to about 60% of its JSON, at a microsecond or
// two to read; hot entries written before are JSON, and read so.
//
// A write packs when the entries pushed to the lead's lists since it last
// packed reach packAt (the stored lead counts them, storedLead.Pending) and
// it has the lists' heads (headRead elements of each), which the scripts
// that read a lead return with it once the count is near (headsLua): so
// packing costs no round trip. When they are not at hand, the count grows
// and a later write packs. It keeps the newest hotKeep entries of each as
// they are, and packs the others, with the newest packed element when that
// is small (under chunkEntries entries and chunkMax bytes), into elements
// of at most chunkEntries entries. A list keeps at most listMax elements,
// and its readers its newest listMax entries.

const (
	// packMark opens a packed element; JSON never starts with a NUL.
	// Elements packed before the preset dictionary (z1) are plain DEFLATE;
	// those packed since (z2) are deflated with packDict (codec_dict.go),
	// which packs short entries, even one alone, much tighter.
	packMark  = "\x00z2"
	packMark1 = "\x00z1"
	// hotKeep is how many of a list's newest entries stay elements of
	// their own: the card and the reminders read the last visit.
	hotKeep = 1
	// packAt is how many entries pushed since the last pack make a write
	// pack; the lead's readers return the lists' heads from packSoon on
	// (a visit pushes two entries).
	packAt   = 8
	packSoon = packAt - 2
	// headRead bounds the elements a packing write reads of each list.
	headRead = 64
	// chunkEntries and chunkMax bound the packed element a pack adds to
	// (its entries and their bytes), so that packing never rewrites much;
	// chunkEntries also bounds the entries one packed element holds.
	chunkEntries = 32
	chunkMax     = 4 << 10
)

// headsLua is the Lua of heads(hkey, vkey, lead): the first headRead
// elements of a lead's history (hkey) and visits (vkey) when the stored
// lead's count of entries pending packing is packSoon or more, else an
// empty table. The count is a version 4 lead's second byte, or a version
// 3 lead's "pk" right after its "v" (an absent one is 0), so finding it
// costs a byte or a few bytes' match, not a decoding.
var headsLua = fmt.Sprintf(`
local function heads(hkey, vkey, lead)
  local pk
  if string.byte(lead, 1) == %d then
    pk = string.byte(lead, 2)
  else
    pk = string.match(lead, '^{"v":%d,"pk":(%%d+)')
  end
  if not pk or tonumber(pk) < %d then return {} end
  return {redis.call('LRANGE', hkey, 0, %d), redis.call('LRANGE', vkey, 0, %d)}
end
`, leadMark4, leadVersion, packSoon, headRead-1, headRead-1)

// headsOf reads the heads a script returned (see headsLua) of the lead id.
func headsOf(k keys, id string, reply any) []listHead {
	hs := asSlice(reply)
	if len(hs) != 2 {
		return nil
	}
	heads := make([]listHead, 2)
	for i, key := range []string{k.history(id), k.visits(id)} {
		var raws []string
		for _, raw := range asSlice(hs[i]) {
			s, _ := raw.(string)
			raws = append(raws, s)
		}
		heads[i] = readHead(key, raws)
	}
	return heads
}

// leadForWriteScript reads a lead, with its lists' heads when a write of
// it may pack them (headsLua): {lead, heads}, or {} for none.
//
// KEYS: the lead, its history, its visits.
var leadForWriteScript = redis.NewScript(headsLua + `
local lead = redis.call('GET', KEYS[1])
if not lead then return {} end
return {lead, heads(KEYS[2], KEYS[3], lead)}
`)

// getLeadForWrite is getLead for a write: it remembers, with the lead's
// revision, its lists' heads when the write may pack them.
func (s *Store) getLeadForWrite(ctx context.Context, k keys, id string) (*salesbot.Lead, error) {
	res, err := leadForWriteScript.Run(ctx, s.client, []string{k.lead(id), k.history(id), k.visits(id)}).Slice()
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return nil, salesbot.Errorf(salesbot.ENOTFOUND, "No such lead")
	}
	data, _ := res[0].(string)
	l, err := s.readLead([]byte(data), k.team())
	if err != nil {
		return nil, err
	}
	if len(res) > 1 {
		if heads := headsOf(k, id, res[1]); heads != nil {
			s.revs.setHeads(l, heads)
		}
	}
	return l, nil
}

// isPacked reports whether a list element is a packed one.
func isPacked(raw string) bool {
	return strings.HasPrefix(raw, packMark) || strings.HasPrefix(raw, packMark1)
}

// Decompressors of z1 elements are reused: a new one allocates tens of
// kilobytes, far more than the entries it unpacks. (z2's are in
// codec_dict.go.)
var readers = sync.Pool{New: func() any { return flate.NewReader(nil) }}

// pack packs entries (newest first) into one element (z2).
func pack(entries []string) (string, error) {
	data := make([]byte, 0, size(entries))
	for i, e := range entries {
		if strings.Contains(e, "\n") {
			return "", bug{fmt.Errorf("pack entries: entry %d has a newline", i)}
		}
		if i > 0 {
			data = append(data, '\n')
		}
		data = append(data, e...)
	}
	var b bytes.Buffer
	b.Grow(len(packMark) + len(data)/2)
	b.WriteString(packMark)
	if err := deflateDict(&b, data); err != nil {
		return "", bug{fmt.Errorf("pack entries: %w", err)}
	}
	return b.String(), nil
}

// unpack returns the entries of a packed element, newest first.
func unpack(raw string) ([]string, error) {
	var data []byte
	var err error
	if strings.HasPrefix(raw, packMark1) {
		data, err = inflate1(raw[len(packMark1):])
	} else {
		data, err = inflateDict(nil, []byte(raw[len(packMark):]))
	}
	if err != nil {
		return nil, bug{fmt.Errorf("unpack entries: %w", err)}
	}
	if len(data) == 0 {
		return nil, nil
	}
	return strings.Split(string(data), "\n"), nil
}

// inflate1 decompresses the body of a z1 element (no dictionary).
func inflate1(body string) ([]byte, error) {
	r := readers.Get().(io.ReadCloser)
	defer readers.Put(r)
	if err := r.(flate.Resetter).Reset(strings.NewReader(body), nil); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInflated+1))
	if err == nil && len(data) > maxInflated {
		return nil, errTooLarge
	}
	return data, err
}

// expand returns a list's entries, newest first, with its packed elements
// unpacked; one that does not unpack is passed to skip and left out.
func expand[T string | []byte](raws []T, skip func(error)) []string {
	out := make([]string, 0, len(raws))
	for _, raw := range raws {
		s := string(raw)
		if !isPacked(s) {
			out = append(out, s)
			continue
		}
		entries, err := unpack(s)
		if err != nil {
			skip(err)
			continue
		}
		out = append(out, entries...)
	}
	return out
}

// firstN is at most the first n of entries.
func firstN[T any](entries []T, n int) []T {
	if len(entries) > n {
		return entries[:max(n, 0)]
	}
	return entries
}

// headGuard is the field of a guard on a list's first items (see
// guardedScript).
const headGuard = "\x00head"

// guard is the guard that the list's head is still as read: a packing
// write replaces it, and only it. The rest of the list may change
// meanwhile (a removal scrubbing an older packed element): it is kept as
// it is then. It reports false for an empty head, which needs none.
func (h listHead) guard() (guard, bool) {
	items := h.hotRaw
	if h.packed != "" {
		items = append(slices.Clone(items), h.packed)
	}
	if len(items) == 0 {
		return guard{}, false
	}
	return guard{key: h.key, field: headGuard, want: fmt.Sprintf("%d:%s", len(items), listDigest(items))}, true
}

// listHead is the head of a list as a packing write reads it: its hot
// entries (newest first), each an element of its own (hotRaw, as stored:
// plain, or packed alone), and the packed element of many after them, if
// any.
type listHead struct {
	key    string
	hot    []string
	hotRaw []string
	packed string
}

// readHead splits the first elements of a list (LRANGE 0 headRead-1).
func readHead(key string, raws []string) listHead {
	h := listHead{key: key}
	for _, raw := range raws {
		entry := raw
		if isPacked(raw) {
			entries, err := unpack(raw)
			if err != nil || len(entries) != 1 {
				h.packed = raw
				break
			}
			entry = entries[0]
		}
		h.hot, h.hotRaw = append(h.hot, entry), append(h.hotRaw, raw)
	}
	return h
}

// packOne is the element that holds entry alone: packed, which with the
// dictionary takes about 60% of a visit's bytes and of a change's.
func packOne(entry string) (string, error) { return pack([]string{entry}) }

// packWrites queues the writes that push fresh entries (newest first) on a
// list whose head is h, and pack all but its newest hotKeep entries.
func packWrites(b *batch, h listHead, fresh []string) error {
	all := append(append([]string{}, fresh...), h.hot...)
	if len(all) <= hotKeep {
		if len(fresh) > 0 {
			return pushNewest(b, h.key, fresh)
		}
		return nil
	}
	cold, consumed := all[hotKeep:], len(h.hot)
	if h.packed != "" {
		// One that does not unpack is left as it is, behind the new ones.
		if older, err := unpack(h.packed); err == nil && len(older) < chunkEntries && size(older) < chunkMax {
			cold, consumed = append(append([]string{}, cold...), older...), consumed+1
		}
	}
	cold = firstN(cold, listMax-hotKeep)
	var args []any // oldest first, as LPUSH takes them
	for i := (len(cold) - 1) / chunkEntries * chunkEntries; i >= 0; i -= chunkEntries {
		chunk, err := pack(cold[i:min(i+chunkEntries, len(cold))])
		if err != nil {
			return err
		}
		args = append(args, chunk)
	}
	b.do("LTRIM", h.key, consumed, -1)
	for i := hotKeep - 1; i >= 0; i-- {
		one, err := packOne(all[i])
		if err != nil {
			return err
		}
		args = append(args, one)
	}
	b.do("LPUSH", h.key, args...)
	b.do("LTRIM", h.key, 0, listMax-1)
	return nil
}

// pushNewest queues the LPUSH of entries given newest first, each packed
// alone (packOne).
func pushNewest(b *batch, key string, entries []string) error {
	args := make([]any, len(entries))
	for i, e := range entries {
		one, err := packOne(e)
		if err != nil {
			return err
		}
		args[len(entries)-1-i] = one
	}
	b.do("LPUSH", key, args...)
	b.do("LTRIM", key, 0, listMax-1)
	return nil
}

func size(entries []string) int {
	n := 0
	for _, e := range entries {
		n += len(e) + 1
	}
	return n
}

// mapPacked applies fn to each entry of a packed element and packs the
// result again when fn changed any; it reports whether it did.
func mapPacked(raw string, fn func(string) (string, bool, error)) (string, bool, error) {
	entries, err := unpack(raw)
	if err != nil {
		return raw, false, nil // unreadable: it names no one the bot can read
	}
	changed := false
	for i, e := range entries {
		out, hit, err := fn(e)
		if err != nil {
			return "", false, err
		}
		if hit {
			entries[i], changed = out, true
		}
	}
	if !changed {
		return raw, false, nil
	}
	packed, err := pack(entries)
	return packed, true, err
}
