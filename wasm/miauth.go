//go:build js && wasm

package main

import (
	"time"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

func (b *bindings) signInFuncs() []any {
	g := b.g
	return []any{
		"stripCallback", g.export(func(args []safejs.Value) (any, error) { return misskey.StripCallback(str(args, 0)), nil }),
		// complete(href) → a Promise of the account's JSON text: an OAuth
		// callback's (code, state) or a MiAuth one's (session).
		"complete", g.export(func(args []safejs.Value) (any, error) {
			href := str(args, 0)
			if misskey.IsOAuthCallback(href) {
				return newPromise(func() (any, error) {
					out := misskey.CompleteOAuth(nil, b.pending, href, nil)
					if out.Err != nil {
						return nil, out.Err
					}
					return b.keep(*out.Account), nil
				})
			}
			session, err := misskey.SessionFromCallback(href)
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
			cancel, release := b.g.cancelOf(args[5])
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
	return b.keep(*out.Account), nil
}

// keep stores a signed-in account (a failure is only logged: the token was
// handed out once) and returns its JSON text.
func (b *bindings) keep(a misskey.Account) string {
	if err := b.accountStore().Put(a); err != nil {
		println("misskey: signed in, but the account could not be kept:", err.Error())
	}
	j, _ := a.MarshalJSON()
	return string(j)
}
