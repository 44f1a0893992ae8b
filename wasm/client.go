//go:build js && wasm

package main

import (
	"strings"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// client: mk.client({ origin, token }) or mk.client(account) → a frozen
// object { origin, request(), upload() } whose token is kept out of sight.
func (b *bindings) client(_ safejs.Value, args []safejs.Value) (any, error) {
	a := arg(args, 0)
	if typeOf(a) == safejs.TypeString { // mk.client("misskey.example"), anonymous
		a, _ = newObject("origin", a)
	}
	if typeOf(a) != safejs.TypeObject || a.IsNull() {
		return nil, argError("mk.client takes { origin, token } or an account, not " + describe(a))
	}
	o, err := originOption(a)
	if err != nil {
		return nil, err
	}
	tokenV, err := prop(a, "token")
	if err != nil {
		return nil, argError("token could not be read: " + errText(err))
	}
	token := ""
	switch typeOf(tokenV) {
	case safejs.TypeUndefined, safejs.TypeNull:
	case safejs.TypeString:
		token, _ = tokenV.String()
	default:
		return nil, argError("token must be a string, not " + describe(tokenV))
	}
	obj, err := jsObject.Call("create", b.clientProto)
	if err != nil {
		return nil, err
	}
	if err := set(obj, "origin", o); err != nil {
		return nil, err
	}
	// The record is one string, "origin token": one crossing to read it back.
	if _, err := b.clients.Call("set", obj, o+" "+token); err != nil {
		return nil, err
	}
	_, _ = jsObject.Call("freeze", obj)
	return obj, nil
}

// clientOf returns the Go client behind a client object (the `this` of a
// method call).
func (b *bindings) clientOf(this safejs.Value, method string) (*misskey.Client, error) {
	if typeOf(this) != safejs.TypeObject || this.IsNull() {
		return nil, argError(method + " must be called on a client made by mk.client (client." + method + "(…))")
	}
	record, err := b.clients.Call("get", this)
	if err != nil || typeOf(record) != safejs.TypeString {
		return nil, argError(method + " must be called on a client made by mk.client (client." + method + "(…))")
	}
	s, _ := record.String()
	origin, token, _ := strings.Cut(s, " ") // an origin has no space
	return &misskey.Client{Origin: origin, Token: token, Transport: fetchTransport{}}, nil
}

// paramsJSON turns a call's params (undefined, null or a plain object) into
// JSON text, in the browser.
func paramsJSON(p safejs.Value) ([]byte, error) {
	if p.IsUndefined() || p.IsNull() {
		return nil, nil
	}
	if !isPlainObject(p) {
		return nil, argError("params must be a plain object, not " + describe(p))
	}
	s, err := jsJSON.Call("stringify", p)
	if err != nil {
		return nil, argError("params cannot be sent as JSON: " + errText(err))
	}
	if typeOf(s) != safejs.TypeString {
		return nil, argError("params cannot be sent as JSON")
	}
	str, err := s.String()
	if err != nil {
		return nil, err
	}
	if len(str) > maxParamsBytes {
		return nil, argError("params are larger than the server's 1 MiB limit")
	}
	return []byte(str), nil
}

// originOption reads { origin, allowHttp } and checks the origin.
func originOption(a safejs.Value) (string, error) {
	origin, err := optString(a, "origin")
	if err != nil {
		return "", err
	}
	allowHTTP, err := optBool(a, "allowHttp")
	if err != nil {
		return "", err
	}
	return misskey.ParseOrigin(origin, allowHTTP)
}
