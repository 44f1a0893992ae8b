//go:build js && wasm

package main

import (
	"strconv"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// Streams, timelines and notifications: the core's Stream, Timeline and
// Notifications. misskey.js keeps the page's objects and listeners; it
// names a stream or feed here by a handle, and hears its news through a
// deliver function: JSON text it parses, or a value.

// handles maps a handle to a *misskey.Stream or *jsFeed; an entry lives
// until its stream or feed closes.
var (
	handlesMu  sync.Mutex
	handles    = map[int]any{}
	nextHandle int
)

func newHandle(v any) int {
	handlesMu.Lock()
	defer handlesMu.Unlock()
	nextHandle++
	handles[nextHandle] = v
	return nextHandle
}

func handleOf(args []safejs.Value) any {
	h := num(args, 0)
	handlesMu.Lock()
	defer handlesMu.Unlock()
	return handles[h]
}

func dropHandle(h int) {
	handlesMu.Lock()
	delete(handles, h)
	handlesMu.Unlock()
}

var errClosed = argError("the stream is closed")

func (b *bindings) streamFuncs() []any {
	g := b.g
	return []any{
		// streamOpen(record, deliver(kind, key, payload)) → handle. kind
		// "state" (payload the state), "json" (payload JSON text) or "error"
		// (a MisskeyError); key ":" + type for the stream's own, channel id +
		// ":" + type for a channel's.
		"streamOpen", g.export(func(args []safejs.Value) (any, error) {
			deliver := arg(args, 1)
			send := func(kind, key string, payload any) { _, _ = deliver.Invoke(kind, key, payload) }
			h := 0 // guarded by handlesMu; -1 once closed
			s, err := clientRecord(str(args, 0)).Stream(misskey.StreamOptions{}, misskey.StreamHandler{
				State: func(st misskey.StreamState) {
					if st == misskey.StateClosed {
						handlesMu.Lock()
						delete(handles, h)
						h = -1
						handlesMu.Unlock()
					}
					send("state", "", string(st))
				},
				Channel: func(id, typ string, body []byte) { send("json", id+":"+typ, string(body)) },
				Message: func(typ string, body []byte) {
					if typ == "state" || typ == "error" {
						return // the library's own events: a server cannot send them
					}
					send("json", ":"+typ, string(body))
				},
				Error: func(err error) { send("error", ":error", toJSError(err)) },
			})
			if err != nil {
				return nil, err
			}
			handlesMu.Lock()
			defer handlesMu.Unlock()
			nextHandle++
			if h == 0 { // not closed already
				h = nextHandle
				handles[h] = s
			}
			return nextHandle, nil
		}),
		// stream(handle, op, a, b): op "connect" (a the channel, b its
		// params' JSON text or undefined) → the channel's id; "disconnect"
		// (a the channel id); "sub" and "unsub" (a the note id);
		// "reconnect"; "close".
		"stream", g.export(func(args []safejs.Value) (any, error) {
			s, ok := handleOf(args).(*misskey.Stream)
			if !ok {
				return nil, errClosed
			}
			a := str(args, 2)
			switch str(args, 1) {
			case "connect":
				var params []byte
				if !arg(args, 3).IsUndefined() {
					params = []byte(str(args, 3))
				}
				return s.Connect(a, params)
			case "disconnect":
				s.Disconnect(a)
			case "sub":
				return nil, s.SubNote(a)
			case "unsub":
				s.UnsubNote(a)
			case "reconnect":
				s.Reconnect()
			case "close":
				s.Close()
			}
			return nil, nil
		}),
	}
}

// sharedStream is the one stream a client object's feeds share; it closes
// with the last of them.
type sharedStream struct {
	s     *misskey.Stream
	users int
}

var (
	sharedMu      sync.Mutex
	sharedStreams = map[string]*sharedStream{} // by the client object's key
)

// share returns the stream of the client object key (made at its first
// feed), held for one more feed.
func share(key string, c *misskey.Client) (*misskey.Stream, error) {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	sh := sharedStreams[key]
	if sh == nil {
		s, err := c.Stream(misskey.StreamOptions{}, misskey.StreamHandler{})
		if err != nil {
			return nil, err
		}
		sh = &sharedStream{s: s}
		sharedStreams[key] = sh
	}
	sh.users++
	return sh.s, nil
}

// unshare lets go of a feed's hold on its shared stream.
func unshare(key string) {
	sharedMu.Lock()
	sh := sharedStreams[key]
	if sh == nil {
		sharedMu.Unlock()
		return
	}
	sh.users--
	last := sh.users == 0
	if last {
		delete(sharedStreams, key)
	}
	sharedMu.Unlock()
	if last {
		sh.s.Close()
	}
}

// jsFeed is a timeline or notifications feed: the core's, and its shared
// stream's key.
type jsFeed struct {
	key string
	s   *misskey.Stream
	tl  *misskey.Timeline
	nf  *misskey.Notifications
}

// feedEvents hands the core's news to deliver: ("update", JSON text of
// {"r": [[index, id]…], "a": [[index, item]…], "c": [[index, item]…]}, see
// misskey.js's mirror), ("gap", filled, MisskeyError|null), ("unread", n).
func feedEvents(deliver safejs.Value) misskey.FeedEvents {
	return misskey.FeedEvents{
		Update: func(u misskey.FeedUpdate) {
			b := []byte(`{"r":[`)
			for i, r := range u.Removed {
				if i > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(append(b, '['), int64(r.Index), 10)
				b = append(append(append(b, ',', '"'), r.ID...), '"', ']') // ids are letters and digits
			}
			b = appendChanges(append(b, `],"a":[`...), u.Added)
			b = appendChanges(append(b, `],"c":[`...), u.Changed)
			_, _ = deliver.Invoke("update", string(append(b, "]}"...)))
		},
		Gap: func(filled bool, err error) {
			e := safejs.Null()
			if err != nil {
				e = toJSError(err)
			}
			_, _ = deliver.Invoke("gap", filled, e)
		},
		Unread: func(n int) { _, _ = deliver.Invoke("unread", n) },
	}
}

// appendChanges writes changes as [index, item] pairs.
func appendChanges(b []byte, list []misskey.FeedChange) []byte {
	for i, c := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(append(b, '['), int64(c.Index), 10)
		b = append(append(append(b, ','), c.Raw...), ']')
	}
	return b
}

func (b *bindings) feedFuncs() []any {
	g := b.g
	return []any{
		// feedOpen(record, clientKey, kind, id, paramsJSON|undefined, limit,
		// maxItems, maxSubscriptions, deliver) → handle: a timeline, or the
		// notifications (kind "notifications").
		"feedOpen", g.export(func(args []safejs.Value) (any, error) {
			c, key := clientRecord(str(args, 0)), str(args, 1)
			s, err := share(key, c)
			if err != nil {
				return nil, err
			}
			f := &jsFeed{key: key, s: s}
			ev := feedEvents(arg(args, 8))
			if kind := str(args, 2); kind == "notifications" {
				f.nf, err = misskey.NewNotifications(c, s, misskey.NotificationsOptions{Limit: num(args, 5), MaxItems: num(args, 6)}, ev)
			} else {
				o := misskey.TimelineOptions{Limit: num(args, 5), MaxNotes: num(args, 6), MaxSubscriptions: num(args, 7)}
				if !arg(args, 4).IsUndefined() {
					o.Params = []byte(str(args, 4))
				}
				f.tl, err = misskey.NewTimeline(c, s, misskey.TimelineSource{Kind: kind, ID: str(args, 3)}, o, ev)
			}
			if err != nil {
				unshare(key)
				return nil, err
			}
			return newHandle(f), nil
		}),
		// feed(handle, op): op "load", "more" (→ whether older items
		// came) and "markAllRead" answer a Promise; "catchup" (the page is
		// back, online or in the foreground: a socket can die without
		// telling, so reconnect a stream that waits to, and catch up) and
		// "close" are done at once.
		"feed", g.export(func(args []safejs.Value) (any, error) {
			f, ok := handleOf(args).(*jsFeed)
			op := str(args, 1)
			if !ok {
				if op == "catchup" || op == "close" {
					return nil, nil
				}
				return nil, argError("the feed is closed")
			}
			switch op {
			case "catchup": // a stream that is down catches up once it is back
				if f.s.State() != misskey.StateOpen {
					f.s.Reconnect()
				} else if f.tl != nil {
					f.tl.Catchup()
				} else {
					f.nf.Catchup()
				}
				return nil, nil
			case "close":
				dropHandle(num(args, 0))
				go func() { // Close waits for the stream's goroutine
					if f.tl != nil {
						f.tl.Close()
					} else {
						f.nf.Close()
					}
					unshare(f.key)
				}()
				return nil, nil
			}
			return newPromise(func() (any, error) {
				switch {
				case op == "more" && f.tl != nil:
					return f.tl.More(nil)
				case op == "more":
					return f.nf.More(nil)
				case op == "load" && f.tl != nil:
					return nil, f.tl.Load(nil)
				case op == "load":
					return nil, f.nf.Load(nil)
				case f.nf != nil: // markAllRead
					return nil, f.nf.MarkAllRead(nil)
				}
				return nil, argError("markAllRead is for notifications")
			})
		}),
	}
}
