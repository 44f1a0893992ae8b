//go:build js && wasm

package main

import (
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
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
	pendingStore, ok := browser.LocalStorage()
	if !ok {
		pendingStore = misskey.NewMemoryStorage()
	}
	b.pending = &misskey.PendingSignIns{Storage: pendingStore}
	if err := b.setStorage(""); err != nil {
		return none, err
	}
	misskey.DefaultTransport = glueTransport{g}
	misskey.DefaultDialer = browser.Dialer{}
	fns := []any{
		"version", version,
		"maxBytes", misskey.DefaultMaxResponseBytes,
		"fetchInit", browser.FetchOptions(false),
		"invalid", g.export(func(args []safejs.Value) (any, error) { return toJSError(argError(str(args, 0))), nil }),
		"aborted", g.export(func(args []safejs.Value) (any, error) {
			return toJSError(&misskey.Error{Code: misskey.CodeAborted, Endpoint: str(args, 0), Message: "the call was cancelled"}), nil
		}),
		"parseOrigin", g.export(func(args []safejs.Value) (any, error) { return misskey.ParseOrigin(str(args, 0), flag(args, 1)) }),
		"permissions", g.export(func([]safejs.Value) (any, error) { return stringsJSON(misskey.Permissions), nil }),
		"setStorage", g.export(func(args []safejs.Value) (any, error) { return nil, b.setStorage(str(args, 0)) }),
		"storage", g.export(func([]safejs.Value) (any, error) {
			b.mu.Lock()
			defer b.mu.Unlock()
			return b.storage, nil
		}),
	}
	fns = append(fns, b.callFuncs()...)
	fns = append(fns, b.signInFuncs()...)
	fns = append(fns, b.accountFuncs()...)
	fns = append(fns, b.streamFuncs()...)
	fns = append(fns, b.feedFuncs()...)
	goFns, err := jsutil.NewObject(fns...)
	if err != nil {
		return none, err
	}
	return g.build.Invoke(goFns)
}

// setStorage chooses where accounts (and so tokens) are kept: "local"
// (localStorage, the default where it works), "session" (sessionStorage) or
// "memory" (forgotten with the page). "" is the default: local, else memory.
func (b *bindings) setStorage(kind string) error {
	var s misskey.Storage
	if kind == "" {
		var ok bool
		if s, ok = browser.LocalStorage(); ok {
			kind = "local"
		} else {
			s, kind = misskey.NewMemoryStorage(), "memory"
		}
	} else {
		var err error
		if s, err = browser.OpenStorage(kind); err != nil {
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

// stringsJSON writes a JSON array of strings.
func stringsJSON(list []string) string {
	out := []byte{'['}
	for i, s := range list {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(append(append(out, '"'), s...), '"') // names without quotes or escapes
	}
	return string(append(out, ']'))
}
