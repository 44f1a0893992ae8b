// Package misskey is a small, platform-neutral client for Misskey servers:
// MiAuth sign-in, API calls, drive uploads, streaming, and the keeping of
// accounts and pending sign-ins.
//
// It builds natively and for GOOS=js GOARCH=wasm. Natively it talks through
// net/http (HTTPTransport) and github.com/coder/websocket; in a browser,
// import misskey/browser, which sets DefaultTransport (fetch) and
// DefaultDialer (WebSocket) and offers localStorage and sessionStorage as a
// Storage. The wasm build links no net/http, net/url or encoding/json
// unless Client.Call is used.
//
// Sign-in (MiAuth) has three steps:
//
//  1. StartMiAuth checks the origin, permissions and callback, makes a fresh
//     session id and builds the consent page's URL; send the user there.
//  2. After "Allow", the instance redirects to the callback with ?session=;
//     SessionFromCallback reads it back.
//  3. Client.CheckMiAuth exchanges the session for the token and user, once:
//     sessions are single-use. Apps without a callback poll with
//     Client.WaitMiAuth instead.
//
// PendingSignIns remembers the sign-ins a browser started (so that only
// those are completed, each once), and AccountStore keeps the accounts, one
// Storage entry each.
//
// Every API call is a POST of a JSON object to {origin}/api/{endpoint} with
// the token as the body field "i": Client.Request returns the raw JSON,
// Client.Call decodes it into a Go value, Client.Upload sends a file.
//
// One pipeline carries every request: a Call (Client.NewCall, NewUpload,
// NewMiAuthCheck) holds the Request a Transport sends, and Call.Finish holds
// every rule of its answer (204, error bodies, redirects refused, the size
// cap, the token kept out of errors, rate-limit retries). The Client
// methods drive a Call through the Transport with a context; Call.Send and
// Call.Poll do the same without one. A context.Context's methods, called
// anywhere in a wasm build, keep Go's time formatting in it (27 KB gzip), so
// the browser bindings use the context-free forms, and Transport takes a
// cancel channel.
//
// Every failure is an *Error carrying the HTTP status and the server's
// code, id, kind, message and info, or one of this package's codes
// (INVALID_ARGUMENT, NOT_APPROVED, NETWORK_ERROR, TIMEOUT, …).
//
// The package misskeytest is a fake instance for tests.
package misskey
