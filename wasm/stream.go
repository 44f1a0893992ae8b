//go:build js && wasm

package main

import (
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// wsDialer is the core's Dialer over the browser's WebSocket.
type wsDialer struct{}

type wsSocket struct {
	ws    safejs.Value
	mu    sync.Mutex
	funcs []safejs.Func
	names []string
	done  bool
}

func (wsDialer) Dial(url string, ev misskey.SocketEvents) (misskey.Socket, error) {
	ctor, err := prop(jsGlobal, "WebSocket")
	if err != nil || typeOf(ctor) != safejs.TypeFunction {
		return nil, &misskey.Error{Code: misskey.CodeNetworkError, Message: "this environment has no WebSocket"}
	}
	ws, err := ctor.New(url)
	if err != nil {
		return nil, &misskey.Error{Code: misskey.CodeNetworkError, Message: "could not open a WebSocket: " + errText(err)}
	}
	s := &wsSocket{ws: ws}
	opened := false
	listen := func(name string, fn func(args []safejs.Value)) error {
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			fn(args)
			return nil
		})
		if err != nil {
			return err
		}
		s.funcs = append(s.funcs, f)
		s.names = append(s.names, name)
		_, err = ws.Call("addEventListener", name, f.Value())
		return err
	}
	err = listen("open", func([]safejs.Value) {
		opened = true
		ev.Opened()
	})
	if err == nil {
		err = listen("message", func(args []safejs.Value) {
			data, err := prop(arg(args, 0), "data")
			if err != nil || typeOf(data) != safejs.TypeString {
				ev.Message("") // a binary frame: reported as malformed
				return
			}
			text, _ := data.String()
			ev.Message(text)
		})
	}
	if err == nil {
		err = listen("close", func([]safejs.Value) {
			if s.release() {
				ev.Closed(opened)
			}
		})
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *wsSocket) Send(text string) error {
	_, err := s.ws.Call("send", text)
	return err
}

// release removes the socket's listeners and releases their js.Funcs,
// once; it reports whether this call did it.
func (s *wsSocket) release() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false
	}
	s.done = true
	for i, f := range s.funcs {
		_, _ = s.ws.Call("removeEventListener", s.names[i], f.Value())
		f.Release()
	}
	s.funcs = nil
	return true
}

func (s *wsSocket) Close() {
	s.release()
	_, _ = s.ws.Call("close")
}

// jsStream is the state behind one stream object.
type jsStream struct {
	s         *misskey.Stream
	handle    int
	listeners safejs.Value // Map: "stream:<type>" or "<channel id>:<type>" → [fn]
	window    []windowListener

	// Events that happen while client.stream() runs ("connecting", or an
	// error that ends the stream at once) are held until the page's code
	// after the call has run, so that its listeners hear them.
	mu      sync.Mutex
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
	if typeOf(this) != safejs.TypeObject {
		return nil, safejs.Undefined(), bad
	}
	record, err := b.streamRecords.Call("get", this)
	if err != nil || typeOf(record) != safejs.TypeObject {
		return nil, safejs.Undefined(), bad
	}
	hv, _ := prop(record, "handle")
	h, _ := hv.Int()
	streamsMu.Lock()
	st := streams[h]
	streamsMu.Unlock()
	if st == nil {
		return nil, record, argError("the stream is closed")
	}
	return st, record, nil
}

// stream: client.stream() → { channel(), subNote(), unsubNote(), on(), off(), close() }.
func (b *bindings) stream(this safejs.Value, args []safejs.Value) (any, error) {
	c, err := b.clientOf(this, "stream")
	if err != nil {
		return nil, err
	}
	listeners, err := mustGet(jsGlobal, "Map").New()
	if err != nil {
		return nil, err
	}
	streamsMu.Lock()
	nextHandle++
	handle := nextHandle
	st := &jsStream{listeners: listeners, handle: handle, holding: true}
	streams[handle] = st
	streamsMu.Unlock()

	obj, err := jsObject.Call("create", b.streamProto)
	if err != nil {
		return nil, err
	}
	record, err := newObject("handle", handle)
	if err != nil {
		return nil, err
	}
	if _, err := b.streamRecords.Call("set", obj, record); err != nil {
		return nil, err
	}
	_, _ = jsObject.Call("freeze", obj)

	h := misskey.StreamHandler{
		State: func(s misskey.StreamState) {
			st.deliver(func() {
				st.emit("stream:state", string(s))
				if s == misskey.StateClosed {
					st.closed(handle)
				}
			})
		},
		Channel: func(id, typ string, body []byte) {
			st.deliver(func() {
				v, err := parseJSON(body)
				if err != nil {
					v = safejs.Null()
				}
				st.emit(id+":"+typ, v)
			})
		},
		Message: func(typ string, body []byte) {
			if typ == "state" || typ == "error" {
				return // the library's own events: a server cannot send them
			}
			st.deliver(func() {
				v, err := parseJSON(body)
				if err != nil {
					v = safejs.Null()
				}
				st.emit("stream:"+typ, v)
			})
		},
		Error: func(err error) { st.deliver(func() { st.emit("stream:error", toJSError(err)) }) },
	}
	core := &misskey.Client{Origin: c.Origin, Token: c.Token, Transport: fetchTransport{}}
	s, err := core.Stream(misskey.StreamOptions{Dialer: wsDialer{}}, h)
	if err != nil {
		streamsMu.Lock()
		delete(streams, handle)
		streamsMu.Unlock()
		return nil, err
	}
	st.s = s
	st.watchWindow()
	// Deliver the held events once the page's current code has run.
	heldMu.Lock()
	heldStreams[handle] = st
	heldMu.Unlock()
	if _, err := jsQueueMicrotask.Invoke(bind(b.releaseStream, handle)); err != nil {
		heldMu.Lock()
		delete(heldStreams, handle)
		heldMu.Unlock()
		st.release()
	}
	return obj, nil
}

var (
	jsQueueMicrotask = mustGet(jsGlobal, "queueMicrotask")
	heldMu           sync.Mutex
	heldStreams      = map[int]*jsStream{} // streams whose first events wait for the microtask
)

// windowListener is a listener watchWindow added: where, for what, and the func.
type windowListener struct {
	target safejs.Value
	event  string
	f      safejs.Func
}

// watchWindow reconnects at once when the page comes back online or to
// the foreground.
func (st *jsStream) watchWindow() {
	for _, target := range []struct{ obj, event string }{{"window", "online"}, {"document", "visibilitychange"}} {
		t, err := prop(jsGlobal, target.obj)
		if err != nil || typeOf(t) != safejs.TypeObject {
			continue
		}
		f, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
			if target.obj == "document" && strProp(t, "visibilityState") != "visible" {
				return nil
			}
			st.s.Reconnect()
			return nil
		})
		if err != nil {
			continue
		}
		if _, err := t.Call("addEventListener", target.event, f.Value()); err != nil {
			f.Release()
			continue
		}
		st.window = append(st.window, windowListener{t, target.event, f})
	}
}

// closed forgets the stream and releases its window listeners.
func (st *jsStream) closed(handle int) {
	streamsMu.Lock()
	delete(streams, handle)
	streamsMu.Unlock()
	for _, l := range st.window {
		_, _ = l.target.Call("removeEventListener", l.event, l.f.Value())
		l.f.Release()
	}
	st.window = nil
}

// emit calls every listener of key with v. A listener that throws does not
// stop the others; nothing waits for a listener's Promise.
func (st *jsStream) emit(key string, v any) {
	list, err := st.listeners.Call("get", key)
	if err != nil || typeOf(list) != safejs.TypeObject {
		return
	}
	fns, err := list.Call("slice")
	if err != nil {
		return
	}
	n, _ := lengthOf(fns)
	for i := range n {
		fn, err := prop(fns, i)
		if err != nil {
			continue
		}
		if _, err := fn.Invoke(v); err != nil {
			reportListenerError(key, err)
		}
	}
}

func reportListenerError(key string, err error) {
	if console, e := prop(jsGlobal, "console"); e == nil && typeOf(console) == safejs.TypeObject {
		_, _ = console.Call("error", "misskey: a stream listener ("+key+") threw: "+errText(err))
	}
}

// on / off for stream and channel objects: key prefix is "stream" or the channel id.
func (st *jsStream) on(prefix string, args []safejs.Value, add bool) error {
	typV, fn := arg(args, 0), arg(args, 1)
	if typeOf(typV) != safejs.TypeString {
		return argError("the event type must be a string, not " + describe(typV))
	}
	if typeOf(fn) != safejs.TypeFunction {
		return argError("the listener must be a function, not " + describe(fn))
	}
	typ, _ := typV.String()
	if typ == "" || len(typ) > 100 {
		return argError("bad event type")
	}
	key := prefix + ":" + typ
	list, err := st.listeners.Call("get", key)
	if err != nil {
		return err
	}
	if typeOf(list) != safejs.TypeObject {
		if list, err = jsArray.New(); err != nil {
			return err
		}
		if _, err := st.listeners.Call("set", key, list); err != nil {
			return err
		}
	}
	idx, err := list.Call("indexOf", fn)
	if err != nil {
		return err
	}
	i, _ := idx.Int()
	switch {
	case add && i < 0:
		_, err = list.Call("push", fn)
	case !add && i >= 0:
		_, err = list.Call("splice", i, 1)
	}
	return err
}

// makeStreamAPI builds the prototypes of stream and channel objects.
func (b *bindings) makeStreamAPI() error {
	var err error
	b.releaseStream = b.g.exportSync(func(_ safejs.Value, args []safejs.Value) (any, error) {
		h, _ := arg(args, 0).Int()
		heldMu.Lock()
		st := heldStreams[h]
		delete(heldStreams, h)
		heldMu.Unlock()
		if st != nil {
			st.release()
		}
		return nil, nil
	})
	if b.streamRecords, err = mustGet(jsGlobal, "WeakMap").New(); err != nil {
		return err
	}
	g := b.g
	channelMethod := func(name string, fn func(st *jsStream, id string, args []safejs.Value) (any, error)) safejs.Value {
		return g.exportSync(func(this safejs.Value, args []safejs.Value) (any, error) {
			st, record, err := b.streamOf(this, name)
			if err != nil {
				return nil, err
			}
			id := strProp(record, "id")
			if id == "" {
				return nil, argError(name + " must be called on a channel")
			}
			return fn(st, id, args)
		})
	}
	if b.channelProto, err = newObject(
		"on", channelMethod("on", func(st *jsStream, id string, args []safejs.Value) (any, error) {
			return nil, st.on(id, args, true)
		}),
		"off", channelMethod("off", func(st *jsStream, id string, args []safejs.Value) (any, error) {
			return nil, st.on(id, args, false)
		}),
		"dispose", g.exportSync(func(this safejs.Value, args []safejs.Value) (any, error) {
			st, record, err := b.streamOf(this, "dispose")
			if err != nil {
				if record.IsUndefined() {
					return nil, err
				}
				return nil, nil // the stream is closed: nothing to do
			}
			id := strProp(record, "id")
			st.s.Disconnect(id)
			// Forget the channel's listeners.
			keys, _ := jsArray.Call("from", mustCall(st.listeners, "keys"))
			n, _ := lengthOf(keys)
			for i := range n {
				k, _ := prop(keys, i)
				if ks, _ := k.String(); len(ks) > len(id) && ks[:len(id)+1] == id+":" {
					_, _ = st.listeners.Call("delete", k)
				}
			}
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
				case "on", "off", "reconnect", "unsubNote":
					return nil, nil
				}
				return nil, err
			}
			if strProp(record, "id") != "" {
				return nil, argError(name + " must be called on a stream")
			}
			return fn(st, args)
		})
	}
	b.streamProto, err = newObject(
		"channel", streamMethod("channel", func(st *jsStream, args []safejs.Value) (any, error) {
			nameV := arg(args, 0)
			if typeOf(nameV) != safejs.TypeString {
				return nil, argError("the channel name must be a string like \"homeTimeline\", not " + describe(nameV))
			}
			name, _ := nameV.String()
			params, err := paramsJSON(arg(args, 1))
			if err != nil {
				return nil, err
			}
			id, err := st.s.Connect(name, params)
			if err != nil {
				return nil, err
			}
			ch, err := jsObject.Call("create", b.channelProto)
			if err != nil {
				return nil, err
			}
			_ = set(ch, "id", id)
			_ = set(ch, "channel", name)
			record, err := newObject("handle", st.handle, "id", id)
			if err != nil {
				return nil, err
			}
			if _, err := b.streamRecords.Call("set", ch, record); err != nil {
				return nil, err
			}
			_, _ = jsObject.Call("freeze", ch)
			return ch, nil
		}),
		"subNote", streamMethod("subNote", func(st *jsStream, args []safejs.Value) (any, error) {
			id, err := noteID(arg(args, 0))
			if err != nil {
				return nil, err
			}
			return nil, st.s.SubNote(id)
		}),
		"unsubNote", streamMethod("unsubNote", func(st *jsStream, args []safejs.Value) (any, error) {
			id, err := noteID(arg(args, 0))
			if err != nil {
				return nil, err
			}
			st.s.UnsubNote(id)
			return nil, nil
		}),
		"on", streamMethod("on", func(st *jsStream, args []safejs.Value) (any, error) {
			return nil, st.on("stream", args, true)
		}),
		"off", streamMethod("off", func(st *jsStream, args []safejs.Value) (any, error) {
			return nil, st.on("stream", args, false)
		}),
		"state", streamMethod("state", func(st *jsStream, args []safejs.Value) (any, error) {
			return string(st.s.State()), nil
		}),
		"reconnect", streamMethod("reconnect", func(st *jsStream, args []safejs.Value) (any, error) {
			st.s.Reconnect()
			return nil, nil
		}),
		"close", g.exportSync(func(this safejs.Value, args []safejs.Value) (any, error) {
			st, record, err := b.streamOf(this, "close")
			if err != nil {
				if record.IsUndefined() {
					return nil, err
				}
				return nil, nil // already closed
			}
			st.s.Close()
			return nil, nil
		}),
	)
	return err
}

func noteID(v safejs.Value) (string, error) {
	if typeOf(v) != safejs.TypeString {
		return "", argError("the note id must be a string, not " + describe(v))
	}
	s, _ := v.String()
	return s, nil
}

func mustCall(v safejs.Value, method string) safejs.Value {
	r, err := v.Call(method)
	if err != nil {
		return safejs.Undefined()
	}
	return r
}
