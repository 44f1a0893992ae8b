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

// bindings holds the state behind the JS API object.
type bindings struct {
	g       glue
	pending *misskey.PendingSignIns

	mu       sync.Mutex
	accounts *misskey.AccountStore
	storage  string // "local", "session" or "memory"

	// clients maps each client object made by mk.client to a hidden record
	// string (see clientRecord), so the token is not a property of the
	// client and the record goes away with the client.
	clients     safejs.Value
	clientProto safejs.Value

	// client.request's fast path (see client.go).
	send safejs.Value

	// streamRecords maps stream and channel objects to hidden records
	// { handle, id? }; see stream.go.
	streamRecords, streamProto, channelProto safejs.Value
	releaseStream                            safejs.Value // delivers a new stream's held events

	// feedRecords maps timeline and notifications objects to their ids,
	// feedKeys client objects to their shared stream's key; see timeline.go.
	feedRecords, feedKeys, timelineProto, notificationsProto safejs.Value
}

// newAPI builds the mk object.
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
	var err error
	if b.clients, err = jsutil.MustGet(jsutil.Global, "WeakMap").New(); err != nil {
		return none, err
	}
	if err := b.makeRequest(); err != nil {
		return none, err
	}
	if err := b.makeStreamAPI(); err != nil {
		return none, err
	}
	if err := b.makeFeedAPI(); err != nil {
		return none, err
	}
	request, err := g.requester.Invoke(g.exportSync(b.prepare), b.send)
	if err != nil {
		return none, err
	}
	if b.clientProto, err = jsutil.NewObject(
		"request", request,
		"upload", g.exportAsync(b.upload),
		"stream", g.exportSync(b.stream),
		"timeline", g.exportSync(b.timeline),
		"notifications", g.exportSync(b.notifications),
	); err != nil {
		return none, err
	}
	perms, err := stringArray(misskey.Permissions)
	if err != nil {
		return none, err
	}
	_, _ = jsutil.Object.Call("freeze", perms)
	miauth, err := jsutil.NewObject(
		"start", g.exportSync(b.start),
		"complete", g.exportAsync(b.complete),
		"wait", g.exportAsync(b.wait),
	)
	if err != nil {
		return none, err
	}
	accounts, err := jsutil.NewObject(
		"list", g.exportSync(b.listAccounts),
		"add", g.exportSync(b.addAccount),
		"remove", g.exportAsync(b.removeAccount),
	)
	if err != nil {
		return none, err
	}
	return jsutil.NewObject(
		"miauth", miauth,
		"client", g.exportSync(b.client),
		"accounts", accounts,
		"setStorage", g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
			kind := jsutil.Arg(args, 0)
			if jsutil.TypeOf(kind) != safejs.TypeString {
				return nil, argError(`setStorage takes "local", "session" or "memory", not ` + describe(kind))
			}
			s, _ := kind.String()
			return nil, b.setStorage(s)
		}),
		"storage", g.exportSync(func(safejs.Value, []safejs.Value) (any, error) {
			b.mu.Lock()
			defer b.mu.Unlock()
			return b.storage, nil
		}),
		"parseOrigin", g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
			v := jsutil.Arg(args, 0)
			if jsutil.TypeOf(v) != safejs.TypeString {
				return nil, argError("parseOrigin takes a string, not " + describe(v))
			}
			if err := checkOptions(jsutil.Arg(args, 1), "parseOrigin's options"); err != nil {
				return nil, err
			}
			allowHTTP, err := optBool(jsutil.Arg(args, 1), "allowHttp")
			if err != nil {
				return nil, err
			}
			s, _ := v.String()
			return misskey.ParseOrigin(s, allowHTTP)
		}),
		"permissions", perms,
		"version", version,
	)
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

// location returns globalThis.location when the page has one with an
// http(s) URL.
func location() (safejs.Value, bool) {
	loc, err := jsutil.Prop(jsutil.Global, "location")
	if err != nil || jsutil.TypeOf(loc) != safejs.TypeObject || loc.IsNull() {
		return safejs.Undefined(), false
	}
	p := jsutil.Str(loc, "protocol")
	return loc, p == "http:" || p == "https:"
}
