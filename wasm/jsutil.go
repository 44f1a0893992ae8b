//go:build js && wasm

package main

// The bindings' own glue: exported functions that never let a Go panic out,
// Promises settled from goroutines, and Go errors turned into MisskeyError
// values. The page's arguments are read by misskey.js, which hands these
// functions strings, numbers, booleans and a few checked objects (a Blob,
// an AbortSignal, a function); Go answers with strings (JSON text that
// misskey.js parses), numbers, booleans and arrays of them.

import (
	"sync"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// glue is what the loader's makeGlue() (misskey.js) gives the Go side.
type glue struct {
	sync, throw, retry safejs.Value
	makeError          safejs.Value
	deferred, onAbort  safejs.Value
	transport          safejs.Value
	webStore, store    safejs.Value
	socket             safejs.Value
	build              safejs.Value
}

// glueNames are makeGlue()'s functions, in glue's order.
var glueNames = []string{"sync", "Throw", "Retry", "makeError", "deferred", "onAbort", "transport", "webStore", "store", "socket", "build"}

func (g *glue) fields() []*safejs.Value {
	return []*safejs.Value{&g.sync, &g.throw, &g.retry, &g.makeError, &g.deferred, &g.onAbort, &g.transport, &g.webStore, &g.store, &g.socket, &g.build}
}

// theGlue is the loader's glue, for toJSError.
var theGlue glue

// goPanic turns a recovered panic value into the error the page sees.
func goPanic(r any) error {
	msg := "internal error"
	switch v := r.(type) {
	case error:
		msg += ": " + errText(v)
	case string:
		msg += ": " + v
	}
	println("misskey: recovered from a panic:", msg)
	return &misskey.Error{Code: "INTERNAL_ERROR", Message: msg}
}

// export makes a JS function that calls fn and returns its value, or
// throws its error as a MisskeyError. A panic in fn becomes a thrown error.
// The function lives as long as the page (the API makes a fixed number).
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

// truthy is v's truthiness, false on error.
func truthy(v safejs.Value) bool {
	b, _ := v.Truthy()
	return b
}

// newPromise returns a Promise settled by run, called on a new goroutine
// (a js.Func must not block).
func newPromise(run func() (any, error)) (safejs.Value, error) {
	d, err := theGlue.deferred.Invoke()
	if err != nil {
		return safejs.Undefined(), err
	}
	p, resolve, reject := index(d, 0), index(d, 1), index(d, 2)
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
		if err == nil {
			if _, err = resolve.Invoke(v); err == nil {
				return
			}
		}
		_, _ = reject.Invoke(toJSError(err))
	}()
	return p, nil
}

// toJSError makes the Error a page gets (the loader's makeError) of err:
// the core returns *misskey.Error values as they are; anything else is an
// INTERNAL_ERROR.
func toJSError(err error) safejs.Value {
	e, ok := err.(*misskey.Error)
	if !ok {
		e = &misskey.Error{Code: "INTERNAL_ERROR", Message: errText(err)}
	}
	v, jerr := theGlue.makeError.Invoke(e.Error(), e.Code, e.Status, e.Endpoint, e.Origin, e.ID, e.Kind, string(e.Info), e.RetryAfter.Milliseconds())
	if jerr != nil {
		return safejs.Undefined()
	}
	return v
}

// argError is an INVALID_ARGUMENT error.
func argError(msg string) error {
	return &misskey.Error{Code: misskey.CodeInvalidArgument, Message: msg}
}

// jsError is a JS exception or rejection, by its name and message.
type jsError struct{ name, message string }

func (e *jsError) Error() string {
	if e.name == "" {
		return e.message
	}
	return e.name + ": " + e.message
}

// errText is err.Error() for errors that may wrap a JS exception: safejs
// panics describing a thrown value that is not an Error (throw 1).
func errText(err error) (s string) {
	defer func() {
		if recover() != nil {
			s = "an exception that is not an Error"
		}
	}()
	return err.Error()
}

// The arguments misskey.js hands over: strings, numbers, booleans, and the
// few objects it checked.

func arg(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}

func str(args []safejs.Value, i int) string {
	s, _ := arg(args, i).String()
	return s
}

func num(args []safejs.Value, i int) int {
	n, _ := arg(args, i).Int()
	return n
}

func flag(args []safejs.Value, i int) bool { return truthy(arg(args, i)) }

// index is v[i] of an array of the loader's.
func index(v safejs.Value, i int) safejs.Value {
	x, _ := v.Index(i)
	return x
}

// isObject tells an object (not null) from anything else.
func isObject(v safejs.Value) bool { return v.Type() == safejs.TypeObject && !v.IsNull() }

// bytesOf copies a Uint8Array of the loader's into Go.
func bytesOf(u8 safejs.Value) ([]byte, error) {
	n, err := u8.Length()
	if err != nil {
		return nil, err
	}
	out := make([]byte, n)
	_, err = safejs.CopyBytesToGo(out, u8)
	return out, err
}

// cancelOf is a misskey.Canceler that happens when the AbortSignal signal
// (or undefined) aborts, and a release to call once the work is done.
func (g glue) cancelOf(signal safejs.Value) (misskey.Canceler, func()) {
	if !isObject(signal) {
		return nil, func() {}
	}
	c := &misskey.Cancel{}
	f, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		c.Cancel()
		return nil
	})
	if err != nil {
		return c, func() {}
	}
	stop, err := g.onAbort.Invoke(signal, f.Value())
	if err != nil {
		f.Release()
		return c, func() {}
	}
	var once sync.Once
	return c, func() {
		once.Do(func() {
			_, _ = stop.Invoke()
			f.Release()
		})
	}
}
