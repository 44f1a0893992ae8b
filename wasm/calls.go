//go:build js && wasm

package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
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
			if p := arg(args, 2); !p.IsUndefined() {
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
		// answer(record, attempt, status, type, contentType, retryAfter,
		// contentLength, Uint8Array): an answer that is not a direct
		// success, read by the core; or (record, attempt, -why, status, name,
		// message) of a fetch that failed (why: 1 timeout, 2 the page's
		// signal, 3 anything else).
		"answer", g.export(func(args []safejs.Value) (any, error) {
			k, err := resume(args)
			if err != nil {
				return nil, err
			}
			var resp *misskey.Response
			if why := -num(args, 2); why <= 0 {
				resp, err = responseOf(args[2:])
				if err != nil {
					return nil, err
				}
			} else {
				status, reason := num(args, 3), &jsError{str(args, 4), str(args, 5)}
				switch {
				case why == 1:
					err = context.DeadlineExceeded
				case why == 2 || reason.name == "AbortError":
					err = context.Canceled
				case status != 0 && reason.name == "SyntaxError": // res.json() of a direct answer
					resp, err = &misskey.Response{Status: status, ContentLength: -1}, misskey.ErrInvalidJSON
				default:
					err = reason
				}
			}
			return b.outcome(k.Finish(resp, err))
		}),
		// upload(record, blob, name, folderId, comment, isSensitive, force,
		// timeoutMs, onProgress(loaded, total)|undefined, signal|undefined) →
		// the drive file's JSON text. Sent by the core through the loader's
		// transport: fetch, or XMLHttpRequest when progress is asked for (it
		// follows redirects by itself, which the core then refuses: see
		// SECURITY.md).
		"upload", g.export(func(args []safejs.Value) (any, error) {
			blob := &jsFile{arg(args, 1)}
			o := misskey.UploadOptions{Name: str(args, 2), FolderID: str(args, 3), Comment: str(args, 4), IsSensitive: flag(args, 5), Force: flag(args, 6)}
			if progress := arg(args, 8); progress.Type() == safejs.TypeFunction {
				o.Progress = func(sent, total int64) { _, _ = progress.Invoke(sent, total) }
			}
			k, err := clientRecord(str(args, 0)).NewUpload(blob, o)
			if err != nil {
				return nil, err
			}
			k.Timeout = time.Duration(num(args, 7)) * time.Millisecond
			cancel, release := b.g.cancelOf(arg(args, 9))
			return newPromise(func() (any, error) {
				defer release()
				return bodyText(k.Send(cancel))
			})
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
// its JSON text ("null" for 204; misskey.js parses it), a Retry, or the
// error (thrown, so the chain rejects).
func (b *bindings) outcome(out misskey.Outcome) (any, error) {
	if out.Retry > 0 {
		return b.g.retry.New(out.Retry.Milliseconds())
	}
	return bodyText(out)
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
