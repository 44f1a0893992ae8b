//go:build js && wasm

package main

import (
	"strconv"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// client.timeline() and client.notifications(): the core's Timeline and
// Notifications (order, de-duplication, catch-up after reconnects, note
// updates, bounds). This file keeps a JS array in step with the core's
// items, by the core's FeedUpdate, and tells the page's listeners.

// sharedStream is the one stream a client object's feeds share; it closes
// with the last of them.
type sharedStream struct {
	s      *misskey.Stream
	users  int
	window []*jsutil.Listener
	feeds  map[*jsFeed]bool
}

var (
	sharedMu      sync.Mutex
	sharedStreams = map[string]*sharedStream{} // by the client object's key
)

// jsFeed is the state behind one timeline or notifications object.
type jsFeed struct {
	key    string // its shared stream's key
	tl     *misskey.Timeline
	nf     *misskey.Notifications
	mirror safejs.Value // the items, newest first, as JS values (misskey.js's mirror)
	mu     sync.Mutex
	unread int
	lis    listeners
	closed bool
}

var (
	feedsMu    sync.Mutex
	feeds      = map[int]*jsFeed{}
	nextFeedID int
)

// shared returns the stream of the client object `this` (made at the first
// feed of it), holding it for one more feed.
func (b *bindings) shared(this safejs.Value, c *misskey.Client) (*sharedStream, string, error) {
	keyV, err := b.feedKeys.Call("get", this)
	if err != nil {
		return nil, "", err
	}
	key := ""
	if jsutil.TypeOf(keyV) == safejs.TypeString {
		key, _ = keyV.String()
	} else {
		feedsMu.Lock()
		nextFeedID++
		key = "c" + strconv.Itoa(nextFeedID)
		feedsMu.Unlock()
		if _, err := b.feedKeys.Call("set", this, key); err != nil {
			return nil, "", err
		}
	}
	sharedMu.Lock()
	defer sharedMu.Unlock()
	sh := sharedStreams[key]
	if sh == nil {
		s, err := c.Stream(misskey.StreamOptions{}, misskey.StreamHandler{})
		if err != nil {
			return nil, "", err
		}
		sh = &sharedStream{s: s, feeds: map[*jsFeed]bool{}}
		sh.window = watchPage(func() {
			// A socket can die without telling: reconnect, and catch up.
			sh.s.Reconnect()
			sharedMu.Lock()
			list := make([]*jsFeed, 0, len(sh.feeds))
			for f := range sh.feeds {
				list = append(list, f)
			}
			sharedMu.Unlock()
			for _, f := range list {
				f.catchup()
			}
		})
		sharedStreams[key] = sh
	}
	sh.users++
	return sh, key, nil
}

// release lets go of a feed's hold on its shared stream.
func release(key string, f *jsFeed) {
	sharedMu.Lock()
	sh := sharedStreams[key]
	if sh == nil {
		sharedMu.Unlock()
		return
	}
	delete(sh.feeds, f)
	sh.users--
	last := sh.users == 0
	if last {
		delete(sharedStreams, key)
	}
	sharedMu.Unlock()
	if last {
		sh.s.Close()
		unwatch(sh.window)
	}
}

func (f *jsFeed) catchup() {
	if f.tl != nil {
		f.tl.Catchup()
	} else if f.nf != nil {
		f.nf.Catchup()
	}
}

// events are the core's events for f, shaped as JS values.
func (f *jsFeed) events() misskey.FeedEvents {
	return misskey.FeedEvents{
		Update: f.update,
		Gap: func(filled bool, err error) {
			e := safejs.Null()
			if err != nil {
				e = toJSError(err)
			}
			if v, err := jsutil.NewObject("filled", filled, "error", e); err == nil {
				f.lis.emit("feed:gap", v)
			}
		},
		Unread: func(n int) {
			f.mu.Lock()
			changed := f.unread != n
			f.unread = n
			f.mu.Unlock()
			if changed {
				f.lis.emit("feed:unread", n)
			}
		},
	}
}

// update hands a FeedUpdate to the JS mirror as one JSON text (see
// misskey.js's mirror) and tells the listeners.
func (f *jsFeed) update(u misskey.FeedUpdate) {
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
	if ev, err := f.mirror.Call("apply", string(append(b, "]}"...))); err == nil {
		f.lis.emit("feed:update", ev)
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

// makeFeed builds a feed object of proto for this client and runs start
// to make its core part.
func (b *bindings) makeFeed(this safejs.Value, method string, proto safejs.Value, start func(c *misskey.Client, s *misskey.Stream, f *jsFeed) error) (any, error) {
	c, _, err := b.clientOf(this, method)
	if err != nil {
		return nil, err
	}
	m, err := b.g.mirror.Invoke()
	if err != nil {
		return nil, err
	}
	lis, err := b.g.listeners()
	if err != nil {
		return nil, err
	}
	f := &jsFeed{mirror: m, lis: lis}
	sh, key, err := b.shared(this, c)
	if err != nil {
		return nil, err
	}
	f.key = key
	if err := start(c, sh.s, f); err != nil {
		release(key, f)
		return nil, err
	}
	sharedMu.Lock()
	sh.feeds[f] = true
	sharedMu.Unlock()
	feedsMu.Lock()
	nextFeedID++
	id := nextFeedID
	feeds[id] = f
	feedsMu.Unlock()
	obj, err := jsutil.Object.Call("create", proto)
	if err != nil {
		return nil, err
	}
	if _, err := b.feedRecords.Call("set", obj, id); err != nil {
		return nil, err
	}
	_, _ = jsutil.Object.Call("freeze", obj)
	return obj, nil
}

// feedOf is the feed behind a timeline or notifications object.
func (b *bindings) feedOf(this safejs.Value, method string) (*jsFeed, error) {
	bad := argError(method + " must be called on an object made by client.timeline() or client.notifications()")
	if jsutil.TypeOf(this) != safejs.TypeObject || this.IsNull() {
		return nil, bad
	}
	v, err := b.feedRecords.Call("get", this)
	if err != nil || jsutil.TypeOf(v) != safejs.TypeNumber {
		return nil, bad
	}
	id, _ := v.Int()
	feedsMu.Lock()
	f := feeds[id]
	feedsMu.Unlock()
	if f == nil {
		return nil, bad
	}
	return f, nil
}

// timelineSource reads client.timeline's first argument: "home" |
// "local" | "social" | "global" | { antenna } | { list } | { channel } |
// { hashtag } | { user }.
func timelineSource(v safejs.Value) (misskey.TimelineSource, error) {
	if jsutil.TypeOf(v) == safejs.TypeString {
		s, _ := v.String()
		return misskey.TimelineSource{Kind: s}, nil
	}
	if jsutil.TypeOf(v) == safejs.TypeObject && !v.IsNull() {
		for _, k := range []string{"antenna", "list", "channel", "hashtag", "user"} {
			id, err := optString(v, k)
			if err != nil {
				return misskey.TimelineSource{}, err
			}
			if id != "" {
				return misskey.TimelineSource{Kind: k, ID: id}, nil
			}
		}
	}
	return misskey.TimelineSource{}, argError(`client.timeline takes "home", "local", "social", "global", or { antenna | list | channel | hashtag | user: id }, not ` + describe(v))
}

// timeline: client.timeline(source, params?, { limit, maxNotes, maxSubscriptions }?).
func (b *bindings) timeline(this safejs.Value, args []safejs.Value) (any, error) {
	src, err := timelineSource(jsutil.Arg(args, 0))
	if err != nil {
		return nil, err
	}
	params, err := paramsJSON(jsutil.Arg(args, 1))
	if err != nil {
		return nil, err
	}
	opts := jsutil.Arg(args, 2)
	if err := checkOptions(opts, "client.timeline's options"); err != nil {
		return nil, err
	}
	var o misskey.TimelineOptions
	o.Params = params
	for _, f := range []struct {
		name string
		dst  *int
		max  int
	}{{"limit", &o.Limit, 100}, {"maxNotes", &o.MaxNotes, 100000}, {"maxSubscriptions", &o.MaxSubscriptions, 1000}} {
		if *f.dst, err = optInt(opts, f.name, f.max); err != nil {
			return nil, err
		}
	}
	return b.makeFeed(this, "timeline", b.timelineProto, func(c *misskey.Client, s *misskey.Stream, f *jsFeed) error {
		tl, err := misskey.NewTimeline(c, s, src, o, f.events())
		f.tl = tl
		return err
	})
}

// notifications: client.notifications({ limit, maxItems }?).
func (b *bindings) notifications(this safejs.Value, args []safejs.Value) (any, error) {
	opts := jsutil.Arg(args, 0)
	if err := checkOptions(opts, "client.notifications's options"); err != nil {
		return nil, err
	}
	var o misskey.NotificationsOptions
	var err error
	if o.Limit, err = optInt(opts, "limit", 100); err != nil {
		return nil, err
	}
	if o.MaxItems, err = optInt(opts, "maxItems", 100000); err != nil {
		return nil, err
	}
	return b.makeFeed(this, "notifications", b.notificationsProto, func(c *misskey.Client, s *misskey.Stream, f *jsFeed) error {
		nf, err := misskey.NewNotifications(c, s, o, f.events())
		f.nf = nf
		return err
	})
}

// makeFeedAPI builds the prototypes of timeline and notifications objects.
func (b *bindings) makeFeedAPI() error {
	var err error
	if b.feedRecords, err = jsutil.MustGet(jsutil.Global, "WeakMap").New(); err != nil {
		return err
	}
	if b.feedKeys, err = jsutil.MustGet(jsutil.Global, "WeakMap").New(); err != nil {
		return err
	}
	g := b.g
	method := func(name string, fn func(f *jsFeed, args []safejs.Value) (any, error)) safejs.Value {
		return g.exportSync(func(this safejs.Value, args []safejs.Value) (any, error) {
			f, err := b.feedOf(this, name)
			if err != nil {
				return nil, err
			}
			return fn(f, args)
		})
	}
	async := func(name string, fn func(f *jsFeed) (any, error)) safejs.Value {
		return g.exportAsync(func(this safejs.Value, args []safejs.Value) (func() (any, error), error) {
			f, err := b.feedOf(this, name)
			if err != nil {
				return nil, err
			}
			if f.isClosed() {
				return nil, argError(name + ": the feed is closed")
			}
			return func() (any, error) { return fn(f) }, nil
		})
	}
	on := func(add bool) safejs.Value {
		return method(map[bool]string{true: "on", false: "off"}[add], func(f *jsFeed, args []safejs.Value) (any, error) {
			return nil, f.lis.set("feed", args, add, func(e string) bool { return e == "update" || e == "gap" || e == "unread" })
		})
	}
	items := method("items", func(f *jsFeed, args []safejs.Value) (any, error) { return f.mirror.Call("items") })
	closer := method("close", func(f *jsFeed, args []safejs.Value) (any, error) {
		f.mu.Lock()
		if f.closed {
			f.mu.Unlock()
			return nil, nil
		}
		f.closed = true
		f.mu.Unlock()
		f.lis.forget("")
		go func() { // Close waits for the stream's goroutine
			if f.tl != nil {
				f.tl.Close()
			} else {
				f.nf.Close()
			}
			release(f.key, f)
		}()
		return nil, nil
	})
	if b.timelineProto, err = jsutil.NewObject(
		"load", async("load", func(f *jsFeed) (any, error) { return nil, f.tl.Load(nil) }),
		"more", async("more", func(f *jsFeed) (any, error) { return f.tl.More(nil) }),
		"on", on(true), "off", on(false),
		"close", closer,
	); err != nil {
		return err
	}
	if err := defineGetter(b.timelineProto, "notes", items); err != nil {
		return err
	}
	if b.notificationsProto, err = jsutil.NewObject(
		"load", async("load", func(f *jsFeed) (any, error) { return nil, f.nf.Load(nil) }),
		"more", async("more", func(f *jsFeed) (any, error) { return f.nf.More(nil) }),
		"markAllRead", async("markAllRead", func(f *jsFeed) (any, error) { return nil, f.nf.MarkAllRead(nil) }),
		"on", on(true), "off", on(false),
		"close", closer,
	); err != nil {
		return err
	}
	if err := defineGetter(b.notificationsProto, "items", items); err != nil {
		return err
	}
	return defineGetter(b.notificationsProto, "unread", method("unread", func(f *jsFeed, args []safejs.Value) (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.unread, nil
	}))
}

func (f *jsFeed) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// defineGetter defines obj.name as a getter calling fn.
func defineGetter(obj safejs.Value, name string, fn safejs.Value) error {
	desc, err := jsutil.NewObjectProto(safejs.Null(), "get", fn, "enumerable", true)
	if err != nil {
		return err
	}
	_, err = jsutil.Object.Call("defineProperty", obj, name, desc)
	return err
}
