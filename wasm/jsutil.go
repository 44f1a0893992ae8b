//go:build js && wasm

package main

// The bindings' own glue: exported functions that never let a Go panic out,
// Promises settled from goroutines, and Go errors turned into MisskeyError
// values. The page's arguments are read by misskey.js, which hands these
// functions strings, numbers, booleans and a few checked objects (a Blob,
// an AbortSignal, a function).

import (
	"runtime/debug"
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
)

var (
	jsError = jsutil.MustGet(jsutil.Global, "Error")
	jsText  = jsutil.MustNew(jsutil.MustGet(jsutil.Global, "TextDecoder"))
)

// glue is what the loader's makeGlue() (misskey.js) gives the Go side.
type glue struct {
	sync, throw, retry safejs.Value
	caller, transport  safejs.Value
	build              safejs.Value
}

// goPanic turns a recovered panic value into the error the page sees.
func goPanic(r any) error {
	msg := "internal error"
	switch v := r.(type) {
	case error:
		msg += ": " + v.Error()
	case string:
		msg += ": " + v
	}
	println("misskey: recovered from a panic:", msg, "\n", string(debug.Stack()))
	return &misskey.Error{Code: "INTERNAL_ERROR", Message: msg}
}

// funcs are the js.Funcs made for the API; they live as long as the page,
// a fixed number of them.
var funcs []safejs.Func

// export makes a JS function that calls fn and returns its value, or
// throws its error as a MisskeyError. A panic in fn becomes a thrown error.
func (g glue) export(fn func(args []safejs.Value) (any, error)) safejs.Value {
	f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				ret = g.box(goPanic(r))
			}
		}()
		v, err := fn(args)
		if err != nil {
			return g.box(err)
		}
		return v
	})
	if err != nil {
		panic(err)
	}
	funcs = append(funcs, f)
	wrapped, err := g.sync.Invoke(f.Value())
	if err != nil {
		panic(err)
	}
	return wrapped
}

func (g glue) box(err error) safejs.Value {
	b, e := g.throw.New(toJSError(err))
	if e != nil {
		return safejs.Undefined()
	}
	return b
}

// async makes a JS function that returns a Promise settled by run, on a
// goroutine of its own (a js.Func must not block). prepare, when not nil,
// runs first, synchronously: a page changing an object after the call does
// not change the call.
func (g glue) async(run func(args []safejs.Value) (any, error)) safejs.Value {
	return g.export(func(args []safejs.Value) (any, error) {
		return newPromise(func() (any, error) { return run(args) })
	})
}

// newPromise returns a Promise settled by run, called on a new goroutine.
func newPromise(run func() (any, error)) (safejs.Value, error) {
	var resolve, reject safejs.Value
	exec, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		resolve, reject = args[0], args[1]
		return nil
	})
	if err != nil {
		return safejs.Undefined(), err
	}
	p, err := jsutil.Promise.New(exec.Value())
	exec.Release()
	if err != nil {
		return safejs.Undefined(), err
	}
	go func() {
		var v any
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					err = goPanic(r)
				}
			}()
			v, err = run()
		}()
		if err != nil {
			_, _ = reject.Invoke(toJSError(err))
			return
		}
		if _, err := resolve.Invoke(v); err != nil {
			_, _ = reject.Invoke(toJSError(err))
		}
	}()
	return p, nil
}

// parseJSON parses JSON text in the browser.
func parseJSON(b []byte) (safejs.Value, error) {
	u8, err := jsutil.Uint8Array(b)
	if err != nil {
		return safejs.Undefined(), err
	}
	text, err := jsText.Call("decode", u8)
	if err != nil {
		return safejs.Undefined(), err
	}
	return jsutil.JSON.Call("parse", text)
}

// toJSError makes the Error a page gets: name "MisskeyError" and the
// fields code, status, endpoint, origin, id, kind, info (parsed, or null)
// and retryAfter (ms, or 0). The core returns *misskey.Error values as they
// are; anything else is an INTERNAL_ERROR.
func toJSError(err error) safejs.Value {
	e, ok := err.(*misskey.Error)
	if !ok {
		e = &misskey.Error{Code: "INTERNAL_ERROR", Message: jsutil.ErrText(err)}
	}
	v, jerr := jsError.New(e.Error())
	if jerr != nil {
		return safejs.Undefined()
	}
	info := safejs.Null()
	if len(e.Info) > 0 {
		if parsed, err := parseJSON(e.Info); err == nil {
			info = parsed
		}
	}
	// The fields are put on a prototype-less object first, then copied by
	// Object.assign: a setter the page put on Error.prototype can make the
	// copy fail, but not kill Go.
	fields, ferr := jsutil.NewObjectProto(safejs.Null(),
		"name", "MisskeyError",
		"code", e.Code,
		"status", e.Status,
		"endpoint", e.Endpoint,
		"origin", e.Origin,
		"id", e.ID,
		"kind", e.Kind,
		"info", info,
		"retryAfter", e.RetryAfter.Milliseconds(),
	)
	if ferr == nil {
		_, _ = jsutil.Object.Call("assign", v, fields)
	}
	return v
}

// argError is an INVALID_ARGUMENT error.
func argError(msg string) error {
	return &misskey.Error{Code: misskey.CodeInvalidArgument, Message: msg}
}

// The arguments misskey.js hands over: strings, numbers, booleans.

func str(args []safejs.Value, i int) string {
	s, _ := jsutil.Arg(args, i).String()
	return s
}

func num(args []safejs.Value, i int) int {
	n, _ := jsutil.Arg(args, i).Int()
	return n
}

func flag(args []safejs.Value, i int) bool { return jsutil.Truthy(jsutil.Arg(args, i)) }

// cancelOf is a misskey.Canceler that happens when the AbortSignal signal
// (or undefined) aborts, and a release to call once the work is done.
func cancelOf(signal safejs.Value) (misskey.Canceler, func()) {
	if jsutil.TypeOf(signal) != safejs.TypeObject {
		return nil, func() {}
	}
	c := &misskey.Cancel{}
	if v, _ := jsutil.Prop(signal, "aborted"); jsutil.Truthy(v) {
		c.Cancel()
		return c, func() {}
	}
	l, err := jsutil.Listen(signal, "abort", func([]safejs.Value) { c.Cancel() })
	if err != nil {
		return c, func() {}
	}
	var once sync.Once
	return c, func() { once.Do(l.Remove) }
}
