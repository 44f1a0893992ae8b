//go:build js && wasm

// Command wasm is the browser library: the misskey core compiled to
// WebAssembly, with its JS API. The loader misskey.js instantiates it; the
// program then hands the API object to the loader and waits for calls.
package main

import (
	"runtime/debug"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// glueKey names the global object the loader sets before running the
// program: { sync, Throw, ready }.
const glueKey = "__misskeyWasmGlue"

func main() {
	// Every JS value a Go callback receives holds a JS object until Go's
	// garbage collector finalizes it. Go allocates little here, so at the
	// default GOGC it would collect every few thousand calls and the page
	// would hold thousands of answers' Response objects meanwhile; a small
	// target makes it collect every few hundred calls, on a tiny heap.
	debug.SetGCPercent(10)
	g, ready := loaderGlue()
	api, err := newAPI(g)
	if err != nil {
		println("misskey: could not start:", errText(err))
		if !ready.IsUndefined() {
			_, _ = ready.Invoke(safejs.Undefined(), toJSError(err))
		}
		return
	}
	if ready.IsUndefined() {
		println("misskey: no loader found: load misskey.wasm with misskey.js")
		return
	}
	if _, err := ready.Invoke(api); err != nil {
		println("misskey: the loader refused the API:", errText(err))
	}
	select {} // serve calls for the life of the page
}

func init() {
	misskey.DefaultTransport = fetchTransport{}
	misskey.DefaultDialer = wsDialer{}
}

// loaderGlue reads the glue the loader left, or makes it when the program
// runs without the loader (tests under Node).
func loaderGlue() (glue, safejs.Value) {
	if v, err := jsGlobal.Get(glueKey); err == nil && typeOf(v) == safejs.TypeObject {
		_ = jsGlobal.Delete(glueKey)
		sync, _ := v.Get("sync")
		throw, _ := v.Get("Throw")
		ready, _ := v.Get("ready")
		if typeOf(sync) == safejs.TypeFunction && typeOf(throw) == safejs.TypeFunction {
			return glue{sync: sync, throw: throw}, ready
		}
	}
	return fallbackGlue(), safejs.Undefined()
}

// fallbackGlue builds the glue with the Function constructor, which a page's
// Content-Security-Policy may forbid; the loader's own glue needs no eval.
// It is the same code as in misskey.js.
func fallbackGlue() glue {
	fn, err := mustGet(jsGlobal, "Function").New(`
class Throw { constructor(error) { this.error = error; } }
const sync = (f) => function (...args) {
  const r = f.apply(this, args);
  if (r instanceof Throw) throw r.error;
  return r;
};
return { sync, Throw };`)
	if err != nil {
		panic(err)
	}
	v, err := fn.Invoke()
	if err != nil {
		panic(err)
	}
	sync, _ := v.Get("sync")
	throw, _ := v.Get("Throw")
	return glue{sync: sync, throw: throw}
}
