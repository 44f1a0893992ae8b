//go:build js && wasm

package browser

import (
	"io"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// Transport is the misskey.Transport over the browser's fetch: no cookies,
// no referrer, no redirect followed (a redirect is reported with
// Response.Redirected), the fetch aborted when the request's Cancel is
// closed. A request with Progress is sent with XMLHttpRequest, the only
// browser API that reports upload progress; it follows redirects by itself,
// which the response then reports.
type Transport struct{}

var (
	fetchFn         = jsutil.MustGet(jsutil.Global, "fetch")
	abortController = jsutil.MustGet(jsutil.Global, "AbortController")

	optsOnce           sync.Once
	jsonOpts, formOpts safejs.Value
)

// FetchOptions returns the fixed options of every fetch the library makes
// (method POST, credentials "omit", redirect "manual", referrerPolicy
// "no-referrer", mode "cors"; for JSON also the content type), as a frozen
// prototype-less object: a fetch's own options object inherits from it, so
// no setter a page put on Object.prototype runs.
func FetchOptions(form bool) safejs.Value {
	optsOnce.Do(func() {
		fixed := []any{
			"method", "POST",
			"credentials", "omit",
			"redirect", "manual",
			"referrerPolicy", "no-referrer",
			"mode", "cors",
		}
		formOpts = frozen(fixed...)
		headers := frozen("content-type", "application/json")
		jsonOpts = frozen(append(fixed, "headers", headers)...)
	})
	if form {
		return formOpts
	}
	return jsonOpts
}

func frozen(kv ...any) safejs.Value {
	o, err := jsutil.NewObjectProto(safejs.Null(), kv...)
	if err != nil {
		panic(err)
	}
	_, _ = jsutil.Object.Call("freeze", o)
	return o
}

// Do sends req with fetch (or XMLHttpRequest, when req.Progress is set).
func (Transport) Do(req *misskey.Request) (*misskey.Response, error) {
	if req.Method != "POST" {
		return nil, &misskey.Error{Code: misskey.CodeInvalidArgument, Message: "the browser transport sends POST requests only"}
	}
	body, err := requestBody(req)
	if err != nil {
		return nil, err
	}
	if req.Progress != nil {
		return sendXHR(req, body)
	}
	ctrl, err := abortController.New()
	if err != nil {
		return nil, err
	}
	signal, _ := jsutil.Prop(ctrl, "signal")
	defer abortOn(req.Cancel, func() { _, _ = ctrl.Call("abort") })()
	init, err := jsutil.Object.Call("create", FetchOptions(req.Form != nil))
	if err != nil {
		return nil, err
	}
	if err := jsutil.Set(init, "body", body); err != nil {
		return nil, err
	}
	if err := jsutil.Set(init, "signal", signal); err != nil {
		return nil, err
	}
	p, err := fetchFn.Invoke(req.URL, init)
	if err != nil {
		return nil, err
	}
	res, err := jsutil.Await(p)
	if err != nil {
		return nil, err
	}
	resp := Response(res)
	if resp.Redirected || req.MaxBytes > 0 && resp.ContentLength > req.MaxBytes {
		if b, _ := jsutil.Prop(res, "body"); jsutil.TypeOf(b) == safejs.TypeObject && !b.IsNull() {
			_, _ = b.Call("cancel")
		}
		return resp, nil // Finish refuses it unread
	}
	buf, err := res.Call("arrayBuffer")
	if err != nil {
		return nil, err
	}
	ab, err := jsutil.Await(buf)
	if err != nil {
		return nil, err
	}
	if resp.Body, err = jsutil.Bytes(ab); err != nil {
		return nil, err
	}
	return resp, nil
}

// Response reads a fetch Response's status and the headers the core reads
// (content-type, retry-after, content-length); the body is left unread. An
// opaque redirect (redirect: "manual") is Redirected.
func Response(res safejs.Value) *misskey.Response {
	status := 0
	if v, err := jsutil.Prop(res, "status"); err == nil {
		status, _ = v.Int()
	}
	headers, _ := jsutil.Prop(res, "headers")
	get := func(name string) (string, bool) {
		v, err := headers.Call("get", name)
		if err != nil || jsutil.TypeOf(v) != safejs.TypeString {
			return "", false
		}
		s, _ := v.String()
		return s, true
	}
	resp := &misskey.Response{Status: status, Header: map[string]string{}, ContentLength: -1,
		Redirected: jsutil.Str(res, "type") == "opaqueredirect"}
	for _, name := range []string{"content-type", "retry-after"} {
		if v, ok := get(name); ok {
			resp.Header[name] = v
		}
	}
	if v, ok := get("content-length"); ok {
		resp.ContentLength = ParseLength(v)
	}
	return resp
}

// ParseLength reads a Content-Length value: misskey.ParseContentLength.
func ParseLength(s string) int64 { return misskey.ParseContentLength(s) }

// abortOn calls abort when cancel happens, until the returned stop.
func abortOn(cancel misskey.Canceler, abort func()) (stop func()) {
	if cancel == nil {
		return func() {}
	}
	return cancel.OnCancel(abort)
}

// requestBody is req's body as a JS value: a Uint8Array, or a FormData.
func requestBody(req *misskey.Request) (safejs.Value, error) {
	if req.Form == nil {
		return jsutil.Uint8Array(req.Body)
	}
	form, err := jsutil.MustGet(jsutil.Global, "FormData").New()
	if err != nil {
		return form, err
	}
	for _, f := range req.Form {
		if f.File == nil {
			if _, err := form.Call("append", f.Name, f.Value); err != nil {
				return form, err
			}
			continue
		}
		blob, err := blobOf(f.File)
		if err != nil {
			return form, err
		}
		if f.FileName != "" {
			_, err = form.Call("append", f.Name, blob, f.FileName)
		} else {
			_, err = form.Call("append", f.Name, blob)
		}
		if err != nil {
			return form, err
		}
	}
	return form, nil
}

// blobOf is a file's content as a JS Blob: a Blob's own, or the bytes of
// any other reader.
func blobOf(r io.Reader) (safejs.Value, error) {
	if b, ok := r.(*Blob); ok {
		return b.Value, nil
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return safejs.Undefined(), &misskey.Error{Code: misskey.CodeInvalidArgument, Message: "the file could not be read: " + err.Error(), Err: err}
	}
	u8, err := jsutil.Uint8Array(data)
	if err != nil {
		return u8, err
	}
	parts, err := jsutil.Array.New(u8)
	if err != nil {
		return parts, err
	}
	return jsutil.MustGet(jsutil.Global, "Blob").New(parts)
}

// Blob is a browser Blob (or File) as a file to upload: the Transport sends
// it as it is, without copying it through Go. Read, for other transports,
// reads its bytes.
type Blob struct {
	Value safejs.Value
	data  []byte
	pos   int
	read  bool
}

// NewBlob wraps a JS Blob or File.
func NewBlob(v safejs.Value) (*Blob, bool) {
	if !jsutil.IsA(v, "Blob") {
		return nil, false
	}
	return &Blob{Value: v}, true
}

// Name is a File's name, "" for a Blob.
func (b *Blob) Name() string { return jsutil.Str(b.Value, "name") }

func (b *Blob) Read(p []byte) (int, error) {
	if !b.read {
		b.read = true
		buf, err := b.Value.Call("arrayBuffer")
		if err != nil {
			return 0, err
		}
		ab, err := jsutil.Await(buf)
		if err != nil {
			return 0, err
		}
		if b.data, err = jsutil.Bytes(ab); err != nil {
			return 0, err
		}
	}
	if b.pos >= len(b.data) {
		return 0, io.EOF
	}
	n := copy(p, b.data[b.pos:])
	b.pos += n
	return n, nil
}

// Rewind puts the Blob back to its start, where an upload of it starts
// (see misskey.NewUpload).
func (b *Blob) Rewind() error {
	b.pos = 0
	return nil
}

// Seek moves where Read reads next; a Blob can so be sent again.
func (b *Blob) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += int64(b.pos)
	case io.SeekEnd:
		size, _ := jsutil.Prop(b.Value, "size")
		n, _ := size.Float()
		offset += int64(n)
	}
	if offset < 0 {
		return 0, errString("seek before the start")
	}
	b.pos = int(offset)
	return offset, nil
}

// sendXHR sends req with XMLHttpRequest, reporting the upload's progress.
func sendXHR(req *misskey.Request, body safejs.Value) (*misskey.Response, error) {
	ctor, err := jsutil.Prop(jsutil.Global, "XMLHttpRequest")
	if err != nil || jsutil.TypeOf(ctor) != safejs.TypeFunction {
		return nil, &misskey.Error{Code: misskey.CodeInvalidArgument, Message: "upload progress needs XMLHttpRequest, which this environment lacks"}
	}
	xhr, err := ctor.New()
	if err != nil {
		return nil, err
	}
	if _, err := xhr.Call("open", req.Method, req.URL); err != nil {
		return nil, err
	}
	for k, v := range req.Header {
		_, _ = xhr.Call("setRequestHeader", k, v)
	}
	_ = jsutil.Set(xhr, "withCredentials", false)
	_ = jsutil.Set(xhr, "responseType", "arraybuffer")

	done := make(chan string, 1)
	var listeners []*jsutil.Listener
	defer func() {
		for _, l := range listeners {
			l.Remove()
		}
	}()
	for _, ev := range []string{"load", "error", "timeout", "abort"} {
		l, err := jsutil.Listen(xhr, ev, func([]safejs.Value) {
			select {
			case done <- ev:
			default:
			}
		})
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
	}
	if up, err := jsutil.Prop(xhr, "upload"); err == nil && jsutil.TypeOf(up) == safejs.TypeObject {
		l, err := jsutil.Listen(up, "progress", func(args []safejs.Value) {
			ev := jsutil.Arg(args, 0)
			num := func(name string) int64 {
				v, _ := jsutil.Prop(ev, name)
				f, _ := v.Float()
				return int64(f)
			}
			total := int64(-1)
			if v, _ := jsutil.Prop(ev, "lengthComputable"); jsutil.Truthy(v) {
				total = num("total")
			}
			sent := num("loaded")
			// The caller's function runs on its own goroutine: it must not
			// delay the upload, and it may block.
			go req.Progress(sent, total)
		})
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
	}
	if _, err := xhr.Call("send", body); err != nil {
		return nil, err
	}
	stop := abortOn(req.Cancel, func() { _, _ = xhr.Call("abort") })
	ev := <-done
	stop()
	switch ev {
	case "abort", "error", "timeout":
		return nil, errString("XMLHttpRequest: " + ev)
	}
	status := 0
	if v, err := jsutil.Prop(xhr, "status"); err == nil {
		status, _ = v.Int()
	}
	// XMLHttpRequest follows redirects by itself; the URL it ended at, as
	// the browser writes URLs, tells whether it did.
	got := jsutil.Str(xhr, "responseURL")
	resp := &misskey.Response{Status: status, Header: map[string]string{}, ContentLength: -1,
		Redirected: got != "" && got != canonicalURL(req.URL)}
	for _, name := range []string{"content-type", "retry-after"} {
		if v, err := xhr.Call("getResponseHeader", name); err == nil && jsutil.TypeOf(v) == safejs.TypeString {
			resp.Header[name], _ = v.String()
		}
	}
	if ab, err := jsutil.Prop(xhr, "response"); err == nil && jsutil.TypeOf(ab) == safejs.TypeObject && !ab.IsNull() {
		if resp.Body, err = jsutil.Bytes(ab); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// canonicalURL is u as the browser writes it (new URL(u).href).
func canonicalURL(u string) string {
	ctor, err := jsutil.Prop(jsutil.Global, "URL")
	if err != nil || jsutil.TypeOf(ctor) != safejs.TypeFunction {
		return u
	}
	parsed, err := ctor.New(u)
	if err != nil {
		return u
	}
	if href := jsutil.Str(parsed, "href"); href != "" {
		return href
	}
	return u
}

type errString string

func (e errString) Error() string { return string(e) }
