//go:build js && wasm

package main

import (
	"runtime"
	"strconv"
	"strings"

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
		return b.onResponse(readRecord(args), arg(args, 1), arg(args, 2))
	})
	b.calls.onFetchError = g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		return nil, b.callError(readRecord(args), arg(args, 1), arg(args, 2), misskey.CodeNetworkError,
			"the request failed (network down, server unreachable, or an answer without CORS headers)")
	})
	b.calls.onBodyError = g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		// Reading or parsing a JSON answer failed: bad JSON, or the
		// connection broke (or was aborted) in the middle of the body.
		rec, reason := readRecord(args), arg(args, 3)
		status, _ := arg(args, 2).Int()
		if strProp(reason, "name") == "SyntaxError" {
			return nil, rec.finish(&misskey.Error{Code: misskey.CodeInvalidResponse, Status: status,
				Message: "the answer is not valid JSON"})
		}
		return nil, b.callError(rec, arg(args, 1), reason, misskey.CodeNetworkError, "the connection broke while reading the answer")
	})
	b.calls.onErrorBody = g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		return nil, b.onErrorBody(readRecord(args), arg(args, 2), arg(args, 3), arg(args, 4), arg(args, 5))
	})
}

// request: client.request(endpoint, params?, { signal, timeout }?) →
// Promise of the parsed answer, or null for 204.
func (b *bindings) request(this safejs.Value, args []safejs.Value) (ret any, _ error) {
	defer func() {
		if r := recover(); r != nil {
			ret, _ = jsPromise.Call("reject", toJSError(goPanic(r)))
		}
	}()
	p, err := b.startRequest(this, args)
	if err != nil {
		// A call's every failure rejects (the call does not throw).
		return jsPromise.Call("reject", toJSError(err))
	}
	return p, nil
}

// callsSinceGC counts calls since the last forced garbage collection.
var callsSinceGC int

// gcEvery is how many calls may pass between collections: each call leaves
// a few JS values (its Response, its bound handlers) referenced from Go
// until Go's collector finalizes them, and Go, which allocates little,
// would otherwise collect only now and then. A collection of this small
// heap takes about a millisecond.
const gcEvery = 256

func (b *bindings) startRequest(this safejs.Value, args []safejs.Value) (safejs.Value, error) {
	if callsSinceGC++; callsSinceGC >= gcEvery {
		callsSinceGC = 0
		runtime.GC()
	}
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
	return b.send(c, endpoint, string(params), b.fetchInit, timeout, userSignal)
}

// send starts the promise chain of one call: a POST of body to
// {origin}/api/{endpoint}, with proto's fixed fetch options, given up after
// timeout ms or when userSignal (if any) aborts.
func (b *bindings) send(c *misskey.Client, endpoint string, body any, proto safejs.Value, timeout float64, userSignal safejs.Value) (safejs.Value, error) {
	none := safejs.Undefined()
	timeoutSignal, err := jsAbortSignal.Call("timeout", timeout)
	if err != nil {
		return none, err
	}
	signal := timeoutSignal
	if !userSignal.IsUndefined() {
		both, err := arrayOf2(userSignal, timeoutSignal)
		if err != nil {
			return none, err
		}
		if signal, err = jsAbortSignal.Call("any", both); err != nil {
			return none, err
		}
	}
	// The call's record: "endpoint origin token", and its timeout signal.
	record := endpoint + " " + c.Origin + " " + c.Token
	// fetch reads the options through the prototype chain: the fixed ones
	// are made once (b.fetchInit), this call's are set on a child.
	init, err := jsObject.Call("create", proto)
	if err != nil {
		return none, err
	}
	if err := set(init, "body", body); err != nil {
		return none, err
	}
	if err := set(init, "signal", signal); err != nil {
		return none, err
	}
	fetched, err := jsFetch.Invoke(c.Origin+"/api/"+endpoint, init)
	if err != nil {
		return none, err
	}
	return fetched.Call("then", bind(b.calls.onResponse, record, timeoutSignal), bind(b.calls.onFetchError, record, timeoutSignal))
}

// arrayOf2 makes a JS array of two values.
func arrayOf2(a, b safejs.Value) (safejs.Value, error) {
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

// callRecord is what a call's handlers know of it.
type callRecord struct{ endpoint, origin, token string }

// readRecord reads the record bound as a handler's first argument.
func readRecord(args []safejs.Value) callRecord {
	s, _ := arg(args, 0).String()
	endpoint, rest, _ := strings.Cut(s, " ")
	origin, token, _ := strings.Cut(rest, " ")
	return callRecord{endpoint, origin, token}
}

// finish names the call's endpoint and origin in e and removes the token.
func (r callRecord) finish(e *misskey.Error) error {
	if e.Endpoint == "" {
		e.Endpoint = r.endpoint
	}
	e.Origin = r.origin
	return misskey.Redact(e, r.token)
}

// onResponse looks at the status and headers: a JSON answer is parsed by
// the browser and given to the page as it is; anything else is read and
// turned into the error.
func (b *bindings) onResponse(rec callRecord, timeout, res safejs.Value) (any, error) {
	statusV, _ := prop(res, "status")
	status, _ := statusV.Int()
	headers, _ := prop(res, "headers")
	header := func(name string) string {
		v, err := headers.Call("get", name)
		if err != nil || typeOf(v) != safejs.TypeString {
			return ""
		}
		s, _ := v.String()
		return s
	}
	ctype := header("content-type")
	if status >= 200 && status < 300 && status != 204 && jsonType(ctype) {
		if n, err := strconv.ParseInt(header("content-length"), 10, 64); err == nil && n > misskey.DefaultMaxResponseBytes {
			if body, err := prop(res, "body"); err == nil && typeOf(body) == safejs.TypeObject {
				_, _ = body.Call("cancel")
			}
			return nil, rec.finish(tooLarge(status).(*misskey.Error))
		}
		parsed, err := res.Call("json")
		if err != nil {
			return nil, err
		}
		return parsed.Call("then", safejs.Undefined(), bind(b.calls.onBodyError, rec.String(), timeout, status))
	}
	if status == 204 {
		return safejs.Null(), nil
	}
	if status == 0 { // an opaque redirect: fetch followed nothing, as asked
		return nil, rec.finish(&misskey.Error{Code: misskey.CodeInvalidResponse, Message: "unexpected redirect (not followed)"})
	}
	// Not a JSON success: read the body for the error.
	buf, err := res.Call("arrayBuffer")
	if err != nil {
		return nil, err
	}
	return buf.Call("then",
		bind(b.calls.onErrorBody, rec.String(), timeout, status, ctype, header("retry-after")),
		bind(b.calls.onFetchError, rec.String(), timeout))
}

func (r callRecord) String() string { return r.endpoint + " " + r.origin + " " + r.token }

func jsonType(ctype string) bool { return strings.Contains(ctype, "json") }

// onErrorBody turns a non-JSON or error answer into its MisskeyError.
func (b *bindings) onErrorBody(rec callRecord, statusV, ctype, retryAfter, buf safejs.Value) error {
	status, _ := statusV.Int()
	u8, err := jsUint8.New(buf)
	if err != nil {
		return err
	}
	n, _ := lengthOf(u8)
	if n > misskey.DefaultMaxResponseBytes {
		return rec.finish(tooLarge(status).(*misskey.Error))
	}
	body := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(body, u8); err != nil {
		return err
	}
	ct, _ := ctype.String()
	ra, _ := retryAfter.String()
	resp := &misskey.Response{Status: status, Body: misskey.RedactBody(body, rec.token), Header: map[string]string{"content-type": ct, "retry-after": ra}}
	_, err = misskey.ReadResponse(rec.endpoint, resp)
	if err == nil { // cannot happen: JSON successes do not come here
		err = &misskey.Error{Code: misskey.CodeInvalidResponse, Status: status, Message: "unexpected answer"}
	}
	return rec.finish(err.(*misskey.Error))
}

// callError classifies a rejection of the chain: the call's timeout, the
// page's signal, or else code.
func (b *bindings) callError(rec callRecord, timeout, reason safejs.Value, code, msg string) error {
	e := &misskey.Error{Code: code, Message: msg}
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
	return rec.finish(e)
}

func mustProp(v safejs.Value, name string) safejs.Value {
	p, err := prop(v, name)
	if err != nil {
		return safejs.Undefined()
	}
	return p
}

// fetchInit makes the fixed options of every client.request fetch: no
// cookies, no referrer, no redirect followed. (No cache option: POST answers
// are not cached anyway, and "no-store" costs ~0.7 ms a call in Chromium.)
func fetchInit(withJSON bool) (safejs.Value, error) {
	if !withJSON { // multipart: the browser sets the content type and boundary
		return newObjectProto(safejs.Null(),
			"method", "POST",
			"credentials", "omit",
			"redirect", "manual",
			"referrerPolicy", "no-referrer",
			"mode", "cors",
		)
	}
	// Prototype-less, so that the per-call child (body, signal) never
	// reaches a setter the page put on Object.prototype.
	headers, err := newObjectProto(safejs.Null(), "content-type", "application/json")
	if err != nil {
		return headers, err
	}
	return newObjectProto(safejs.Null(),
		"method", "POST",
		"headers", headers,
		"credentials", "omit",
		"redirect", "manual",
		"referrerPolicy", "no-referrer",
		"mode", "cors",
	)
}
