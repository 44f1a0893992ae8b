//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// The accounts are the core's AccountStore (one storage entry per account,
// so that two tabs saving at once both keep theirs); these functions hand
// misskey.js their JSON text.

func (b *bindings) accountFuncs() []any {
	g := b.g
	return []any{
		// accountsList() → the JSON text of [{ origin, token, user }], oldest first.
		"accountsList", g.export(func([]safejs.Value) (any, error) {
			text := []byte{'['}
			for i, a := range b.accountStore().List() {
				if i > 0 {
					text = append(text, ',')
				}
				j, _ := a.MarshalJSON()
				text = append(text, j...)
			}
			return string(append(text, ']')), nil
		}),
		// accountsAdd(origin, allowHttp, token, userJSON|"") keeps an account
		// obtained some other way (replacing the same user's entry) → its JSON text.
		"accountsAdd", g.export(func(args []safejs.Value) (any, error) {
			o, err := misskey.ParseOrigin(str(args, 0), flag(args, 1))
			if err != nil {
				return nil, err
			}
			var user []byte
			if s := str(args, 3); s != "" {
				user = []byte(s)
			}
			a, err := misskey.NewAccount(o, str(args, 2), user)
			if err != nil {
				return nil, err
			}
			if err := b.accountStore().Put(a); err != nil {
				return nil, err
			}
			j, _ := a.MarshalJSON()
			return string(j), nil
		}),
		// accountsRemove(origin, token, userId, revoke, allowHttp) forgets the
		// account (its origin and token, or its origin and user id) and, with
		// revoke, asks the server to revoke the token → a Promise of
		// [removed, revoked, revokeError|null, settingsUrl]. Misskey refuses
		// i/revoke-token to every app token (ACCESS_DENIED), so a revoke
		// usually fails and the user revokes the app on settingsUrl.
		"accountsRemove", g.export(func(args []safejs.Value) (any, error) {
			token, id, revoke := str(args, 1), str(args, 2), flag(args, 3)
			// Any kept account can be forgotten; but the token is sent to
			// revoke it only over https (or to loopback), unless allowHttp.
			o, err := misskey.ParseOrigin(str(args, 0), true)
			if err != nil {
				return nil, err
			}
			if _, err := misskey.ParseOrigin(o, flag(args, 4)); err != nil {
				revoke = false
			}
			if token == "" && id == "" {
				return nil, argError("accounts.remove needs the account's token or user")
			}
			// Forget first: the account is gone even if the revoke fails.
			removed, ok := b.accountStore().Remove(o, token, id)
			if token == "" {
				token = removed.Token
			}
			return newPromise(func() (any, error) {
				revoked, why := false, safejs.Null()
				if revoke && token != "" {
					k, err := (&misskey.Client{Origin: o, Token: token}).NewRevokeCall()
					if err == nil {
						err = k.Send(nil).Err
					}
					if err != nil {
						why = toJSError(err)
					} else {
						revoked = true
					}
				}
				return jsutil.Array.New(ok, revoked, why, o+"/settings/apps")
			})
		}),
	}
}
