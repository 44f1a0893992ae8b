//go:build js && wasm

package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// client: mk.client({ origin, token, rateLimitRetries, allowSecureEndpoints }) or mk.client(account)
// → a frozen object { origin, request(), upload(), stream() } whose token is
// kept out of sight.
func (b *bindings) client(_ safejs.Value, args []safejs.Value) (any, error) {
	a := jsutil.Arg(args, 0)
	if jsutil.TypeOf(a) == safejs.TypeString { // mk.client("misskey.example"), anonymous
		a, _ = jsutil.NewObject("origin", a)
	}
	if jsutil.TypeOf(a) != safejs.TypeObject || a.IsNull() {
		return nil, argError("mk.client takes { origin, token } or an account, not " + describe(a))
	}
	o, err := originOption(a)
	if err != nil {
		return nil, err
	}
	tokenV, err := option(a, "token")
	if err != nil {
		return nil, err
	}
	token := ""
	switch jsutil.TypeOf(tokenV) {
	case safejs.TypeUndefined, safejs.TypeNull:
	case safejs.TypeString:
		token, _ = tokenV.String()
	default:
		return nil, argError("token must be a string, not " + describe(tokenV))
	}
	retries, err := optInt(a, "rateLimitRetries", 10)
	if err != nil {
		return nil, err
	}
	var secure bool
	if err := readOptions(a, "allowSecureEndpoints", &secure); err != nil {
		return nil, err
	}
	flags := strconv.Itoa(retries)
	if secure {
		flags += "s"
	}
	obj, err := jsutil.Object.Call("create", b.clientProto)
	if err != nil {
		return nil, err
	}
	if err := jsutil.Set(obj, "origin", o); err != nil {
		return nil, err
	}
	// One string, so that reading it back is one crossing.
	if _, err := b.clients.Call("set", obj, o+" "+flags+" "+token); err != nil {
		return nil, err
	}
	_, _ = jsutil.Object.Call("freeze", obj)
	return obj, nil
}

// clientRecord reads a client's record: "origin flags token", flags the
// rate-limit retries, then "s" when secure endpoints are allowed.
func clientRecord(record string) *misskey.Client {
	origin, rest, _ := strings.Cut(record, " ") // an origin has no space
	flags, token, _ := strings.Cut(rest, " ")
	n, secure := strings.CutSuffix(flags, "s")
	retries, _ := strconv.Atoi(n)
	return &misskey.Client{Origin: origin, Token: token, RateLimitRetries: retries, AllowSecureEndpoints: secure}
}

// clientOf returns the core client behind a client object (the `this` of a
// method call) and its record.
func (b *bindings) clientOf(this safejs.Value, method string) (*misskey.Client, string, error) {
	bad := argError(method + " must be called on a client made by mk.client (client." + method + "(…))")
	if jsutil.TypeOf(this) != safejs.TypeObject || this.IsNull() {
		return nil, "", bad
	}
	record, err := b.clients.Call("get", this)
	if err != nil || jsutil.TypeOf(record) != safejs.TypeString {
		return nil, "", bad
	}
	s, _ := record.String()
	return clientRecord(s), s, nil
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

// paramsJSON turns a call's params (undefined, null or a plain object) into
// JSON text, in the browser.
func paramsJSON(p safejs.Value) ([]byte, error) {
	if absent(p) {
		return nil, nil
	}
	if !isPlainObject(p) {
		return nil, argError("params must be a plain object, not " + describe(p))
	}
	s, err := stringify(p)
	if err != nil {
		return nil, argError("params cannot be sent as JSON: " + jsutil.ErrText(err))
	}
	if len(s) > misskey.MaxParamsBytes {
		return nil, argError("params are larger than the server's 1 MiB limit")
	}
	return []byte(s), nil
}

// client.request is the hot path: the loader's requester and caller
// (misskey.js) around two Go functions. prepare (below) checks the
// arguments and has the core build the call; the browser fetches it, and a
// success (the core's (*Call).Direct rule, mirrored in misskey.js) is parsed
// by the browser and handed to the page without entering Go again. Only an
// answer that is not a direct success comes back, to onAnswer or onFailure,
// which give it to the core's (*Call).Finish: its MisskeyError, or a Retry
// after a rate limit. Go holds no JS value of a call past its return.

// makeRequest makes the fast path's send function.
func (b *bindings) makeRequest() error {
	onAnswer := b.g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		// (record, attempt, the fetch Response, its body as an ArrayBuffer)
		k, err := b.resume(args)
		if err != nil {
			return nil, err
		}
		resp := browser.Response(jsutil.Arg(args, 2))
		if resp.Body, err = jsutil.Bytes(jsutil.Arg(args, 3)); err != nil {
			return nil, err
		}
		return b.outcome(k.Finish(resp, nil))
	})
	onFailure := b.g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		// (record, attempt, why: 1 timeout, 2 the page's signal, status, reason)
		k, err := b.resume(args)
		if err != nil {
			return nil, err
		}
		why, _ := jsutil.Arg(args, 2).Int()
		status, _ := jsutil.Arg(args, 3).Int()
		reason := &jsutil.Rejection{Reason: jsutil.Arg(args, 4)}
		var resp *misskey.Response
		switch {
		case why == 1:
			err = context.DeadlineExceeded
		case why == 2 || reason.Name() == "AbortError":
			err = context.Canceled
		case status != 0 && reason.Name() == "SyntaxError": // res.json() of a direct answer
			resp, err = &misskey.Response{Status: status, ContentLength: -1}, misskey.ErrInvalidJSON
		default:
			err = reason
		}
		return b.outcome(k.Finish(resp, err))
	})
	send, err := b.g.caller.Invoke(browser.FetchOptions(false), onAnswer, onFailure, misskey.DefaultMaxResponseBytes)
	b.send = send
	return err
}

// resume rebuilds the call a handler hears of: its record is
// "endpoint clientRecord", then the attempt number.
func (b *bindings) resume(args []safejs.Value) (*misskey.Call, error) {
	rec, _ := jsutil.Arg(args, 0).String()
	endpoint, client, _ := strings.Cut(rec, " ")
	k, err := clientRecord(client).NewCall(endpoint, nil)
	if err != nil {
		return nil, err
	}
	k.Attempts, _ = jsutil.Arg(args, 1).Int()
	return k, nil
}

// outcome is what a handler returns for the core's reading of an answer:
// the parsed answer, a Retry, or the error (thrown, so the chain rejects).
func (b *bindings) outcome(out misskey.Outcome) (any, error) {
	switch {
	case out.Retry > 0:
		return b.g.retry.New(out.Retry.Milliseconds())
	case out.Err != nil:
		return nil, out.Err
	case out.Body == nil:
		return safejs.Null(), nil
	}
	return parseJSON(out.Body)
}

// prepare: client.request(endpoint, params?, { signal, timeout }?) is
// checked here and turned into the plan that misskey.js's send fetches.
func (b *bindings) prepare(this safejs.Value, args []safejs.Value) (any, error) {
	c, record, err := b.clientOf(this, "request")
	if err != nil {
		return nil, err
	}
	epV := jsutil.Arg(args, 0)
	if jsutil.TypeOf(epV) != safejs.TypeString {
		return nil, argError("the endpoint must be a string like \"notes/create\", not " + describe(epV))
	}
	endpoint, _ := epV.String()
	params, err := paramsJSON(jsutil.Arg(args, 1))
	if err != nil {
		err.(*misskey.Error).Endpoint = endpoint
		return nil, err
	}
	k, err := c.NewCall(endpoint, params)
	if err != nil {
		return nil, err
	}
	opts := jsutil.Arg(args, 2)
	timeout, signal, err := callOptions(opts, "request's options")
	if err != nil {
		return nil, err
	}
	k.Timeout = timeout
	// One string, "url\x00timeoutMs\x00body\x00record", is one value to
	// make and hand over (neither a URL nor JSON text holds a NUL; the record
	// comes last, whole); an array only when there is a signal to hand on.
	req := k.Request()
	plan := req.URL + "\x00" + strconv.FormatInt(k.EffectiveTimeout().Milliseconds(), 10) + "\x00" + string(req.Body) + "\x00" + endpoint + " " + record
	if signal.IsUndefined() {
		return plan, nil
	}
	return jsutil.Array.New(plan, signal)
}

// callOptions reads { timeout, signal }: timeout 0 means the default.
func callOptions(opts safejs.Value, what string) (time.Duration, safejs.Value, error) {
	if err := checkOptions(opts, what); err != nil {
		return 0, safejs.Undefined(), err
	}
	ms, _, err := optMillis(opts, "timeout")
	if err != nil {
		return 0, safejs.Undefined(), err
	}
	signal, err := signalOption(opts)
	return time.Duration(ms) * time.Millisecond, signal, err
}

// upload: client.upload(blob, { name, folderId, comment, isSensitive, force,
// onProgress, signal, timeout }) → Promise of the drive file. It is sent by
// the core through misskey/browser's Transport: fetch, or XMLHttpRequest
// when onProgress asks for progress (it follows redirects by itself, which
// the core then refuses: see SECURITY.md).
func (b *bindings) upload(this safejs.Value, args []safejs.Value) (func() (any, error), error) {
	c, _, err := b.clientOf(this, "upload")
	if err != nil {
		return nil, err
	}
	file, opts := jsutil.Arg(args, 0), jsutil.Arg(args, 1)
	blob, ok := browser.NewBlob(file)
	if !ok {
		return nil, argError("upload takes a Blob or File, not " + describe(file))
	}
	if err := checkOptions(opts, "upload's options"); err != nil {
		return nil, err
	}
	var o misskey.UploadOptions
	if err := readOptions(opts, "name", &o.Name, "folderId", &o.FolderID, "comment", &o.Comment,
		"isSensitive", &o.IsSensitive, "force", &o.Force); err != nil {
		return nil, err
	}
	if o.Name == "" {
		o.Name = blob.Name()
	}
	onProgress, err := option(opts, "onProgress")
	if err != nil {
		return nil, err
	}
	switch jsutil.TypeOf(onProgress) {
	case safejs.TypeUndefined, safejs.TypeNull:
	case safejs.TypeFunction:
		o.Progress = func(sent, total int64) {
			if p, err := jsutil.NewObject("loaded", sent, "total", max(total, 0)); err == nil {
				_, _ = onProgress.Invoke(p) // a listener that throws does not stop the upload
			}
		}
	default:
		return nil, argError("option onProgress must be a function, not " + describe(onProgress))
	}
	k, err := c.NewUpload(blob, o)
	if err != nil {
		return nil, err
	}
	timeout, _, err := callOptions(opts, "upload's options")
	if err != nil {
		return nil, err
	}
	k.Timeout = timeout
	cancel, release, _, err := signalCancel(opts)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		defer release()
		return b.outcome(k.Send(cancel))
	}, nil
}
