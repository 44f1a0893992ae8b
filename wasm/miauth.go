//go:build js && wasm

package main

import (
	"time"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

func (b *bindings) signInFuncs() []any {
	g := b.g
	return []any{
		// start(origin, name, icon, callback, permission, extraPermissions,
		// allowHttp, allowCrossOriginCallback, pageOrigin) → [url, session,
		// origin, permission as JSON text]. The lists are arrays of strings
		// or comma-separated strings.
		"start", g.export(func(args []safejs.Value) (any, error) {
			o := misskey.MiAuthOptions{Name: str(args, 1), Icon: str(args, 2), Callback: str(args, 3),
				Permission: nameList(args[4]), ExtraPermissions: nameList(args[5]),
				AllowHTTP: flag(args, 6), AllowCrossOriginCallback: flag(args, 7), PageOrigin: str(args, 8)}
			auth, err := misskey.StartMiAuth(str(args, 0), o)
			if err != nil {
				return nil, err
			}
			if err := b.pending.Add(misskey.PendingSignIn{ID: auth.Session, Origin: auth.Origin}); err != nil {
				return nil, err
			}
			return jsutil.Array.New(auth.URL, auth.Session, auth.Origin, stringsJSON(auth.Permission))
		}),
		"stripSession", g.export(func(args []safejs.Value) (any, error) { return misskey.StripSession(str(args, 0)), nil }),
		// complete(href) → the account's JSON text.
		"complete", g.export(func(args []safejs.Value) (any, error) {
			session, err := misskey.SessionFromCallback(str(args, 0))
			if err != nil {
				return nil, err
			}
			p, err := b.pending.Begin(session)
			if err != nil {
				return nil, err
			}
			return newPromise(func() (any, error) {
				k, err := (&misskey.Client{Origin: p.Origin}).NewMiAuthCheck(session)
				if err != nil {
					b.pending.End(session, false)
					return nil, err
				}
				return b.signedIn(session, k.Send(nil))
			})
		}),
		// wait(origin, allowHttp, session, intervalMs, timeoutMs, signal|undefined)
		"wait", g.export(func(args []safejs.Value) (any, error) {
			o, err := misskey.ParseOrigin(str(args, 0), flag(args, 1))
			if err != nil {
				return nil, err
			}
			session := str(args, 2)
			k, err := (&misskey.Client{Origin: o}).NewMiAuthCheck(session)
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
			w := misskey.WaitOptions{Interval: time.Duration(num(args, 3)) * time.Millisecond, Timeout: time.Duration(num(args, 4)) * time.Millisecond}
			cancel, release := cancelOf(args[5])
			return newPromise(func() (any, error) {
				defer release()
				return b.signedIn(session, k.Poll(cancel, w))
			})
		}),
	}
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
	j, _ := out.Account.MarshalJSON()
	return string(j), nil
}

// nameList reads a list of names: an array of strings (misskey.js checked
// it), or a comma-separated string.
func nameList(v safejs.Value) []string {
	if jsutil.TypeOf(v) != safejs.TypeObject {
		s, _ := v.String()
		return misskey.SplitPermissions(s)
	}
	out := make([]string, 0, jsutil.Length(v))
	for i := range jsutil.Length(v) {
		item, _ := v.Index(i)
		s, _ := item.String()
		out = append(out, s)
	}
	return out
}
