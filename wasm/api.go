//go:build js && wasm

package main

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// version is the library's version, mk.version.
const version = "0.1.0"

// maxParamsBytes is the real server's cap on a JSON body.
const maxParamsBytes = 1 << 20

// bindings holds the state behind the JS API object.
type bindings struct {
	g       glue
	pending *pendingSignIns

	mu       sync.Mutex
	accounts store
	storage  string // "local", "session" or "memory"

	// clients maps each client object made by mk.client to a hidden
	// {origin, token} record, so the token is not a property of the client
	// and the record goes away with the client.
	clients     safejs.Value
	clientProto safejs.Value

	// calls are the handlers of client.request's promise chain; see request.go.
	calls      callHandlers
	fetchInit  safejs.Value // the fixed fetch options of client.request
	uploadInit safejs.Value // and of client.upload without onProgress

	// streamRecords maps stream and channel objects to hidden records
	// { handle, id? }; see stream.go.
	streamRecords, streamProto, channelProto safejs.Value
	releaseStream                            safejs.Value // delivers a new stream's held events
}

// newAPI builds the mk object.
func newAPI(g glue) (safejs.Value, error) {
	b := &bindings{g: g}
	pendingStore := browserStorage("localStorage")
	if pendingStore == nil {
		pendingStore = newMemStorage()
	}
	b.pending = &pendingSignIns{s: pendingStore}
	if err := b.setStorage(""); err != nil {
		return safejs.Undefined(), err
	}
	var err error
	if b.clients, err = mustGet(jsGlobal, "WeakMap").New(); err != nil {
		return safejs.Undefined(), err
	}
	b.makeCallHandlers()
	if b.fetchInit, err = fetchInit(true); err != nil {
		return safejs.Undefined(), err
	}
	if b.uploadInit, err = fetchInit(false); err != nil {
		return safejs.Undefined(), err
	}
	if err := b.makeStreamAPI(); err != nil {
		return safejs.Undefined(), err
	}
	if b.clientProto, err = newObject(
		"request", g.exportSync(b.request),
		"upload", g.exportAsync(b.upload),
		"stream", g.exportSync(b.stream),
	); err != nil {
		return safejs.Undefined(), err
	}
	perms, err := stringArray(misskey.Permissions)
	if err != nil {
		return safejs.Undefined(), err
	}
	_, _ = jsObject.Call("freeze", perms)
	miauth, err := newObject(
		"start", g.exportSync(b.start),
		"complete", g.exportAsync(b.complete),
		"wait", g.exportAsync(b.wait),
	)
	if err != nil {
		return safejs.Undefined(), err
	}
	accounts, err := newObject(
		"list", g.exportSync(b.listAccounts),
		"add", g.exportSync(b.addAccount),
		"remove", g.exportAsync(b.removeAccount),
	)
	if err != nil {
		return safejs.Undefined(), err
	}
	return newObject(
		"miauth", miauth,
		"client", g.exportSync(b.client),
		"accounts", accounts,
		"setStorage", g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
			kind := arg(args, 0)
			if typeOf(kind) != safejs.TypeString {
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
			v := arg(args, 0)
			if typeOf(v) != safejs.TypeString {
				return nil, argError("parseOrigin takes a string, not " + describe(v))
			}
			if err := checkOptions(arg(args, 1), "parseOrigin's options"); err != nil {
				return nil, err
			}
			allowHTTP, err := optBool(arg(args, 1), "allowHttp")
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
// "memory" (forgotten with the page).
func (b *bindings) setStorage(kind string) error {
	var s store
	switch kind {
	case "", "local":
		if s = browserStorage("localStorage"); s == nil {
			if kind == "local" {
				return &misskey.Error{Code: "STORAGE_ERROR", Message: "localStorage is not available here"}
			}
			s, kind = newMemStorage(), "memory"
		} else {
			kind = "local"
		}
	case "session":
		if s = browserStorage("sessionStorage"); s == nil {
			return &misskey.Error{Code: "STORAGE_ERROR", Message: "sessionStorage is not available here"}
		}
	case "memory":
		s = newMemStorage()
	default:
		return argError(`storage must be "local", "session" or "memory", not ` + strconvQuote(kind))
	}
	b.mu.Lock()
	b.accounts, b.storage = s, kind
	b.mu.Unlock()
	return nil
}

func strconvQuote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// location returns globalThis.location when the page has one with an
// http(s) URL.
func location() (safejs.Value, bool) {
	loc, err := prop(jsGlobal, "location")
	if err != nil || typeOf(loc) != safejs.TypeObject || loc.IsNull() {
		return safejs.Undefined(), false
	}
	p := strProp(loc, "protocol")
	return loc, p == "http:" || p == "https:"
}

// urlOrigin is new URL(u).origin, "" when u does not parse.
func urlOrigin(u string) string {
	ctor, err := prop(jsGlobal, "URL")
	if err != nil {
		return ""
	}
	parsed, err := ctor.New(u)
	if err != nil {
		return ""
	}
	return strProp(parsed, "origin")
}

// start: mk.miauth.start(options) → { url, session, origin, permission }.
func (b *bindings) start(_ safejs.Value, args []safejs.Value) (any, error) {
	opts := arg(args, 0)
	if typeOf(opts) != safejs.TypeObject || opts.IsNull() {
		return nil, argError("miauth.start takes an options object, not " + describe(opts))
	}
	var o misskey.MiAuthOptions
	origin, err := optString(opts, "origin")
	if err != nil {
		return nil, err
	}
	if origin == "" {
		return nil, argError("miauth.start needs an origin, like \"misskey.example\"")
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"name", &o.Name}, {"icon", &o.Icon}, {"callback", &o.Callback}} {
		if *f.dst, err = optString(opts, f.name); err != nil {
			return nil, err
		}
	}
	if o.Permission, err = stringList(opts, "permission"); err != nil {
		return nil, err
	}
	if o.ExtraPermissions, err = stringList(opts, "extraPermissions"); err != nil {
		return nil, err
	}
	if o.AllowHTTP, err = optBool(opts, "allowHttp"); err != nil {
		return nil, err
	}
	crossOrigin, err := optBool(opts, "allowCrossOriginCallback")
	if err != nil {
		return nil, err
	}
	redirect, err := optBool(opts, "redirect")
	if err != nil {
		return nil, err
	}
	loc, hasLoc := location()
	if o.Callback == "" && hasLoc {
		o.Callback = strProp(loc, "origin") + strProp(loc, "pathname")
	}
	if o.Callback != "" && hasLoc && !crossOrigin {
		if cbOrigin, pageOrigin := urlOrigin(o.Callback), strProp(loc, "origin"); cbOrigin != pageOrigin {
			return nil, argError("callback " + strconvQuote(o.Callback) + " is on another origin than this page (" + pageOrigin +
				"): the session would be read there; set allowCrossOriginCallback: true if that is meant")
		}
	}
	auth, err := misskey.StartMiAuth(origin, o)
	if err != nil {
		return nil, err
	}
	if err := b.pending.add(auth.Session, auth.Origin, time.Now()); err != nil {
		return nil, err
	}
	perms, err := stringArray(auth.Permission)
	if err != nil {
		return nil, err
	}
	res, err := newObject("url", auth.URL, "session", auth.Session, "origin", auth.Origin, "permission", perms)
	if err != nil {
		return nil, err
	}
	if redirect {
		if !hasLoc {
			return nil, argError("redirect: true needs a page with a location")
		}
		if _, err := loc.Call("assign", auth.URL); err != nil {
			return nil, argError("could not navigate: " + errText(err))
		}
	}
	return res, nil
}

// stringList reads an option that is an array of strings or a comma-separated string.
func stringList(opts safejs.Value, name string) ([]string, error) {
	v, err := prop(opts, name)
	if err != nil {
		return nil, argError("option " + name + " could not be read: " + errText(err))
	}
	switch typeOf(v) {
	case safejs.TypeUndefined, safejs.TypeNull:
		return nil, nil
	case safejs.TypeString:
		s, _ := v.String()
		return misskey.SplitPermissions(s), nil
	case safejs.TypeObject:
		if isArr, _ := jsArrayFrom.Invoke(v); truthy(isArr) {
			n := length(v)
			if n < 0 || n > 1000 {
				return nil, argError("option " + name + " has a bad length or too many items")
			}
			out := make([]string, 0, n)
			for i := range n {
				item, err := prop(v, i)
				if err != nil || typeOf(item) != safejs.TypeString {
					return nil, argError("option " + name + " must hold only strings")
				}
				s, _ := item.String()
				out = append(out, s)
			}
			return out, nil
		}
	}
	return nil, argError("option " + name + " must be an array of strings or a comma-separated string, not " + describe(v))
}

// complete: mk.miauth.complete(url?) → Promise<{ origin, token, user }>.
func (b *bindings) complete(_ safejs.Value, args []safejs.Value) (func() (any, error), error) {
	u := arg(args, 0)
	var href string
	loc, hasLoc := location()
	current := ""
	if hasLoc {
		current = strProp(loc, "href")
	}
	switch typeOf(u) {
	case safejs.TypeUndefined, safejs.TypeNull:
		if !hasLoc {
			return nil, argError("miauth.complete needs the callback URL here (no page location)")
		}
		href = current
	case safejs.TypeString:
		href, _ = u.String()
	default:
		return nil, argError("miauth.complete takes the callback URL as a string, not " + describe(u))
	}
	session, err := misskey.SessionFromCallback(href)
	if err != nil {
		return nil, err
	}
	// Strip session from the address bar, so a reload does not try again.
	if hasLoc && href == current {
		if hist, err := prop(jsGlobal, "history"); err == nil && typeOf(hist) == safejs.TypeObject {
			state, _ := prop(hist, "state")
			_, _ = hist.Call("replaceState", state, "", misskey.StripSession(href))
		}
	}
	p, ok := b.pending.take(session, time.Now())
	if !ok {
		return nil, &misskey.Error{Code: misskey.CodeUnknownSession,
			Message: "this sign-in was not started in this browser, is older than an hour, or was already completed: start again"}
	}
	return func() (any, error) {
		c := &misskey.Client{Origin: p.origin, Transport: fetchTransport{}}
		acct, err := c.CheckMiAuth(context.Background(), session)
		if err != nil {
			return nil, err
		}
		return b.saveAccount(acct)
	}, nil
}

// wait: mk.miauth.wait({ origin, session }, { interval, timeout, signal }).
func (b *bindings) wait(_ safejs.Value, args []safejs.Value) (func() (any, error), error) {
	target, opts := arg(args, 0), arg(args, 1)
	if typeOf(target) != safejs.TypeObject || target.IsNull() {
		return nil, argError("miauth.wait takes { origin, session }, not " + describe(target))
	}
	if err := checkOptions(opts, "miauth.wait's options"); err != nil {
		return nil, err
	}
	o, err := originOption(target)
	if err != nil {
		return nil, err
	}
	session, err := optString(target, "session")
	if err != nil {
		return nil, err
	}
	var w misskey.WaitOptions
	if ms, ok, err := optMillis(opts, "interval"); err != nil {
		return nil, err
	} else if ok {
		w.Interval = time.Duration(ms * float64(time.Millisecond))
	}
	if ms, ok, err := optMillis(opts, "timeout"); err != nil {
		return nil, err
	} else if ok {
		w.Timeout = time.Duration(ms * float64(time.Millisecond))
	}
	ctx, release, err := signalContext(opts)
	if err != nil {
		return nil, err
	}
	p, found := b.pending.take(session, time.Now())
	if !found || p.origin != o {
		release()
		return nil, &misskey.Error{Code: misskey.CodeUnknownSession,
			Message: "this sign-in was not started in this browser for this origin, is older than an hour, or was already completed: start again"}
	}
	return func() (any, error) {
		defer release()
		c := &misskey.Client{Origin: p.origin, Transport: fetchTransport{}}
		acct, err := c.WaitMiAuth(ctx, session, w)
		if err != nil {
			return nil, err
		}
		return b.saveAccount(acct)
	}, nil
}

// signalContext returns a context cancelled when opts.signal aborts, and a
// function that removes the listener (call it once the work is done).
func signalContext(opts safejs.Value) (context.Context, func(), error) {
	ctx, cancel := misskey.WithCancel(context.Background())
	if opts.IsUndefined() || opts.IsNull() {
		return ctx, cancel, nil
	}
	signal, err := prop(opts, "signal")
	if err != nil {
		cancel()
		return nil, nil, argError("option signal could not be read: " + errText(err))
	}
	if signal.IsUndefined() || signal.IsNull() {
		return ctx, cancel, nil
	}
	aborted, err := prop(signal, "aborted")
	if err != nil || typeOf(aborted) != safejs.TypeBoolean {
		cancel()
		return nil, nil, argError("option signal must be an AbortSignal, not " + describe(signal))
	}
	if truthy(aborted) {
		cancel()
		return ctx, func() {}, nil
	}
	onAbort, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		cancel()
		return nil
	})
	if err != nil {
		cancel()
		return nil, nil, err
	}
	if _, err := signal.Call("addEventListener", "abort", onAbort.Value()); err != nil {
		onAbort.Release()
		cancel()
		return nil, nil, argError("option signal must be an AbortSignal: " + errText(err))
	}
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			_, _ = signal.Call("removeEventListener", "abort", onAbort.Value())
			onAbort.Release()
			cancel()
		})
	}, nil
}
