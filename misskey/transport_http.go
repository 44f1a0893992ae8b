//go:build !js

package misskey

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
)

// DefaultTransport is the Transport a Client uses when its own is nil. In
// native builds it is an HTTPTransport over http.DefaultTransport; in a
// browser, importing misskey/browser sets it to the browser's fetch.
var DefaultTransport Transport = &HTTPTransport{}

// HTTPTransport is a Transport over net/http, for Go programs and tests.
// It never follows redirects and sends no cookies.
type HTTPTransport struct {
	// RoundTripper sends the requests; nil means http.DefaultTransport.
	RoundTripper http.RoundTripper
}

// Do sends req and reads the answer, at most req.MaxBytes+1 bytes of it.
func (t *HTTPTransport) Do(req *Request) (*Response, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer onCancel(req.Cancel, cancel)()
	body, size, ctype, err := encodeBody(req)
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return nil, err
	}
	hreq.ContentLength = size
	for k, v := range req.Header {
		hreq.Header.Set(k, v)
	}
	if ctype != "" {
		hreq.Header.Set("Content-Type", ctype)
	}
	rt := t.RoundTripper
	if rt == nil {
		rt = http.DefaultTransport
	}
	// A RoundTripper, unlike an http.Client, follows no redirect.
	hresp, err := rt.RoundTrip(hreq)
	if err != nil {
		return nil, err
	}
	defer hresp.Body.Close()
	resp := &Response{Status: hresp.StatusCode, ContentLength: hresp.ContentLength, Header: make(map[string]string, len(hresp.Header))}
	for k, v := range hresp.Header {
		resp.Header[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	var r io.Reader = hresp.Body
	if req.MaxBytes > 0 {
		if hresp.ContentLength > req.MaxBytes {
			return resp, nil // Finish refuses it unread
		}
		r = io.LimitReader(r, req.MaxBytes+1)
	}
	if resp.Body, err = io.ReadAll(r); err != nil {
		return nil, err
	}
	return resp, nil
}

// encodeBody makes the request body: req.Body, or req.Form as
// multipart/form-data (then with its content type), counting what is sent
// for req.Progress.
func encodeBody(req *Request) (io.Reader, int64, string, error) {
	var data []byte
	ctype := ""
	if req.Form == nil {
		data = req.Body
	} else {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, f := range req.Form {
			if f.File == nil {
				if err := w.WriteField(f.Name, f.Value); err != nil {
					return nil, 0, "", err
				}
				continue
			}
			part, err := w.CreateFormFile(f.Name, f.FileName)
			if err != nil {
				return nil, 0, "", err
			}
			if _, err := io.Copy(part, f.File); err != nil {
				return nil, 0, "", &Error{Code: CodeInvalidArgument, Message: "the file could not be read: " + err.Error(), Err: err}
			}
		}
		if err := w.Close(); err != nil {
			return nil, 0, "", err
		}
		data, ctype = buf.Bytes(), w.FormDataContentType()
	}
	size := int64(len(data))
	if req.Progress == nil {
		return bytes.NewReader(data), size, ctype, nil
	}
	return &progressReader{r: bytes.NewReader(data), total: size, report: req.Progress}, size, ctype, nil
}

type progressReader struct {
	r      io.Reader
	sent   int64
	total  int64
	report func(sent, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.sent += int64(n)
		p.report(p.sent, p.total)
	}
	return n, err
}

// rewinder is how an upload's file is rewound in a native build: a
// Rewinder, else any io.Seeker, from where it stands now.
func rewinder(file io.Reader) func() error {
	if r, ok := file.(Rewinder); ok {
		return r.Rewind
	}
	sk, ok := file.(io.Seeker)
	if !ok {
		return nil
	}
	start, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil
	}
	return func() error { _, err := sk.Seek(start, io.SeekStart); return err }
}
