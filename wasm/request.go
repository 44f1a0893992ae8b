//go:build js && wasm

package main

import (
	"strconv"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// The hot path: client.request. The call is one chain of JS promises,
//
//	fetch(…).then(onResponse, onFetchError)
//
// whose handlers are Go functions made once and bound to the call's record
// ({ endpoint, origin, token, timeout }) with Function.prototype.bind. No
// goroutine, no js.Func per call, and a successful answer is parsed by the
// browser (res.json()) and handed to the page without ever entering Go: Go
// reads only the status and headers, and the body of an error.

// callHandlers are the Go functions of the chain.
type callHandlers struct {
	onResponse, onFetchError, onBodyError, onErrorBody safejs.Value
}

var (
	jsAbortSignal  = mustGet(jsGlobal, "AbortSignal")
	jsFunctionBind = mustGet(mustGet(mustGet(jsGlobal, "Function"), "prototype"), "bind")
)

func bind(fn safejs.Value, args ...any) safejs.Value {
	v, err := jsFunctionBind.Call("call", append([]any{fn, safejs.Null()}, args...)...)
	if err != nil {
		panic(err)
	}
	return v
}

func (b *bindings) makeCallHandlers() {
	g := b.g
	b.calls.onResponse = g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		return b.onResponse(arg(args, 0), arg(args, 1))
	})
	b.calls.onFetchError = g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		return nil, b.callError(arg(args, 0), arg(args, 1), misskey.CodeNetworkError,
			"the request failed (network down, server unreachable, or an answer without CORS headers)")
	})
	b.calls.onBodyError = g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		// Reading or parsing a JSON answer failed: bad JSON, or the
		// connection broke (or was aborted) in the middle of the body.
		record, reason := arg(args, 0), arg(args, 2)
		statusV, _ := prop(arg(args, 1), "status")
		status, _ := statusV.Int()
		if strProp(reason, "name") == "SyntaxError" {
			return nil, b.finish(record, &misskey.Error{Code: misskey.CodeInvalidResponse, Status: status,
				Message: "the answer is not valid JSON"})
		}
		return nil, b.callError(record, reason, misskey.CodeNetworkError, "the connection broke while reading the answer")
	})
	b.calls.onErrorBody = g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		return nil, b.onErrorBody(arg(args, 0), arg(args, 1), arg(args, 2))
	})
}

// request: client.request(endpoint, params?, { signal, timeout }?) →
// Promise of the parsed answer, or null for 204.
func (b *bindings) request(this safejs.Value, args []safejs.Value) (any, error) {
	p, err := b.startRequest(this, args)
	if err != nil {
		// A call's every failure rejects (the call does not throw).
		return jsPromise.Call("reject", toJSError(err))
	}
	return p, nil
}

func (b *bindings) startRequest(this safejs.Value, args []safejs.Value) (safejs.Value, error) {
	none := safejs.Undefined()
	c, err := b.clientOf(this, "request")
	if err != nil {
		return none, err
	}
	epV := arg(args, 0)
	if typeOf(epV) != safejs.TypeString {
		return none, argError("the endpoint must be a string like \"notes/create\", not " + describe(epV))
	}
	endpoint, _ := epV.String()
	if !misskey.ValidEndpoint(endpoint) {
		return none, &misskey.Error{Code: misskey.CodeInvalidArgument, Endpoint: endpoint,
			Message: "endpoint " + strconvQuote(endpoint) + " is not an API endpoint name like \"notes/create\""}
	}
	params, err := paramsJSON(arg(args, 1))
	if err == nil {
		params, err = misskey.RequestBody(params, c.Token)
	}
	if err != nil {
		err.(*misskey.Error).Endpoint = endpoint
		return none, err
	}
	opts := arg(args, 2)
	if err := checkOptions(opts, "request's options"); err != nil {
		return none, err
	}
	timeout := float64(misskey.DefaultTimeout.Milliseconds())
	if ms, ok, err := optMillis(opts, "timeout"); err != nil {
		return none, err
	} else if ok && ms > 0 {
		timeout = ms
	}
	userSignal, err := signalOption(opts)
	if err != nil {
		return none, err
	}
	timeoutSignal, err := jsAbortSignal.Call("timeout", timeout)
	if err != nil {
		return none, err
	}
	signal := timeoutSignal
	if !userSignal.IsUndefined() {
		both, err := stringArrayOf(userSignal, timeoutSignal)
		if err != nil {
			return none, err
		}
		if signal, err = jsAbortSignal.Call("any", both); err != nil {
			return none, err
		}
	}
	record, err := newObject("endpoint", endpoint, "origin", c.Origin, "token", c.Token, "timeout", timeoutSignal)
	if err != nil {
		return none, err
	}
	init, err := newObject(
		"method", "POST",
		"headers", b.jsonHeaders,
		"body", string(params),
		"signal", signal,
		"credentials", "omit",
		"redirect", "manual",
		"referrerPolicy", "no-referrer",
		"cache", "no-store",
		"mode", "cors",
	)
	if err != nil {
		return none, err
	}
	fetched, err := jsFetch.Invoke(c.Origin+"/api/"+endpoint, init)
	if err != nil {
		return none, err
	}
	return fetched.Call("then", bind(b.calls.onResponse, record), bind(b.calls.onFetchError, record))
}

// stringArrayOf makes a JS array of two values.
func stringArrayOf(a, b safejs.Value) (safejs.Value, error) {
	arr, err := jsArray.New()
	if err != nil {
		return arr, err
	}
	_, err = arr.Call("push", a, b)
	return arr, err
}

// signalOption reads options.signal: undefined, or an AbortSignal.
func signalOption(opts safejs.Value) (safejs.Value, error) {
	none := safejs.Undefined()
	if opts.IsUndefined() || opts.IsNull() {
		return none, nil
	}
	signal, err := prop(opts, "signal")
	if err != nil {
		return none, argError("option signal could not be read: " + errText(err))
	}
	if signal.IsUndefined() || signal.IsNull() {
		return none, nil
	}
	if !isA(signal, "AbortSignal") {
		return none, argError("option signal must be an AbortSignal, not " + describe(signal))
	}
	return signal, nil
}

// onResponse looks at the status and headers: a JSON answer is parsed by
// the browser and given to the page as it is; anything else is read and
// turned into the error.
func (b *bindings) onResponse(record, res safejs.Value) (any, error) {
	endpoint := strProp(record, "endpoint")
	if strProp(res, "type") == "opaqueredirect" {
		return nil, b.finish(record, &misskey.Error{Code: misskey.CodeInvalidResponse, Endpoint: endpoint,
			Message: "unexpected redirect (not followed)"})
	}
	statusV, _ := res.Get("status")
	status, _ := statusV.Int()
	headers, _ := res.Get("headers")
	header := func(name string) string {
		v, err := headers.Call("get", name)
		if err != nil || typeOf(v) != safejs.TypeString {
			return ""
		}
		s, _ := v.String()
		return s
	}
	if n, err := strconv.ParseInt(header("content-length"), 10, 64); err == nil && n > misskey.DefaultMaxResponseBytes {
		if body, err := res.Get("body"); err == nil && typeOf(body) == safejs.TypeObject {
			_, _ = body.Call("cancel")
		}
		return nil, b.finish(record, tooLarge(status).(*misskey.Error))
	}
	ctype := header("content-type")
	switch {
	case status == 204:
		return safejs.Null(), nil
	case status >= 200 && status < 300 && jsonType(ctype):
		parsed, err := res.Call("json")
		if err != nil {
			return nil, err
		}
		return parsed.Call("then", safejs.Undefined(), bind(b.calls.onBodyError, record, res))
	}
	// Not a JSON success: read the body for the error.
	buf, err := res.Call("arrayBuffer")
	if err != nil {
		return nil, err
	}
	meta, err := newObject("status", status, "contentType", ctype, "retryAfter", header("retry-after"))
	if err != nil {
		return nil, err
	}
	return buf.Call("then", bind(b.calls.onErrorBody, record, meta), bind(b.calls.onFetchError, record))
}

func jsonType(ctype string) bool {
	for i := 0; i+4 <= len(ctype); i++ {
		if ctype[i:i+4] == "json" {
			return true
		}
	}
	return false
}

// onErrorBody turns a non-JSON or error answer into its MisskeyError.
func (b *bindings) onErrorBody(record, meta, buf safejs.Value) error {
	u8, err := jsUint8.New(buf)
	if err != nil {
		return err
	}
	n, _ := u8.Length()
	statusV, _ := meta.Get("status")
	status, _ := statusV.Int()
	if n > misskey.DefaultMaxResponseBytes {
		return b.finish(record, tooLarge(status).(*misskey.Error))
	}
	body := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(body, u8); err != nil {
		return err
	}
	resp := &misskey.Response{Status: status, Body: body, Header: map[string]string{
		"content-type": strProp(meta, "contentType"),
		"retry-after":  strProp(meta, "retryAfter"),
	}}
	_, err = misskey.ReadResponse(strProp(record, "endpoint"), resp)
	if err == nil { // cannot happen: JSON successes do not come here
		err = &misskey.Error{Code: misskey.CodeInvalidResponse, Status: status, Message: "unexpected answer"}
	}
	return b.finish(record, err.(*misskey.Error))
}

// callError classifies a rejection of the chain: the call's timeout, the
// page's signal, or else code.
func (b *bindings) callError(record, reason safejs.Value, code, msg string) error {
	e := &misskey.Error{Code: code, Endpoint: strProp(record, "endpoint"), Message: msg}
	timeout, _ := record.Get("timeout")
	switch {
	case truthy(mustProp(timeout, "aborted")):
		e.Code, e.Message = misskey.CodeTimeout, "the call timed out"
	case strProp(reason, "name") == "AbortError":
		e.Code, e.Message = misskey.CodeAborted, "the call was cancelled"
	default:
		if name := strProp(reason, "name"); name != "" {
			e.Message += " (" + name + ": " + strProp(reason, "message") + ")"
		}
	}
	return b.finish(record, e)
}

func mustProp(v safejs.Value, name string) safejs.Value {
	p, err := prop(v, name)
	if err != nil {
		return safejs.Undefined()
	}
	return p
}

// finish names the origin and removes the token from the error.
func (b *bindings) finish(record safejs.Value, e *misskey.Error) error {
	if e.Endpoint == "" {
		e.Endpoint = strProp(record, "endpoint")
	}
	e.Origin = strProp(record, "origin")
	return misskey.Redact(e, strProp(record, "token"))
}
