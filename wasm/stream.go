//go:build js && wasm

package main

import (
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// A stream object is the core's Stream (reconnects, channels, shared
// channels pooled, the token probe); this file keeps the page's listeners
// and shapes the stream's news as JS values.

// jsStream is the state behind one stream object.
type jsStream struct {
	s      *misskey.Stream
	handle int
	window []*jsutil.Listener

	// lis are the page's listeners, by "stream:<type>" or "<channel id>:<type>".
	lis listeners
	mu  sync.Mutex
	// Events that happen while client.stream() runs ("connecting", or an
	// error that ends the stream at once) are held until the page's code
	// after the call has run, so that its listeners hear them.
	holding bool
	held    []func()
}

// deliver runs f now, or later if the stream holds its events.
func (st *jsStream) deliver(f func()) {
	st.mu.Lock()
	if st.holding {
		st.held = append(st.held, f)
		st.mu.Unlock()
		return
	}
	st.mu.Unlock()
	f()
}

// release delivers the held events, in order, and stops holding.
func (st *jsStream) release() {
	for {
		st.mu.Lock()
		if len(st.held) == 0 {
			st.holding = false
			st.mu.Unlock()
			return
		}
		f := st.held[0]
		st.held = st.held[1:]
		st.mu.Unlock()
		f()
	}
}

// streams maps a handle, kept in a hidden record of each stream and channel
// object, to its stream; an entry lives until the stream closes.
var (
	streamsMu  sync.Mutex
	streams    = map[int]*jsStream{}
	nextHandle int
)

func (b *bindings) streamOf(this safejs.Value, method string) (*jsStream, safejs.Value, error) {
	bad := argError(method + " must be called on a stream or channel made by client.stream()")
	if jsutil.TypeOf(this) != safejs.TypeObject {
		return nil, safejs.Undefined(), bad
	}
	record, err := b.streamRecords.Call("get", this)
	if err != nil || jsutil.TypeOf(record) != safejs.TypeObject {
		return nil, safejs.Undefined(), bad
	}
	hv, _ := jsutil.Prop(record, "handle")
	h, _ := hv.Int()
	streamsMu.Lock()
	st := streams[h]
	streamsMu.Unlock()
	if st == nil {
		return nil, record, argError("the stream is closed")
	}
	return st, record, nil
}

// stream: client.stream() → { channel(), subNote(), unsubNote(), on(), off(), state(), reconnect(), close() }.
func (b *bindings) stream(this safejs.Value, args []safejs.Value) (any, error) {
	c, _, err := b.clientOf(this, "stream")
	if err != nil {
		return nil, err
	}
	lis, err := b.g.listeners()
	if err != nil {
		return nil, err
	}
	streamsMu.Lock()
	nextHandle++
	handle := nextHandle
	st := &jsStream{handle: handle, holding: true, lis: lis}
	streams[handle] = st
	streamsMu.Unlock()

	obj, err := jsutil.Object.Call("create", b.streamProto)
	if err != nil {
		return nil, err
	}
	record, err := jsutil.NewObject("handle", handle)
	if err != nil {
		return nil, err
	}
	if _, err := b.streamRecords.Call("set", obj, record); err != nil {
		return nil, err
	}
	_, _ = jsutil.Object.Call("freeze", obj)

	h := misskey.StreamHandler{
		State: func(s misskey.StreamState) {
			st.deliver(func() {
				st.lis.emit("stream:state", string(s))
				if s == misskey.StateClosed {
					st.closed()
				}
			})
		},
		Channel: func(id, typ string, body []byte) {
			st.deliver(func() { st.lis.emitJSON(id+":"+typ, body) })
		},
		Message: func(typ string, body []byte) {
			if typ == "state" || typ == "error" {
				return // the library's own events: a server cannot send them
			}
			st.deliver(func() { st.lis.emitJSON("stream:"+typ, body) })
		},
		Error: func(err error) { st.deliver(func() { st.lis.emit("stream:error", toJSError(err)) }) },
	}
	s, err := c.Stream(misskey.StreamOptions{}, h)
	if err != nil {
		streamsMu.Lock()
		delete(streams, handle)
		streamsMu.Unlock()
		return nil, err
	}
	st.s = s
	st.window = watchPage(s.Reconnect)
	// Deliver the held events once the page's current code has run.
	release, err := jsutil.Bind(b.releaseStream, handle)
	if err == nil {
		_, err = jsQueueMicrotask.Invoke(release)
	}
	if err != nil {
		st.release()
	}
	return obj, nil
}

var jsQueueMicrotask = jsutil.MustGet(jsutil.Global, "queueMicrotask")

// closed forgets the stream and releases its window listeners.
func (st *jsStream) closed() {
	streamsMu.Lock()
	delete(streams, st.handle)
	streamsMu.Unlock()
	unwatch(st.window)
	st.window = nil
	st.lis.forget("")
}

// makeStreamAPI builds the prototypes of stream and channel objects.
func (b *bindings) makeStreamAPI() error {
	var err error
	b.releaseStream = b.g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		h, _ := jsutil.Arg(args, 0).Int()
		streamsMu.Lock()
		st := streams[h]
		streamsMu.Unlock()
		if st != nil {
			st.release()
		}
		return nil, nil
	})
	if b.streamRecords, err = jsutil.MustGet(jsutil.Global, "WeakMap").New(); err != nil {
		return err
	}
	g := b.g
	channelMethod := func(name string, fn func(st *jsStream, id string, args []safejs.Value) (any, error)) safejs.Value {
		return g.exportSync(func(this safejs.Value, args []safejs.Value) (any, error) {
			st, record, err := b.streamOf(this, name)
			if err != nil {
				if record.IsUndefined() || name == "on" || name == "off" {
					return nil, err
				}
				return nil, nil // the stream is closed: nothing to do
			}
			id := jsutil.Str(record, "id")
			if id == "" {
				return nil, argError(name + " must be called on a channel")
			}
			return fn(st, id, args)
		})
	}
	if b.channelProto, err = jsutil.NewObject(
		"on", channelMethod("on", func(st *jsStream, id string, args []safejs.Value) (any, error) {
			return nil, st.lis.set(id, args, true, nil)
		}),
		"off", channelMethod("off", func(st *jsStream, id string, args []safejs.Value) (any, error) {
			return nil, st.lis.set(id, args, false, nil)
		}),
		"dispose", channelMethod("dispose", func(st *jsStream, id string, args []safejs.Value) (any, error) {
			st.s.Disconnect(id)
			st.lis.forget(id + ":")
			return nil, nil
		}),
	); err != nil {
		return err
	}
	streamMethod := func(name string, fn func(st *jsStream, args []safejs.Value) (any, error)) safejs.Value {
		return g.exportSync(func(this safejs.Value, args []safejs.Value) (any, error) {
			st, record, err := b.streamOf(this, name)
			if err != nil {
				if record.IsUndefined() {
					return nil, err
				}
				// A closed stream: it says so, and quietly ignores what
				// cannot matter any more.
				switch name {
				case "state":
					return string(misskey.StateClosed), nil
				case "on", "off", "reconnect", "unsubNote", "close":
					return nil, nil
				}
				return nil, err
			}
			if jsutil.Str(record, "id") != "" {
				return nil, argError(name + " must be called on a stream")
			}
			return fn(st, args)
		})
	}
	b.streamProto, err = jsutil.NewObject(
		"channel", streamMethod("channel", func(st *jsStream, args []safejs.Value) (any, error) {
			nameV := jsutil.Arg(args, 0)
			if jsutil.TypeOf(nameV) != safejs.TypeString {
				return nil, argError("the channel name must be a string like \"homeTimeline\", not " + describe(nameV))
			}
			name, _ := nameV.String()
			params, err := paramsJSON(jsutil.Arg(args, 1))
			if err != nil {
				return nil, err
			}
			id, err := st.s.Connect(name, params)
			if err != nil {
				return nil, err
			}
			ch, err := jsutil.Object.Call("create", b.channelProto)
			if err != nil {
				return nil, err
			}
			_ = jsutil.Set(ch, "id", id)
			_ = jsutil.Set(ch, "channel", name)
			record, err := jsutil.NewObject("handle", st.handle, "id", id)
			if err != nil {
				return nil, err
			}
			if _, err := b.streamRecords.Call("set", ch, record); err != nil {
				return nil, err
			}
			_, _ = jsutil.Object.Call("freeze", ch)
			return ch, nil
		}),
		"subNote", streamMethod("subNote", func(st *jsStream, args []safejs.Value) (any, error) {
			id, err := noteID(jsutil.Arg(args, 0))
			if err != nil {
				return nil, err
			}
			return nil, st.s.SubNote(id)
		}),
		"unsubNote", streamMethod("unsubNote", func(st *jsStream, args []safejs.Value) (any, error) {
			id, err := noteID(jsutil.Arg(args, 0))
			if err != nil {
				return nil, err
			}
			st.s.UnsubNote(id)
			return nil, nil
		}),
		"on", streamMethod("on", func(st *jsStream, args []safejs.Value) (any, error) {
			return nil, st.lis.set("stream", args, true, nil)
		}),
		"off", streamMethod("off", func(st *jsStream, args []safejs.Value) (any, error) {
			return nil, st.lis.set("stream", args, false, nil)
		}),
		"state", streamMethod("state", func(st *jsStream, args []safejs.Value) (any, error) {
			return string(st.s.State()), nil
		}),
		"reconnect", streamMethod("reconnect", func(st *jsStream, args []safejs.Value) (any, error) {
			st.s.Reconnect()
			return nil, nil
		}),
		"close", streamMethod("close", func(st *jsStream, args []safejs.Value) (any, error) {
			st.s.Close()
			return nil, nil
		}),
	)
	return err
}

func noteID(v safejs.Value) (string, error) {
	if jsutil.TypeOf(v) != safejs.TypeString {
		return "", argError("the note id must be a string, not " + describe(v))
	}
	s, _ := v.String()
	return s, nil
}
