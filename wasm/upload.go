//go:build js && wasm

package main

import (
	"context"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// defaultUploadTimeout bounds an upload without a timeout option: files
// take longer than calls.
const defaultUploadTimeout = 10 * time.Minute

const uploadEndpoint = "drive/files/create"

// upload: client.upload(blob, { name, folderId, comment, isSensitive, force,
// onProgress, signal, timeout }) → Promise of the drive file.
//
// It is the one multipart call. Without onProgress it is sent with fetch,
// like every call (no redirect followed). With onProgress it is sent with
// XMLHttpRequest, because fetch cannot report upload progress over HTTP/1.1;
// XMLHttpRequest follows redirects by itself, so an instance that redirects
// its own /api/ elsewhere gets the form (token included) sent there too.
// Such an upload is then reported as INVALID_RESPONSE.
func (b *bindings) upload(this safejs.Value, args []safejs.Value) (func() (any, error), error) {
	c, err := b.clientOf(this, "upload")
	if err != nil {
		return nil, err
	}
	blob, opts := arg(args, 0), arg(args, 1)
	if !isA(blob, "Blob") {
		return nil, argError("upload takes a Blob or File, not " + describe(blob))
	}
	if err := checkOptions(opts, "upload's options"); err != nil {
		return nil, err
	}
	form, err := mustGet(jsGlobal, "FormData").New()
	if err != nil {
		return nil, err
	}
	if c.Token != "" {
		_, _ = form.Call("append", "i", c.Token)
	}
	name, err := optString(opts, "name")
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = strProp(blob, "name")
	}
	if name != "" {
		_, err = form.Call("append", "file", blob, name)
	} else {
		_, err = form.Call("append", "file", blob)
	}
	if err != nil {
		return nil, err
	}
	for _, field := range []string{"folderId", "name", "comment"} {
		v, err := optString(opts, field)
		if err != nil {
			return nil, err
		}
		if field == "name" {
			v = name
		}
		if v != "" {
			_, _ = form.Call("append", field, v)
		}
	}
	for _, field := range []string{"isSensitive", "force"} {
		v, err := optBool(opts, field)
		if err != nil {
			return nil, err
		}
		if v {
			_, _ = form.Call("append", field, "true")
		}
	}
	onProgress := safejs.Undefined()
	if !opts.IsUndefined() && !opts.IsNull() {
		if onProgress, err = prop(opts, "onProgress"); err != nil {
			return nil, argError("option onProgress could not be read: " + errText(err))
		}
		if t := typeOf(onProgress); t != safejs.TypeUndefined && t != safejs.TypeNull && t != safejs.TypeFunction {
			return nil, argError("option onProgress must be a function, not " + describe(onProgress))
		}
	}
	timeout := defaultUploadTimeout
	if ms, ok, err := optMillis(opts, "timeout"); err != nil {
		return nil, err
	} else if ok && ms > 0 {
		timeout = time.Duration(ms * float64(time.Millisecond))
	}
	if typeOf(onProgress) != safejs.TypeFunction {
		userSignal, err := signalOption(opts)
		if err != nil {
			return nil, err
		}
		p, err := b.send(c, uploadEndpoint, form, b.uploadInit, float64(timeout.Milliseconds()), userSignal)
		if err != nil {
			return nil, err
		}
		return func() (any, error) { return p, nil }, nil
	}
	ctx, release, err := signalContext(opts)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		defer release()
		resp, err := sendXHR(ctx, c.Origin+"/api/"+uploadEndpoint, form, onProgress, timeout)
		if err == nil {
			var raw []byte
			if resp.Status < 200 || resp.Status >= 300 {
				resp.Body = misskey.RedactBody(resp.Body, c.Token)
			}
			if raw, err = misskey.ReadResponse(uploadEndpoint, resp); err == nil {
				if raw == nil {
					return safejs.Null(), nil
				}
				v, perr := parseJSON(raw)
				if perr == nil {
					return v, nil
				}
				err = &misskey.Error{Code: misskey.CodeInvalidResponse, Status: resp.Status, Endpoint: uploadEndpoint, Message: "the answer is not valid JSON"}
			}
		}
		if e, ok := err.(*misskey.Error); ok {
			e.Origin = c.Origin
		}
		return nil, misskey.Redact(err, c.Token)
	}, nil
}

// sendXHR POSTs body with XMLHttpRequest, reporting upload progress to
// onProgress({ loaded, total }) when it is a function.
func sendXHR(ctx context.Context, url string, body, onProgress safejs.Value, timeout time.Duration) (*misskey.Response, error) {
	xhr, err := mustGet(jsGlobal, "XMLHttpRequest").New()
	if err != nil {
		return nil, err
	}
	if _, err := xhr.Call("open", "POST", url); err != nil {
		return nil, err
	}
	_ = set(xhr, "timeout", timeout.Milliseconds())
	_ = set(xhr, "withCredentials", false)
	_ = set(xhr, "responseType", "text")

	done := make(chan string, 1)
	var fns []safejs.Func
	defer func() {
		for _, f := range fns {
			f.Release()
		}
	}()
	listen := func(target safejs.Value, event string, fn func(args []safejs.Value)) error {
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			fn(args)
			return nil
		})
		if err != nil {
			return err
		}
		fns = append(fns, f)
		_, err = target.Call("addEventListener", event, f.Value())
		return err
	}
	for _, ev := range []string{"load", "error", "timeout", "abort"} {
		if err := listen(xhr, ev, func([]safejs.Value) {
			select {
			case done <- ev:
			default:
			}
		}); err != nil {
			return nil, err
		}
	}
	if typeOf(onProgress) == safejs.TypeFunction {
		up, err := prop(xhr, "upload")
		if err != nil {
			return nil, err
		}
		if err := listen(up, "progress", func(args []safejs.Value) {
			ev := arg(args, 0)
			loaded, _ := prop(ev, "loaded")
			total, _ := prop(ev, "total")
			if p, err := newObject("loaded", loaded, "total", total); err == nil {
				// The page's handler runs on its own turn: an exception in it
				// must not reach us, and it must not delay the upload.
				go func() { _, _ = onProgress.Invoke(p) }()
			}
		}); err != nil {
			return nil, err
		}
	}
	if _, err := xhr.Call("send", body); err != nil {
		return nil, err
	}
	var ev string
	select {
	case ev = <-done:
	case <-ctx.Done():
		_, _ = xhr.Call("abort")
		<-done
		return nil, &misskey.Error{Code: misskey.CodeAborted, Endpoint: uploadEndpoint, Message: "the upload was cancelled"}
	}
	switch ev {
	case "timeout":
		return nil, &misskey.Error{Code: misskey.CodeTimeout, Endpoint: uploadEndpoint, Message: "the upload timed out"}
	case "abort":
		return nil, &misskey.Error{Code: misskey.CodeAborted, Endpoint: uploadEndpoint, Message: "the upload was cancelled"}
	case "error":
		return nil, &misskey.Error{Code: misskey.CodeNetworkError, Endpoint: uploadEndpoint,
			Message: "the upload failed (network down, server unreachable, or an answer without CORS headers)"}
	}
	if got := strProp(xhr, "responseURL"); got != "" && got != url {
		return nil, &misskey.Error{Code: misskey.CodeInvalidResponse, Endpoint: uploadEndpoint, Message: "unexpected redirect"}
	}
	statusV, _ := prop(xhr, "status")
	status, _ := statusV.Int()
	header := map[string]string{}
	if ct, err := xhr.Call("getResponseHeader", "content-type"); err == nil && typeOf(ct) == safejs.TypeString {
		header["content-type"], _ = ct.String()
	}
	text, _ := prop(xhr, "responseText")
	s, _ := text.String()
	if len(s) > misskey.DefaultMaxResponseBytes {
		return nil, tooLarge(status)
	}
	return &misskey.Response{Status: status, Header: header, Body: []byte(s)}, nil
}
