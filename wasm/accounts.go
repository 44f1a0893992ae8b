//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// The accounts are the core's AccountStore (one storage entry per account,
// so that two tabs saving at once both keep theirs).

func (b *bindings) accountFuncs() []any {
	g := b.g
	return []any{
		// accounts(op, origin, allowHttp, …): op "list" → the JSON text of
		// [{ origin, token, user }], oldest first; "add" (…, token, userJSON
		// or "") keeps an account obtained some other way, replacing the same
		// user's entry → its JSON text; "remove" (…, token, userId, revoke)
		// forgets the account (by origin and token, or origin and user id)
		// and, with revoke, asks the server to revoke the token → a Promise
		// of [removed, revoked, revokeError|null, settingsUrl]. Misskey
		// refuses i/revoke-token to every app token (ACCESS_DENIED), so a
		// revoke usually fails and the user revokes the app on settingsUrl.
		"accounts", g.export(func(args []safejs.Value) (any, error) {
			store := b.accountStore()
			op, token := str(args, 0), str(args, 3)
			if op == "list" {
				text := []byte{'['}
				for i, a := range store.List() {
					if i > 0 {
						text = append(text, ',')
					}
					j, _ := a.MarshalJSON()
					text = append(text, j...)
				}
				return string(append(text, ']')), nil
			}
			// Any kept account can be forgotten; but a token is sent only
			// over https (or to loopback), unless allowHttp.
			o, err := misskey.ParseOrigin(str(args, 1), op == "remove" || flag(args, 2))
			if err != nil {
				return nil, err
			}
			_, insecure := misskey.ParseOrigin(o, flag(args, 2))
			if op == "add" {
				if insecure != nil {
					return nil, insecure
				}
				var user []byte
				if s := str(args, 4); s != "" {
					user = []byte(s)
				}
				a, err := misskey.NewAccount(o, token, user)
				if err == nil {
					err = store.Put(a)
				}
				if err != nil {
					return nil, err
				}
				j, _ := a.MarshalJSON()
				return string(j), nil
			}
			id, revoke := str(args, 4), flag(args, 5) && insecure == nil
			if token == "" && id == "" {
				return nil, argError("accounts.remove needs the account's token or user")
			}
			// Forget first: the account is gone even if the revoke fails.
			removed, ok := store.Remove(o, token, id)
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
				return []any{ok, revoked, why, o + "/settings/apps"}, nil
			})
		}),
	}
}
