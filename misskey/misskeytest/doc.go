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
// Like httptest.Server.Close, Close waits for the requests in flight
// (releasing hanging ones) and for the streaming sockets' goroutines to
// finish. To serve on a listener of your own, set Listener on a
// NewUnstartedServer before Start; to mount the fake on a server of your
// own, use Handler.
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
//     those buttons post to. A test approves with Approve or by posting the
//     Allow form; it denies by posting the Deny form (POST
//     /miauth/{session}/deny), which, as on the real server, changes nothing
//     server-side: no token, no redirect, and check keeps answering
//     {"ok":false}.
//   - GET /files/{id} serving uploaded drive files, and /identicon/{id} for
//     avatars.
//   - GET /streaming, the streaming API over WebSocket (see below).
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
// # Streaming
//
// GET /streaming upgrades to a WebSocket from any Origin. The token goes in
// ?i= or an Authorization Bearer header (which wins). An unknown or revoked
// token, an empty ?i= or ?i=null, or an app token without read:account gets
// a plain HTTP 401 (WWW-Authenticate error="invalid_token") and no upgrade;
// without a token the socket opens and only public channels work.
//
// Client messages are JSON text (or binary) frames: connect {channel, id,
// params, pong}, disconnect {id}, subNote/unsubNote {id} (and the aliases
// s, sr, un), readNotification. A connect is answered with connected {id}
// only when pong is truthy; a refused one is ignored silently: unknown
// channel, a channel needing a user on an anonymous socket, an app token
// without the channel's permission (read:account for main, homeTimeline,
// hybridTimeline), a non-string or empty id, an id already open on the
// socket, a second main (shared, as on the real server), more than 32
// channels, or bad params. Malformed frames, "ping" and "h" get no answer
// and keep the socket.
//
// Channels: main, homeTimeline, hybridTimeline (user needed),
// localTimeline, globalTimeline and hashtag (params {q: [["a","b"],["c"]]}:
// any group whose tags all appear as #tags in the text). The fake has no
// lists, antennas, channels or roles, so userList, antenna, channel and
// roleTimeline are refused like any unknown name. Timeline params
// withRenotes (default true), withFiles and withReplies (default false)
// are honoured; without withReplies, replies unrelated to the viewer are
// left out as on the real server.
//
// Every note created (notes/create, PostNote) reaches, as channel "note"
// messages packed as notes/show would pack them for the socket's user:
// localTimeline, globalTimeline and hashtag when public; homeTimeline of
// its author and of followers who may see it; hybridTimeline for both. main
// gets "notification" for every notification of its user (createToken on
// MiAuth approval, reaction, follow, mention, reply, renote, quote),
// "mention", "reply" and "renote" with the note, "followed" with the new
// follower and "follow" with the followee. It never gets
// "unreadNotification" (the real server sends it on a timer). After
// subNote, top-level noteUpdated messages {id, type, body} report
// "reacted" {reaction, emoji: null, userId}, "unreacted" {reaction,
// userId} and "deleted" {deletedAt}, to sockets whose user may see the
// note. Messages to one socket keep the order they were produced in; a
// socket with more than 10,000 messages waiting is dropped.
//
// The server pings every socket every StreamPingInterval (default 60 s)
// and drops one that has not answered within twice that. For tests:
// React, DropStreams (a network cut), RefuseStreams (503 on every
// upgrade), StreamUpgrades and OpenStreams. Streaming requests appear in
// Requests with Token set from the header or ?i=. Close also closes every
// socket.
//
// # Platforms
//
// The package is only built for platforms with a real network stack
// (everything but GOOS=js); under js/wasm it is empty, so that importing it
// does not pull net/http into a wasm build.
package misskeytest
