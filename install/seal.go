// Package install is the OAuth v2 install flow of salesbot as a distributed
// Slack app: the install link and its redirect, the installations it leaves
// (tokens sealed with AES-256-GCM), their refresh, uninstall and the purge
// of a workspace's data once its retention is over. Registry implements
// workspace.Registry over the store.
//
// A key rotation: put the new key first in SALESBOT_ENCRYPTION_KEY
// ("new,old"; the first seals, every one opens), restart every replica, run
// `salesbot rekey` (Registry.Rekey reseals every stored token with the
// first key), then drop the old key and restart again.
package install

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of an encryption key: AES-256.
const KeySize = 32

// keyIDSize is how many bytes of a key's SHA-256 name it in a sealed value.
const keyIDSize = 4

// sealedPrefix starts every sealed value: the format's version.
const sealedPrefix = "v1:"

// ErrUnsealable is returned for a sealed value that no key of the ring
// opens: made with a key since dropped, altered, or copied from the record
// of another workspace or field.
var ErrUnsealable = errors.New("sealed value cannot be opened with the keys of SALESBOT_ENCRYPTION_KEY")

// ParseKeys reads SALESBOT_ENCRYPTION_KEY: one or more standard base64 keys
// of KeySize bytes, separated by commas, the newest first.
func ParseKeys(s string) ([][]byte, error) {
	var keys [][]byte
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, err := base64.StdEncoding.DecodeString(part)
		if err != nil {
			return nil, fmt.Errorf("key %d is not base64 (make one with: openssl rand -base64 32)", i+1)
		}
		if len(k) != KeySize {
			return nil, fmt.Errorf("key %d is %d bytes, not %d (make one with: openssl rand -base64 32)", i+1, len(k), KeySize)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no key given (make one with: openssl rand -base64 32)")
	}
	return keys, nil
}

// Keyring seals with its first key and opens with any of them, so that a
// key can be rotated: add the new key first, restart, rekey, drop the old.
type Keyring struct {
	keys []ringKey
}

type ringKey struct {
	id   []byte
	aead cipher.AEAD
}

// NewKeyring returns a ring of keys, each KeySize bytes, the first of which
// seals.
func NewKeyring(keys [][]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("keyring: no key")
	}
	r := &Keyring{}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("keyring: key %d is %d bytes, not %d", i+1, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %d: %w", i+1, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("keyring: key %d: %w", i+1, err)
		}
		sum := sha256.Sum256(k)
		r.keys = append(r.keys, ringKey{id: sum[:keyIDSize], aead: aead})
	}
	return r, nil
}

// aad binds a sealed value to the owner (team or enterprise) and field it
// was sealed for: copied into another record, it does not open.
func aad(owner, field string) []byte { return []byte("salesbot/install\x00" + owner + "\x00" + field) }

// Seal encrypts plain for the field of owner's installation with the first
// key: "v1:" and the base64 of key ID, nonce and ciphertext. An empty plain
// stays empty.
func (r *Keyring) Seal(plain, owner, field string) (string, error) {
	if plain == "" {
		return "", nil
	}
	k := r.keys[0]
	out := make([]byte, 0, keyIDSize+k.aead.NonceSize()+len(plain)+k.aead.Overhead())
	out = append(out, k.id...)
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	out = append(out, nonce...)
	out = k.aead.Seal(out, nonce, []byte(plain), aad(owner, field))
	return sealedPrefix + base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal made for the same owner and field, with the
// key whose ID it carries. An empty sealed value opens as empty.
func (r *Keyring) Open(sealed, owner, field string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	k, raw, err := r.keyOf(sealed)
	if err != nil {
		return "", err
	}
	n := k.aead.NonceSize()
	if len(raw) < keyIDSize+n {
		return "", ErrUnsealable
	}
	plain, err := k.aead.Open(nil, raw[keyIDSize:keyIDSize+n], raw[keyIDSize+n:], aad(owner, field))
	if err != nil {
		return "", ErrUnsealable
	}
	return string(plain), nil
}

// Current reports whether sealed was made with the ring's first key (an
// empty value is current: there is nothing to reseal).
func (r *Keyring) Current(sealed string) bool {
	if sealed == "" {
		return true
	}
	k, _, err := r.keyOf(sealed)
	return err == nil && bytes.Equal(k.id, r.keys[0].id)
}

// keyOf finds the key a sealed value names, and returns its raw bytes.
func (r *Keyring) keyOf(sealed string) (ringKey, []byte, error) {
	body, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return ringKey{}, nil, ErrUnsealable
	}
	raw, err := base64.RawStdEncoding.Strict().DecodeString(body)
	if err != nil || len(raw) < keyIDSize {
		return ringKey{}, nil, ErrUnsealable
	}
	for _, k := range r.keys {
		if bytes.Equal(k.id, raw[:keyIDSize]) {
			return k, raw, nil
		}
	}
	return ringKey{}, nil, ErrUnsealable
}
