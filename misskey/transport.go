package misskey

import "io"

// Transport sends one HTTP request and reads its answer. It is the core's
// only contact with the network: HTTPTransport in native builds, the
// browser's fetch in misskey/browser. Every rule about what an answer means
// (errors, redirects, the size cap, the token) lives in Call.Finish, not in
// a Transport.
//
// Do returns an error only when no HTTP answer was read; every HTTP status,
// 4xx and 5xx included, is a Response. It must follow no redirect (a
// redirect comes back as its 3xx Response, or with Redirected set where the
// platform hides the status), must give up soon after req.Cancel happens,
// and need read no more than req.MaxBytes+1 bytes of a body.
//
// Do takes no context.Context: its caller (Call.Send) turns a context into
// a Canceler. Any call through a context.Context's methods keeps Go's time
// formatting in a wasm build (27 KB gzip, measured), and every wasm build
// links a Transport; the Client methods keep taking a context.
type Transport interface {
	Do(req *Request) (*Response, error)
}

// Request is an HTTP request for a Transport.
type Request struct {
	Method string
	URL    string
	// Header holds header values by lower-case name.
	Header map[string]string
	// Body is the request body (JSON), when Form is nil.
	Body []byte
	// Form, when not nil, is sent as multipart/form-data in this order.
	Form []FormField
	// Progress, when not nil, hears an upload's progress: bytes sent of
	// total (-1 when unknown), where the transport can tell.
	Progress func(sent, total int64)
	// Cancel happens when the caller gives up: its deadline passed or it
	// was cancelled. Nil means never.
	Cancel Canceler
	// MaxBytes is the largest answer body the caller accepts (0: no cap).
	MaxBytes int64
}

// FormField is one field of a multipart form: a text Value, or a File.
type FormField struct {
	Name  string
	Value string
	// File, when not nil, is the content of a file field named FileName. A
	// transport may know its own kinds of file (misskey/browser sends a
	// browser.Blob as it is) and reads any other io.Reader.
	File     io.Reader
	FileName string
}

// Response is an HTTP answer read by a Transport.
type Response struct {
	Status int
	// Header holds header values by lower-case name (repeated headers
	// joined with ", "); at least content-type and retry-after.
	Header map[string]string
	// Body is the answer's body; it may be cut short or left unread when
	// ContentLength announces more than Request.MaxBytes.
	Body []byte
	// ContentLength is the announced body length, -1 when unknown.
	ContentLength int64
	// Redirected reports a redirect that the platform hid (a browser's
	// opaque redirect) or followed by itself (XMLHttpRequest).
	Redirected bool
}

// DefaultMaxResponseBytes is the largest answer a call accepts; a larger
// one is an INVALID_RESPONSE error. It is ten times the largest answer a
// timeline of 100 notes usually needs.
const DefaultMaxResponseBytes = 16 << 20

// ParseContentLength reads a Content-Length value, digits only: -1 when it
// is not one. (misskey.js reads it the same way for client.request's fast
// path.)
func ParseContentLength(s string) int64 {
	if s == "" || len(s) > 18 {
		return -1
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n
}
