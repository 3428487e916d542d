package chart

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// realign copies the font whose table directory starts at offset in data
// (0 for a .ttf; a member's offset in a .ttc) into a standalone font whose
// tables all start on a 4-byte boundary, as the OpenType spec asks.
//
// It exists for WenQuanYi's fonts (Debian's fonts-wqy-microhei and
// fonts-wqy-zenhei), whose tables are not aligned: golang.org/x/image's
// sfnt parser rejects them with "sfnt: invalid table offset"
// (https://github.com/golang/go/issues/46384). The tables themselves are
// copied byte for byte; only their offsets in the directory change.
func realign(data []byte, offset int) ([]byte, error) {
	const headerLen, recordLen = 12, 16
	if offset < 0 || offset > len(data)-headerLen {
		return nil, errors.New("font header out of range")
	}
	numTables := int(binary.BigEndian.Uint16(data[offset+4:]))
	dirLen := headerLen + recordLen*numTables
	if offset+dirLen > len(data) {
		return nil, errors.New("font table directory out of range")
	}
	size := dirLen
	for i := 0; i < numTables; i++ {
		rec := data[offset+headerLen+recordLen*i:]
		start, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if start < 0 || length < 0 || start > len(data) || length > len(data)-start {
			return nil, fmt.Errorf("font table %q out of range", rec[:4])
		}
		size += pad4(length)
	}
	out := make([]byte, dirLen, size)
	copy(out, data[offset:offset+dirLen])
	for i := 0; i < numTables; i++ {
		rec := out[headerLen+recordLen*i:]
		start, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		out = append(out, data[start:start+length]...)
		out = append(out, make([]byte, pad4(int(length))-int(length))...)
	}
	return out, nil
}

// pad4 is n rounded up to a multiple of 4.
func pad4(n int) int {
	return (n + 3) &^ 3
}

// collectionOffset is where the i-th font of a .ttc starts.
func collectionOffset(data []byte, i int) (int, error) {
	const headerLen = 12
	at := headerLen + 4*i
	if i < 0 || at+4 > len(data) {
		return 0, fmt.Errorf("font %d of the collection out of range", i)
	}
	return int(binary.BigEndian.Uint32(data[at:])), nil
}
