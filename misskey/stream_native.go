//go:build !js

package misskey

import (
	"context"
	"sync"

	"github.com/coder/websocket"
)

func init() { DefaultDialer = WebSocketDialer{} }

// WebSocketDialer is the Dialer of native builds, over
// github.com/coder/websocket. The wasm build uses the browser's WebSocket.
type WebSocketDialer struct{}

type nativeSocket struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	conn   *websocket.Conn
}

// Dial connects in the background and reports through events.
func (WebSocketDialer) Dial(url string, events SocketEvents) (Socket, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &nativeSocket{ctx: ctx, cancel: cancel}
	go func() {
		conn, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			events.Closed(false)
			return
		}
		conn.SetReadLimit(16 << 20)
		s.mu.Lock()
		s.conn = conn
		s.mu.Unlock()
		if ctx.Err() != nil { // closed while dialling
			conn.CloseNow()
			return
		}
		events.Opened()
		for {
			typ, data, err := conn.Read(ctx)
			if err != nil {
				if ctx.Err() == nil {
					events.Closed(true)
				}
				return
			}
			if typ == websocket.MessageText {
				events.Message(string(data))
			} else {
				events.Message("")
			}
		}
	}()
	return s, nil
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

func (s *nativeSocket) Close() {
	s.cancel()
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		conn.Close(websocket.StatusNormalClosure, "")
	}
}
