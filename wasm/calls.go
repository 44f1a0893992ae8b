//go:build js && wasm

package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

// A client object's record is one string, "origin flags token", flags the
// rate-limit retries, then "s" when secure endpoints are allowed:
// misskey.js keeps it out of the page's sight.
func clientRecord(record string) *misskey.Client {
	origin, rest, _ := strings.Cut(record, " ") // an origin has no space
	flags, token, _ := strings.Cut(rest, " ")
	n, secure := strings.CutSuffix(flags, "s")
	retries, _ := strconv.Atoi(n)
	return &misskey.Client{Origin: origin, Token: token, RateLimitRetries: retries, AllowSecureEndpoints: secure}
}

func (b *bindings) callFuncs() []any {
	g := b.g
	return []any{
		// client(origin, token, allowHttp, rateLimitRetries, allowSecureEndpoints) → record
		"client", g.export(func(args []safejs.Value) (any, error) {
			o, err := misskey.ParseOrigin(str(args, 0), flag(args, 2))
			if err != nil {
				return nil, err
			}
			flags := strconv.Itoa(num(args, 3))
			if flag(args, 4) {
				flags += "s"
			}
			return o + " " + flags + " " + str(args, 1), nil
		}),
		// prepare(record, endpoint, paramsJSON|undefined, timeoutMs) → the plan
		// "url\0timeoutMs\0body\0record" that misskey.js's send fetches (neither
		// a URL nor JSON text holds a NUL; the record comes last, whole).
		"prepare", g.export(func(args []safejs.Value) (any, error) {
			record, endpoint := str(args, 0), str(args, 1)
			var params []byte
			if p := jsutil.Arg(args, 2); !p.IsUndefined() {
				params = []byte(str(args, 2))
			}
			k, err := clientRecord(record).NewCall(endpoint, params)
			if err != nil {
				return nil, err
			}
			k.Timeout = time.Duration(num(args, 3)) * time.Millisecond
			req := k.Request()
			return req.URL + "\x00" + strconv.FormatInt(k.EffectiveTimeout().Milliseconds(), 10) + "\x00" + string(req.Body) + "\x00" + endpoint + " " + record, nil
		}),
		// onAnswer(record, attempt, the fetch Response, its body): an answer that
		// is not a direct success, read by the core.
		"onAnswer", g.export(func(args []safejs.Value) (any, error) {
			k, err := resume(args)
			if err != nil {
				return nil, err
			}
			resp := browser.Response(jsutil.Arg(args, 2))
			if resp.Body, err = jsutil.Bytes(jsutil.Arg(args, 3)); err != nil {
				return nil, err
			}
			return b.outcome(k.Finish(resp, nil))
		}),
		// onFailure(record, attempt, why: 1 timeout, 2 the page's signal, status, reason)
		"onFailure", g.export(func(args []safejs.Value) (any, error) {
			k, err := resume(args)
			if err != nil {
				return nil, err
			}
			why, status := num(args, 2), num(args, 3)
			reason := &jsutil.Rejection{Reason: jsutil.Arg(args, 4)}
			var resp *misskey.Response
			switch {
			case why == 1:
				err = context.DeadlineExceeded
			case why == 2 || reason.Name() == "AbortError":
				err = context.Canceled
			case status != 0 && reason.Name() == "SyntaxError": // res.json() of a direct answer
				resp, err = &misskey.Response{Status: status, ContentLength: -1}, misskey.ErrInvalidJSON
			default:
				err = reason
			}
			return b.outcome(k.Finish(resp, err))
		}),
		// upload(record, blob, name, folderId, comment, isSensitive, force,
		// timeoutMs, onProgress(loaded, total)|undefined, signal|undefined) →
		// the drive file's JSON text. Sent by the core through the loader's
		// transport: fetch, or XMLHttpRequest when progress is asked for (it
		// follows redirects by itself, which the core then refuses: see
		// SECURITY.md).
		"upload", g.async(func(args []safejs.Value) (any, error) {
			blob, _ := browser.NewBlob(jsutil.Arg(args, 1))
			o := misskey.UploadOptions{Name: str(args, 2), FolderID: str(args, 3), Comment: str(args, 4), IsSensitive: flag(args, 5), Force: flag(args, 6)}
			if progress := jsutil.Arg(args, 8); jsutil.TypeOf(progress) == safejs.TypeFunction {
				o.Progress = func(sent, total int64) { _, _ = progress.Invoke(sent, total) }
			}
			k, err := clientRecord(str(args, 0)).NewUpload(blob, o)
			if err != nil {
				return nil, err
			}
			k.Timeout = time.Duration(num(args, 7)) * time.Millisecond
			cancel, release := cancelOf(jsutil.Arg(args, 9))
			defer release()
			return bodyText(k.Send(cancel))
		}),
	}
}

// resume rebuilds the call a handler hears of: its record is
// "endpoint clientRecord", then the attempt number.
func resume(args []safejs.Value) (*misskey.Call, error) {
	endpoint, client, _ := strings.Cut(str(args, 0), " ")
	k, err := clientRecord(client).NewCall(endpoint, nil)
	if err != nil {
		return nil, err
	}
	k.Attempts = num(args, 1)
	return k, nil
}

// outcome is what a handler returns for the core's reading of an answer:
// the parsed answer, a Retry, or the error (thrown, so the chain rejects).
func (b *bindings) outcome(out misskey.Outcome) (any, error) {
	switch {
	case out.Retry > 0:
		return b.g.retry.New(out.Retry.Milliseconds())
	case out.Err != nil:
		return nil, out.Err
	case out.Body == nil:
		return safejs.Null(), nil
	}
	return parseJSON(out.Body)
}

// bodyText is an outcome's JSON text ("null" for 204), for misskey.js to parse.
func bodyText(out misskey.Outcome) (any, error) {
	if out.Err != nil {
		return nil, out.Err
	}
	if out.Body == nil {
		return "null", nil
	}
	return string(out.Body), nil
}

// glueTransport is the core's Transport in the bindings: misskey.js's
// transport does the fetch (or the XMLHttpRequest of an upload with
// progress); Go waits for its answer on the call's goroutine.
type glueTransport struct{ g glue }

var formInit = browser.FetchOptions(true)

func (t glueTransport) Do(req *misskey.Request) (*misskey.Response, error) {
	var body any = string(req.Body)
	if req.Form != nil {
		fields, err := jsutil.Array.New()
		if err != nil {
			return nil, err
		}
		for _, f := range req.Form {
			var row safejs.Value
			if f.File == nil {
				row, err = jsutil.Array.New(f.Name, f.Value)
			} else if blob, ok := f.File.(*browser.Blob); ok {
				row, err = jsutil.Array.New(f.Name, blob.Value, f.FileName)
			} else {
				return nil, argError("a file of this transport must be a browser.Blob")
			}
			if err == nil {
				_, err = fields.Call("push", row)
			}
			if err != nil {
				return nil, err
			}
		}
		body = fields
	}
	progress := safejs.Undefined()
	if req.Progress != nil {
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			loaded, _ := jsutil.Arg(args, 0).Float()
			total, _ := jsutil.Arg(args, 1).Float()
			go req.Progress(int64(loaded), int64(total)) // the page's function may take its time
			return nil
		})
		if err != nil {
			return nil, err
		}
		defer f.Release()
		progress = f.Value()
	}
	r, err := t.g.transport.Invoke(browser.FetchOptions(false), formInit, req.URL, body, progress, req.MaxBytes)
	if err != nil {
		return nil, err
	}
	done, _ := jsutil.Prop(r, "done")
	abort, _ := jsutil.Prop(r, "abort")
	if req.Cancel != nil {
		defer req.Cancel.OnCancel(func() { _, _ = abort.Invoke() })()
	}
	row, err := jsutil.Await(done)
	if err != nil {
		return nil, err
	}
	cell := func(i int) safejs.Value { v, _ := row.Index(i); return v }
	text := func(i int) string { s, _ := cell(i).String(); return s }
	status, _ := cell(0).Int()
	resp := &misskey.Response{Status: status, Redirected: text(1) == "opaqueredirect",
		Header:        map[string]string{"content-type": text(2), "retry-after": text(3)},
		ContentLength: browser.ParseLength(text(4))}
	if buf := cell(5); jsutil.TypeOf(buf) == safejs.TypeObject && !buf.IsNull() {
		if resp.Body, err = jsutil.Bytes(buf); err != nil {
			return nil, err
		}
	}
	return resp, nil
}
