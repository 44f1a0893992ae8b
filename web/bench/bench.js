// bench.js: the benchmark page's side. The Go driver (main.go) calls the
// functions of window.bench through CDP and reads back plain numbers.
//
// Clients, all calling the same fake instance from this page:
//   lib: misskey-wasm, client.request(endpoint, params)
//   raw: hand-written fetch + JSON.stringify / res.json() (the floor)
//   sdk: misskey-js, new api.APIClient({ origin, credential }).request(endpoint, params)

// Keep the wasm instance misskey.js creates, to read its linear memory.
let wasmInstance = null;
const origInstantiateStreaming = WebAssembly.instantiateStreaming;
const origInstantiate = WebAssembly.instantiate;
WebAssembly.instantiateStreaming = async function (...args) {
  const r = await origInstantiateStreaming.apply(this, args);
  wasmInstance = r.instance;
  return r;
};
WebAssembly.instantiate = async function (...args) {
  const r = await origInstantiate.apply(this, args);
  wasmInstance = r instanceof WebAssembly.Instance ? r : r.instance;
  return r;
};

// The Go runtime object of wasm_exec.js, kept by captureGo: its _values
// table holds the JS values that Go still references.
let goInstance = null;

let mk = null;
let sdkModule = null;
let origin = "";
let token = "";
const clients = {};

async function rawRequest(endpoint, params) {
  const res = await fetch(`${origin}/api/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...params, i: token }),
    credentials: "omit",
  });
  if (res.status === 204) return null;
  if (!res.ok) throw new Error(`raw: ${endpoint}: HTTP ${res.status}`);
  return await res.json();
}

// check throws unless r is the answer expected for endpoint.
function check(name, endpoint, params, r) {
  if (endpoint === "notes/timeline") {
    if (!Array.isArray(r) || r.length !== params.limit) {
      throw new Error(`${name}: ${endpoint}: expected ${params.limit} notes, got ${Array.isArray(r) ? r.length : typeof r}`);
    }
  } else if (r === null || typeof r !== "object") {
    throw new Error(`${name}: ${endpoint}: expected an object, got ${typeof r}`);
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

window.bench = {
  ready: true,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,

  // loadLib imports misskey.js and calls load(); it reports how long the
  // import and load() took.
  async loadLib() {
    const t0 = performance.now();
    const m = await import("/dist/misskey.js");
    const t1 = performance.now();
    mk = await m.load({ storage: "memory" });
    const t2 = performance.now();
    return { importMs: t1 - t0, loadMs: t2 - t1, totalMs: t2 - t0, version: String(mk.version) };
  },

  // captureGo loads wasm_exec.js before misskey.js does and subclasses Go
  // to keep the instance (used in the memory runs only, not in the timed ones).
  async captureGo() {
    await import("/dist/wasm_exec.js");
    const G = globalThis.Go;
    globalThis.Go = class extends G {
      constructor(...args) {
        super(...args);
        goInstance = this;
      }
    };
    return true;
  },

  // loadSDK imports the misskey-js bundle (the SDK needs no other start).
  async loadSDK() {
    const t0 = performance.now();
    sdkModule = await import("/sdk/misskey-js.js");
    const t1 = performance.now();
    return { importMs: t1 - t0 };
  },

  // setup makes the clients named in which ("lib", "raw", "sdk").
  setup(o, t, which) {
    origin = o;
    token = t;
    for (const name of which) {
      if (name === "lib") {
        const c = mk.client({ origin, token });
        clients.lib = (endpoint, params) => c.request(endpoint, params);
        clients.libClient = c;
      } else if (name === "raw") {
        clients.raw = rawRequest;
      } else if (name === "sdk") {
        const c = new sdkModule.api.APIClient({ origin, credential: token });
        clients.sdk = (endpoint, params) => c.request(endpoint, params);
      } else {
        throw new Error(`unknown client ${name}`);
      }
    }
    return true;
  },

  // verify calls each client once and checks the answer.
  async verify(which, endpoint, params) {
    for (const name of which) check(name, endpoint, params, await clients[name](endpoint, params));
    return true;
  },

  // seq makes n sequential calls per client, interleaved (A B C A B C …),
  // and returns each call's time in ms per client.
  async seq(which, endpoint, params, n) {
    const out = {};
    for (const name of which) out[name] = [];
    for (let i = 0; i < n; i++) {
      for (const name of which) {
        const f = clients[name];
        const t0 = performance.now();
        const r = await f(endpoint, params);
        const t1 = performance.now();
        if (i === 0) check(name, endpoint, params, r);
        out[name].push(t1 - t0);
      }
    }
    return out;
  },

  // batch starts k concurrent calls per client and times the batch, n
  // batches per client, interleaved; it returns batch time / k in ms, and
  // each call's own latency (start of the batch to its answer) in ms.
  async batch(which, endpoint, params, n, k) {
    const perCall = {};
    const inBatch = {};
    for (const name of which) {
      perCall[name] = [];
      inBatch[name] = [];
    }
    for (let i = 0; i < n; i++) {
      for (const name of which) {
        const f = clients[name];
        const t0 = performance.now();
        const ps = [];
        for (let j = 0; j < k; j++) {
          ps.push(f(endpoint, params).then((r) => {
            inBatch[name].push(performance.now() - t0);
            return r;
          }));
        }
        const rs = await Promise.all(ps);
        const t1 = performance.now();
        if (i === 0) check(name, endpoint, params, rs[0]);
        perCall[name].push((t1 - t0) / k);
      }
    }
    return { perCall, inBatch };
  },

  // calls makes n calls with one client, inFlight at a time, alternating
  // meta and notes/timeline (limit 100).
  async calls(name, n, inFlight) {
    const f = clients[name];
    let next = 0;
    let errors = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        try {
          if (i % 2 === 0) await f("meta", {});
          else await f("notes/timeline", { limit: 100 });
        } catch (e) {
          errors++;
        }
      }
    };
    const ws = [];
    for (let j = 0; j < inFlight; j++) ws.push(worker());
    await Promise.all(ws);
    return errors;
  },

  // mem collects garbage and reports the wasm linear memory and the JS heap.
  async mem() {
    for (let i = 0; i < 3; i++) {
      globalThis.gc();
      await tick();
    }
    return {
      wasm: wasmInstance ? wasmInstance.exports.mem.buffer.byteLength : 0,
      heap: performance.memory.usedJSHeapSize,
      goRefs: goInstance && goInstance._values ? goInstance._values.length - goInstance._idPool.length : -1,
    };
  },

  // Streaming: one client.stream() with a homeTimeline channel counting notes.
  stream: null,
  streamState: "",
  streamNotes: 0,
  streamErrors: 0,
  startStream() {
    const s = clients.libClient.stream();
    this.stream = s;
    s.on("state", (st) => { this.streamState = st; });
    s.on("error", () => { this.streamErrors++; });
    const ch = s.channel("homeTimeline");
    ch.on("note", (note) => {
      if (note && typeof note.id === "string") this.streamNotes++;
      else this.streamErrors++;
    });
    this.streamState = s.state();
    return true;
  },
  stopStream() {
    if (this.stream) this.stream.close();
    this.stream = null;
    return true;
  },
};
