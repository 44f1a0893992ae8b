//go:build js && wasm

// Command wasm is the browser library: the misskey core compiled to
// WebAssembly, with its JS API. The loader misskey.js instantiates it; the
// program then hands the API object to the loader and waits for calls.
//
// This package only translates: misskey.js reads a page's arguments and
// calls these functions with strings, numbers and booleans; they call the
// core (misskey, with the loader's fetch, WebSocket and storage under it:
// platform.go) and hand back JSON text or values that misskey.js shapes.
// Every rule of a call lives in the core.
package main

import (
	"github.com/hack-pad/safejs"
)

// glueKey names the global object the loader sets before running the
// program: its makeGlue() and ready.
const glueKey = "__misskeyWasmGlue"

func main() {
	g, ready, ok := loaderGlue()
	if !ok {
		println("misskey: no loader found: load misskey.wasm with misskey.js")
		return
	}
	api, err := newAPI(g)
	if err != nil {
		println("misskey: could not start:", errText(err))
		_, _ = ready.Invoke(safejs.Undefined(), toJSError(err))
		return
	}
	if _, err := ready.Invoke(api); err != nil {
		println("misskey: the loader refused the API:", errText(err))
	}
	select {} // serve calls for the life of the page
}

// loaderGlue reads the glue the loader left.
func loaderGlue() (glue, safejs.Value, bool) {
	global := safejs.Global()
	v, err := global.Get(glueKey)
	if err != nil || !isObject(v) {
		return glue{}, safejs.Undefined(), false
	}
	_ = global.Delete(glueKey)
	ready, _ := v.Get("ready")
	g, ok := glueOf(v)
	return g, ready, ok && ready.Type() == safejs.TypeFunction
}

// glueOf reads the functions of makeGlue() (misskey.js).
func glueOf(v safejs.Value) (glue, bool) {
	var g glue
	ok := true
	for i, dst := range g.fields() {
		*dst, _ = v.Get(glueNames[i])
		ok = ok && dst.Type() == safejs.TypeFunction
	}
	theGlue = g
	return g, ok
}
