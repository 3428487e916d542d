package store

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// TestForgedCounts: a count in a version 4 lead that the bytes after it
// cannot hold fails before anything is allocated for it, whether the
// value is short (a 1 KB value claiming a million stakeholders) or not.
func TestForgedCounts(t *testing.T) {
	for _, tt := range []struct {
		claim, size, rest int
		ok                bool
	}{
		{1 << 20, minStakeholder, 1000, false},
		{1000 / minStakeholder, minStakeholder, 1000, true},
		{1000/minStakeholder + 1, minStakeholder, 1000, false},
		{251, minFact, 1000, false},
		{250, minFact, 1000, true},
	} {
		r := &leadReader{s: string(binary.AppendUvarint(nil, uint64(tt.claim))) + strings.Repeat("\x00", tt.rest)}
		n := r.count(tt.size)
		if ok := r.err == nil; ok != tt.ok || (ok && n != tt.claim) || (!ok && n != 0) {
			t.Errorf("%d items of at least %d B in %d B: count %d, err %v; want ok=%v", tt.claim, tt.size, tt.rest, n, r.err, tt.ok)
		}
	}
}

// TestInflateBomb: a packed value that would decompress to more than
// maxInflated (16 MiB of zeros deflate to a few kilobytes) fails to
// unpack instead of filling memory, in both packed formats.
func TestInflateBomb(t *testing.T) {
	zeros := make([]byte, 16<<20)
	var b bytes.Buffer
	if err := deflateDict(&b, zeros); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 64<<10 {
		t.Fatalf("the bomb is %d B; want a few KB", b.Len())
	}
	if _, err := inflateDict(nil, b.Bytes()); !errors.Is(err, errTooLarge) {
		t.Errorf("inflating the z2 bomb: %v; want %v", err, errTooLarge)
	}
	if _, err := unpack(packMark + b.String()); !errors.Is(err, errTooLarge) {
		t.Errorf("unpacking the z2 bomb: %v; want %v", err, errTooLarge)
	}
	var plain bytes.Buffer
	w, err := flate.NewWriter(&plain, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(zeros); err != nil || w.Close() != nil {
		t.Fatal("deflate the z1 bomb")
	}
	if _, err := unpack(packMark1 + plain.String()); !errors.Is(err, errTooLarge) {
		t.Errorf("unpacking the z1 bomb: %v; want %v", err, errTooLarge)
	}
}
