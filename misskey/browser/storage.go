//go:build js && wasm

package browser

import (
	"strings"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// webStorage is a misskey.Storage over a Storage object (localStorage,
// sessionStorage).
type webStorage struct{ v safejs.Value }

// LocalStorage returns localStorage as a misskey.Storage, or false where
// it does not exist or refuses to store (a sandboxed frame, some private
// modes).
func LocalStorage() (misskey.Storage, bool) { return webStorageOf("localStorage") }

// SessionStorage returns sessionStorage (kept per tab, until it closes).
func SessionStorage() (misskey.Storage, bool) { return webStorageOf("sessionStorage") }

func webStorageOf(name string) (misskey.Storage, bool) {
	v, err := jsutil.Prop(jsutil.Global, name) // the getter throws in sandboxed frames
	if err != nil || jsutil.TypeOf(v) != safejs.TypeObject || v.IsNull() {
		return nil, false
	}
	s := webStorage{v}
	const probe = "misskey-wasm:probe"
	if s.Set(probe, "1") != nil {
		return nil, false
	}
	s.Delete(probe)
	return s, true
}

func (s webStorage) Get(key string) (string, bool) {
	v, err := s.v.Call("getItem", key)
	if err != nil || jsutil.TypeOf(v) != safejs.TypeString {
		return "", false
	}
	str, err := v.String()
	return str, err == nil
}

func (s webStorage) Set(key, value string) error {
	if _, err := s.v.Call("setItem", key, value); err != nil {
		// Not quoted: the browser's message quotes the key.
		return &misskey.Error{Code: misskey.CodeStorageError, Message: "the browser refused to store the value (the storage is full, or not allowed here)"}
	}
	return nil
}

func (s webStorage) Delete(key string) { _, _ = s.v.Call("removeItem", key) }

func (s webStorage) Keys(prefix string) []string {
	n := jsutil.Length(s.v)
	var out []string
	for i := 0; i < n; i++ {
		k, err := s.v.Call("key", i)
		if err != nil || jsutil.TypeOf(k) != safejs.TypeString {
			continue
		}
		if ks, _ := k.String(); strings.HasPrefix(ks, prefix) {
			out = append(out, ks)
		}
	}
	return out
}

// OpenStorage returns the storage of a kind: "local" (localStorage),
// "session" (sessionStorage) or "memory" (a new MemoryStorage). An
// unavailable browser storage is a STORAGE_ERROR; an unknown kind,
// INVALID_ARGUMENT.
func OpenStorage(kind string) (misskey.Storage, error) {
	var s misskey.Storage
	ok := true
	switch kind {
	case "local":
		s, ok = LocalStorage()
	case "session":
		s, ok = SessionStorage()
	case "memory":
		s = misskey.NewMemoryStorage()
	default:
		return nil, &misskey.Error{Code: misskey.CodeInvalidArgument, Message: `storage must be "local", "session" or "memory"`}
	}
	if !ok {
		return nil, &misskey.Error{Code: misskey.CodeStorageError, Message: kind + "Storage is not available here"}
	}
	return s, nil
}
