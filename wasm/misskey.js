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
//
// The JS face of the library. Every rule of Misskey and of a call lives in
// Go (the core, misskey/); this part only translates: it reads a page's
// arguments (whatever getters, Proxies or values they hold) into strings,
// numbers and booleans for the Go functions `go` offers, and shapes their
// answers as JS objects. Functions, errors and JS objects that Go would
// build call by call are made here, where they cost a few bytes, not in
// the wasm.
function makeGlue() {
  // Built-ins, taken before a page can change them.
  const { freeze, create, getPrototypeOf, defineProperty, assign } = Object;
  const ObjectProto = Object.prototype;
  const { parse, stringify } = JSON;
  const isArray = Array.isArray;
  const BlobProto = typeof Blob === "function" ? Blob.prototype : null;
  const SignalProto = typeof AbortSignal === "function" ? AbortSignal.prototype : null;
  const isProto = (proto, v) => proto !== null && ObjectProto.isPrototypeOf.call(proto, v);

  // A Go callback cannot throw: it returns a Throw box, which sync throws.
  class Throw {
    constructor(error) {
      this.error = error;
    }
  }
  // makeError makes the Error a page gets from the fields of the core's
  // *Error: name "MisskeyError", code, status, endpoint, origin, id, kind,
  // info (parsed, or null) and retryAfter (ms, or 0). The fields go on a
  // prototype-less object first, then are copied: a setter the page put on
  // Error.prototype can make the copy fail, but not the library.
  const makeError = (message, code, status, endpoint, origin, id, kind, info, retryAfter) => {
    const e = new Error(message);
    const fields = create(null);
    fields.name = "MisskeyError";
    fields.code = code;
    fields.status = status;
    fields.endpoint = endpoint;
    fields.origin = origin;
    fields.id = id;
    fields.kind = kind;
    fields.info = null;
    try {
      if (info) fields.info = parse(info);
    } catch {}
    fields.retryAfter = retryAfter;
    try {
      assign(e, fields);
    } catch {}
    return e;
  };
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
  // named is a rejection's [name, message], as Go hears of it.
  const named = (reason) => {
    try {
      return reason instanceof Error ? [String(reason.name), String(reason.message)] : ["", String(reason)];
    } catch {
      return ["", "rejected"];
    }
  };
  // fromGo reads what the core answered: JSON text, parsed here, or a value.
  const fromGo = (r) => (typeof r === "string" ? parse(r) : r);
  // deferred is [a Promise, its resolve, its reject], for Go to settle.
  const deferred = () => {
    let resolve, reject;
    const p = new Promise((a, b) => ((resolve = a), (reject = b)));
    return [p, resolve, reject];
  };
  // onAbort calls f once when signal aborts; it returns the function that
  // stops listening.
  const onAbort = (signal, f) => {
    if (signal.aborted) return f(), () => {};
    signal.addEventListener("abort", f, { once: true });
    return () => signal.removeEventListener("abort", f);
  };
  // caller makes send(plan, attempt): one fetch of a call the core prepared,
  // plan = "url\0timeoutMs\0body\0record", or [that, signal]. A direct
  // success resolves in JS; anything else goes to the core (answer), which
  // rejects with its MisskeyError or answers Retry.
  const caller = (init, answer, max) => {
    const send = (plan, attempt) => {
      const p = typeof plan === "string" ? plan : plan[0], signal = typeof plan === "string" ? undefined : plan[1];
      const a = p.indexOf("\0"), b = p.indexOf("\0", a + 1), c = p.indexOf("\0", b + 1);
      const rec = p.slice(c + 1);
      const timeout = AbortSignal.timeout(Number(p.slice(a + 1, b)));
      const options = create(init);
      options.body = p.slice(b + 1, c);
      options.signal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      const why = () => (timeout.aborted ? 1 : signal && signal.aborted ? 2 : 0);
      const failed = (status) => (reason) => answer(rec, attempt, -(why() || 3), status, ...named(reason));
      return fetch(p.slice(0, a), options)
        .then((res) => {
          const s = res.status, h = res.headers, type = h.get("content-type") || "", n = h.get("content-length");
          if (isDirect(s, type, n, max)) return s === 204 ? null : res.json().catch(failed(s));
          return res
            .arrayBuffer()
            .then((buf) => answer(rec, attempt, s, res.type, type, h.get("retry-after") || "", n || "", new Uint8Array(buf)), failed(s))
            .then(fromGo);
        }, failed(0))
        .then((r) =>
          r instanceof Retry
            ? wait(r.ms, signal).then(() => send(plan, attempt + 1), (reason) => answer(rec, attempt, -2, 0, ...named(reason)))
            : r,
        );
    };
    return send;
  };
  // initOf makes the fetch options of every request: no cookies, no
  // redirect followed, no referrer.
  const initOf = (method, ctype) => {
    const o = create(null);
    o.method = method;
    o.credentials = "omit";
    o.redirect = "manual";
    o.referrerPolicy = "no-referrer";
    o.mode = "cors";
    if (ctype) {
      o.headers = create(null);
      o.headers["content-type"] = ctype;
      freeze(o.headers);
    }
    return freeze(o);
  };
  const inits = new Map();
  // transport is the core's Transport in the bindings: one request with
  // fetch, or with XMLHttpRequest when progress is asked for (the only way
  // to hear an upload's progress). body is a string, undefined (GET), or the
  // fields of a form, [name, value, fileName, …], with a Blob as the value
  // of a file. done hears (status, type, contentType, retryAfter,
  // contentLength, Uint8Array|null), or (-1, name, message) of the reason
  // when no answer came.
  // It returns abort().
  const transport = (method, ctype, url, body, progress, max, done) => {
    let data = body;
    if (isArray(body)) {
      data = new FormData();
      for (let i = 0; i + 2 < body.length; i += 3) {
        if (body[i + 2]) data.append(body[i], body[i + 1], body[i + 2]);
        else data.append(body[i], body[i + 1]);
      }
    }
    const fail = (reason) => done(-1, ...named(reason));
    if (progress) {
      const xhr = new XMLHttpRequest();
      try {
        xhr.open(method, url);
        xhr.withCredentials = false;
        xhr.responseType = "arraybuffer";
        xhr.upload.onprogress = (e) => progress(e.loaded, e.lengthComputable ? e.total : -1);
        xhr.onload = () => {
          const h = (n) => xhr.getResponseHeader(n) || "";
          // XMLHttpRequest follows redirects by itself: the URL it ended at tells.
          const type = xhr.responseURL && xhr.responseURL !== new URL(url).href ? "opaqueredirect" : "";
          done(xhr.status, type, h("content-type"), h("retry-after"), h("content-length"), xhr.response && new Uint8Array(xhr.response));
        };
        xhr.onerror = xhr.ontimeout = xhr.onabort = () => fail(new Error("XMLHttpRequest failed"));
        xhr.send(data);
      } catch (e) {
        fail(e);
      }
      return () => xhr.abort();
    }
    const key = method + " " + (isArray(body) ? "" : ctype);
    if (!inits.has(key)) inits.set(key, initOf(method, isArray(body) ? "" : ctype));
    const ctrl = new AbortController();
    const options = create(inits.get(key));
    if (data !== undefined) options.body = data;
    options.signal = ctrl.signal;
    fetch(url, options)
      .then((res) => {
        const h = (n) => res.headers.get(n) || "";
        const n = contentLength(res.headers.get("content-length"));
        const row = [res.status, res.type, h("content-type"), h("retry-after"), h("content-length")];
        if (res.type === "opaqueredirect" || n > max) {
          if (res.body) res.body.cancel();
          return [...row, null];
        }
        return res.arrayBuffer().then((buf) => [...row, new Uint8Array(buf)]);
      })
      .then((row) => done(...row), fail);
    return () => ctrl.abort();
  };
  // webStore is localStorage or sessionStorage (kind "local" or
  // "session"), or null where it is missing or refuses to store (a
  // sandboxed frame, some private modes).
  const webStore = (kind) => {
    try {
      const s = globalThis[kind + "Storage"];
      if (!s) return null;
      s.setItem("misskey-wasm:probe", "1");
      s.removeItem("misskey-wasm:probe");
      return s;
    } catch {
      return null;
    }
  };
  // store does one operation of the core's Storage on a web storage: "get"
  // gives a string or null, "set" whether it was stored, "delete" nothing,
  // "keys" the keys that start with key, joined by newlines.
  const store = (s, op, key, value) => {
    try {
      if (op === "get") return s.getItem(key);
      if (op === "set") return s.setItem(key, value), true;
      if (op === "delete") return void s.removeItem(key);
      const out = [];
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i);
        if (typeof k === "string" && k.startsWith(key) && !k.includes("\n")) out.push(k);
      }
      return out.join("\n");
    } catch {
      return op === "set" ? false : null;
    }
  };
  // socket opens a WebSocket for the core's Dialer: on(kind, text) hears
  // "open", "message" (its text; "" for a binary frame) and "close", then
  // nothing; nor after close(). It throws where no WebSocket can be made.
  const socket = (url, on) => {
    const ws = new WebSocket(url);
    let done = false;
    ws.onopen = () => done || on("open", "");
    ws.onmessage = (e) => done || on("message", typeof e.data === "string" ? e.data : "");
    ws.onclose = () => {
      if (!done) (done = true), on("close", "");
    };
    return {
      send: (text) => ws.send(text),
      close() {
        done = true;
        ws.close();
      },
    };
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
        const u = parse(text), added = [], removed = [], changed = [];
        for (const [i, id] of u.r) items.splice(i, 1), removed.push(id);
        for (const [i, v] of u.a) items.splice(i, 0, v), added.push(v);
        for (const [i, v] of u.c) (items[i] = v), changed.push(v);
        return { added, removed, changed };
      },
    };
  };
  // emitter keeps the page's listeners by event key and calls them in the
  // order they were added, each function once per key; one that throws does
  // not stop the others.
  const emitter = () => {
    const lists = new Map();
    return {
      set(key, fn, add) {
        const list = lists.get(key) || [];
        const i = list.indexOf(fn);
        if (add && i < 0) list.push(fn);
        if (!add && i >= 0) list.splice(i, 1);
        lists.set(key, list);
      },
      has: (key) => (lists.get(key) || []).length > 0,
      emit(key, v) {
        for (const fn of (lists.get(key) || []).slice()) {
          try {
            fn(v);
          } catch (e) {
            console.error(`misskey: a listener (${key}) threw:`, e);
          }
        }
      },
      forget(prefix) {
        for (const k of [...lists.keys()]) if (k.startsWith(prefix)) lists.delete(k);
      },
    };
  };

  // build makes the library's API object around the Go functions, given as
  // [name, value, name, value, …].
  const build = (pairs) => {
    const go = create(null);
    for (let i = 0; i + 1 < pairs.length; i += 2) go[pairs[i]] = pairs[i + 1];
    // Errors: every MisskeyError is made by makeError, from the core's
    // *Error; a bad argument found here is go.error("INVALID_ARGUMENT", …).
    const isMisskey = (e) => e instanceof Error && e.name === "MisskeyError";
    const bad = (msg) => go.error("INVALID_ARGUMENT", "", msg);
    const describe = (v) => {
      if (v === null) return "null";
      const t = typeof v;
      if (t !== "object") return t === "undefined" ? "undefined" : "a " + t;
      try {
        return isArray(v) ? "an array" : "an object";
      } catch {
        return "an object";
      }
    };
    // guard runs f, turning any exception that is not a MisskeyError (a
    // throwing getter, a revoked Proxy) into INVALID_ARGUMENT.
    const guard = (what, f) => {
      try {
        return f();
      } catch (e) {
        if (isMisskey(e)) throw e;
        let msg = "an exception";
        try {
          msg = String(e && e.message).slice(0, 100);
        } catch {}
        throw bad(what + " could not be read (" + msg + ")");
      }
    };
    const method = (f) =>
      function (...a) {
        return guard("an argument", () => f.apply(this, a));
      };
    const asyncMethod = (f) =>
      function (...a) {
        try {
          return Promise.resolve(guard("an argument", () => f.apply(this, a)));
        } catch (e) {
          return Promise.reject(e);
        }
      };
    const absent = (v) => v === undefined || v === null;
    const object = (v, what) => {
      if (absent(v)) return undefined;
      if (typeof v !== "object") throw bad(what + " must be an object, not " + describe(v));
      return v;
    };
    // get reads o[name] (undefined when o is absent).
    const get = (o, name) => (absent(o) ? undefined : guard("option " + name, () => o[name]));
    const str = (o, name, def = "") => {
      const v = get(o, name);
      if (absent(v)) return def;
      if (typeof v !== "string") throw bad("option " + name + " must be a string, not " + describe(v));
      return v;
    };
    const bool = (o, name) => {
      const v = get(o, name);
      if (absent(v)) return false;
      if (typeof v !== "boolean") throw bad("option " + name + " must be a boolean, not " + describe(v));
      return v;
    };
    // A browser's timers overflow above 2^31−1 ms.
    const millis = (o, name) => {
      const v = get(o, name);
      if (absent(v)) return 0;
      if (typeof v !== "number" || !(v >= 0 && v <= 2147483647))
        throw bad("option " + name + " must be a number of milliseconds from 0 to 2147483647 (about 24.8 days), not " + (typeof v === "number" ? String(v) : describe(v)));
      return Math.floor(v);
    };
    const int = (o, name, max) => {
      const v = get(o, name);
      if (absent(v)) return 0;
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) throw bad("option " + name + " must be a whole number from 0 to " + max + ", not " + describe(v));
      return v;
    };
    const fn = (o, name) => {
      const v = get(o, name);
      if (absent(v)) return undefined;
      if (typeof v !== "function") throw bad("option " + name + " must be a function, not " + describe(v));
      return v;
    };
    const signalOf = (o) => {
      const v = get(o, "signal");
      if (absent(v)) return undefined;
      if (!isProto(SignalProto, v)) throw bad("option signal must be an AbortSignal, not " + describe(v));
      return v;
    };
    // list reads a list of names: an array of strings, or one
    // comma-separated string; Go gets the comma-separated string.
    const list = (o, name) => {
      const v = get(o, name);
      if (absent(v)) return "";
      if (typeof v === "string") return v;
      if (isArray(v)) {
        if (v.length > 1000) throw bad("option " + name + " has too many items");
        const out = [];
        for (let i = 0; i < v.length; i++) {
          if (typeof v[i] !== "string" || v[i].includes(",")) throw bad("option " + name + " must hold only strings without commas");
          out.push(v[i]);
        }
        return out.join(",");
      }
      throw bad("option " + name + " must be an array of strings or a comma-separated string, not " + describe(v));
    };
    const plain = (v, what) => {
      if (absent(v)) return undefined;
      let proto;
      try {
        proto = typeof v === "object" && getPrototypeOf(v);
      } catch {
        proto = false;
      }
      if (proto !== null && proto !== ObjectProto) throw bad(what + " must be a plain object, not " + describe(v));
      let text;
      try {
        text = stringify(v);
      } catch (e) {
        throw bad(what + " cannot be sent as JSON (" + String(e && e.message).slice(0, 80) + ")");
      }
      if (typeof text !== "string") throw bad(what + " cannot be sent as JSON");
      return text;
    };
    const page = () => {
      try {
        const loc = globalThis.location;
        return loc && (loc.protocol === "http:" || loc.protocol === "https:") ? loc : null;
      } catch {
        return null;
      }
    };
    const jsonOf = (text) => parse(text);
    // names splits Go's comma-separated list of names.
    const names = (text) => (text ? text.split(",") : []);
    // onBack calls f when the page comes back online or to the foreground,
    // until the returned stop.
    const onBack = (f) => {
      const vis = () => {
        if (globalThis.document && document.visibilityState === "visible") f();
      };
      const w = typeof globalThis.addEventListener === "function" ? globalThis : null;
      const d = globalThis.document && typeof document.addEventListener === "function" ? document : null;
      if (w) w.addEventListener("online", f);
      if (d) d.addEventListener("visibilitychange", vis);
      return () => {
        if (w) w.removeEventListener("online", f);
        if (d) d.removeEventListener("visibilitychange", vis);
      };
    };
    const on = (em, prefix, type, listener, add, events) => {
      if (typeof type !== "string") throw bad("the event type must be a string, not " + describe(type));
      if (type === "" || type.length > 100 || (events && !events.includes(type))) throw bad("bad event type");
      if (typeof listener !== "function") throw bad("the listener must be a function, not " + describe(listener));
      em.set(prefix + type, listener, add);
    };

    // ─── The client ───
    const records = new WeakMap(); // client object → its record (the token is kept out of sight)
    const recordOf = (c, name) => {
      const r = typeof c === "object" && c !== null ? records.get(c) : undefined;
      if (!r) throw bad(name + " must be called on a client made by mk.client (client." + name + "(…))");
      return r;
    };
    const send = caller(initOf("POST", "application/json"), go.answer, go.maxBytes);
    const clientProto = {
      request: requester(
        function (endpoint, params, options) {
          const rec = recordOf(this, "request");
          if (typeof endpoint !== "string") throw bad('the endpoint must be a string like "notes/create", not ' + describe(endpoint));
          const body = plain(params, "params");
          object(options, "request's options");
          const timeout = millis(options, "timeout");
          const signal = signalOf(options);
          const plan = go.prepare(rec, endpoint, body, timeout);
          return signal ? [plan, signal] : plan;
        },
        (plan, attempt) => send(plan, attempt),
      ),
      upload: asyncMethod(function (file, options) {
        const rec = recordOf(this, "upload");
        if (!isProto(BlobProto, file)) throw bad("upload takes a Blob or File, not " + describe(file));
        object(options, "upload's options");
        let name = str(options, "name");
        if (!name && typeof file.name === "string") name = file.name;
        const progress = fn(options, "onProgress");
        const report = progress && ((loaded, total) => {
          try {
            progress({ loaded, total: Math.max(total, 0) });
          } catch (e) {
            console.error("misskey: onProgress threw:", e);
          }
        });
        return go
          .upload(rec, file, name, str(options, "folderId"), str(options, "comment"), bool(options, "isSensitive"), bool(options, "force"), millis(options, "timeout"), report, signalOf(options))
          .then(jsonOf);
      }),
      stream: method(function () {
        return newStream(recordOf(this, "stream"));
      }),
      timeline: method(function (source, params, options) {
        const rec = recordOf(this, "timeline");
        let kind = "", id = "";
        if (typeof source === "string") kind = source;
        else if (typeof source === "object" && source !== null) {
          for (const k of ["antenna", "list", "channel", "hashtag", "user"]) {
            const v = str(source, k);
            if (v) (kind = k), (id = v);
          }
        }
        if (!kind) throw bad('client.timeline takes "home", "local", "social", "global", or { antenna | list | channel | hashtag | user: id }, not ' + describe(source));
        const body = plain(params, "params");
        object(options, "client.timeline's options");
        return newFeed(this, rec, (deliver) =>
          go.feedOpen(rec, keyOf(this), kind, id, body, int(options, "limit", 100), int(options, "maxNotes", 100000), int(options, "maxSubscriptions", 1000), deliver), timelineProto);
      }),
      notifications: method(function (options) {
        const rec = recordOf(this, "notifications");
        object(options, "client.notifications's options");
        return newFeed(this, rec, (deliver) =>
          go.feedOpen(rec, keyOf(this), "notifications", "", undefined, int(options, "limit", 100), int(options, "maxItems", 100000), 0, deliver), notificationsProto);
      }),
    };
    const clientKeys = new WeakMap(); // client object → the key of its shared stream
    let nextKey = 0;
    const keyOf = (c) => {
      let k = clientKeys.get(c);
      if (!k) clientKeys.set(c, (k = "c" + ++nextKey));
      return k;
    };
    const client = method((a) => {
      if (typeof a === "string") a = { origin: a };
      if (typeof a !== "object" || a === null) throw bad("mk.client takes { origin, token } or an account, not " + describe(a));
      const token = get(a, "token");
      if (!absent(token) && typeof token !== "string") throw bad("token must be a string, not " + describe(token));
      const rec = go.client(str(a, "origin"), absent(token) ? "" : token, bool(a, "allowHttp"), int(a, "rateLimitRetries", 10), bool(a, "allowSecureEndpoints"));
      const c = create(clientProto);
      defineProperty(c, "origin", { value: rec.slice(0, rec.indexOf(" ")), enumerable: true });
      records.set(c, rec);
      return freeze(c);
    });

    // ─── Streams ───
    const streamProto = {};
    const channelProto = {};
    const streams = new WeakMap(); // stream and channel objects → their state
    const stateOf = (o, name, channel) => {
      const st = typeof o === "object" && o !== null ? streams.get(o) : undefined;
      if (!st || !!st.id !== channel) throw bad(name + " must be called on a " + (channel ? "channel" : "stream") + " made by client.stream()");
      return st;
    };
    const newStream = (rec) => {
      const em = emitter();
      const st = { em, state: "connecting", closed: false, held: [], handle: 0, stop: null };
      // Events that come while client.stream() runs wait for the page's next
      // lines, so that listeners added right after the call hear them.
      const deliver = (kind, key, payload) => {
        if (st.held) return st.held.push([kind, key, payload]);
        if (kind === "state") {
          st.state = payload;
          em.emit(":state", payload);
          if (payload === "closed") close(st);
        } else if (kind === "json") {
          if (em.has(key)) em.emit(key, parse(payload));
        } else em.emit(key, payload);
      };
      st.handle = go.streamOpen(rec, deliver);
      st.stop = onBack(() => go.stream(st.handle, "reconnect"));
      queueMicrotask(() => {
        const held = st.held;
        st.held = null;
        for (const e of held) deliver(...e);
      });
      const s = create(streamProto);
      streams.set(s, st);
      return freeze(s);
    };
    const close = (st) => {
      if (st.closed) return;
      st.closed = true;
      if (st.stop) st.stop();
      st.em.forget("");
    };
    // A closed stream says so, and quietly ignores what cannot matter any more.
    const live = (name, ignore, f) =>
      method(function (...a) {
        const st = stateOf(this, name, false);
        if (st.closed) {
          if (ignore) return undefined;
          throw bad("the stream is closed");
        }
        return f(st, ...a);
      });
    streamProto.channel = live("channel", false, (st, name, params) => {
      if (typeof name !== "string") throw bad('the channel name must be a string like "homeTimeline", not ' + describe(name));
      const id = go.stream(st.handle, "connect", name, plain(params, "params"));
      const ch = create(channelProto);
      defineProperty(ch, "id", { value: id, enumerable: true });
      defineProperty(ch, "channel", { value: name, enumerable: true });
      streams.set(ch, { ...st, parent: st, id });
      return freeze(ch);
    });
    const noteId = (v) => {
      if (typeof v !== "string") throw bad("the note id must be a string, not " + describe(v));
      return v;
    };
    streamProto.subNote = live("subNote", false, (st, id) => go.stream(st.handle, "sub", noteId(id)));
    streamProto.unsubNote = live("unsubNote", true, (st, id) => go.stream(st.handle, "unsub", noteId(id)));
    // Listener keys: ":" + type for the stream's own events and messages,
    // channel id + ":" + type for a channel's (a channel id is never empty).
    streamProto.on = live("on", true, (st, type, f) => on(st.em, ":", type, f, true));
    streamProto.off = live("off", true, (st, type, f) => on(st.em, ":", type, f, false));
    streamProto.state = method(function () {
      const st = stateOf(this, "state", false);
      return st.closed ? "closed" : st.state;
    });
    streamProto.reconnect = live("reconnect", true, (st) => go.stream(st.handle, "reconnect"));
    streamProto.close = live("close", true, (st) => go.stream(st.handle, "close"));
    const channelLive = (name, f) =>
      method(function (...a) {
        const ch = stateOf(this, name, true);
        if (ch.parent.closed) {
          if (name === "dispose") return undefined;
          throw bad("the stream is closed");
        }
        return f(ch, ...a);
      });
    channelProto.on = channelLive("on", (ch, type, f) => on(ch.parent.em, ch.id + ":", type, f, true));
    channelProto.off = channelLive("off", (ch, type, f) => on(ch.parent.em, ch.id + ":", type, f, false));
    channelProto.dispose = channelLive("dispose", (ch) => {
      go.stream(ch.parent.handle, "disconnect", ch.id);
      ch.parent.em.forget(ch.id + ":");
    });

    // ─── Timelines and notifications ───
    const timelineProto = {};
    const notificationsProto = {};
    const feeds = new WeakMap();
    const feedOf = (o, name) => {
      const f = typeof o === "object" && o !== null ? feeds.get(o) : undefined;
      if (!f) throw bad(name + " must be called on an object made by client.timeline() or client.notifications()");
      return f;
    };
    const newFeed = (c, rec, open, proto) => {
      const f = { em: emitter(), items: mirror(), unread: 0, closed: false, handle: 0, stop: null };
      const deliver = (kind, a, b) => {
        if (kind === "update") f.em.emit("update", f.items.apply(a));
        else if (kind === "gap") f.em.emit("gap", { filled: a, error: b });
        else if (kind === "unread") {
          if (f.unread !== a) (f.unread = a), f.em.emit("unread", a);
        }
      };
      f.handle = open(deliver);
      f.stop = onBack(() => go.feed(f.handle, "catchup"));
      const o = create(proto);
      feeds.set(o, f);
      return freeze(o);
    };
    const feedAsync = (name, f) =>
      asyncMethod(function () {
        const fd = feedOf(this, name);
        if (fd.closed) throw bad(name + ": the feed is closed");
        return f(fd);
      });
    const events = ["update", "gap", "unread"];
    for (const proto of [timelineProto, notificationsProto]) {
      proto.load = feedAsync("load", (f) => go.feed(f.handle, "load").then(() => undefined));
      proto.more = feedAsync("more", (f) => go.feed(f.handle, "more"));
      proto.on = method(function (type, f) {
        on(feedOf(this, "on").em, "", type, f, true, events);
      });
      proto.off = method(function (type, f) {
        on(feedOf(this, "off").em, "", type, f, false, events);
      });
      proto.close = method(function () {
        const f = feedOf(this, "close");
        if (f.closed) return;
        f.closed = true;
        f.stop();
        f.em.forget("");
        go.feed(f.handle, "close");
      });
      defineProperty(proto, proto === timelineProto ? "notes" : "items", {
        get() {
          return feedOf(this, "items").items.items();
        },
        enumerable: true,
      });
    }
    notificationsProto.markAllRead = feedAsync("markAllRead", (f) => go.feed(f.handle, "markAllRead").then(() => undefined));
    defineProperty(notificationsProto, "unread", {
      get() {
        return feedOf(this, "unread").unread;
      },
      enumerable: true,
    });

    // ─── Sign-in ───
    // start reads a page's sign-in options for go.signIn: MiAuth (how
    // "miauth"), OAuth (how "oauth", which must end in OAuth) or either
    // (how "either": OAuth where the server and the options allow it).
    const start = (o, what, how, redirectDefault) => {
      if (typeof o !== "object" || o === null) throw bad(what + " takes an options object, not " + describe(o));
      const origin = str(o, "origin");
      if (!origin) throw bad(what + ' needs an origin, like "misskey.example"');
      const loc = page();
      const here = loc ? loc.origin + loc.pathname : "";
      const clientId = how === "miauth" ? "" : str(o, "clientId");
      if (how === "oauth" && !clientId) throw bad(what + " needs a clientId: the URL of the app's page that declares redirectUri");
      const redirectUri = clientId ? str(o, "redirectUri") || here : "";
      const scope = how === "oauth" ? list(o, "scope") || list(o, "permission") : list(o, "permission") || list(o, "scope");
      const redirect = absent(get(o, "redirect")) ? redirectDefault && !!loc : bool(o, "redirect");
      const signal = signalOf(o);
      const r = go.signIn(origin, bool(o, "allowHttp"), clientId, redirectUri, str(o, "name"), str(o, "icon"), str(o, "callback") || redirectUri || here,
        scope, list(o, "extraPermissions"), bool(o, "allowCrossOriginCallback"), loc ? loc.origin : "", signal, how === "oauth");
      const shape = (s) => {
        const out = { method: s[0], url: s[1], origin: s[3], permission: names(s[4]) };
        out[s[0] === "oauth" ? "state" : "session"] = s[2];
        if (redirect) {
          if (!loc) throw bad("redirect: true needs a page with a location");
          guard("location", () => loc.assign(out.url));
        }
        return out;
      };
      return isArray(r) ? shape(r) : r.then(shape);
    };
    // complete ends a sign-in of either method from its callback URL (this
    // page's, by default), and strips the callback's parameters from the
    // address bar, so that a reload does not try again.
    const complete = (what) =>
      asyncMethod((url) => {
        const loc = page();
        const current = loc ? loc.href : "";
        let href = current;
        if (!absent(url)) {
          if (typeof url !== "string") throw bad(what + " takes the callback URL as a string, not " + describe(url));
          href = url;
        } else if (!loc) throw bad(what + " needs the callback URL here (no page location)");
        const done = go.complete(href);
        if (loc && href === current) {
          try {
            history.replaceState(history.state, "", go.stripCallback(href));
          } catch {}
        }
        return done.then(jsonOf);
      });
    const oauth = {
      discover: asyncMethod((origin, options) => {
        if (typeof origin !== "string") throw bad("oauth.discover takes an origin string, not " + describe(origin));
        object(options, "oauth.discover's options");
        return go.oauthDiscover(origin, bool(options, "allowHttp"), signalOf(options)).then((t) => (t === null ? null : parse(t)));
      }),
      start: asyncMethod((o) => {
        const r = start(o, "oauth.start", "oauth", false);
        return r.then((s) => ({ url: s.url, state: s.state, origin: s.origin, scope: s.permission }));
      }),
      complete: complete("oauth.complete"),
      clientPage: method((o) => {
        if (typeof o !== "object" || o === null) throw bad("oauth.clientPage takes { clientId, redirectUri, name, logo }, not " + describe(o));
        return go.oauthClientPage(str(o, "clientId"), str(o, "redirectUri"), str(o, "name"), str(o, "logo"));
      }),
    };
    const miauth = {
      start: method((o) => {
        const s = start(o, "miauth.start", "miauth", false);
        return { url: s.url, session: s.session, origin: s.origin, permission: s.permission };
      }),
      complete: complete("miauth.complete"),
      wait: asyncMethod((target, options) => {
        object(options, "miauth.wait's options");
        const signal = signalOf(options);
        // An aborted signal wins over anything else, as with fetch.
        if (signal && signal.aborted) throw go.error("ABORTED", "miauth/check", "the call was cancelled");
        if (typeof target !== "object" || target === null) throw bad("miauth.wait takes { origin, session }, not " + describe(target));
        return go
          .wait(str(target, "origin"), bool(target, "allowHttp"), str(target, "session"), millis(options, "interval"), millis(options, "timeout"), signal)
          .then(jsonOf);
      }),
    };

    // ─── Accounts ───
    const accounts = {
      list: method(() => parse(go.accounts("list"))),
      add: method((a) => {
        if (typeof a !== "object" || a === null) throw bad("accounts.add takes { origin, token, user }, not " + describe(a));
        const token = str(a, "token");
        if (!token) throw bad("accounts.add needs a token");
        const user = get(a, "user");
        let userJSON = "";
        if (!absent(user)) {
          if (typeof user !== "object" || isArray(user)) throw bad("user must be an object, not " + describe(user));
          try {
            userJSON = stringify(user);
          } catch (e) {
            throw bad("user cannot be stored as JSON (" + String(e && e.message).slice(0, 80) + ")");
          }
        }
        return parse(go.accounts("add", str(a, "origin"), bool(a, "allowHttp"), token, userJSON));
      }),
      remove: asyncMethod((a, options) => {
        if (typeof a !== "object" || a === null) throw bad("accounts.remove takes an account { origin, token }, not " + describe(a));
        object(options, "accounts.remove's options");
        const user = get(a, "user");
        const id = absent(user) ? "" : str(user, "id");
        return go.accounts("remove", str(a, "origin"), bool(options, "allowHttp"), str(a, "token"), id, bool(options, "revoke")).then((r) => ({
          removed: r[0],
          revoked: r[1],
          revokeError: r[2],
          settingsUrl: r[3],
        }));
      }),
    };

    const permissions = freeze(names(go.permissions()));
    return {
      miauth: freeze(miauth),
      oauth: freeze(oauth),
      signIn: asyncMethod((o) => start(o, "signIn", "either", true)),
      completeSignIn: complete("completeSignIn"),
      client,
      accounts: freeze(accounts),
      setStorage: method((kind) => {
        if (typeof kind !== "string") throw bad('setStorage takes "local", "session" or "memory", not ' + describe(kind));
        go.setStorage(kind);
      }),
      storage: method(() => go.storage()),
      parseOrigin: method((v, options) => {
        if (typeof v !== "string") throw bad("parseOrigin takes a string, not " + describe(v));
        object(options, "parseOrigin's options");
        return go.parseOrigin(v, bool(options, "allowHttp"));
      }),
      permissions,
      version: go.version,
    };
  };
  return { sync, Throw, Retry, makeError, deferred, onAbort, isDirect, caller, transport, webStore, store, socket, mirror, emitter, build };
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
