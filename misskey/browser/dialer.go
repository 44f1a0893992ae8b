//go:build js && wasm

package browser

import (
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// Dialer is the misskey.Dialer over the browser's WebSocket. A browser
// does not tell why a socket failed to open (a refused upgrade looks like a
// dropped connection): the stream asks the REST API.
type Dialer struct{}

type socket struct {
	ws        safejs.Value
	mu        sync.Mutex
	listeners []*jsutil.Listener
	done      bool
}

// Dial opens a WebSocket to url; its events follow.
func (Dialer) Dial(url string, ev misskey.SocketEvents) (misskey.Socket, error) {
	ctor, err := jsutil.Prop(jsutil.Global, "WebSocket")
	if err != nil || jsutil.TypeOf(ctor) != safejs.TypeFunction {
		return nil, &misskey.Error{Code: misskey.CodeNetworkError, Message: "this environment has no WebSocket"}
	}
	ws, err := ctor.New(url)
	if err != nil {
		return nil, &misskey.Error{Code: misskey.CodeNetworkError, Message: "could not open a WebSocket: " + jsutil.ErrText(err)}
	}
	s := &socket{ws: ws}
	opened := false
	listen := func(name string, fn func(args []safejs.Value)) error {
		l, err := jsutil.Listen(ws, name, func(args []safejs.Value) {
			s.mu.Lock()
			done := s.done
			s.mu.Unlock()
			if !done {
				fn(args)
			}
		})
		if err == nil {
			s.listeners = append(s.listeners, l)
		}
		return err
	}
	err = listen("open", func([]safejs.Value) {
		opened = true
		ev.Opened()
	})
	if err == nil {
		err = listen("message", func(args []safejs.Value) {
			data, err := jsutil.Prop(jsutil.Arg(args, 0), "data")
			if err != nil || jsutil.TypeOf(data) != safejs.TypeString {
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

func (s *socket) Send(text string) error {
	_, err := s.ws.Call("send", text)
	return err
}

// release removes the socket's listeners and releases their functions,
// once; it reports whether this call did it.
func (s *socket) release() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false
	}
	s.done = true
	for _, l := range s.listeners {
		l.Remove()
	}
	s.listeners = nil
	return true
}

// Close closes the socket; no event follows.
func (s *socket) Close() {
	s.release()
	_, _ = s.ws.Call("close")
}
