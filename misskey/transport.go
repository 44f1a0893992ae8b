package misskey

import "context"

// Transport sends one HTTP request and reads its whole answer. It is the
// core's only contact with the network, kept this small so that the wasm
// build can implement it over the browser's fetch and link no net/http.
//
// Do returns an error only when no HTTP answer was read; every HTTP status,
// including 4xx and 5xx, is a Response. It must not follow redirects (a
// redirect is returned as the 3xx Response) and must honour ctx.
type Transport interface {
	Do(ctx context.Context, req *Request) (*Response, error)
}

// Request is an HTTP request for a Transport.
type Request struct {
	Method string
	URL    string
	// Header holds header values by name; names are lower-case.
	Header map[string]string
	Body   []byte
}

// Response is an HTTP answer read by a Transport.
type Response struct {
	Status int
	// Header holds header values by lower-case name (repeated headers joined with ", ").
	Header map[string]string
	Body   []byte
}

// DefaultMaxResponseBytes is the largest answer a Transport of this package
// reads; a larger one is an INVALID_RESPONSE error. It is ten times the
// largest answer a timeline of 100 notes usually needs.
const DefaultMaxResponseBytes = 16 << 20
