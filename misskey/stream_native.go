//go:build !js

package misskey

import (
	"context"
	"sync"

	"github.com/coder/websocket"
)

func init() { DefaultDialer = WebSocketDialer{} }

// WebSocketDialer is the Dialer of native builds, over
// github.com/coder/websocket. In a browser, misskey/browser's Dialer uses
// the browser's WebSocket.
type WebSocketDialer struct{}

type nativeSocket struct {
	ctx    context.Context
	cancel context.CancelFunc
	events SocketEvents

	mu     sync.Mutex // held while an event is told, so that none follows Close
	conn   *websocket.Conn
	closed bool
}

// Dial connects in the background and reports through events.
func (WebSocketDialer) Dial(url string, events SocketEvents) (Socket, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &nativeSocket{ctx: ctx, cancel: cancel, events: events}
	go func() {
		conn, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			s.tell(func() { events.Closed(false) })
			return
		}
		conn.SetReadLimit(16 << 20)
		s.mu.Lock()
		s.conn = conn
		gone := s.closed
		s.mu.Unlock()
		if gone { // closed while dialling
			conn.CloseNow()
			return
		}
		s.tell(events.Opened)
		for {
			typ, data, err := conn.Read(ctx)
			if err != nil {
				s.tell(func() { events.Closed(true) })
				return
			}
			text := ""
			if typ == websocket.MessageText {
				text = string(data)
			}
			s.tell(func() { events.Message(text) })
		}
	}()
	return s, nil
}

// tell reports an event unless the socket was closed.
func (s *nativeSocket) tell(event func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		event()
	}
}

func (s *nativeSocket) Send(text string) error {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn == nil {
		return &Error{Code: CodeNetworkError, Message: "the socket is not open"}
	}
	return conn.Write(s.ctx, websocket.MessageText, []byte(text))
}

// Close closes the socket; no event follows.
func (s *nativeSocket) Close() {
	s.mu.Lock()
	s.closed = true
	conn := s.conn
	s.mu.Unlock()
	s.cancel()
	if conn != nil {
		conn.Close(websocket.StatusNormalClosure, "")
	}
}
