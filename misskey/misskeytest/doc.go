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
//     notes/children, notes/conversation, notes/delete, notes/timeline,
//     notes/local-timeline, notes/hybrid-timeline, notes/global-timeline,
//     notes/reactions/create, notes/reactions/delete, notes/polls/vote,
//     i/notifications, notifications/mark-all-as-read, emojis (also GET),
//     drive/files/create (multipart), following/create, i/revoke-token
//     and miauth/gen-token, with the real permission kinds, credential
//     rules, error codes and ids, WWW-Authenticate headers, CORS headers
//     and preflight answers. Any other endpoint name is unknown and gets
//     Fastify's "Route POST:/api/x not found" 404 without CORS headers, as
//     the real server answers for names it does not have.
//   - POST /api/miauth/{session}/check, single use.
//   - GET /miauth/{session}?name&icon&callback&permission, an HTML consent
//     page with the buttons "allow" and "deny" (element ids), and the routes
//     those buttons post to. A test approves with Approve or by posting the
//     Allow form; it denies by posting the Deny form (POST
//     /miauth/{session}/deny), which, as on the real server, changes nothing
//     server-side: no token, no redirect, and check keeps answering
//     {"ok":false} (the fake's page, unlike the real one, links back to
//     the app's callback, without a session).
//   - GET /files/{id} serving uploaded drive files (without a CORS header,
//     as the real server), /identicon/{id}, each user's generated avatar
//     (a gradient and a symmetric pattern, as Misskey's identicons) until
//     SetAvatar gives them a drive file, and /emoji/{name}.svg, a
//     generated image for each custom emoji.
//   - GET /@{username}, /notes/{id} and /tags/{tag}: small HTML pages
//     where a real instance's web client shows a user, a note and a
//     hashtag, with what an anonymous visitor may see, so that an app's
//     links there lead somewhere.
//   - GET /streaming, the streaming API over WebSocket (see below).
//   - OAuth 2.0, as Misskey 2023.9.0 and later provide it (see below).
//
// Test helpers act as a user would through the API, with the same
// effects (notifications, streaming messages): AddUser, Follow, PostNote
// and PostNoteWith (NoteOptions: text, cw, visibility, reply, renote or
// quote, files, Poll), AddFile, AddFileWith (a caption, the sensitive
// flag), SetAvatar, React, Vote, AddEmoji, SetEmojiImage, IssueToken, Approve,
// ApproveOAuth, DenyOAuth, and SetPolicy (the base role's policies, such
// as ltlAvailable and gtlAvailable: in meta's and i's "policies", and
// enforced by the timelines and their channels).
//
// # OAuth 2.0
//
// The fake is an OAuth 2.0 provider like Misskey 2025.11.1 (authorization
// code with PKCE S256 only): GET /.well-known/oauth-authorization-server
// (RFC 8414, CORS *, issuer the instance URL, scopes_supported
// Permissions()); GET /oauth/authorize, which checks the request in the
// real order (response_type, client_id, the client_id URL's form, then,
// outside Misskey's test environment, that its host resolves to a unicast
// address; the client_id page, fetched with a 5 s timeout, whose <link
// rel="redirect_uri"> elements and Link headers must list redirect_uri
// exactly, relative ones resolved against the page; then scope,
// code_challenge and code_challenge_method=S256) and shows a consent page
// (the h-app's name and logo, the known scopes, the signed-in user, Allow
// and Deny buttons, and the real misskey:oauth:* meta tags) whose forms post
// to /oauth/decision; and POST /oauth/token (form or JSON body, CORS *,
// with its preflight). Errors the client cannot be trusted with are JSON
// ({"error", "error_description"}, the real statuses); the others, and
// Deny (error=access_denied), redirect (302) to redirect_uri with state
// and iss. A code lives 5 minutes on the server's clock (SetClock), is
// bound to client_id (as normalised: "https://app.example/"),
// redirect_uri, the challenge and the user, and is used up by any
// exchange attempt; using it again revokes the token it gave. The token is
// an app token with the granted scopes, for the API and streaming. Set
// AllowLoopbackClientID to accept client_id pages over http on loopback,
// as Misskey's test environment does; DisableOAuth makes the server one
// from before 2023.9.0, answering 404 there (OPTIONS on /.well-known/ still
// answers 204). ApproveOAuth and DenyOAuth press Allow or Deny for a test
// that cannot click, with every check and the client_id fetch, and return
// the URL the browser would go to, or the *OAuthError the page would show.
//
// # Time and ids
//
// createdAt of users, tokens, notes, notifications and drive files comes
// from the real clock (time.Now, UTC, millisecond precision as Misskey's
// ISO strings), and ids are aids: 8 base36 digits of milliseconds since
// 2000-01-01T00:00:00Z, then 2 base36 digits of counter, strictly
// increasing in creation order; a note's createdAt is the time its id
// encodes. SetClock replaces the clock (for fixed timestamps, or to make
// a poll expire); ids never go backwards, even when the clock does (see
// SetClock). NewUnstartedServerAt sets the clock before alice is
// created, for content dated in the past. Tokens (32 characters) come from a fixed-seed generator, so
// two servers hand out the same tokens in the same order.
//
// Faults (SetFault) make endpoints slow, hang, drop connections, answer like
// a broken proxy, rate-limit, or answer arbitrary bytes. Every request the
// server receives is recorded (Requests).
//
// # Notes, timelines, notifications
//
// Notes are packed as the real NoteEntityService packs a local user's
// note: a reply carries "reply", its parent packed without detail (no
// reply, renote, poll or myReaction of its own: one level deep); a renote
// or quote carries "renote", packed with detail; both are null once the
// note they point to is deleted (the reply or renote itself stays).
// "poll" is {multiple, expiresAt, choices: [{text, votes, isVoted}]}
// (isVoted for the viewer), with "hasPoll": true; "tags" lists the
// lower-cased hashtags; "mentions" includes the author replied to;
// "myReaction" is present only when the signed-in viewer reacted (never
// null); "reactionAcceptance" is null and "localOnly" false. Notes the
// viewer may not see are packed hidden (isHidden, no text, cw, files or
// poll). A self-renote does not count in renoteCount, and deleting a
// renote does not lower it, as on the real server.
//
// Custom emoji: the fake has "blobcat", "misskey" and "awesome" (more
// with AddEmoji), listed by emojis as {emojis: [EmojiSimple]}, sorted by
// category then name. A reaction ":blobcat:" or ":blobcat@.:" is stored
// as ":blobcat:" and shown as ":blobcat@.:" in reactions and myReaction
// (the notification's reaction is ":blobcat:"); an unknown custom emoji
// or text falls back to ❤. As on the real server since 2023, local
// custom emoji are in neither "reactionEmojis" (always {} here: only
// remote emoji go there) nor "emojis" (absent from every note: the fake
// has no remote notes); clients resolve :name: from /api/emojis.
//
// notes/create checks the reply and renote targets as the real server
// (CANNOT_RENOTE_TO_A_PURE_RENOTE, CANNOT_RENOTE_DUE_TO_VISIBILITY,
// CANNOT_REPLY_TO_A_PURE_RENOTE, CANNOT_REPLY_TO_AN_INVISIBLE_NOTE,
// CANNOT_REPLY_TO_SPECIFIED_VISIBILITY_NOTE_WITH_EXTENDED_VISIBILITY) and
// narrows visibility the same way (a public reply to a non-public note
// becomes home, a renote of a home note home, of one's own followers-only
// note followers). A poll takes 2-10 choices and expiresAt (Unix ms) or
// expiredAfter (ms); CANNOT_CREATE_ALREADY_EXPIRED_POLL when in the past.
// A specified note is visible to the users named and the author replied
// to; users mentioned but not named are notified of a hidden note, as on
// the real server.
//
// Timelines, as a default 2025.11.1 server with fanout timelines answers
// them: notes/timeline has the viewer's notes and those of followed users
// the viewer may see, without their replies to others (replies to the
// viewer or to themselves stay); notes/local-timeline has public notes
// except replies to others (replies to the signed-in viewer stay;
// withReplies: all public notes; withFiles: those with files);
// notes/hybrid-timeline both, each note once; notes/global-timeline every
// public note, replies included. withRenotes (default true), withFiles
// and withReplies (where the endpoint takes it; with withFiles:
// BOTH_WITH_REPLIES_AND_WITH_FILES) are honoured; sinceDate/untilDate
// stand for ids of that millisecond.
//
// Details that follow the real server and may surprise:
//
//   - With sinceId alone, timelines and i/notifications answer the oldest
//     items after sinceId, oldest first; with untilId (with or without
//     sinceId), or neither, newest first.
//   - i/notifications filters by type the page it read (a short page is not
//     filled up; a page filtered empty makes it read the next), leaves out
//     notifications of deleted notes, and with markAsRead (default true)
//     marks all of the user's notifications read, not just those answered.
//     i's unreadNotificationsCount counts those newer than the last read,
//     hasUnreadNotification is whether there is one. Marking read publishes
//     readAllNotifications (no body) on the user's main channels when
//     something was unread; notifications/mark-all-as-read (204) always
//     does, unless the user has no notification at all.
//   - notes/polls/vote (204) does not check that the voter may see the note.
//   - Uploading the same bytes again (without force) answers the file
//     already stored.
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
// Where the fake knowingly differs from a real server:
//
//   - Timelines read who follows whom when asked, not when the note was
//     posted (the real fanout timeline pushes a note to the followers of
//     the moment; its database fallback reads follows at query time).
//     includeMyRenotes, includeRenotedMyNotes, includeLocalRenotes and
//     allowPartial are accepted and ignored (the real fanout path ignores
//     them too, except in its database fallback).
//   - The real server leaves myReaction out of notes less than 2 seconds
//     old in timelines (a performance shortcut); the fake always fills it.
//   - avatarUrl is the drive file's URL (SetAvatar) or /identicon/{id};
//     the real server sends avatars through its media proxy and names
//     identicons by username@host.
//   - No "pollEnded" notification when a poll expires, no "note"
//     notifications (the fake has no notify-on-post setting), no mutes,
//     blocks, lists, antennas, channels, roles, clips, federation or
//     remote users, no reactionAcceptance.
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
// Every note created (notes/create, PostNote, PostNoteWith) reaches, as
// channel "note" messages: localTimeline, globalTimeline and hashtag when
// public; homeTimeline of its author and of followers who may see it;
// hybridTimeline for both. Streamed notes are packed as the real server
// packs them once for every socket: for no viewer (no myReaction, nothing
// hidden), with "reactionAndUserPairCache"; only the renoted note of a
// pure renote gets the socket user's myReaction. main gets, in the real
// order: "mention" (the note packed for the user) for each mentioned user
// (the author replied to included), "reply" to the author replied to
// (also when replying to oneself), "renote" to the author of a renoted or
// quoted note (not oneself), then "notification" for every notification
// of its user (createToken on MiAuth approval, reaction, follow, mention,
// reply, renote, quote: one per user and note, a reply or renote taking
// the place of a mention), "followed" with the new follower, "follow"
// with the followee, and "readAllNotifications". It never gets
// "unreadNotification" (the real server sends it on a timer). The
// readNotification message marks all read. After subNote, top-level
// noteUpdated messages {id, type, body} report "reacted" {reaction,
// emoji, userId} (emoji {name: "blobcat@.", url} for a custom emoji,
// else null), "unreacted" {reaction, userId}, "pollVoted" {choice,
// userId} and "deleted" {deletedAt}, to every subscriber, whether its
// user may see the note or not, as on the real server. Messages to one
// socket keep the order they were produced in; a socket with more than
// 10,000 messages waiting is dropped.
//
// The server pings every socket every StreamPingInterval (default 60 s)
// and drops one that has not answered within twice that. For tests:
// React, Vote, DropStreams (a network cut), RefuseStreams (503 on every
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
