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

// ErrInvalidJSON is what a driver that parses a successful answer itself
// (the browser's JSON.parse) gives Call.Finish when the body is not valid
// JSON; Finish makes it an INVALID_RESPONSE error.
var ErrInvalidJSON = errors.New("the answer is not valid JSON")

// transportError turns a transport's failure into an *Error:
// context.DeadlineExceeded is a TIMEOUT, context.Canceled an ABORTED call,
// an *Error passes as it is, and anything else is a NETWORK_ERROR that
// quotes its cause.
func transportError(err error) *Error {
	if e, ok := asError(err); ok {
		return e
	}
	switch {
	case isErr(err, context.DeadlineExceeded):
		return &Error{Code: CodeTimeout, Message: "the call timed out", Err: context.DeadlineExceeded}
	case isErr(err, context.Canceled):
		return &Error{Code: CodeAborted, Message: "the call was cancelled", Err: context.Canceled}
	}
	return &Error{Code: CodeNetworkError,
		Message: "no answer (network down, server unreachable, or in a browser an answer without CORS headers): " + err.Error(),
		Err:     err}
}

// asError finds an *Error in err's chain, as errors.As does, without the
// reflection errors.As needs (it costs the wasm build 14 KB gzip).
func asError(err error) (*Error, bool) {
	for err != nil {
		switch x := err.(type) {
		case *Error:
			return x, true
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				if found, ok := asError(e); ok {
					return found, true
				}
			}
			return nil, false
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		default:
			return nil, false
		}
	}
	return nil, false
}

// isErr is errors.Is for sentinel values, without reflection.
func isErr(err, target error) bool {
	for err != nil {
		if err == target {
			return true
		}
		switch x := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				if isErr(e, target) {
					return true
				}
			}
			return false
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		default:
			return false
		}
	}
	return false
}

// parseErrorResponse builds the *Error for a non-2xx answer. The server's
// fields are copied one by one; a body that is not in Misskey's error shape
// (Fastify's own errors, a proxy's HTML page, an empty or truncated body)
// gives CodeInvalidResponse, or the body's own code, with a short excerpt.
func parseErrorResponse(resp *Response) *Error {
	e := &Error{Status: resp.Status}
	if fields, err := jsonObject(resp.Body); err == nil {
		if inner, err := jsonObject(fields["error"]); err == nil {
			e.Code, _ = jsonString(inner["code"])
			e.Message, _ = jsonString(inner["message"])
			e.ID, _ = jsonString(inner["id"])
			e.Kind, _ = jsonString(inner["kind"])
			if info := inner["info"]; len(info) > 0 && string(info) != "null" {
				e.Info = append([]byte(nil), info...)
			}
		} else if oauth, ok := jsonString(fields["error"]); ok && fields["statusCode"] == nil && fields["code"] == nil {
			// OAuth's (RFC 6749 §5.2): {"error":"invalid_grant","error_description":"…"}
			e.Code = oauth
			if e.Message, _ = jsonString(fields["error_description"]); e.Message == "" {
				e.Message = "the OAuth server refused: " + oauth
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
		if ms, ok := jsonMillis(fields["resetMs"]); ok {
			return time.Duration(ms) * time.Millisecond
		}
	}
	if s, err := strconv.Atoi(strings.TrimSpace(header)); err == nil && s >= 0 && s < 1e6 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// jsonMillis reads a JSON number of milliseconds (1500, 1500.7, 1.5e3),
// rounded up to a whole millisecond: a non-negative value below 10^12, else
// ok is false. (strconv.ParseFloat would cost the wasm build 9 KB gzip.)
func jsonMillis(raw []byte) (ms int64, ok bool) {
	if len(raw) == 0 {
		return 0, false
	}
	end, err := skipJSONNumber(raw, 0)
	if err != nil || end != len(raw) || raw[0] == '-' {
		return 0, false
	}
	var digits []byte // significant digits, then the exponent moves the point
	exp, i := 0, 0
	for ; i < len(raw) && raw[i] >= '0' && raw[i] <= '9'; i++ {
		digits = append(digits, raw[i])
	}
	if i < len(raw) && raw[i] == '.' {
		for i++; i < len(raw) && raw[i] >= '0' && raw[i] <= '9'; i++ {
			digits = append(digits, raw[i])
			exp--
		}
	}
	if i < len(raw) { // e or E
		e, err := strconv.Atoi(strings.TrimPrefix(string(raw[i+1:]), "+"))
		if err != nil || e > 30 || e < -30 {
			return 0, false
		}
		exp += e
	}
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	intLen := len(digits) + exp // digits before the point
	if intLen > 12 {
		return 0, false
	}
	frac := false
	for j, d := range digits {
		if j < intLen {
			ms = ms*10 + int64(d-'0')
		} else if d != '0' {
			frac = true
		}
	}
	for j := len(digits); j < intLen; j++ {
		ms *= 10
	}
	if frac {
		ms++
	}
	return ms, ms < 1e12
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
