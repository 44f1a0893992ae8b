//go:build js && wasm

package main

import (
	"strings"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// version is the library's version, mk.version.
const version = "0.2.0"

// bindings holds the state behind the JS API.
type bindings struct {
	g       glue
	pending *misskey.PendingSignIns

	mu       sync.Mutex
	accounts *misskey.AccountStore
	storage  string // "local", "session" or "memory"
}

// newAPI makes the Go functions misskey.js builds the API object around
// (its build), and the API object.
func newAPI(g glue) (safejs.Value, error) {
	none := safejs.Undefined()
	b := &bindings{g: g}
	// Pending sign-ins survive the redirect, also into a new tab: localStorage.
	pendingStore, ok := g.webStorage("local")
	if !ok {
		pendingStore = misskey.NewMemoryStorage()
	}
	b.pending = &misskey.PendingSignIns{Storage: pendingStore}
	if err := b.setStorage(""); err != nil {
		return none, err
	}
	misskey.DefaultTransport = glueTransport{g}
	misskey.DefaultDialer = glueDialer{g}
	fns := []any{
		"version", version,
		"maxBytes", misskey.DefaultMaxResponseBytes,
		// error(code, endpoint, message): a MisskeyError of misskey.js's own
		// checks (INVALID_ARGUMENT, ABORTED).
		"error", g.export(func(args []safejs.Value) (any, error) {
			return toJSError(&misskey.Error{Code: str(args, 0), Endpoint: str(args, 1), Message: str(args, 2)}), nil
		}),
		"parseOrigin", g.export(func(args []safejs.Value) (any, error) { return misskey.ParseOrigin(str(args, 0), flag(args, 1)) }),
		"permissions", g.export(func([]safejs.Value) (any, error) { return strings.Join(misskey.Permissions, ","), nil }),
		"setStorage", g.export(func(args []safejs.Value) (any, error) { return nil, b.setStorage(str(args, 0)) }),
		"storage", g.export(func([]safejs.Value) (any, error) {
			b.mu.Lock()
			defer b.mu.Unlock()
			return b.storage, nil
		}),
	}
	fns = append(fns, b.callFuncs()...)
	fns = append(fns, b.signInFuncs()...)
	fns = append(fns, b.oauthFuncs()...)
	fns = append(fns, b.accountFuncs()...)
	fns = append(fns, b.streamFuncs()...)
	fns = append(fns, b.feedFuncs()...)
	return g.build.Invoke(fns)
}

// setStorage chooses where accounts (and so tokens) are kept: "local"
// (localStorage, the default where it works), "session" (sessionStorage) or
// "memory" (forgotten with the page). "" is the default: local, else memory.
func (b *bindings) setStorage(kind string) error {
	var s misskey.Storage
	if kind == "" {
		var ok bool
		if s, ok = b.g.webStorage("local"); ok {
			kind = "local"
		} else {
			s, kind = misskey.NewMemoryStorage(), "memory"
		}
	} else {
		var err error
		if s, err = b.g.openStorage(kind); err != nil {
			return err
		}
	}
	b.mu.Lock()
	b.accounts, b.storage = &misskey.AccountStore{Storage: s}, kind
	b.mu.Unlock()
	return nil
}

func (b *bindings) accountStore() *misskey.AccountStore {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.accounts
}
