// misskey.js: loads misskey.wasm (Go compiled to WebAssembly) and returns its
// API. The Go program does all the work; this module loads it and gives it
// the few lines of JS it cannot make itself without eval (which a strict
// Content-Security-Policy forbids).
//
// wasm_exec.js (from the same Go toolchain as misskey.wasm) is imported for
// its side effect, globalThis.Go. misskey.wasm is found with
// new URL("./misskey.wasm", import.meta.url), written out literally: the
// form webpack 5, Parcel 2 and Vite turn into a copied, hashed asset. With
// esbuild, which does not (evanw/esbuild#795), import the package's
// ./misskey.wasm export with the file loader and pass it as wasmURL.
import "./wasm_exec.js";

let loading = null;
let first = null; // what the first load() loads: { url } or { module }, and its onProgress

/**
 * Load the library once per page; later calls return the same API.
 * Only storage may differ in a later call: a different wasmURL, wasmModule
 * or onProgress rejects, naming the option (the library is loaded once).
 * @param {{ wasmURL?: string | URL, wasmModule?: WebAssembly.Module, storage?: "local" | "session" | "memory",
 *           onProgress?: (p: { loaded: number, total: number }) => void }} [options]
 */
export function load(options = {}) {
  const o = options || {};
  let wanted;
  try {
    wanted = source(o);
  } catch (err) {
    return Promise.reject(err);
  }
  if (!loading) {
    first = { ...wanted, onProgress: o.onProgress };
    loading = instantiate(wanted, o.onProgress).catch((err) => {
      loading = first = null; // a failed load may be tried again, with other options
      throw err;
    });
  } else {
    const other =
      (o.wasmModule !== undefined && o.wasmModule !== first.module) ? "wasmModule"
      : (o.wasmURL !== undefined && wanted.url !== first.url) ? "wasmURL"
      : (o.onProgress !== undefined && o.onProgress !== first.onProgress) ? "onProgress"
      : "";
    if (other) {
      return Promise.reject(new Error(`misskey.js: load() was called before with another ${other}: ` +
        "the library loads once per page, and only storage may change in a later load()"));
    }
  }
  return loading.then((mk) => {
    if (o.storage) mk.setStorage(o.storage);
    return mk;
  });
}

// source checks the options and says what to load: { url } or { module }.
function source(o) {
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    throw new TypeError("misskey.js: onProgress must be a function");
  }
  if (o.wasmModule !== undefined) {
    if (o.wasmURL !== undefined) throw new TypeError("misskey.js: give wasmURL or wasmModule, not both");
    if (!(o.wasmModule instanceof WebAssembly.Module)) throw new TypeError("misskey.js: wasmModule must be a WebAssembly.Module");
    return { module: o.wasmModule };
  }
  const url = o.wasmURL !== undefined ? new URL(o.wasmURL, import.meta.url) : new URL("./misskey.wasm", import.meta.url);
  return { url: url.href };
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
  // mirror keeps a timeline's items as JS values in step with the core's,
  // from one JSON text per update, {"r": [[index, id]…], "a": [[index, item]…],
  // "c": [[index, item]…]}: removals at their old indices (descending),
  // additions at their new ones (ascending), then changes. apply returns
  // what the page's update listeners get.
  const mirror = () => {
    const items = [];
    return {
      items: () => items.slice(),
      apply(text) {
        const u = JSON.parse(text), added = [], removed = [], changed = [];
        for (const [i, id] of u.r) items.splice(i, 1), removed.push(id);
        for (const [i, v] of u.a) items.splice(i, 0, v), added.push(v);
        for (const [i, v] of u.c) (items[i] = v), changed.push(v);
        return { added, removed, changed };
      },
    };
  };
  // emitter keeps the page's listeners by event key ("stream:state",
  // "<channel id>:note", "update", …) and calls them in the order they were
  // added, each function once per key; one that throws does not stop the
  // others. emitJSON parses the body only when someone listens.
  const emitter = () => {
    const lists = new Map();
    const emit = (key, v) => {
      const list = lists.get(key);
      if (!list) return;
      for (const fn of list.slice()) {
        try {
          fn(v);
        } catch (e) {
          console.error(`misskey: a listener (${key}) threw:`, e);
        }
      }
    };
    return {
      set(key, fn, add) {
        const list = lists.get(key) || [];
        const i = list.indexOf(fn);
        if (add && i < 0) list.push(fn);
        if (!add && i >= 0) list.splice(i, 1);
        lists.set(key, list);
      },
      emit,
      emitJSON(key, text) {
        const list = lists.get(key);
        if (list && list.length) emit(key, JSON.parse(text));
      },
      forget(prefix) {
        for (const k of [...lists.keys()]) if (k.startsWith(prefix)) lists.delete(k);
      },
    };
  };
  return { sync, Throw, Retry, isDirect, caller, requester, mirror, emitter };
}
// glue:end

async function instantiate(wanted, onProgress) {
  if (typeof globalThis.Go !== "function") throw new Error("misskey.js: wasm_exec.js did not define globalThis.Go");
  const go = new globalThis.Go();
  const ready = new Promise((resolve, reject) => {
    globalThis.__misskeyWasmGlue = {
      ...makeGlue(),
      ready: (mk, err) => (mk ? resolve(mk) : reject(err)),
    };
  });
  let instance;
  if (wanted.module) {
    instance = await WebAssembly.instantiate(wanted.module, go.importObject);
  } else {
    let response = await fetch(wanted.url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`misskey.js: cannot load ${wanted.url}: HTTP ${response.status}`);
    if (onProgress) response = counted(response, onProgress);
    // Compile while downloading when the server labels the file right.
    const streaming = (response.headers.get("content-type") || "").startsWith("application/wasm");
    ({ instance } = streaming
      ? await WebAssembly.instantiateStreaming(response, go.importObject)
      : await WebAssembly.instantiate(await response.arrayBuffer(), go.importObject));
  }
  const exited = go.run(instance).then(() => {
    throw new Error("misskey.wasm exited");
  });
  return Promise.race([ready, exited]);
}

// counted is response with a body that reports onProgress({ loaded, total })
// as it is read: first { loaded: 0 }, then after each chunk, the last with
// loaded === total. loaded counts the bytes of misskey.wasm (a compressed
// answer is counted after the browser decoded it); total is its size when
// the answer tells it: Content-Length when not compressed, else the
// X-Decoded-Content-Length header; otherwise 0 until the end. A total that
// loaded passes (a compressed answer from another origin that does not
// expose Content-Encoding) becomes 0. An error in onProgress is reported
// (reportError) and does not stop the load.
function counted(response, onProgress) {
  if (!response.body) return response;
  const h = response.headers;
  const size = (v) => (v !== null && /^[0-9]{1,15}$/.test(v) ? Number(v) : 0);
  const encoding = (h.get("content-encoding") || "identity").trim().toLowerCase();
  let total = size(h.get("x-decoded-content-length")) || (encoding === "identity" ? size(h.get("content-length")) : 0);
  let loaded = 0;
  const report = () => {
    try {
      onProgress({ loaded, total });
    } catch (err) {
      if (typeof globalThis.reportError === "function") globalThis.reportError(err);
      else console.error(err);
    }
  };
  const reader = response.body.getReader();
  const body = new ReadableStream({
    start() {
      report();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        if (total !== loaded) {
          total = loaded;
          report();
        }
        controller.close();
        return;
      }
      loaded += value.byteLength;
      if (total && loaded > total) total = 0;
      controller.enqueue(value);
      report();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: h });
}
