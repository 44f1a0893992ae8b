//go:build js && wasm

// Package jsutil is the JS glue that misskey/browser and the wasm bindings
// share, in one place: property access that a page's getters, setters and
// Proxy traps cannot turn into a Go panic, awaiting Promises from a
// goroutine, and reading JS values without trusting them. Every JS call goes
// through github.com/hack-pad/safejs, which turns JS exceptions into Go
// errors.
package jsutil

import (
	"github.com/hack-pad/safejs"
)

var (
	Global    = safejs.Global()
	Object    = MustGet(Global, "Object")
	Array     = MustGet(Global, "Array")
	Promise   = MustGet(Global, "Promise")
	JSON      = MustGet(Global, "JSON")
	Uint8     = MustGet(Global, "Uint8Array")
	objProto  = MustGet(Object, "prototype")
	isArray   = MustGet(Array, "isArray")
	reflect   = MustGet(Global, "Reflect")
	reflGet   = MustGet(reflect, "get")
	reflSet   = MustGet(reflect, "set")
	isProtoOf = MustGet(objProto, "isPrototypeOf")
)

// MustGet reads a property of the environment's own objects at start-up;
// it panics when the environment lacks it.
func MustGet(v safejs.Value, name string) safejs.Value {
	out, err := v.Get(name)
	if err != nil || out.IsUndefined() {
		panic("misskey: the JS environment has no " + name)
	}
	return out
}

// Prop reads v[key] for a value a page gave. safejs's Get cannot catch an
// exception thrown by a getter or a Proxy trap (syscall/js lets it unwind
// through the Go stack, which kills the runtime); Reflect.get called through
// Invoke is caught and comes back as an error. A primitive has no
// properties: undefined.
func Prop(v safejs.Value, key any) (safejs.Value, error) {
	if t := TypeOf(v); t != safejs.TypeObject && t != safejs.TypeFunction || v.IsNull() {
		return safejs.Undefined(), nil
	}
	return reflGet.Invoke(v, key)
}

// Set is v[key] = x through Reflect.set, for the same reason as Prop.
func Set(v safejs.Value, key string, x any) error {
	ok, err := reflSet.Invoke(v, key, x)
	if err == nil && !Truthy(ok) {
		return errString("cannot set " + key)
	}
	return err
}

type errString string

func (e errString) Error() string { return string(e) }

// Str reads a string property; "" when absent, not a string, or throwing.
func Str(v safejs.Value, name string) string {
	p, err := Prop(v, name)
	if err != nil || TypeOf(p) != safejs.TypeString {
		return ""
	}
	s, _ := p.String()
	return s
}

// Length reads an array-like's length: -1 when it has none, it throws, or
// it is not a whole number below 2^31.
func Length(v safejs.Value) int {
	n, err := Prop(v, "length")
	if err != nil || TypeOf(n) != safejs.TypeNumber {
		return -1
	}
	f, _ := n.Float()
	if f < 0 || f > 1<<31 || f != float64(int(f)) {
		return -1
	}
	return int(f)
}

// IsArray is Array.isArray(v).
func IsArray(v safejs.Value) bool {
	r, err := isArray.Invoke(v)
	return err == nil && Truthy(r)
}

// IsA reports whether v is an instance of the global class name, without
// running a page's Proxy traps outside a catch.
func IsA(v safejs.Value, name string) bool {
	ctor, err := Prop(Global, name)
	if err != nil || TypeOf(ctor) != safejs.TypeFunction {
		return false
	}
	proto, err := Prop(ctor, "prototype")
	if err != nil {
		return false
	}
	r, err := isProtoOf.Call("call", proto, v)
	return err == nil && Truthy(r)
}

// TypeOther is TypeOf's answer for a value syscall/js has no type for (a
// BigInt): its Type panics.
const TypeOther safejs.Type = -1

// TypeOf is v.Type() that does not panic.
func TypeOf(v safejs.Value) (t safejs.Type) {
	defer func() {
		if recover() != nil {
			t = TypeOther
		}
	}()
	return v.Type()
}

// Truthy is v's truthiness, false on error.
func Truthy(v safejs.Value) bool {
	b, _ := v.Truthy()
	return b
}

// ErrText is err.Error() for errors that may wrap a JS exception: safejs
// panics describing a thrown value that is not an Error (throw 1).
func ErrText(err error) (s string) {
	defer func() {
		if recover() != nil {
			s = "an exception that is not an Error"
		}
	}()
	return err.Error()
}

// NewObject makes a plain JS object from name/value pairs. It is built
// without a prototype, so that no setter the page put on Object.prototype
// runs (or throws) while its properties are set, and then given
// Object.prototype.
func NewObject(kv ...any) (safejs.Value, error) {
	o, err := NewObjectProto(safejs.Null(), kv...)
	if err != nil {
		return o, err
	}
	_, err = Object.Call("setPrototypeOf", o, objProto)
	return o, err
}

// NewObjectProto makes an object with prototype proto (null for none).
func NewObjectProto(proto safejs.Value, kv ...any) (safejs.Value, error) {
	o, err := Object.Call("create", proto)
	if err != nil {
		return o, err
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if err := Set(o, kv[i].(string), kv[i+1]); err != nil {
			return o, err
		}
	}
	return o, nil
}

// Bytes copies a Uint8Array, ArrayBuffer or array-like of bytes into Go.
func Bytes(v safejs.Value) ([]byte, error) {
	u8, err := Uint8.New(v)
	if err != nil {
		return nil, err
	}
	n := Length(u8)
	if n < 0 {
		return nil, errString("not bytes")
	}
	out := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(out, u8); err != nil {
		return nil, err
	}
	return out, nil
}

// Uint8Array copies b into a new Uint8Array.
func Uint8Array(b []byte) (safejs.Value, error) {
	u8, err := Uint8.New(len(b))
	if err != nil {
		return u8, err
	}
	_, err = safejs.CopyBytesToJS(u8, b)
	return u8, err
}

// Rejection is a JS Promise's rejection, as Await returns it.
type Rejection struct{ Reason safejs.Value }

func (r *Rejection) Error() string {
	if name := Str(r.Reason, "name"); name != "" {
		return name + ": " + Str(r.Reason, "message")
	}
	if TypeOf(r.Reason) == safejs.TypeString {
		s, _ := r.Reason.String()
		return s
	}
	return "rejected"
}

// Name is the rejection reason's name ("AbortError", "TypeError"…), or "".
func (r *Rejection) Name() string { return Str(r.Reason, "name") }

// Await blocks the calling goroutine (never a js.Func callback: that would
// deadlock) until p settles. A rejection is a *Rejection.
func Await(p safejs.Value) (safejs.Value, error) {
	type result struct {
		v  safejs.Value
		ok bool
	}
	ch := make(chan result, 1)
	onOK, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- result{Arg(args, 0), true}
		return nil
	})
	if err != nil {
		return safejs.Undefined(), err
	}
	defer onOK.Release()
	onErr, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- result{Arg(args, 0), false}
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
		return safejs.Undefined(), &Rejection{r.v}
	}
	return r.v, nil
}

// Arg is args[i], or undefined.
func Arg(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}

// Listener is a function added with addEventListener, removed (and its
// js.Func released) by Remove.
type Listener struct {
	target safejs.Value
	event  string
	fn     safejs.Func
}

// Listen adds fn as target's listener for event.
func Listen(target safejs.Value, event string, fn func(args []safejs.Value)) (*Listener, error) {
	f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		fn(args)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := target.Call("addEventListener", event, f.Value()); err != nil {
		f.Release()
		return nil, err
	}
	return &Listener{target, event, f}, nil
}

// Remove removes the listener from the target it was added to and releases
// its function.
func (l *Listener) Remove() {
	_, _ = l.target.Call("removeEventListener", l.event, l.fn.Value())
	l.fn.Release()
}

// MustNew is new ctor() at start-up; it panics when that throws.
func MustNew(ctor safejs.Value) safejs.Value {
	v, err := ctor.New()
	if err != nil {
		panic(err)
	}
	return v
}

var bind = MustGet(MustGet(MustGet(Global, "Function"), "prototype"), "bind")

// Bind is fn.bind(null, args...).
func Bind(fn safejs.Value, args ...any) (safejs.Value, error) {
	return bind.Call("call", append([]any{fn, safejs.Null()}, args...)...)
}
