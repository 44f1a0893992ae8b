// misskey.js: loads misskey.wasm (Go compiled to WebAssembly) and returns its
// API. The Go program does all the work; this module loads it and gives it
// the few lines of JS it cannot make itself without eval (which a strict
// Content-Security-Policy forbids).
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

/**
 * Whether e is a MisskeyError; with an endpoint, one of a call to that endpoint.
 * @param {unknown} e
 * @param {string} [endpoint]
 */
export function isMisskeyError(e, endpoint) {
  return e instanceof Error && e.name === "MisskeyError" && (endpoint === undefined || e.endpoint === endpoint);
}

// glue:begin (the bindings' tests under Node evaluate this part as it is)
function makeGlue() {
  // A Go callback cannot throw: it returns a Throw box, which sync throws.
  class Throw {
    constructor(error) {
      this.error = error;
    }
  }
  // The answer of a call that the core asks to send again after ms.
  class Retry {
    constructor(ms) {
      this.ms = ms;
    }
  }
  const sync = (f) =>
    function (...args) {
      const r = f.apply(this, args);
      if (r instanceof Throw) throw r.error;
      return r;
    };
  // Content-Length as misskey/browser.ParseLength reads it: digits, else -1.
  const contentLength = (v) => (v !== null && /^[0-9]{1,18}$/.test(v) ? Number(v) : -1);
  // isDirect mirrors misskey's (*Call).Direct (a test holds them to the same
  // answers): 204, or a 2xx labelled JSON within the cap, is a success the
  // browser parses and the page gets without the answer entering Go.
  const isDirect = (status, type, length, max) =>
    status === 204 || (status >= 200 && status < 300 && type.includes("json") && !(contentLength(length) > max));
  const wait = (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal && signal.aborted) return reject(signal.reason);
      const stop = () => {
        clearTimeout(t);
        reject(signal.reason);
      };
      const t = setTimeout(() => {
        if (signal) signal.removeEventListener("abort", stop);
        resolve();
      }, ms);
      if (signal) signal.addEventListener("abort", stop, { once: true });
    });
  // caller makes send(plan, attempt): one fetch of a call the core prepared,
  // plan = "url\0timeoutMs\0body\0record", or [that, signal]. A direct
  // success resolves in JS; anything else goes to the core (onAnswer,
  // onFailure), which rejects with its MisskeyError or answers Retry.
  const caller = (init, onAnswer, onFailure, max) => {
    const send = (plan, attempt) => {
      const p = typeof plan === "string" ? plan : plan[0], signal = typeof plan === "string" ? undefined : plan[1];
      const a = p.indexOf("\0"), b = p.indexOf("\0", a + 1), c = p.indexOf("\0", b + 1);
      const rec = p.slice(c + 1);
      const timeout = AbortSignal.timeout(Number(p.slice(a + 1, b)));
      const options = Object.create(init);
      options.body = p.slice(b + 1, c);
      options.signal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const why = () => (timeout.aborted ? 1 : signal && signal.aborted ? 2 : 0);
      const failed = (status) => (reason) => onFailure(rec, attempt, why(), status, reason);
      return fetch(p.slice(0, a), options)
        .then((res) => {
          const s = res.status, h = res.headers, type = h.get("content-type") || "", n = h.get("content-length");
          if (isDirect(s, type, n, max)) return s === 204 ? null : res.json().catch(failed(s));
          return res.arrayBuffer().then((buf) => onAnswer(rec, attempt, res, buf), failed(s));
        }, failed(0))
        .then((r) =>
          r instanceof Retry
            ? wait(r.ms, signal).then(() => send(plan, attempt + 1), (reason) => onFailure(rec, attempt, 2, 0, reason))
            : r,
        );
    };
    return send;
  };
  // requester makes client.request: prepare (Go) checks the arguments and
  // builds the plan; a bad argument rejects.
  const requester = (prepare, send) =>
    function (endpoint, params, options) {
      try {
        return send(prepare.call(this, endpoint, params, options), 0);
      } catch (e) {
        return Promise.reject(e);
      }
    };
  return { sync, Throw, Retry, isDirect, caller, requester };
}
// glue:end

async function instantiate(options) {
  const base = import.meta.url;
  if (!globalThis.Go) await import(new URL("./wasm_exec.js", base).href);
  const wasmURL = new URL((options && options.wasmURL) || "./misskey.wasm", base);
  const go = new globalThis.Go();
  const ready = new Promise((resolve, reject) => {
    globalThis.__misskeyWasmGlue = {
      ...makeGlue(),
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
