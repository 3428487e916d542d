package store

import (
	"context"

	"salesbot"
)

// The settled inquiries a removal reaches: those listed under the lead
// (leadInquiries), the one it came from and those closed because of it.
// Each is kept for a while after it settles (settledTTL) with its company,
// its notes and the lead's ID, so a person's removal scrubs their name
// from its notes and a lead's deletion deletes it with its copies, in the
// same guarded script as the rest.

// leadInquiries is what a removal read of the inquiries naming a lead:
// the list of their IDs as read and, of those still kept, each one's
// stored JSON by ID.
type leadInquiries struct {
	key string
	ids []string
	raw map[string]string
}

// readLeadInquiries reads the settled inquiries listed under a lead, given
// the list as read (ids): one more round trip only when there are any.
func (s *Store) readLeadInquiries(ctx context.Context, k keys, id string, ids []string) (leadInquiries, error) {
	li := leadInquiries{key: k.leadInquiries(id), ids: ids, raw: map[string]string{}}
	if len(ids) == 0 {
		return li, nil
	}
	keys := make([]string, len(ids))
	for i, q := range ids {
		keys[i] = k.inquiry(q)
	}
	vals, err := s.client.MGet(ctx, keys...).Result()
	if err != nil {
		return li, err
	}
	for i, v := range vals {
		if raw, ok := v.(string); ok {
			li.raw[ids[i]] = raw
		}
	}
	return li, nil
}

// guards are the conditions of a removal's write on the inquiries: the
// list under the lead as read, and each inquiry as read.
func (li leadInquiries) guards(k keys) []guard {
	gs := []guard{{key: li.key, field: listGuard, want: listDigest(li.ids)}}
	for _, id := range li.ids {
		if raw, ok := li.raw[id]; ok {
			gs = append(gs, unchanged(k.inquiry(id), revision([]byte(raw))))
		}
	}
	return gs
}

// scrub queues each inquiry that names the person rewritten without the
// name, keeping the time it has left. One that does not decode is left
// as it is: it names no one the bot can read.
func (li leadInquiries) scrub(b *batch, k keys, sc salesbot.Scrub) error {
	for _, id := range li.ids {
		raw, ok := li.raw[id]
		if !ok {
			continue
		}
		q, err := decodeInquiry([]byte(raw), k.team())
		if err != nil || !sc.Inquiry(q) {
			continue
		}
		enc, err := encodeInquiry(q)
		if err != nil {
			return bug{err}
		}
		b.do("SET", k.inquiry(id), enc, "KEEPTTL")
	}
	return nil
}

// deletes queues the deletion of the inquiries, their copies and the
// list under the lead.
func (li leadInquiries) deletes(b *batch, k keys) {
	for _, id := range li.ids {
		b.do("DEL", k.inquiry(id))
		b.do("DEL", k.inquiryCopies(id))
	}
	b.do("DEL", li.key)
}
