//go:build js && wasm

package main

import (
	"context"
	"strconv"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// fetchTransport is the core's Transport over the browser's fetch. It sends
// no cookies or referrer, follows no redirect, and aborts the fetch when the
// context ends.
type fetchTransport struct{}

var (
	jsFetch           = mustGet(jsGlobal, "fetch")
	jsAbortController = mustGet(jsGlobal, "AbortController")
)

func (fetchTransport) Do(ctx context.Context, req *misskey.Request) (*misskey.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctrl, err := jsAbortController.New()
	if err != nil {
		return nil, err
	}
	signal, err := prop(ctrl, "signal")
	if err != nil {
		return nil, err
	}
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			_, _ = ctrl.Call("abort")
		case <-finished:
		}
	}()

	headers, err := newObject()
	if err != nil {
		return nil, err
	}
	for k, v := range req.Header {
		if err := set(headers, k, v); err != nil {
			return nil, err
		}
	}
	body, err := jsUint8.New(len(req.Body))
	if err != nil {
		return nil, err
	}
	if _, err := safejs.CopyBytesToJS(body, req.Body); err != nil {
		return nil, err
	}
	init, err := newObject(
		"method", req.Method,
		"headers", headers,
		"body", body,
		"signal", signal,
		"credentials", "omit",
		"redirect", "manual",
		"referrerPolicy", "no-referrer",
		"mode", "cors",
	)
	if err != nil {
		return nil, err
	}
	p, err := jsFetch.Invoke(req.URL, init)
	if err != nil {
		return nil, err
	}
	res, err := await(p)
	if err != nil {
		return nil, fetchError(ctx, err)
	}
	if typ := strProp(res, "type"); typ == "opaqueredirect" {
		return nil, &misskey.Error{Code: misskey.CodeInvalidResponse, Message: "unexpected redirect (not followed)"}
	}
	statusV, err := prop(res, "status")
	if err != nil {
		return nil, err
	}
	status, err := statusV.Int()
	if err != nil {
		return nil, err
	}
	resHeaders, err := prop(res, "headers")
	if err != nil {
		return nil, err
	}
	header := map[string]string{}
	for _, name := range []string{"content-type", "retry-after", "content-length"} {
		v, err := resHeaders.Call("get", name)
		if err == nil && typeOf(v) == safejs.TypeString {
			header[name], _ = v.String()
		}
	}
	if n, err := strconv.ParseInt(header["content-length"], 10, 64); err == nil && n > misskey.DefaultMaxResponseBytes {
		_, _ = ctrl.Call("abort")
		return nil, tooLarge(status)
	}
	bufP, err := res.Call("arrayBuffer")
	if err != nil {
		return nil, err
	}
	buf, err := await(bufP)
	if err != nil {
		return nil, fetchError(ctx, err)
	}
	u8, err := jsUint8.New(buf)
	if err != nil {
		return nil, err
	}
	n, err := lengthOf(u8)
	if err != nil {
		return nil, err
	}
	if n > misskey.DefaultMaxResponseBytes {
		return nil, tooLarge(status)
	}
	out := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(out, u8); err != nil {
		return nil, err
	}
	return &misskey.Response{Status: status, Header: header, Body: out}, nil
}

func tooLarge(status int) error {
	return &misskey.Error{Code: misskey.CodeInvalidResponse, Status: status,
		Message: "answer larger than " + strconv.Itoa(misskey.DefaultMaxResponseBytes) + " bytes"}
}

// fetchError describes a rejected fetch. The browser does not say why a
// fetch failed (a CORS refusal and a refused connection look alike), so the
// message says what it can.
func fetchError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return &misskey.Error{Code: misskey.CodeNetworkError,
		Message: "the request failed (network down, server unreachable, or an answer without CORS headers): " + errText(err),
		Err:     err}
}
