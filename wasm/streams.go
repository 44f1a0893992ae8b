//go:build js && wasm

package main

import (
	"strconv"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
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

// streamOf is the open stream a handle names.
func streamOf(args []safejs.Value) (*misskey.Stream, error) {
	if s, ok := handleOf(args).(*misskey.Stream); ok {
		return s, nil
	}
	return nil, errClosed
}

func (b *bindings) streamFuncs() []any {
	g := b.g
	do := func(f func(s *misskey.Stream, args []safejs.Value) (any, error)) safejs.Value {
		return g.export(func(args []safejs.Value) (any, error) {
			s, err := streamOf(args)
			if err != nil {
				return nil, err
			}
			return f(s, args)
		})
	}
	return []any{
		// streamOpen(record, deliver(kind, key, payload)) → handle. kind
		// "state" (payload the state), "json" (payload JSON text) or "error"
		// (a MisskeyError); key ":" + type for the stream's own, channel id +
		// ":" + type for a channel's.
		"streamOpen", g.export(func(args []safejs.Value) (any, error) {
			deliver := jsutil.Arg(args, 1)
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
		// streamConnect(handle, channel, paramsJSON|undefined) → the channel's id.
		"streamConnect", do(func(s *misskey.Stream, args []safejs.Value) (any, error) {
			var params []byte
			if !jsutil.Arg(args, 2).IsUndefined() {
				params = []byte(str(args, 2))
			}
			return s.Connect(str(args, 1), params)
		}),
		"streamDisconnect", do(func(s *misskey.Stream, args []safejs.Value) (any, error) {
			s.Disconnect(str(args, 1))
			return nil, nil
		}),
		// streamNote(handle, noteId, subscribe)
		"streamNote", do(func(s *misskey.Stream, args []safejs.Value) (any, error) {
			if flag(args, 2) {
				return nil, s.SubNote(str(args, 1))
			}
			s.UnsubNote(str(args, 1))
			return nil, nil
		}),
		"streamReconnect", do(func(s *misskey.Stream, args []safejs.Value) (any, error) {
			s.Reconnect()
			return nil, nil
		}),
		"streamClose", do(func(s *misskey.Stream, args []safejs.Value) (any, error) {
			s.Close()
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

// openFeed makes a feed of the client record args[0], on the shared stream
// of the client object args[1].
func openFeed(args []safejs.Value, start func(c *misskey.Client, s *misskey.Stream) (*jsFeed, error)) (any, error) {
	c, key := clientRecord(str(args, 0)), str(args, 1)
	s, err := share(key, c)
	if err != nil {
		return nil, err
	}
	f, err := start(c, s)
	if err != nil {
		unshare(key)
		return nil, err
	}
	f.key, f.s = key, s
	return newHandle(f), nil
}

func (b *bindings) feedFuncs() []any {
	g := b.g
	feedOf := func(args []safejs.Value) (*jsFeed, error) {
		if f, ok := handleOf(args).(*jsFeed); ok {
			return f, nil
		}
		return nil, argError("the feed is closed")
	}
	async := func(run func(f *jsFeed) (any, error)) safejs.Value {
		return g.export(func(args []safejs.Value) (any, error) {
			f, err := feedOf(args)
			if err != nil {
				return nil, err
			}
			return newPromise(func() (any, error) { return run(f) })
		})
	}
	return []any{
		// timelineOpen(record, clientKey, kind, id, paramsJSON|undefined,
		// limit, maxNotes, maxSubscriptions, deliver) → handle.
		"timelineOpen", g.export(func(args []safejs.Value) (any, error) {
			return openFeed(args, func(c *misskey.Client, s *misskey.Stream) (*jsFeed, error) {
				o := misskey.TimelineOptions{Limit: num(args, 5), MaxNotes: num(args, 6), MaxSubscriptions: num(args, 7)}
				if !jsutil.Arg(args, 4).IsUndefined() {
					o.Params = []byte(str(args, 4))
				}
				tl, err := misskey.NewTimeline(c, s, misskey.TimelineSource{Kind: str(args, 2), ID: str(args, 3)}, o, feedEvents(jsutil.Arg(args, 8)))
				return &jsFeed{tl: tl}, err
			})
		}),
		// notificationsOpen(record, clientKey, limit, maxItems, deliver) → handle.
		"notificationsOpen", g.export(func(args []safejs.Value) (any, error) {
			return openFeed(args, func(c *misskey.Client, s *misskey.Stream) (*jsFeed, error) {
				nf, err := misskey.NewNotifications(c, s, misskey.NotificationsOptions{Limit: num(args, 2), MaxItems: num(args, 3)}, feedEvents(jsutil.Arg(args, 4)))
				return &jsFeed{nf: nf}, err
			})
		}),
		"feedLoad", async(func(f *jsFeed) (any, error) {
			if f.tl != nil {
				return nil, f.tl.Load(nil)
			}
			return nil, f.nf.Load(nil)
		}),
		// feedMore(handle) → a Promise of whether older items came.
		"feedMore", async(func(f *jsFeed) (any, error) {
			if f.tl != nil {
				return f.tl.More(nil)
			}
			return f.nf.More(nil)
		}),
		"feedMarkAllRead", async(func(f *jsFeed) (any, error) {
			if f.nf == nil {
				return nil, argError("markAllRead is for notifications")
			}
			return nil, f.nf.MarkAllRead(nil)
		}),
		// feedCatchup(handle): the page is back (online, or in the
		// foreground): a socket can die without telling, so reconnect a
		// stream that waits to, and catch up.
		"feedCatchup", g.export(func(args []safejs.Value) (any, error) {
			f, err := feedOf(args)
			if err != nil {
				return nil, nil
			}
			f.s.Reconnect()
			if f.tl != nil {
				f.tl.Catchup()
			} else {
				f.nf.Catchup()
			}
			return nil, nil
		}),
		"feedClose", g.export(func(args []safejs.Value) (any, error) {
			f, err := feedOf(args)
			if err != nil {
				return nil, nil
			}
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
		}),
	}
}
