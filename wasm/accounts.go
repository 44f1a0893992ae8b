//go:build js && wasm

package main

import (
	"context"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// accountsKey is where the accounts are kept, as the JSON text of
// [{ origin, token, user }].
const accountsKey = "misskey-wasm:accounts"

// loadAccounts reads the stored accounts as a fresh JS array; a missing or
// damaged entry reads as no accounts.
func (b *bindings) loadAccounts() (safejs.Value, error) {
	b.mu.Lock()
	raw, ok := b.accounts.get(accountsKey)
	b.mu.Unlock()
	out, err := jsArray.New()
	if err != nil || !ok {
		return out, err
	}
	list, err := jsJSON.Call("parse", raw)
	if err != nil {
		return out, nil
	}
	if isArr, _ := jsArrayFrom.Invoke(list); !truthy(isArr) {
		return out, nil
	}
	n, _ := lengthOf(list)
	for i := range n {
		item, err := prop(list, i)
		if err != nil || strProp(item, "origin") == "" || strProp(item, "token") == "" {
			continue
		}
		if _, err := out.Call("push", item); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (b *bindings) storeAccounts(list safejs.Value) error {
	s, err := jsJSON.Call("stringify", list)
	if err != nil {
		return err
	}
	str, err := s.String()
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.accounts.set(accountsKey, str)
}

// userID is account.user.id, "" when absent.
func userID(account safejs.Value) string {
	u, err := prop(account, "user")
	if err != nil {
		return ""
	}
	return strProp(u, "id")
}

// putAccount stores { origin, token, user }, replacing the entry of the
// same user on the same instance, and returns a copy for the page.
func (b *bindings) putAccount(origin, token string, user safejs.Value) (safejs.Value, error) {
	record, err := newObject("origin", origin, "token", token, "user", user)
	if err != nil {
		return record, err
	}
	list, err := b.loadAccounts()
	if err != nil {
		return record, err
	}
	kept, err := jsArray.New()
	if err != nil {
		return record, err
	}
	id := userID(record)
	n, _ := lengthOf(list)
	for i := range n {
		item, _ := prop(list, i)
		same := strProp(item, "origin") == origin && (strProp(item, "token") == token || (id != "" && userID(item) == id))
		if !same {
			_, _ = kept.Call("push", item)
		}
	}
	_, _ = kept.Call("push", record)
	if err := b.storeAccounts(kept); err != nil {
		return record, err
	}
	return newObject("origin", origin, "token", token, "user", user)
}

// saveAccount stores the account a sign-in gave.
func (b *bindings) saveAccount(acct *misskey.Account) (any, error) {
	user, err := parseJSON(acct.User)
	if err != nil {
		return nil, &misskey.Error{Code: misskey.CodeInvalidResponse, Endpoint: "miauth/check", Message: "the user is not valid JSON"}
	}
	return b.putAccount(acct.Origin, acct.Token, user)
}

// listAccounts: mk.accounts.list() → [{ origin, token, user }].
func (b *bindings) listAccounts(safejs.Value, []safejs.Value) (any, error) {
	return b.loadAccounts()
}

// addAccount: mk.accounts.add({ origin, token, user? }) keeps an account
// obtained some other way; returns the stored copy.
func (b *bindings) addAccount(_ safejs.Value, args []safejs.Value) (any, error) {
	a := arg(args, 0)
	if typeOf(a) != safejs.TypeObject || a.IsNull() {
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
	user, err := prop(a, "user")
	if err != nil {
		return nil, argError("user could not be read: " + errText(err))
	}
	if user.IsUndefined() {
		user = safejs.Null()
	} else if typeOf(user) != safejs.TypeObject {
		return nil, argError("user must be an object, not " + describe(user))
	} else if s, err := jsJSON.Call("stringify", user); err != nil {
		return nil, argError("user cannot be stored as JSON: " + errText(err))
	} else if user, err = jsJSON.Call("parse", s); err != nil {
		return nil, argError("user cannot be stored as JSON: " + errText(err))
	}
	return b.putAccount(o, token, user)
}

// removeAccount: mk.accounts.remove(account, { revoke }) forgets the
// account (its origin and token, or its origin and user id) and, with
// revoke, asks the server to revoke the token. Resolves { removed, revoked,
// revokeError, settingsUrl }: Misskey refuses i/revoke-token to every app
// token (ACCESS_DENIED), so a revoke usually fails and the user must revoke
// the app on settingsUrl themselves.
func (b *bindings) removeAccount(_ safejs.Value, args []safejs.Value) (func() (any, error), error) {
	a, opts := arg(args, 0), arg(args, 1)
	if typeOf(a) != safejs.TypeObject || a.IsNull() {
		return nil, argError("accounts.remove takes an account { origin, token }, not " + describe(a))
	}
	if err := checkOptions(opts, "accounts.remove's options"); err != nil {
		return nil, err
	}
	revoke, err := optBool(opts, "revoke")
	if err != nil {
		return nil, err
	}
	origin, err := optString(a, "origin")
	if err != nil {
		return nil, err
	}
	token, err := optString(a, "token")
	if err != nil {
		return nil, err
	}
	id := userID(a)
	// Any stored account can be forgotten; but the token is sent to revoke
	// it only over https (or to loopback), unless the page says allowHttp.
	o, err := misskey.ParseOrigin(origin, true)
	if err != nil {
		return nil, err
	}
	allowHTTP, err := optBool(opts, "allowHttp")
	if err != nil {
		return nil, err
	}
	if _, err := misskey.ParseOrigin(o, false); err != nil && !allowHTTP {
		revoke = false
	}
	if token == "" && id == "" {
		return nil, argError("accounts.remove needs the account's token or user")
	}
	// Forget first: the account is gone even if the revoke fails.
	list, err := b.loadAccounts()
	if err != nil {
		return nil, err
	}
	kept, _ := jsArray.New()
	removed := false
	storedToken := ""
	n, _ := lengthOf(list)
	for i := range n {
		item, _ := prop(list, i)
		if strProp(item, "origin") == o && ((token != "" && strProp(item, "token") == token) || (token == "" && userID(item) == id)) {
			removed, storedToken = true, strProp(item, "token")
			continue
		}
		_, _ = kept.Call("push", item)
	}
	if removed {
		if err := b.storeAccounts(kept); err != nil {
			return nil, err
		}
	}
	if token == "" {
		token = storedToken
	}
	return func() (any, error) {
		res, err := newObject("removed", removed, "revoked", false, "revokeError", safejs.Null(), "settingsUrl", o+"/settings/apps")
		if err != nil || !revoke || token == "" {
			return res, err
		}
		c := &misskey.Client{Origin: o, Token: token, Transport: fetchTransport{}}
		params := []byte(`{"token":` + jsonQuote(token) + `}`)
		if _, err := c.Request(context.Background(), "i/revoke-token", params); err != nil {
			_ = set(res, "revokeError", toJSError(err))
		} else {
			_ = set(res, "revoked", true)
		}
		return res, nil
	}, nil
}

// jsonQuote quotes s as a JSON string, in the browser.
func jsonQuote(s string) string {
	v, err := jsJSON.Call("stringify", s)
	if err != nil {
		return `""`
	}
	out, _ := v.String()
	return out
}
