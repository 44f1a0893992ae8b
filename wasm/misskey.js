// misskey.js: loads misskey.wasm (Go compiled to WebAssembly) and returns its
// API. The Go program does all the work; this module only loads it.
// Needs wasm_exec.js (from the same Go toolchain as misskey.wasm) beside it.

let loading = null;

/**
 * Load the library once per page; later calls return the same API.
 * @param {{ wasmURL?: string | URL, storage?: "local" | "session" | "memory" }} [options]
 */
export function load(options = {}) {
  if (!loading) {
    loading = instantiate(options).catch((err) => {
      loading = null; // a failed load may be tried again
      throw err;
    });
  }
  return loading.then((mk) => {
    if (options && options.storage) mk.setStorage(options.storage);
    return mk;
  });
}

async function instantiate(options) {
  const base = import.meta.url;
  if (!globalThis.Go) await import(new URL("./wasm_exec.js", base).href);
  const wasmURL = new URL((options && options.wasmURL) || "./misskey.wasm", base);
  const go = new globalThis.Go();
  // The glue lets Go functions throw (a Go callback cannot) without eval,
  // which a strict Content-Security-Policy forbids.
  class Throw { constructor(error) { this.error = error; } }
  const sync = (f) => function (...args) {
    const r = f.apply(this, args);
    if (r instanceof Throw) throw r.error;
    return r;
  };
  const ready = new Promise((resolve, reject) => {
    globalThis.__misskeyWasmGlue = {
      sync,
      Throw,
      ready: (mk, err) => (mk ? resolve(mk) : reject(err)),
    };
  });
  const response = await fetch(wasmURL, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`misskey.js: cannot load ${wasmURL}: HTTP ${response.status}`);
  // Compile while downloading when the server labels the file right.
  const streaming = (response.headers.get("content-type") || "").startsWith("application/wasm");
  const { instance } = streaming
    ? await WebAssembly.instantiateStreaming(response, go.importObject)
    : await WebAssembly.instantiate(await response.arrayBuffer(), go.importObject);
  const exited = go.run(instance).then(() => {
    throw new Error("misskey.wasm exited");
  });
  return Promise.race([ready, exited]);
}
