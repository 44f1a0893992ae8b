//go:build js && wasm

package main

// The browser under the core, through the loader's glue (misskey.js):
// fetch and XMLHttpRequest (transport), localStorage and sessionStorage
// (webStore, store) and WebSocket (socket). misskey/browser offers the same
// to other Go programs; the library's own calls go through the loader,
// where a JS object costs a few bytes, not Go code in the wasm.

import (
	"errors"
	"strings"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// glueTransport is the core's Transport: the loader's transport does the
// request; Go waits for its answer on the call's goroutine.
type glueTransport struct{ g glue }

// jsFile is a Blob or File to upload: the transport sends it as it is,
// again after a rate limit (Rewind).
type jsFile struct{ v safejs.Value }

func (f *jsFile) Read([]byte) (int, error) {
	return 0, errors.New("a Blob is sent by the browser, not read")
}

// Rewind: the browser reads a Blob from its start at every send.
func (f *jsFile) Rewind() error { return nil }

func (t glueTransport) Do(req *misskey.Request) (*misskey.Response, error) {
	var body any = safejs.Undefined()
	if req.Method != "GET" {
		body = string(req.Body)
	}
	if req.Form != nil {
		fields := make([]any, 0, 3*len(req.Form))
		for _, f := range req.Form {
			var value any = f.Value
			if f.File != nil {
				file, ok := f.File.(*jsFile)
				if !ok {
					return nil, argError("a file of this transport must be a Blob")
				}
				value = file.v
			}
			fields = append(fields, f.Name, value, f.FileName)
		}
		body = fields
	}
	progress := safejs.Undefined()
	if req.Progress != nil {
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			loaded, _ := arg(args, 0).Float()
			total, _ := arg(args, 1).Float()
			go req.Progress(int64(loaded), int64(total)) // the page's function may take its time
			return nil
		})
		if err != nil {
			return nil, err
		}
		defer f.Release()
		progress = f.Value()
	}
	ch := make(chan []safejs.Value, 1)
	done, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- args
		return nil
	})
	if err != nil {
		return nil, err
	}
	defer done.Release()
	abort, err := t.g.transport.Invoke(req.Method, req.Header["content-type"], req.URL, body, progress, req.MaxBytes, done.Value())
	if err != nil {
		return nil, err
	}
	if req.Cancel != nil {
		defer req.Cancel.OnCancel(func() { _, _ = abort.Invoke() })()
	}
	a := <-ch
	if num(a, 0) < 0 {
		return nil, &jsError{str(a, 1), str(a, 2)}
	}
	return responseOf(a)
}

// responseOf reads an answer as the loader gives it: (status, type,
// contentType, retryAfter, contentLength, Uint8Array|null).
func responseOf(a []safejs.Value) (*misskey.Response, error) {
	resp := &misskey.Response{Status: num(a, 0), Redirected: str(a, 1) == "opaqueredirect",
		Header:        map[string]string{"content-type": str(a, 2), "retry-after": str(a, 3)},
		ContentLength: misskey.ParseContentLength(str(a, 4))}
	var err error
	if buf := arg(a, 5); isObject(buf) {
		resp.Body, err = bytesOf(buf)
	}
	return resp, err
}

// jsStorage is a misskey.Storage over localStorage or sessionStorage.
type jsStorage struct {
	g glue
	s safejs.Value
}

// webStorage opens the storage of kind "local" or "session".
func (g glue) webStorage(kind string) (misskey.Storage, bool) {
	s, err := g.webStore.Invoke(kind)
	if err != nil || !isObject(s) {
		return nil, false
	}
	return jsStorage{g, s}, true
}

func (s jsStorage) do(op, key, value string) safejs.Value {
	v, _ := s.g.store.Invoke(s.s, op, key, value)
	return v
}

func (s jsStorage) Get(key string) (string, bool) {
	v := s.do("get", key, "")
	if v.Type() != safejs.TypeString {
		return "", false
	}
	str, err := v.String()
	return str, err == nil
}

func (s jsStorage) Set(key, value string) error {
	if !truthy(s.do("set", key, value)) {
		// Not quoted: the browser's message quotes the key.
		return &misskey.Error{Code: misskey.CodeStorageError, Message: "the browser refused to store the value (the storage is full, or not allowed here)"}
	}
	return nil
}

func (s jsStorage) Delete(key string) { s.do("delete", key, "") }

func (s jsStorage) Keys(prefix string) []string {
	v, _ := s.do("keys", prefix, "").String()
	if v == "" {
		return nil
	}
	return strings.Split(v, "\n")
}

// openStorage returns the storage of a kind: "local", "session" or
// "memory" (a new MemoryStorage). An unavailable browser storage is a
// STORAGE_ERROR; an unknown kind, INVALID_ARGUMENT.
func (g glue) openStorage(kind string) (misskey.Storage, error) {
	switch kind {
	case "memory":
		return misskey.NewMemoryStorage(), nil
	case "local", "session":
		if s, ok := g.webStorage(kind); ok {
			return s, nil
		}
		return nil, &misskey.Error{Code: misskey.CodeStorageError, Message: kind + "Storage is not available here"}
	}
	return nil, &misskey.Error{Code: misskey.CodeInvalidArgument, Message: `storage must be "local", "session" or "memory"`}
}

// glueDialer is the core's Dialer over the loader's socket (WebSocket). A
// browser does not tell why a socket failed to open (a refused upgrade
// looks like a dropped connection): the stream asks the REST API.
type glueDialer struct{ g glue }

type jsSocket struct {
	sock safejs.Value // { send, close }
	on   safejs.Func
	once sync.Once
}

func (d glueDialer) Dial(url string, ev misskey.SocketEvents) (misskey.Socket, error) {
	s := &jsSocket{}
	opened := false
	on, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		switch kind, _ := arg(args, 0).String(); kind {
		case "open":
			opened = true
			ev.Opened()
		case "message":
			text, _ := arg(args, 1).String()
			ev.Message(text) // "" for a binary frame: reported as malformed
		default:
			s.release()
			ev.Closed(opened)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.on = on
	if s.sock, err = d.g.socket.Invoke(url, on.Value()); err != nil {
		s.release()
		return nil, &misskey.Error{Code: misskey.CodeNetworkError, Message: "could not open a WebSocket: " + errText(err)}
	}
	return s, nil
}

func (s *jsSocket) release() { s.once.Do(s.on.Release) }

func (s *jsSocket) Send(text string) error {
	_, err := s.sock.Call("send", text)
	return err
}

// Close closes the socket; no event follows.
func (s *jsSocket) Close() {
	_, _ = s.sock.Call("close")
	s.release()
}

var _ misskey.Rewinder = (*jsFile)(nil)
