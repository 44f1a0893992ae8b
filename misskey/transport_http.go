//go:build !js

package misskey

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// DefaultTransport is the Transport a Client uses when its own is nil. In
// native builds it is an HTTPTransport over http.DefaultTransport; the wasm
// build sets its own (the browser's fetch).
var DefaultTransport Transport = &HTTPTransport{}

// HTTPTransport is a Transport over net/http, for Go programs and tests.
// It never follows redirects and sends no cookies.
type HTTPTransport struct {
	// RoundTripper sends the requests; nil means http.DefaultTransport.
	RoundTripper http.RoundTripper
	// MaxResponseBytes caps the answer's size; 0 means DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// Do sends req and reads the whole answer.
func (t *HTTPTransport) Do(ctx context.Context, req *Request) (*Response, error) {
	hreq, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "bad request: " + err.Error(), Err: err}
	}
	for k, v := range req.Header {
		hreq.Header.Set(k, v)
	}
	rt := t.RoundTripper
	if rt == nil {
		rt = http.DefaultTransport
	}
	// A RoundTripper, unlike an http.Client, follows no redirect.
	hresp, err := rt.RoundTrip(hreq)
	if err != nil {
		return nil, err
	}
	defer hresp.Body.Close()
	limit := t.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	if hresp.ContentLength > limit {
		return nil, tooLarge(hresp.StatusCode, limit)
	}
	body, err := io.ReadAll(io.LimitReader(hresp.Body, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, errors.Join(err, ctx.Err())
		}
		return nil, err
	}
	if int64(len(body)) > limit {
		return nil, tooLarge(hresp.StatusCode, limit)
	}
	header := make(map[string]string, len(hresp.Header))
	for k, v := range hresp.Header {
		header[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	return &Response{Status: hresp.StatusCode, Header: header, Body: body}, nil
}

func tooLarge(status int, limit int64) *Error {
	return &Error{Code: CodeInvalidResponse, Status: status,
		Message: "answer larger than " + strconv.FormatInt(limit, 10) + " bytes"}
}
