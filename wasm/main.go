//go:build js && wasm

// Command wasm is the browser library: the misskey core compiled to
// WebAssembly, with its JS API. The loader misskey.js instantiates it; the
// program then hands the API object to the loader and waits for calls.
//
// This package only translates: misskey.js reads a page's arguments and
// calls these functions with strings, numbers and booleans; they call the
// core (misskey, with misskey/browser for WebSocket and storage, and the
// loader's fetch as Transport) and hand back JSON text or values that
// misskey.js shapes. Every rule of a call lives in the core.
package main

import (
	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey/browser/jsutil"
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
		println("misskey: could not start:", jsutil.ErrText(err))
		_, _ = ready.Invoke(safejs.Undefined(), toJSError(err))
		return
	}
	if _, err := ready.Invoke(api); err != nil {
		println("misskey: the loader refused the API:", jsutil.ErrText(err))
	}
	select {} // serve calls for the life of the page
}

// loaderGlue reads the glue the loader left.
func loaderGlue() (glue, safejs.Value, bool) {
	v, err := jsutil.Global.Get(glueKey)
	if err != nil || jsutil.TypeOf(v) != safejs.TypeObject {
		return glue{}, safejs.Undefined(), false
	}
	_ = jsutil.Global.Delete(glueKey)
	ready, _ := v.Get("ready")
	g, ok := glueOf(v)
	return g, ready, ok && jsutil.TypeOf(ready) == safejs.TypeFunction
}

// glueOf reads the functions of makeGlue() (misskey.js).
func glueOf(v safejs.Value) (glue, bool) {
	var g glue
	ok := true
	for _, f := range []struct {
		name string
		dst  *safejs.Value
	}{{"sync", &g.sync}, {"Throw", &g.throw}, {"Retry", &g.retry}, {"caller", &g.caller}, {"transport", &g.transport}, {"build", &g.build}} {
		*f.dst, _ = v.Get(f.name)
		ok = ok && jsutil.TypeOf(*f.dst) == safejs.TypeFunction
	}
	return g, ok
}
