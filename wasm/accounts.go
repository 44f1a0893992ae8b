//go:build js && wasm

package main

import (
	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// The accounts are the core's AccountStore (one storage entry per account,
// so that two tabs saving at once both keep theirs); this file only shapes
// them as JS values.

// accountValue is an account as a page gets it: { origin, token, user }.
func accountValue(a misskey.Account) (safejs.Value, error) {
	b, _ := a.MarshalJSON()
	return parseJSON(b)
}

// keepAccount stores the account a sign-in gave and returns it.
func (b *bindings) keepAccount(a misskey.Account) (any, error) {
	if err := b.accountStore().Put(a); err != nil {
		return nil, err
	}
	return accountValue(a)
}

// listAccounts: mk.accounts.list() → [{ origin, token, user }], oldest first.
func (b *bindings) listAccounts(safejs.Value, []safejs.Value) (any, error) {
	text := []byte{'['}
	for i, a := range b.accountStore().List() {
		if i > 0 {
			text = append(text, ',')
		}
		j, _ := a.MarshalJSON()
		text = append(text, j...)
	}
	return parseJSON(append(text, ']'))
}

// addAccount: mk.accounts.add({ origin, token, user? }) keeps an account
// obtained some other way (replacing the same user's entry); returns it.
func (b *bindings) addAccount(_ safejs.Value, args []safejs.Value) (any, error) {
	a := jsutil.Arg(args, 0)
	if jsutil.TypeOf(a) != safejs.TypeObject || a.IsNull() {
		return nil, argError("accounts.add takes { origin, token, user }, not " + describe(a))
	}
	o, err := originOption(a)
	if err != nil {
		return nil, err
	}
	token, err := optString(a, "token")
	if err != nil {
		return nil, err
	}
	if token == "" {
		return nil, argError("accounts.add needs a token")
	}
	user, err := option(a, "user")
	if err != nil {
		return nil, err
	}
	var userJSON []byte
	if !absent(user) {
		if jsutil.TypeOf(user) != safejs.TypeObject || jsutil.IsArray(user) {
			return nil, argError("user must be an object, not " + describe(user))
		}
		s, err := stringify(user)
		if err != nil {
			return nil, argError("user cannot be stored as JSON: " + jsutil.ErrText(err))
		}
		userJSON = []byte(s)
	}
	acct, err := misskey.NewAccount(o, token, userJSON)
	if err != nil {
		return nil, err
	}
	return b.keepAccount(acct)
}

// removeAccount: mk.accounts.remove(account, { revoke, allowHttp }) forgets
// the account (its origin and token, or its origin and user id) and, with
// revoke, asks the server to revoke the token. Resolves { removed, revoked,
// revokeError, settingsUrl }: Misskey refuses i/revoke-token to every app
// token (ACCESS_DENIED), so a revoke usually fails and the user must revoke
// the app on settingsUrl themselves.
func (b *bindings) removeAccount(_ safejs.Value, args []safejs.Value) (func() (any, error), error) {
	a, opts := jsutil.Arg(args, 0), jsutil.Arg(args, 1)
	if jsutil.TypeOf(a) != safejs.TypeObject || a.IsNull() {
		return nil, argError("accounts.remove takes an account { origin, token }, not " + describe(a))
	}
	if err := checkOptions(opts, "accounts.remove's options"); err != nil {
		return nil, err
	}
	var revoke, allowHTTP bool
	var origin, token string
	if err := readOptions(opts, "revoke", &revoke, "allowHttp", &allowHTTP); err != nil {
		return nil, err
	}
	if err := readOptions(a, "origin", &origin, "token", &token); err != nil {
		return nil, err
	}
	user, _ := option(a, "user")
	id := jsutil.Str(user, "id")
	// Any kept account can be forgotten; but the token is sent to revoke it
	// only over https (or to loopback), unless the page says allowHttp.
	o, err := misskey.ParseOrigin(origin, true)
	if err != nil {
		return nil, err
	}
	if _, err := misskey.ParseOrigin(o, allowHTTP); err != nil {
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
	return func() (any, error) {
		res, err := jsutil.NewObject("removed", ok, "revoked", false, "revokeError", safejs.Null(), "settingsUrl", o+"/settings/apps")
		if err != nil || !revoke || token == "" {
			return res, err
		}
		c := &misskey.Client{Origin: o, Token: token}
		k, err := c.NewRevokeCall()
		if err == nil {
			err = k.Send(nil).Err
		}
		if err != nil {
			_ = jsutil.Set(res, "revokeError", toJSError(err))
		} else {
			_ = jsutil.Set(res, "revoked", true)
		}
		return res, nil
	}, nil
}
