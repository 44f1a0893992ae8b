package misskey

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error codes of this library's own. A server's codes (CREDENTIAL_REQUIRED,
// PERMISSION_DENIED, RATE_LIMIT_EXCEEDED, NO_SUCH_NOTE, …) are passed on as the
// server sent them.
const (
	// CodeInvalidArgument: the caller passed a bad origin, permission,
	// endpoint, callback, session or params. Nothing was sent.
	CodeInvalidArgument = "INVALID_ARGUMENT"
	// CodeNoSession: the callback URL carries no session parameter.
	CodeNoSession = "NO_SESSION"
	// CodeUnknownSession: the session was not started here, has expired or
	// was already used. Nothing was sent.
	CodeUnknownSession = "UNKNOWN_SESSION"
	// CodeNotApproved: check answered {"ok":false}. The server answers so
	// for a session not approved yet, denied, already used or unknown, and
	// does not tell these apart.
	CodeNotApproved = "NOT_APPROVED"
	// CodeNetworkError: no HTTP answer was read (connection refused, reset,
	// DNS, or in a browser a response hidden for lack of a CORS header).
	CodeNetworkError = "NETWORK_ERROR"
	// CodeTimeout: the call's deadline passed.
	CodeTimeout = "TIMEOUT"
	// CodeAborted: the caller cancelled the call.
	CodeAborted = "ABORTED"
	// CodeInvalidResponse: the answer was not JSON, not of the expected
	// shape, too large, or a redirect.
	CodeInvalidResponse = "INVALID_RESPONSE"
	// CodeRateLimitExceeded is the server's code for a rate-limited call.
	CodeRateLimitExceeded = "RATE_LIMIT_EXCEEDED"
)

// Error is the one error type of this package: every failure of a call,
// a sign-in step or a validation is an *Error, so
//
//	var e *misskey.Error
//	if errors.As(err, &e) && e.Code == "PERMISSION_DENIED" { … }
//
// works everywhere. Fields the server did not send are empty.
type Error struct {
	// Code is the server's error code, or one of this package's Code* values.
	Code string
	// Status is the HTTP status, 0 when no HTTP answer was read.
	Status int
	// Endpoint is the API endpoint called ("notes/create"), if any.
	Endpoint string
	// Origin is the instance called, if any.
	Origin string
	// ID is the server's error id (a UUID naming the error kind), if sent.
	ID string
	// Kind is the server's "client", "server" or "permission", if sent.
	Kind string
	// Message is a human-readable description. It never holds a token.
	Message string
	// Info is the raw JSON of the server's error info, or nil.
	Info []byte
	// RetryAfter is, for a rate-limited call, how long the server asked us
	// to wait (from Retry-After or info.resetMs); 0 when unknown.
	RetryAfter time.Duration
	// Err is the underlying cause (a transport error, context.Canceled, …).
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("misskey: ")
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint)
		b.WriteString(": ")
	}
	b.WriteString(e.Code)
	if e.Status != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.Status))
		b.WriteString(")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the underlying cause, so errors.Is(err, context.Canceled)
// and the like work.
func (e *Error) Unwrap() error { return e.Err }

// Is reports a match with an *Error whose Code equals e's, so that
// errors.Is(err, &misskey.Error{Code: misskey.CodeNotApproved}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code != "" && t.Code == e.Code
}

func invalidArgument(format string, value string) *Error {
	return &Error{Code: CodeInvalidArgument, Message: strings.Replace(format, "%q", quote(value), 1)}
}

// quote quotes a caller's value for an error message, shortened and with
// control characters escaped.
func quote(s string) string {
	const max = 100
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return strconv.Quote(s[:cut]) + "…"
	}
	return strconv.Quote(s)
}

// transportError turns a transport's failure into an *Error, telling a
// deadline and a cancellation apart from a network failure.
func transportError(ctx context.Context, endpoint string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e.Endpoint == "" {
			e.Endpoint = endpoint
		}
		return e
	}
	code, msg := CodeNetworkError, "network error"
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		code, msg = CodeTimeout, "the call timed out"
		err = errors.Join(err, context.DeadlineExceeded)
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		code, msg = CodeAborted, "the call was cancelled"
		err = errors.Join(err, context.Canceled)
	}
	return &Error{Code: code, Endpoint: endpoint, Message: msg, Err: err}
}

// parseErrorResponse builds the *Error for a non-2xx answer. The server's
// fields are copied one by one; a body that is not in Misskey's error shape
// (Fastify's own errors, a proxy's HTML page, an empty or truncated body)
// gives CodeInvalidResponse, or the body's own code, with a short excerpt.
func parseErrorResponse(endpoint string, resp *Response) *Error {
	e := &Error{Status: resp.Status, Endpoint: endpoint}
	if fields, err := jsonObject(resp.Body); err == nil {
		if inner, err := jsonObject(fields["error"]); err == nil {
			e.Code, _ = jsonString(inner["code"])
			e.Message, _ = jsonString(inner["message"])
			e.ID, _ = jsonString(inner["id"])
			e.Kind, _ = jsonString(inner["kind"])
			if info := inner["info"]; len(info) > 0 && string(info) != "null" {
				e.Info = append([]byte(nil), info...)
			}
		} else {
			// Fastify's shape: {"statusCode":404,"error":"Not Found","message":"…"[, "code":"FST_…"]}
			e.Code, _ = jsonString(fields["code"])
			e.Message, _ = jsonString(fields["message"])
		}
	}
	if e.Code == "" {
		if e.Message == "" {
			e.Message = "unexpected answer: " + excerpt(resp.Body)
		}
		e.Code = CodeInvalidResponse
	}
	if e.Status == 429 {
		e.RetryAfter = retryAfter(resp.Header["retry-after"], e.Info)
	}
	return e
}

// retryAfter reads the wait asked for by a 429: info.resetMs (readable by
// browser pages on other origins) or the Retry-After header (seconds).
func retryAfter(header string, info []byte) time.Duration {
	if fields, err := jsonObject(info); err == nil {
		if ms, err := strconv.ParseFloat(string(fields["resetMs"]), 64); err == nil && ms >= 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	if s, err := strconv.Atoi(strings.TrimSpace(header)); err == nil && s >= 0 && s < 1e6 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// excerpt returns the start of a body for an error message: at most 120
// bytes of valid UTF-8, white space collapsed, control characters dropped.
func excerpt(body []byte) string {
	if len(body) == 0 {
		return "(empty body)"
	}
	const max = 120
	var b strings.Builder
	space := false
	for _, r := range string(body) {
		if b.Len() >= max {
			b.WriteString("…")
			break
		}
		switch {
		case r == ' ' || r == '\n' || r == '\r' || r == '\t':
			space = b.Len() > 0
			continue
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strconv.Quote(b.String())
}
