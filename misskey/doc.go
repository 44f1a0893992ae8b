// Package misskey is a small, platform-neutral client for Misskey servers:
// MiAuth sign-in and API calls.
//
// It builds natively and for GOOS=js GOARCH=wasm, where the wasm bindings
// (the module's wasm/ folder) give it the browser's fetch as Transport; the
// wasm build links no net/http and no encoding/json unless Client.Call is
// used.
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
// Every API call is a POST of a JSON object to {origin}/api/{endpoint} with
// the token as the body field "i": Client.Request returns the raw JSON,
// Client.Call decodes it into a Go value.
//
// Every failure is an *Error carrying the HTTP status and the server's
// code, id, kind, message and info, or one of this package's codes
// (INVALID_ARGUMENT, NOT_APPROVED, NETWORK_ERROR, TIMEOUT, …).
//
// The package misskeytest is a fake instance for tests.
package misskey
