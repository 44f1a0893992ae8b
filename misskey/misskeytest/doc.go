// Package misskeytest provides a fake Misskey instance for tests, modelled on
// net/http/httptest: a small in-process HTTP server that behaves like a real
// Misskey 2025.11.1 server as far as API clients can tell.
//
// NewServer starts one on 127.0.0.1 with a random port, seeded with the user
// "alice" (display name "Alice"), who is also the user "signed in" to the fake
// web frontend and so the one who approves MiAuth requests on its consent
// page. Close it when done:
//
//	srv := misskeytest.NewServer()
//	defer srv.Close()
//	alice := srv.User("alice")
//	resp, err := http.Post(srv.URL+"/api/i", "application/json",
//		strings.NewReader(`{"i":"`+alice.Token+`"}`))
//
// What it implements:
//
//   - POST /api/{endpoint} for meta, i, notes/create, notes/show,
//     notes/delete, notes/timeline, notes/local-timeline,
//     notes/reactions/create, notes/reactions/delete, i/notifications,
//     drive/files/create (multipart), following/create, i/revoke-token and
//     miauth/gen-token, with the real permission kinds, credential rules,
//     error codes and ids, WWW-Authenticate headers, CORS headers and
//     preflight answers. Any other endpoint name is unknown and gets
//     Fastify's "Route POST:/api/x not found" 404 without CORS headers, as
//     the real server answers for names it does not have.
//   - POST /api/miauth/{session}/check, single use.
//   - GET /miauth/{session}?name&icon&callback&permission, an HTML consent
//     page with the buttons "allow" and "deny" (element ids), and the routes
//     those buttons post to.
//   - GET /files/{id} serving uploaded drive files, and /identicon/{id} for
//     avatars.
//
// Everything is deterministic: ids are aid-like (10 lowercase alphanumerics
// that sort in creation order), createdAt comes from a fake clock that starts
// at 2026-01-01T00:00:00.000Z and advances one second per created object, and
// tokens (32 characters) come from a fixed-seed generator.
//
// Faults (SetFault) make endpoints slow, hang, drop connections, answer like
// a broken proxy, rate-limit, or answer arbitrary bytes. Every request the
// server receives is recorded (Requests).
//
// Details that follow the real server and may surprise:
//
//   - With sinceId alone, timelines answer the oldest notes after sinceId,
//     oldest first; with untilId (with or without sinceId), newest first.
//   - A permission named twice makes the consent page's Allow fail (the real
//     miauth/gen-token refuses duplicates): no token, no redirect. Unknown
//     names are dropped silently.
//   - "Secure" endpoints (i/revoke-token, miauth/gen-token) answer any
//     app/MiAuth token, and anonymous calls, with 400 ACCESS_DENIED.
//   - A body-less POST gets INVALID_PARAM "must be object", but
//     Content-Type: application/json with an empty body gets Fastify's 400
//     FST_ERR_CTP_EMPTY_JSON_BODY; bodies of other types than JSON,
//     text/plain and multipart get 415.
//
// Streaming (/streaming) is not implemented.
//
// The package is only built for platforms with a real network stack
// (everything but GOOS=js); under js/wasm it is empty, so that importing it
// does not pull net/http into a wasm build.
package misskeytest
