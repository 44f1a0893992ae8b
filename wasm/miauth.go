//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// start: mk.miauth.start(options) → { url, session, origin, permission }.
func (b *bindings) start(_ safejs.Value, args []safejs.Value) (any, error) {
	opts := jsutil.Arg(args, 0)
	if jsutil.TypeOf(opts) != safejs.TypeObject || opts.IsNull() {
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
	var redirect bool
	if err := readOptions(opts, "name", &o.Name, "icon", &o.Icon, "callback", &o.Callback,
		"permission", &o.Permission, "extraPermissions", &o.ExtraPermissions, "allowHttp", &o.AllowHTTP,
		"allowCrossOriginCallback", &o.AllowCrossOriginCallback, "redirect", &redirect); err != nil {
		return nil, err
	}
	loc, hasLoc := location()
	if hasLoc {
		o.PageOrigin = jsutil.Str(loc, "origin")
		if o.Callback == "" { // this page, without query and fragment
			o.Callback = o.PageOrigin + jsutil.Str(loc, "pathname")
		}
	}
	auth, err := misskey.StartMiAuth(origin, o)
	if err != nil {
		return nil, err
	}
	if err := b.pending.Add(misskey.PendingSignIn{ID: auth.Session, Origin: auth.Origin}); err != nil {
		return nil, err
	}
	perms, err := stringArray(auth.Permission)
	if err != nil {
		return nil, err
	}
	res, err := jsutil.NewObject("url", auth.URL, "session", auth.Session, "origin", auth.Origin, "permission", perms)
	if err != nil {
		return nil, err
	}
	if redirect {
		if !hasLoc {
			return nil, argError("redirect: true needs a page with a location")
		}
		if _, err := loc.Call("assign", auth.URL); err != nil {
			return nil, argError("could not navigate: " + jsutil.ErrText(err))
		}
	}
	return res, nil
}

// complete: mk.miauth.complete(url?) → Promise<{ origin, token, user }>.
func (b *bindings) complete(_ safejs.Value, args []safejs.Value) (func() (any, error), error) {
	u := jsutil.Arg(args, 0)
	loc, hasLoc := location()
	current := ""
	if hasLoc {
		current = jsutil.Str(loc, "href")
	}
	href := current
	switch jsutil.TypeOf(u) {
	case safejs.TypeUndefined, safejs.TypeNull:
		if !hasLoc {
			return nil, argError("miauth.complete needs the callback URL here (no page location)")
		}
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
		if hist, err := jsutil.Prop(jsutil.Global, "history"); err == nil && jsutil.TypeOf(hist) == safejs.TypeObject {
			state, _ := jsutil.Prop(hist, "state")
			_, _ = hist.Call("replaceState", state, "", misskey.StripSession(href))
		}
	}
	p, err := b.pending.Begin(session)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		c := &misskey.Client{Origin: p.Origin}
		k, err := c.NewMiAuthCheck(session)
		if err != nil {
			b.pending.End(session, false)
			return nil, err
		}
		return b.signedIn(session, k.Send(nil))
	}, nil
}

// signedIn ends a pending sign-in with a check's outcome: a success
// consumes it and keeps the account; a failure leaves it pending. The
// server hands a token out once, so a sign-in whose account the browser
// refuses to store still resolves with it (it is then not in
// accounts.list(): the page may keep it itself).
func (b *bindings) signedIn(session string, out misskey.Outcome) (any, error) {
	b.pending.End(session, out.Err == nil)
	if out.Err != nil {
		return nil, out.Err
	}
	if err := b.accountStore().Put(*out.Account); err != nil {
		println("misskey: signed in, but the account could not be kept:", err.Error())
	}
	return accountValue(*out.Account)
}

// wait: mk.miauth.wait({ origin, session }, { interval, timeout, signal }).
func (b *bindings) wait(_ safejs.Value, args []safejs.Value) (func() (any, error), error) {
	target, opts := jsutil.Arg(args, 0), jsutil.Arg(args, 1)
	if err := checkOptions(opts, "miauth.wait's options"); err != nil {
		return nil, err
	}
	// An aborted signal wins over anything else, as with fetch.
	cancel, release, aborted, err := signalCancel(opts)
	if err != nil {
		return nil, err
	}
	if aborted {
		return nil, &misskey.Error{Code: misskey.CodeAborted, Endpoint: "miauth/check", Message: "the call was cancelled"}
	}
	run, err := b.startWait(target, opts)
	if err != nil {
		release()
		return nil, err
	}
	return func() (any, error) {
		defer release()
		return run(cancel)
	}, nil
}

func (b *bindings) startWait(target, opts safejs.Value) (func(misskey.Canceler) (any, error), error) {
	if jsutil.TypeOf(target) != safejs.TypeObject || target.IsNull() {
		return nil, argError("miauth.wait takes { origin, session }, not " + describe(target))
	}
	o, err := originOption(target)
	if err != nil {
		return nil, err
	}
	var session string
	var w misskey.WaitOptions
	if err := readOptions(target, "session", &session); err != nil {
		return nil, err
	}
	if err := readOptions(opts, "interval", &w.Interval, "timeout", &w.Timeout); err != nil {
		return nil, err
	}
	c := &misskey.Client{Origin: o}
	k, err := c.NewMiAuthCheck(session)
	if err != nil {
		return nil, err
	}
	p, err := b.pending.Begin(session)
	if err != nil {
		return nil, err
	}
	if p.Origin != o { // not this origin's: the entry stays for the right one
		b.pending.End(session, false)
		return nil, &misskey.Error{Code: misskey.CodeUnknownSession,
			Message: "this sign-in was not started in this browser for " + o + ": check the origin, or start again"}
	}
	return func(cancel misskey.Canceler) (any, error) {
		return b.signedIn(session, k.Poll(cancel, w))
	}, nil
}
