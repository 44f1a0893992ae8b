//go:build js

package misskey

// DefaultTransport is the Transport a Client uses when its own is nil. The
// wasm bindings set it to their fetch transport; it is nil until then, and a
// call made without one fails with NETWORK_ERROR.
var DefaultTransport Transport
