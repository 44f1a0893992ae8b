//go:build js

package misskey

import "io"

// DefaultTransport is the Transport a Client uses when its own is nil.
// Importing misskey/browser sets it to the browser's fetch; until then it is
// nil, and a call made without a Transport fails with NETWORK_ERROR.
var DefaultTransport Transport

// rewinder is how an upload's file is rewound in a js build: a Rewinder
// (see NewUpload).
func rewinder(file io.Reader) func() error {
	if r, ok := file.(Rewinder); ok {
		return r.Rewind
	}
	return nil
}
