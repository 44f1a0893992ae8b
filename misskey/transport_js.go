//go:build js

package misskey

// DefaultTransport is the Transport a Client uses when its own is nil.
// Importing misskey/browser sets it to the browser's fetch; until then it is
// nil, and a call made without a Transport fails with NETWORK_ERROR.
var DefaultTransport Transport
