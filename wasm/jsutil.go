//go:build js && wasm

package main

// The bindings' own glue: exported functions that never let a Go panic out,
// Promises settled from goroutines, Go errors turned into MisskeyError
// values, and the readers of a page's arguments and options. The JS value
// helpers shared with misskey/browser are in misskey/browser/jsutil.

import (
	"runtime/debug"
	"strconv"
	"sync"
	"time"

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
	caller, requester  safejs.Value
	mirror, emitter    safejs.Value
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

// funcs are the js.Funcs made for the API object; they live as long as the
// page, a fixed number of them.
var funcs []safejs.Func

// exportSync makes a JS function that calls fn and returns its value, or
// throws its error as a MisskeyError. A panic in fn becomes a thrown error.
func (g glue) exportSync(fn func(this safejs.Value, args []safejs.Value) (any, error)) safejs.Value {
	f, err := safejs.FuncOf(func(this safejs.Value, args []safejs.Value) (ret any) {
		defer func() {
			if r := recover(); r != nil {
				ret = g.box(goPanic(r))
			}
		}()
		v, err := fn(this, args)
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

// exportAsync makes a JS function that returns a Promise. fn reads and
// checks its arguments synchronously (so a page changing an object after the
// call does not change the call) and returns the work, which runs on its own
// goroutine (a js.Func must not block). Every failure, and any panic,
// rejects the Promise; the Go runtime lives on.
func (g glue) exportAsync(fn func(this safejs.Value, args []safejs.Value) (func() (any, error), error)) safejs.Value {
	return g.exportSync(func(this safejs.Value, args []safejs.Value) (any, error) {
		var run func() (any, error)
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = goPanic(r)
				}
			}()
			run, err = fn(this, args)
			return err
		}()
		if err != nil {
			return newPromise(func() (any, error) { return nil, err })
		}
		return newPromise(run)
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

// stringify is JSON.stringify(v) as Go text; ok is false when v is not
// JSON-able (a cycle, a BigInt, a throwing toJSON) or gives no text.
func stringify(v safejs.Value) (string, error) {
	s, err := jsutil.JSON.Call("stringify", v)
	if err != nil {
		return "", err
	}
	if jsutil.TypeOf(s) != safejs.TypeString {
		return "", argError("the value cannot be sent as JSON")
	}
	return s.String()
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

// argError is an INVALID_ARGUMENT error for a bad JS argument.
func argError(msg string) error {
	return &misskey.Error{Code: misskey.CodeInvalidArgument, Message: msg}
}

// describe names a JS value's type for error messages, never its content.
func describe(v safejs.Value) string {
	switch t := jsutil.TypeOf(v); t {
	case safejs.TypeObject:
		if v.IsNull() {
			return "null"
		}
		if jsutil.IsArray(v) {
			return "an array"
		}
		return "an object"
	case safejs.TypeUndefined:
		return "undefined"
	case safejs.TypeNull:
		return "null"
	case jsutil.TypeOther:
		return "a value of an unsupported type (bigint?)"
	default:
		return "a " + t.String()
	}
}

// isPlainObject reports whether v is an object whose prototype is
// Object.prototype or null (not an array, Date, class instance or Proxy of one).
func isPlainObject(v safejs.Value) bool {
	if jsutil.TypeOf(v) != safejs.TypeObject || v.IsNull() {
		return false
	}
	proto, err := jsutil.Object.Call("getPrototypeOf", v)
	if err != nil {
		return false
	}
	return proto.IsNull() || proto.Equal(jsObjProto)
}

var jsObjProto = jsutil.MustGet(jsutil.Object, "prototype")

// absent reports undefined or null.
func absent(v safejs.Value) bool { return v.IsUndefined() || v.IsNull() }

// option reads opts[name], undefined when opts is absent.
func option(opts safejs.Value, name string) (safejs.Value, error) {
	if absent(opts) {
		return safejs.Undefined(), nil
	}
	v, err := jsutil.Prop(opts, name)
	if err != nil {
		return v, argError("option " + name + " could not be read: " + jsutil.ErrText(err))
	}
	return v, nil
}

// optString reads an optional string option.
func optString(opts safejs.Value, name string) (string, error) {
	v, err := option(opts, name)
	switch {
	case err != nil || absent(v):
		return "", err
	case jsutil.TypeOf(v) == safejs.TypeString:
		return v.String()
	}
	return "", argError("option " + name + " must be a string, not " + describe(v))
}

// optBool reads an optional boolean option.
func optBool(opts safejs.Value, name string) (bool, error) {
	v, err := option(opts, name)
	switch {
	case err != nil || absent(v):
		return false, err
	case jsutil.TypeOf(v) == safejs.TypeBoolean:
		return v.Bool()
	}
	return false, argError("option " + name + " must be a boolean, not " + describe(v))
}

// maxMillis is the longest duration a browser timer (setTimeout,
// AbortSignal.timeout) takes: longer ones fire at once, or after 1 ms.
const maxMillis = 1<<31 - 1

// optMillis reads an optional duration in milliseconds: a number from 0 to
// 2^31−1 (a browser's timers overflow above it). ok is false when absent.
func optMillis(opts safejs.Value, name string) (d int64, ok bool, err error) {
	v, err := option(opts, name)
	switch {
	case err != nil || absent(v):
		return 0, false, err
	case jsutil.TypeOf(v) == safejs.TypeNumber:
		f, _ := v.Float()
		if f >= 0 && f <= maxMillis { // NaN fails both
			return int64(f), true, nil
		}
		return 0, false, argError("option " + name + " must be a number of milliseconds from 0 to 2147483647 (about 24.8 days), not " +
			strconv.FormatInt(int64(f), 10))
	}
	return 0, false, argError("option " + name + " must be a number of milliseconds, not " + describe(v))
}

// optInt reads an optional whole number from 0 to max.
func optInt(opts safejs.Value, name string, max int) (int, error) {
	v, err := option(opts, name)
	switch {
	case err != nil || absent(v):
		return 0, err
	case jsutil.TypeOf(v) == safejs.TypeNumber:
		f, _ := v.Float()
		if f >= 0 && f <= float64(max) && f == float64(int(f)) {
			return int(f), nil
		}
	}
	return 0, argError("option " + name + " must be a whole number from 0 to " + strconv.Itoa(max) + ", not " + describe(v))
}

// checkOptions checks that an options argument is undefined, null or an object.
func checkOptions(opts safejs.Value, what string) error {
	if absent(opts) || jsutil.TypeOf(opts) == safejs.TypeObject {
		return nil
	}
	return argError(what + " must be an object, not " + describe(opts))
}

// signalOption reads options.signal: undefined, or an AbortSignal.
func signalOption(opts safejs.Value) (safejs.Value, error) {
	signal, err := option(opts, "signal")
	if err != nil || absent(signal) {
		return safejs.Undefined(), err
	}
	if !jsutil.IsA(signal, "AbortSignal") {
		return safejs.Undefined(), argError("option signal must be an AbortSignal, not " + describe(signal))
	}
	return signal, nil
}

// signalCancel reads options.signal as a misskey.Canceler that happens when
// it aborts, and a release to call once the work is done (it removes the
// listener). aborted reports a signal that had aborted already.
func signalCancel(opts safejs.Value) (cancel misskey.Canceler, release func(), aborted bool, err error) {
	signal, err := signalOption(opts)
	if err != nil || signal.IsUndefined() {
		return nil, func() {}, false, err
	}
	c := &misskey.Cancel{}
	if v, _ := jsutil.Prop(signal, "aborted"); jsutil.Truthy(v) {
		c.Cancel()
		return c, func() {}, true, nil
	}
	l, err := jsutil.Listen(signal, "abort", func([]safejs.Value) { c.Cancel() })
	if err != nil {
		return nil, nil, false, argError("option signal must be an AbortSignal: " + jsutil.ErrText(err))
	}
	var released sync.Once
	return c, func() { released.Do(l.Remove) }, false, nil
}

// stringArray makes a JS array of strings.
func stringArray(items []string) (safejs.Value, error) {
	a, err := jsutil.Array.New()
	if err != nil {
		return a, err
	}
	for i, s := range items {
		if err := a.SetIndex(i, s); err != nil {
			return a, err
		}
	}
	return a, nil
}

// stringList reads an option that is an array of strings or a comma-separated string.
func stringList(opts safejs.Value, name string) ([]string, error) {
	v, err := option(opts, name)
	if err != nil || absent(v) {
		return nil, err
	}
	switch jsutil.TypeOf(v) {
	case safejs.TypeString:
		s, _ := v.String()
		return misskey.SplitPermissions(s), nil
	case safejs.TypeObject:
		if jsutil.IsArray(v) {
			n := jsutil.Length(v)
			if n < 0 || n > 1000 {
				return nil, argError("option " + name + " has a bad length or too many items")
			}
			out := make([]string, 0, n)
			for i := range n {
				item, err := jsutil.Prop(v, i)
				if err != nil || jsutil.TypeOf(item) != safejs.TypeString {
					return nil, argError("option " + name + " must hold only strings")
				}
				s, _ := item.String()
				out = append(out, s)
			}
			return out, nil
		}
	}
	return nil, argError("option " + name + " must be an array of strings or a comma-separated string, not " + describe(v))
}

// readOptions reads several options of opts at once, in name/pointer
// pairs: a *string, *bool, *[]string (stringList) or *time.Duration
// (optMillis) each. The first bad option is the error.
func readOptions(opts safejs.Value, pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		name := pairs[i].(string)
		var err error
		switch dst := pairs[i+1].(type) {
		case *string:
			*dst, err = optString(opts, name)
		case *bool:
			*dst, err = optBool(opts, name)
		case *[]string:
			*dst, err = stringList(opts, name)
		case *time.Duration:
			var ms int64
			ms, _, err = optMillis(opts, name)
			*dst = time.Duration(ms) * time.Millisecond
		default:
			panic("readOptions: unknown type for " + name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// listeners are the page's functions of a stream, channel or feed, by
// event key, kept in JS (misskey.js's emitter), where their identity is.
type listeners struct{ em safejs.Value }

func (g glue) listeners() (listeners, error) {
	em, err := g.emitter.Invoke()
	return listeners{em}, err
}

// set adds (or, with add false, removes) the listener args[1] of the event
// args[0], under prefix+":"+event; check, when not nil, vets the event.
func (l listeners) set(prefix string, args []safejs.Value, add bool, check func(event string) bool) error {
	typV, fn := jsutil.Arg(args, 0), jsutil.Arg(args, 1)
	if jsutil.TypeOf(typV) != safejs.TypeString {
		return argError("the event type must be a string, not " + describe(typV))
	}
	typ, _ := typV.String()
	if typ == "" || len(typ) > 100 || check != nil && !check(typ) {
		return argError("bad event type")
	}
	if jsutil.TypeOf(fn) != safejs.TypeFunction {
		return argError("the listener must be a function, not " + describe(fn))
	}
	_, err := l.em.Call("set", prefix+":"+typ, fn, add)
	return err
}

func (l listeners) emit(key string, v any) { _, _ = l.em.Call("emit", key, v) }

// emitJSON hands body (JSON text) to the listeners of key, parsed in JS.
func (l listeners) emitJSON(key string, body []byte) { _, _ = l.em.Call("emitJSON", key, string(body)) }

// forget removes the listeners of keys that start with prefix.
func (l listeners) forget(prefix string) { _, _ = l.em.Call("forget", prefix) }

// watchPage calls back when the page comes back online or to the
// foreground; the listeners it returns are removed with unwatch.
func watchPage(back func()) []*jsutil.Listener {
	var out []*jsutil.Listener
	for _, target := range []struct{ obj, event string }{{"window", "online"}, {"document", "visibilitychange"}} {
		t, err := jsutil.Prop(jsutil.Global, target.obj)
		if err != nil || jsutil.TypeOf(t) != safejs.TypeObject {
			continue
		}
		l, err := jsutil.Listen(t, target.event, func([]safejs.Value) {
			if target.obj != "document" || jsutil.Str(t, "visibilityState") == "visible" {
				back()
			}
		})
		if err == nil {
			out = append(out, l)
		}
	}
	return out
}

func unwatch(list []*jsutil.Listener) {
	for _, l := range list {
		l.Remove()
	}
}
