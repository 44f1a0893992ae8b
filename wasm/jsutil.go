//go:build js && wasm

package main

// The JS glue of the bindings, in one place: Promises settled from
// goroutines, awaiting JS Promises, exported functions that never let a Go
// panic out, and Go errors turned into MisskeyError values. All JS values go
// through safejs, which turns JS exceptions into Go errors.

import (
	"errors"
	"runtime/debug"
	"strconv"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

var (
	jsGlobal     = safejs.Global()
	jsObject     = mustGet(jsGlobal, "Object")
	jsArray      = mustGet(jsGlobal, "Array")
	jsPromise    = mustGet(jsGlobal, "Promise")
	jsJSON       = mustGet(jsGlobal, "JSON")
	jsError      = mustGet(jsGlobal, "Error")
	jsUint8      = mustGet(jsGlobal, "Uint8Array")
	jsTextDec    = mustNew(mustGet(jsGlobal, "TextDecoder"))
	jsObjProto   = mustGet(jsObject, "prototype")
	jsArrayFrom  = mustGet(jsArray, "isArray")
	jsReflectGet = mustGet(mustGet(jsGlobal, "Reflect"), "get")
	jsIsProtoOf  = mustGet(jsObjProto, "isPrototypeOf")
)

// prop reads v[key] for a value the page gave us. safejs's Get cannot catch
// an exception thrown by a getter or a Proxy trap (Go's syscall/js lets it
// unwind through the Go stack, which kills the runtime); Reflect.get called
// through Invoke is caught and comes back as an error.
func prop(v safejs.Value, key any) (safejs.Value, error) {
	if t := typeOf(v); t != safejs.TypeObject && t != safejs.TypeFunction || v.IsNull() {
		return safejs.Undefined(), nil
	}
	return jsReflectGet.Invoke(v, key)
}

var jsReflectSet = mustGet(mustGet(jsGlobal, "Reflect"), "set")

// set is v[key] = x through Reflect.set called by Invoke: like prop, a setter
// or Proxy trap the page put in the way may throw without killing Go.
func set(v safejs.Value, key string, x any) error {
	ok, err := jsReflectSet.Invoke(v, key, x)
	if err == nil && !truthy(ok) {
		return argError("cannot set " + key)
	}
	return err
}

// lengthOf is length with an error for values that have none.
func lengthOf(v safejs.Value) (int, error) {
	if n := length(v); n >= 0 {
		return n, nil
	}
	return 0, argError("not an array")
}

// length reads an array-like's length, -1 when it has none or it throws.
func length(v safejs.Value) int {
	n, err := prop(v, "length")
	if err != nil || typeOf(n) != safejs.TypeNumber {
		return -1
	}
	f, _ := n.Float()
	if f < 0 || f > 1<<31 || f != float64(int(f)) {
		return -1
	}
	return int(f)
}

// isA reports whether v is an instance of the global class name, without
// running a page's Proxy traps outside a catch.
func isA(v safejs.Value, name string) bool {
	ctor, err := prop(jsGlobal, name)
	if err != nil || typeOf(ctor) != safejs.TypeFunction {
		return false
	}
	proto, err := prop(ctor, "prototype")
	if err != nil {
		return false
	}
	r, err := jsIsProtoOf.Call("call", proto, v)
	return err == nil && truthy(r)
}

func mustGet(v safejs.Value, name string) safejs.Value {
	out, err := v.Get(name) // at start-up, on the environment's own objects
	if err != nil || out.IsUndefined() {
		panic("misskey: the JS environment has no " + name)
	}
	return out
}

func mustNew(ctor safejs.Value) safejs.Value {
	v, err := ctor.New()
	if err != nil {
		panic(err)
	}
	return v
}

// glue is what the loader (misskey.js) hands to the Go side: sync wraps a
// Go function so that a returned Throw box is thrown to the caller (a Go
// callback cannot throw), and Throw is that box's class.
type glue struct {
	sync  safejs.Value
	throw safejs.Value
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
	p, err := jsPromise.New(exec.Value())
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

// await blocks the calling goroutine (never a js.Func callback) until p
// settles. A rejection comes back as a *rejection holding the JS reason.
func await(p safejs.Value) (safejs.Value, error) {
	type result struct {
		v  safejs.Value
		ok bool
	}
	ch := make(chan result, 1)
	onOK, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- result{arg(args, 0), true}
		return nil
	})
	if err != nil {
		return safejs.Undefined(), err
	}
	defer onOK.Release()
	onErr, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- result{arg(args, 0), false}
		return nil
	})
	if err != nil {
		return safejs.Undefined(), err
	}
	defer onErr.Release()
	if _, err := p.Call("then", onOK.Value(), onErr.Value()); err != nil {
		return safejs.Undefined(), err
	}
	r := <-ch
	if !r.ok {
		return safejs.Undefined(), &rejection{r.v}
	}
	return r.v, nil
}

// rejection is a JS Promise's rejection reason.
type rejection struct{ reason safejs.Value }

func (r *rejection) Error() string {
	if name := strProp(r.reason, "name"); name != "" {
		return name + ": " + strProp(r.reason, "message")
	}
	if typeOf(r.reason) == safejs.TypeString {
		s, _ := r.reason.String()
		return s
	}
	return "rejected with " + describe(r.reason)
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

func arg(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}

// strProp reads a string property, "" when absent or not a string.
func strProp(v safejs.Value, name string) string {
	if typeOf(v) != safejs.TypeObject && typeOf(v) != safejs.TypeFunction {
		return ""
	}
	p, err := prop(v, name)
	if err != nil || typeOf(p) != safejs.TypeString {
		return ""
	}
	s, _ := p.String()
	return s
}

// newObject makes a plain JS object from name/value pairs. It is built
// without a prototype, so that no setter the page put on Object.prototype
// runs (or throws) while its properties are set, and then given
// Object.prototype.
func newObject(kv ...any) (safejs.Value, error) {
	o, err := newObjectProto(safejs.Null(), kv...)
	if err != nil {
		return o, err
	}
	_, err = jsObject.Call("setPrototypeOf", o, jsObjProto)
	return o, err
}

// newObjectProto makes an object with prototype proto (null for none).
func newObjectProto(proto safejs.Value, kv ...any) (safejs.Value, error) {
	o, err := jsObject.Call("create", proto)
	if err != nil {
		return o, err
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if err := set(o, kv[i].(string), kv[i+1]); err != nil {
			return o, err
		}
	}
	return o, nil
}

// stringArray makes a JS array of strings.
func stringArray(items []string) (safejs.Value, error) {
	a, err := jsArray.New()
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

// parseJSON parses JSON text in the browser.
func parseJSON(b []byte) (safejs.Value, error) {
	u8, err := jsUint8.New(len(b))
	if err != nil {
		return safejs.Undefined(), err
	}
	if _, err := safejs.CopyBytesToJS(u8, b); err != nil {
		return safejs.Undefined(), err
	}
	text, err := jsTextDec.Call("decode", u8)
	if err != nil {
		return safejs.Undefined(), err
	}
	return jsJSON.Call("parse", text)
}

// toJSError makes the Error a page gets: name "MisskeyError" and the
// fields code, status, endpoint, id, kind, info (parsed, or null) and
// retryAfter (ms, or 0).
func toJSError(err error) safejs.Value {
	var e *misskey.Error
	if !errors.As(err, &e) {
		e = &misskey.Error{Code: "INTERNAL_ERROR", Message: errText(err)}
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
	fields, ferr := newObjectProto(safejs.Null(),
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
		_, _ = jsObject.Call("assign", v, fields)
	}
	return v
}

// argError is an INVALID_ARGUMENT error for a bad JS argument.
func argError(msg string) error {
	return &misskey.Error{Code: misskey.CodeInvalidArgument, Message: msg}
}

// describe names a JS value's type for error messages, never its content.
func describe(v safejs.Value) string {
	switch typeOf(v) {
	case safejs.TypeObject:
		if v.IsNull() {
			return "null"
		}
		if isArr, _ := jsArrayFrom.Invoke(v); truthy(isArr) {
			return "an array"
		}
		return "an object"
	case safejs.TypeUndefined:
		return "undefined"
	case safejs.TypeNull:
		return "null"
	}
	if t := typeOf(v); t != typeOther {
		return "a " + t.String()
	}
	return "a value of an unsupported type (bigint?)"
}

// typeOther is typeOf's answer for a value Go's syscall/js has no type
// for (a BigInt): its Type panics.
const typeOther safejs.Type = -1

// typeOf is v.Type() that does not panic.
func typeOf(v safejs.Value) (t safejs.Type) {
	defer func() {
		if recover() != nil {
			t = typeOther
		}
	}()
	return v.Type()
}

func truthy(v safejs.Value) bool {
	b, _ := v.Truthy()
	return b
}

// isPlainObject reports whether v is an object whose prototype is
// Object.prototype or null (not an array, Date, class instance or Proxy of one).
func isPlainObject(v safejs.Value) bool {
	if typeOf(v) != safejs.TypeObject || v.IsNull() {
		return false
	}
	proto, err := jsObject.Call("getPrototypeOf", v)
	if err != nil {
		return false
	}
	return proto.IsNull() || proto.Equal(jsObjProto)
}

// optString reads an optional string option: ok false (with an error) when
// present but not a string.
func optString(opts safejs.Value, name string) (string, error) {
	if opts.IsUndefined() || opts.IsNull() {
		return "", nil
	}
	v, err := prop(opts, name)
	if err != nil {
		return "", argError("option " + name + " could not be read: " + errText(err))
	}
	switch typeOf(v) {
	case safejs.TypeUndefined, safejs.TypeNull:
		return "", nil
	case safejs.TypeString:
		return v.String()
	}
	return "", argError("option " + name + " must be a string, not " + describe(v))
}

// optBool reads an optional boolean option.
func optBool(opts safejs.Value, name string) (bool, error) {
	if opts.IsUndefined() || opts.IsNull() {
		return false, nil
	}
	v, err := prop(opts, name)
	if err != nil {
		return false, argError("option " + name + " could not be read: " + errText(err))
	}
	switch typeOf(v) {
	case safejs.TypeUndefined, safejs.TypeNull:
		return false, nil
	case safejs.TypeBoolean:
		return v.Bool()
	}
	return false, argError("option " + name + " must be a boolean, not " + describe(v))
}

// optMillis reads an optional duration in milliseconds: a finite number ≥ 0.
func optMillis(opts safejs.Value, name string) (float64, bool, error) {
	if opts.IsUndefined() || opts.IsNull() {
		return 0, false, nil
	}
	v, err := prop(opts, name)
	if err != nil {
		return 0, false, argError("option " + name + " could not be read: " + errText(err))
	}
	switch typeOf(v) {
	case safejs.TypeUndefined, safejs.TypeNull:
		return 0, false, nil
	case safejs.TypeNumber:
		f, _ := v.Float()
		if f >= 0 && f <= 1e10 { // NaN fails both
			return f, true, nil
		}
		return 0, false, argError("option " + name + " must be a number of milliseconds between 0 and 1e10, not " + strconv.FormatFloat(f, 'g', -1, 64))
	}
	return 0, false, argError("option " + name + " must be a number of milliseconds, not " + describe(v))
}

// checkOptions checks that an options argument is undefined, null or an object.
func checkOptions(opts safejs.Value, what string) error {
	if opts.IsUndefined() || opts.IsNull() || (typeOf(opts) == safejs.TypeObject) {
		return nil
	}
	return argError(what + " must be an object, not " + describe(opts))
}
