// The misskey-wasm demo: a small Misskey client. Sign in to an instance
// (OAuth 2.0 where it can, else MiAuth), read the home, local, social and
// global timelines live, notes in MFM with renotes, replies, quotes,
// pictures and polls, react, post (pictures with descriptions, content
// warnings, replies and quotes), read notifications, open a note's
// thread, and keep several accounts. Plain ES modules, no build step; the
// library is loaded from ./dist/ (relative, so web/ + dist/ work on any
// static host, under any sub-path).

import { $, busy, h, icon, image, link, remember } from "./js/dom.js";
import { describeError, hostOf } from "./js/errors.js";
import { acct, closeMenus, excerpt, fullTime, nameOf, plainName, pureRenoteOf, reactionName, renderNote, userUrl, when } from "./js/notes.js";
import { parseReaction, reactionImage } from "./js/emoji.js";
import { pickReaction, setupPicker } from "./js/picker.js";
import { openImage, setupViewer } from "./js/viewer.js";
import { closeComposer, composeFor, count, resetComposer, setupComposer } from "./js/compose.js";

const APP_NAME = "misskey-wasm demo";
const PAGE_SIZE = 20;
const DEFAULT_PERMISSIONS = ["read:account", "write:notes", "read:notifications", "write:notifications", "write:reactions", "write:votes", "write:drive", "read:drive"];
// Shown in the two main columns; the rest (about 80) go under "More permissions".
const COMMON_PERMISSIONS = [
  "read:account", "write:account", "write:notes", "read:notifications", "write:notifications",
  "read:reactions", "write:reactions", "write:votes", "read:drive", "write:drive", "read:following", "write:following",
  "read:favorites", "write:favorites",
];
const KEY_CURRENT = "misskey-wasm-demo:current"; // origin and user id of the current account (no token)
const KEY_PENDING = "misskey-wasm-demo:pending"; // the MiAuth sign-in in progress, to tell the user when they come back
const KINDS = ["home", "local", "social", "global"];
const KIND_TITLES = { home: "Home timeline", local: "Local timeline", social: "Social timeline", global: "Global timeline" };
const KIND_HINTS = {
  home: "No notes yet. Post one, or follow someone on your instance.",
  local: "No public notes on this instance yet.",
  social: "No notes yet: this shows your home timeline and the local one together.",
  global: "No public notes known to this instance yet.",
};

let mk = null; // the library
let config = { defaultInstance: "", oauthOnLoopback: false };

// What is on screen now. gen changes with the account, so that late
// answers for a previous account are dropped.
const state = {
  account: null,
  client: null,
  me: null,
  meta: null,
  gen: 0,
  emojis: { list: [], map: new Map() },
  feeds: {}, // kind → { kind, tl, list, items: Map id → li, loaded, end, error }
  notifs: null, // { feed, loaded, list, unreadAtOpen }
  view: "",
  kind: "home",
  threadId: null,
  ui: new Map(), // note id → view state (content warning open, folded, pictures shown)
  overrides: new Map(), // note id → the note as notes/show gave it after an action of ours
  deleted: new Set(), // ids of notes we deleted: the server tells a timeline only of its newest notes' deletions
  scroll: {}, // view key → scrollY
};

// ─── Start ──────────────────────────────────────────────────────────────

boot();

async function boot() {
  try {
    // A dynamic import, so that a missing dist/ gives a message, not a blank page.
    const { load } = await import("./dist/misskey.js");
    mk = await load({ onProgress: showLoadProgress });
  } catch (err) {
    $("boot-title").textContent = "The Misskey library could not load";
    $("boot-message").textContent =
      "This page needs dist/misskey.js and dist/misskey.wasm next to it (run `make build`), and a browser with WebAssembly. " +
      "Details: " + ((err && err.message) || String(err));
    $("boot").classList.add("boot-error");
    return;
  }
  $("version").textContent = " " + mk.version;
  config = { ...config, ...(await readConfig()) };
  buildPermissionPicker();
  setupPicker();
  setupViewer();
  setupComposer({
    client: () => state.client,
    account: () => state.account,
    host: () => hostOf(state.account.origin),
    maxLength: () => (state.meta && typeof state.meta.maxNoteTextLength === "number" ? state.meta.maxNoteTextLength : 3000),
    noteCtx,
    toast,
    showError,
    status,
    gen: () => state.gen,
    onPosted,
  });
  wireEvents();

  const q = new URLSearchParams(location.search);
  if (q.has("session") || q.has("code") || q.has("error")) {
    await finishSignIn();
  } else {
    route();
  }
}

/** The loading screen's bar: bytes of misskey.wasm so far, of how many (0: not known). */
function showLoadProgress({ loaded, total }) {
  const bar = $("boot-progress");
  const mb = (n) => (n / 1e6).toFixed(1);
  if (total > 0) {
    bar.max = total;
    bar.value = loaded;
    $("boot-message").textContent = loaded >= total
      ? `Starting the library (${mb(total)} MB downloaded)…`
      : `Downloading misskey.wasm: ${mb(loaded)} of ${mb(total)} MB`;
  } else {
    bar.removeAttribute("value"); // indeterminate
    $("boot-message").textContent = `Downloading misskey.wasm: ${mb(loaded)} MB`;
  }
}

/** config.json (the demo's server writes it; a static host has none). */
async function readConfig() {
  try {
    const res = await fetch("./config.json", { cache: "no-store", credentials: "same-origin" });
    if (!res.ok) return {};
    const cfg = await res.json();
    return {
      defaultInstance: cfg && typeof cfg.defaultInstance === "string" ? cfg.defaultInstance : "",
      oauthOnLoopback: !!(cfg && cfg.oauthOnLoopback === true),
    };
  } catch {
    return {};
  }
}

/** Shows the view the address asks for, or the sign-in form when there is no account. */
function route() {
  const pending = readPending();
  if (pending) {
    showSignIn({ pending });
    return;
  }
  const account = pickCurrent(mk.accounts.list());
  if (!account) {
    showSignIn();
    return;
  }
  if (!state.account || keyOf(state.account) !== keyOf(account)) showApp(account);
  else showRoute();
}

function showView(name) {
  $("boot").hidden = name !== "boot";
  $("signin").hidden = name !== "signin";
  $("app").hidden = name !== "app";
  $("compose-fab").hidden = name !== "app";
  renderAccountBar(name);
}

// ─── Sign in ────────────────────────────────────────────────────────────

function buildPermissionPicker() {
  const lists = { read: $("perm-read"), write: $("perm-write"), readMore: $("perm-read-more"), writeMore: $("perm-write-more") };
  const names = [...mk.permissions];
  const common = COMMON_PERMISSIONS.filter((p) => names.includes(p));
  const rest = names.filter((p) => !common.includes(p));
  const add = (perm, more) => {
    const write = perm.startsWith("write:");
    const list = lists[(write ? "write" : "read") + (more ? "More" : "")];
    const id = "perm-" + perm.replace(/[^a-z0-9]+/gi, "-");
    list.append(h("li", {},
      h("input", { type: "checkbox", id, name: "permission", value: perm, checked: DEFAULT_PERMISSIONS.includes(perm) }),
      h("label", { for: id }, perm)));
  };
  common.forEach((p) => add(p, false));
  rest.forEach((p) => add(p, true));
}

function chosenPermissions() {
  return [...document.querySelectorAll('input[name="permission"]:checked')].map((i) => i.value);
}

/**
 * What the instance field holds, as an address for parseOrigin: a host or
 * URL, "@user@host" or "user@host", or a profile or note URL
 * ("https://misskey.io/@alice") stand for their instance.
 * → { address } or { error: a sentence }.
 */
function instanceAddress(raw) {
  const found = instanceHost(raw);
  // A loopback host without a scheme is a server on this computer: http (as parseOrigin allows for loopback).
  if (found.address && !/^[a-z]+:\/\//i.test(found.address) && isLoopback(found.address.replace(/:\d+$/, "").toLowerCase())) {
    return { address: "http://" + found.address };
  }
  return found;
}

function instanceHost(raw) {
  const v = raw.trim();
  if (!v) return { error: "Enter your instance's address, for example misskey.io, or your @user@host." };
  let m = /^@?[\w.-]+@([^@\s/]+)$/.exec(v);
  if (m) return { address: m[1] };
  if (/^@[\w.-]+$/.test(v)) return { error: `Add your instance to ${v}: for example ${v}@misskey.io.` };
  if (/^https?:\/\//i.test(v)) {
    try {
      return { address: new URL(v).origin };
    } catch {
      return { error: `“${v}” is not a web address.` };
    }
  }
  m = /^([^/\s]+)\/\S*$/.exec(v); // misskey.io/@alice
  if (m) return { address: m[1] };
  return { address: v };
}

/** The normalized origin for what is typed, or null; says so under the field. */
function previewOrigin() {
  const value = $("instance").value;
  const out = $("origin-preview");
  out.classList.remove("error-text");
  $("instance").removeAttribute("aria-invalid");
  const parsed = instanceAddress(value);
  let origin = null;
  if (parsed.address) {
    try {
      origin = mk.parseOrigin(parsed.address);
    } catch {
      parsed.error = /^http:\/\//i.test(parsed.address)
        ? `“${value.trim()}” uses http://, which only works for this computer's own addresses: use https://.`
        : `“${value.trim()}” is not an instance address. Type a host like misskey.io, or your @user@host.`;
    }
  }
  $("fake-note").hidden = !(origin && config.defaultInstance && origin === safeParse(config.defaultInstance));
  renderMethodNote(origin);
  if (!origin) {
    if (value.trim()) {
      out.classList.add("error-text");
      $("instance").setAttribute("aria-invalid", "true");
    }
    out.textContent = parsed.error;
    return null;
  }
  out.textContent = "";
  out.append("You will be sent to ", h("strong", { class: "origin" }, origin), " to approve this app.");
  return origin;
}

function safeParse(o) {
  try {
    return mk.parseOrigin(o);
  } catch {
    return "";
  }
}

const isLoopback = (host) => host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "[::1]";
const isPrivate = (host) => isLoopback(host) || /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host) || host.endsWith(".local") || !host.includes(".");

/** The client_id page for OAuth 2.0, or null when this page cannot use OAuth (and MiAuth is used). */
function oauthClientId() {
  const here = new URL(location.href);
  const publicHttps = here.protocol === "https:" && !isPrivate(here.hostname);
  if (!publicHttps && !(config.oauthOnLoopback && isLoopback(here.hostname))) return null;
  return new URL("./client.html", here).href;
}

function renderMethodNote() {
  const out = $("method-note");
  if (oauthClientId()) {
    out.textContent = "Signs in with OAuth 2.0 where the instance offers it (Misskey 2023.9 and later), and with MiAuth on older ones.";
  } else {
    out.textContent = `Signs in with MiAuth: this page runs on ${location.host}, and a real Misskey only accepts OAuth 2.0 from an app whose client page it can fetch over https on a public domain.`;
  }
}

/**
 * showSignIn({ origin, permission, pending, focus }): the sign-in form,
 * prefilled with origin (default: config.json's instance) and with the
 * permission ticked.
 */
function showSignIn(opts = {}) {
  state.gen++;
  const accounts = mk.accounts.list();
  showView("signin");
  $("signin-title").textContent = accounts.length ? "Add an account" : "Sign in to Misskey";
  $("signin-cancel").hidden = accounts.length === 0;
  const submit = $("signin-submit");
  submit.disabled = false;
  submit.removeAttribute("aria-busy");
  submit.textContent = "Sign in";
  const origin = opts.origin || (opts.pending && opts.pending.origin) || $("instance").value || config.defaultInstance;
  $("instance").value = origin;
  if (opts.permission) {
    const box = document.querySelector(`input[name="permission"][value="${CSS.escape(opts.permission)}"]`);
    if (box) box.checked = true;
  }
  previewOrigin();
  renderPending(opts.pending || null);
  if (opts.focus) $("instance").focus();
}

async function startSignIn(event) {
  event.preventDefault();
  const origin = previewOrigin();
  if (!origin) {
    $("instance").focus();
    return;
  }
  const permission = chosenPermissions();
  if (permission.length === 0) {
    toast({ type: "error", message: "Choose at least one permission to ask for." });
    return;
  }
  const gen = state.gen;
  const host = hostOf(origin);
  const done = busy($("signin-submit"), `Checking ${host}…`);
  // Ask the instance first: an address that is not a Misskey server must
  // not send the user to the browser's own error page.
  const problem = await checkInstance(origin);
  if (gen !== state.gen) return;
  if (problem) {
    done();
    toast({ type: "error", message: problem, scope: "signin" });
    $("instance").focus();
    return;
  }
  const icon = new URL("./icon.svg", location.href);
  const clientId = oauthClientId();
  try {
    $("signin-submit").textContent = `Opening ${host}…`;
    const started = await mk.signIn({
      origin,
      name: APP_NAME,
      icon: icon.protocol === "https:" || icon.protocol === "http:" ? icon.href : undefined,
      permission,
      clientId: clientId || undefined,
      redirectUri: clientId ? new URL("./", location.href).href : undefined,
      redirect: false,
    });
    if (started.method === "miauth") writePending({ origin: started.origin, session: started.session, at: Date.now() });
    status(`Taking you to ${host} to approve the sign-in…`);
    location.assign(started.url);
  } catch (err) {
    done();
    toast({ type: "error", message: "The sign-in could not start. " + describeError(err, origin).message, scope: "signin" });
    $("instance").focus();
  }
}

/** Whether origin answers meta as a Misskey server: null if so, else a sentence. */
async function checkInstance(origin) {
  const host = hostOf(origin);
  try {
    const meta = await mk.client(origin).request("meta", { detail: false }, { timeout: 10000 });
    if (!meta || typeof meta !== "object" || typeof meta.version !== "string") return `${host} answered, but not as a Misskey server does. Check the address.`;
    return null;
  } catch (err) {
    switch (err && err.code) {
      case "NETWORK_ERROR":
        return `Nothing answered at ${host}, or it is not a Misskey server (it did not let this page in). Check the address, or try again later.`;
      case "TIMEOUT":
        return `${host} did not answer within 10 seconds. Try again later.`;
      case "INVALID_RESPONSE":
        return `${host} answered, but not as a Misskey server does. Check the address.`;
      default:
        return `${host} could not be asked: ${describeError(err, origin).message}`;
    }
  }
}

/** Back from the consent page (?session= for MiAuth; ?code= or ?error= for OAuth): finish the sign-in. */
async function finishSignIn() {
  showView("boot");
  $("boot-title").textContent = "Signing in…";
  $("boot-message").textContent = "Checking with the instance that you approved this app.";
  const pending = readPending();
  clearPending();
  try {
    const account = await mk.completeSignIn();
    setCurrent(account);
    toast({ type: "success", message: `Signed in as ${acct(account.user, hostOf(account.origin))}.` });
    showApp(account, { focusHeading: true });
  } catch (err) {
    // completeSignIn strips the callback's parameters from the address bar; make sure of it.
    const url = new URL(location.href);
    for (const k of ["session", "code", "state", "iss", "error", "error_description"]) url.searchParams.delete(k);
    history.replaceState(history.state, "", url.href);
    const current = pickCurrent(mk.accounts.list());
    const stale = err && (err.code === "UNKNOWN_SESSION" || err.code === "STATE_MISMATCH" || err.code === "NO_SESSION");
    if (current && stale) {
      // A stale callback link (a reload, a bookmark) while signed in: back to the timeline.
      showApp(current, { focusHeading: true });
      status(`That sign-in link was already used. You are still signed in as ${acct(current.user, hostOf(current.origin))}.`);
      return;
    }
    const origin = (pending && pending.origin) || (err && err.origin) || "";
    showSignIn({ origin });
    toast({
      type: "error",
      scope: "signin",
      message: "Sign-in failed. " + describeError(err, origin).message,
      actions: [{ label: "Start again", onClick: () => showSignIn({ origin, focus: true }) }],
    });
  }
}

// The MiAuth sign-in in progress, remembered in this tab, so that a user who comes
// back by hand (after Deny, which does not redirect) gets a way forward.
function readPending() {
  try {
    const p = JSON.parse(sessionStorage.getItem(KEY_PENDING) || "null");
    if (p && typeof p.session === "string" && typeof p.origin === "string" && Date.now() - p.at < 3600e3) return p;
  } catch {
    // unreadable: forget it
  }
  clearPending();
  return null;
}
function writePending(p) {
  try {
    sessionStorage.setItem(KEY_PENDING, JSON.stringify(p));
  } catch {
    // without sessionStorage there is just no "came back" help
  }
}
function clearPending() {
  try {
    sessionStorage.removeItem(KEY_PENDING);
  } catch {
    // nothing to clear
  }
}

function renderPending(pending) {
  $("pending").hidden = !pending;
  if (!pending) return;
  const at = new Date(pending.at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  $("pending-text").textContent =
    `You started signing in to ${hostOf(pending.origin)} at ${at}. After Allow, the instance brings you back here by itself. ` +
    "Did you deny it or close its page?";
}

/** "I came back without approving": ask the instance once, then say so. */
async function checkPending() {
  const pending = readPending();
  if (!pending) {
    renderPending(null);
    return;
  }
  const done = busy($("pending-check"), "Checking…");
  clearPending();
  const url = new URL(location.href);
  url.search = "";
  url.hash = "";
  url.searchParams.set("session", pending.session);
  try {
    const account = await mk.miauth.complete(url.href);
    setCurrent(account);
    toast({ type: "success", message: `You had approved it after all: signed in as ${acct(account.user, hostOf(account.origin))}.` });
    showApp(account, { focusHeading: true });
  } catch (err) {
    renderPending(null);
    const msg = err && err.code === "NOT_APPROVED"
      ? `Sign-in cancelled: ${hostOf(pending.origin)} says it was not approved. You can start again below.`
      : describeError(err, pending.origin).message;
    toast({ type: "error", message: msg, scope: "signin" });
    $("instance").focus();
  } finally {
    done();
  }
}

// ─── Accounts ───────────────────────────────────────────────────────────

const keyOf = (a) => a.origin + " " + ((a.user && a.user.id) || "");

function pickCurrent(accounts) {
  let key = null;
  try {
    key = localStorage.getItem(KEY_CURRENT);
  } catch {
    // no storage: the first account
  }
  return accounts.find((a) => keyOf(a) === key) || accounts[0] || null;
}

function setCurrent(account) {
  try {
    localStorage.setItem(KEY_CURRENT, keyOf(account));
  } catch {
    // the choice is just not remembered
  }
}

function accountCtx(a) {
  return { origin: a.origin, host: hostOf(a.origin), instanceEmojis: emojiCache.get(a.origin)?.map || new Map() };
}

function renderAccountBar(view) {
  const accounts = mk ? mk.accounts.list() : [];
  $("account-bar").hidden = accounts.length === 0;
  const current = view === "app" ? state.account : null;
  const cur = current || accounts[0];
  const avatar = $("account-avatar");
  const src = cur && cur.user ? image(cur.user.avatarUrl, {}) : null;
  if (src && src.tagName === "IMG") {
    avatar.src = src.src;
    avatar.hidden = false;
  } else {
    avatar.removeAttribute("src");
    avatar.hidden = true;
  }
  $("account-label").textContent = current ? acct(current.user, hostOf(current.origin)) : "Accounts";
  // On a phone the label is hidden: the host alone tells two @alice apart.
  $("account-host").textContent = current ? hostOf(current.origin) : "";
  $("account-host").hidden = !current;
  $("account-button").setAttribute("aria-label", current ? `Account: ${acct(current.user, hostOf(current.origin))}` : "Accounts");
  $("account-list").replaceChildren(...accounts.map((a) => {
    const isCurrent = current && keyOf(a) === keyOf(current);
    const ctx = accountCtx(a);
    return h("li", {},
      h("button", {
        type: "button", class: "account-item", "aria-current": isCurrent ? "true" : null, "data-key": keyOf(a),
        onclick: () => switchAccount(a),
      },
      a.user ? image(a.user.avatarUrl, { class: "avatar avatar-sm", alt: "", width: 32, height: 32 }) : h("span", { class: "avatar avatar-sm img-missing", "aria-hidden": "true" }),
      h("span", { class: "account-ids" },
        h("span", { class: "account-name" }, a.user ? nameOf(a.user, ctx) : hostOf(a.origin)),
        h("span", { class: "muted account-acct" }, acct(a.user, hostOf(a.origin)))),
      isCurrent ? h("span", { class: "account-check" }, icon("check"), h("span", { class: "visually-hidden" }, " (current)")) : null));
  }));
  $("sign-out").hidden = !current;
  $("add-account").hidden = view !== "app";
  $("sign-out").textContent = current ? `Sign out of ${acct(current.user, hostOf(current.origin))}` : "Sign out";
  $("notif-link").hidden = !current;
  if (view !== "app") closeAccountMenu(false);
}

function toggleAccountMenu() {
  const menu = $("account-menu");
  if (!menu.hidden) {
    closeAccountMenu(true);
    return;
  }
  closeMenus(false);
  menu.hidden = false;
  $("account-button").setAttribute("aria-expanded", "true");
  const first = menu.querySelector("button:not([hidden])");
  if (first) first.focus();
}

function closeAccountMenu(refocus) {
  const menu = $("account-menu");
  if (menu.hidden) return;
  menu.hidden = true;
  $("account-button").setAttribute("aria-expanded", "false");
  if (refocus) $("account-button").focus();
}

function switchAccount(account) {
  closeAccountMenu(false);
  if (state.account && keyOf(account) === keyOf(state.account)) {
    $("account-button").focus();
    return;
  }
  setCurrent(account);
  showApp(account, { focusHeading: true });
  status(`Switched to ${acct(account.user, hostOf(account.origin))}.`);
}

async function signOut() {
  const account = state.account;
  if (!account) return;
  closeAccountMenu(false);
  const name = acct(account.user, hostOf(account.origin));
  let result;
  try {
    // No revoke: Misskey refuses i/revoke-token to every app token (MiAuth's
    // and OAuth's alike), so asking would only log a 400 on the instance.
    result = await mk.accounts.remove(account);
  } catch (err) {
    toast({ type: "error", message: "Could not sign out: " + describeError(err, account.origin).message });
    return;
  }
  stopAccount();
  clearToasts(keyOf(account));
  toast({
    type: "info",
    sticky: true,
    message: `Signed out of ${name}: this browser forgot it. Misskey does not let apps revoke their own access; to revoke “${APP_NAME}”, open `,
    link: { href: result.settingsUrl || account.origin + "/settings/apps", text: "your instance's app settings" },
  });
  const next = pickCurrent(mk.accounts.list());
  if (next) {
    setCurrent(next);
    showApp(next, { focusHeading: true });
  } else {
    showSignIn({ focus: true });
  }
}

// ─── Signed in ──────────────────────────────────────────────────────────

/** Closes the previous account's feeds. */
function stopAccount() {
  for (const f of Object.values(state.feeds)) f.tl.close();
  state.feeds = {};
  if (state.notifs) state.notifs.feed.close();
  state.notifs = null;
  state.account = null;
  state.client = null;
  state.me = null;
  state.meta = null;
  state.ui.clear();
  state.overrides.clear();
  state.deleted.clear();
  state.scroll = {};
  $("feeds").replaceChildren();
  $("notif-list").replaceChildren();
  $("thread").replaceChildren();
  resetComposer();
}

function showApp(account, opts = {}) {
  const previous = state.account;
  stopAccount();
  if (previous && keyOf(previous) !== keyOf(account)) clearToasts(keyOf(previous));
  state.gen++;
  state.account = account;
  state.me = account.user;
  try {
    state.client = mk.client(account);
  } catch (err) {
    showSignIn({ origin: account.origin });
    toast({ type: "error", message: describeError(err, account.origin).message });
    return;
  }
  state.emojis = emojiCache.get(account.origin) || { list: [], map: new Map() };
  showView("app");
  renderProfile(account.user, false);
  renderTabs();
  const gen = state.gen;
  // The instance's custom emoji and limits, then the user (for policies): each re-renders what it changes.
  Promise.all([loadEmojis(), loadMeta(), loadProfile()]).then(() => {
    if (gen !== state.gen) return;
    renderTabs();
    count();
    rerenderAll();
  });
  openNotifications();
  showRoute({ focusHeading: !!opts.focusHeading });
}

const emojiCache = new Map(); // origin → { list, map }

async function loadEmojis() {
  const origin = state.account.origin;
  if (emojiCache.has(origin)) return;
  try {
    const res = await state.client.request("emojis");
    const list = (res && Array.isArray(res.emojis) ? res.emojis : []).filter((e) => e && typeof e.name === "string" && typeof e.url === "string");
    const entry = { list, map: new Map(list.map((e) => [e.name, e.url])) };
    emojiCache.set(origin, entry);
    if (state.account && state.account.origin === origin) state.emojis = entry;
  } catch {
    // no custom emoji: their :codes: show as text
  }
}

async function loadMeta() {
  const gen = state.gen;
  try {
    const meta = await state.client.request("meta", { detail: false });
    if (gen === state.gen) state.meta = meta;
  } catch (err) {
    if (gen === state.gen) showError(err);
  }
}

async function loadProfile() {
  const gen = state.gen;
  $("profile").setAttribute("aria-busy", "true");
  try {
    const me = await state.client.request("i");
    if (gen !== state.gen) return;
    state.me = me;
    renderProfile(me, true);
    renderAccountBar("app");
  } catch (err) {
    if (gen !== state.gen) return;
    showError(err);
  } finally {
    if (gen === state.gen) $("profile").setAttribute("aria-busy", "false");
  }
}

function renderProfile(user, full) {
  const host = hostOf(state.account.origin);
  if (!user) { // an account kept without its user: loadProfile fills it in
    $("profile-name").textContent = host;
    $("profile-acct").replaceChildren();
    $("profile-avatar").hidden = true;
    return;
  }
  $("profile-name").replaceChildren(nameOf(user, noteCtx()));
  $("profile-acct").replaceChildren(link(userUrl(user, noteCtx()), acct(user, host)));
  const avatar = $("profile-avatar");
  const src = image(user.avatarUrl, {});
  if (src.tagName === "IMG") {
    avatar.src = src.src;
    avatar.hidden = false;
  } else {
    avatar.removeAttribute("src");
    avatar.hidden = true;
  }
  const n = (v) => (full && typeof v === "number" ? v.toLocaleString() : "–");
  $("count-notes").textContent = n(user.notesCount);
  $("count-following").textContent = n(user.followingCount);
  $("count-followers").textContent = n(user.followersCount);
}

// ─── Routes: #/home, #/local, #/social, #/global, #/notifications, #/notes/{id} ──

function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [first, second] = hash.split("/");
  if (first === "notifications") return { view: "notifications" };
  if (first === "notes" && second) return { view: "thread", id: decodeURIComponent(second) };
  if (KINDS.includes(first)) return { view: "timeline", kind: first };
  return { view: "timeline", kind: "home" };
}

const viewKey = () => (state.view === "timeline" ? "tl:" + state.kind : state.view === "thread" ? "thread:" + state.threadId : state.view);

function showRoute(opts = {}) {
  if (!state.account) return;
  closeMenus(false);
  closeComposer(false);
  const r = parseRoute();
  if (state.view) state.scroll[viewKey()] = window.scrollY;
  const from = { view: state.view, threadId: state.threadId };
  if (r.view === "timeline" && !available(r.kind)) r.kind = "home";
  state.view = r.view;
  $("view-timeline").hidden = r.view !== "timeline";
  $("view-notifications").hidden = r.view !== "notifications";
  $("view-thread").hidden = r.view !== "thread";
  $("notif-link").setAttribute("aria-current", r.view === "notifications" ? "page" : "false");
  let heading;
  if (r.view === "timeline") {
    state.kind = r.kind;
    showTimeline(r.kind);
    heading = $("view-title");
  } else if (r.view === "notifications") {
    showNotifications();
    heading = $("notif-title");
  } else {
    state.threadId = r.id;
    showThread(r.id);
    heading = $("thread-title");
  }
  renderTabs();
  document.title = heading.textContent + " · " + APP_NAME;
  const saved = state.scroll[viewKey()];
  window.scrollTo(0, typeof saved === "number" ? saved : 0);
  // Focus: to the heading when a new view opens (after sign-in, a thread,
  // the notifications); back from a thread, to the note it was opened from.
  if (opts.focusHeading || (opts.fromUser && r.view !== "timeline")) heading.focus({ preventScroll: true });
  else if (opts.fromUser && from.view === "thread" && r.view === "timeline") {
    const back = document.querySelector(`#feeds ol:not([hidden]) li[data-shown-id="${CSS.escape(from.threadId)}"] .note-time`);
    if (back) back.focus({ preventScroll: true });
    else heading.focus({ preventScroll: true });
  } else if (opts.fromUser && from.view !== "timeline" && r.view === "timeline") heading.focus({ preventScroll: true });
}

// ─── Timelines ──────────────────────────────────────────────────────────

/** Whether the instance lets this user read that timeline (the role policies ltlAvailable, gtlAvailable). */
function available(kind) {
  const p = (state.me && state.me.policies) || (state.meta && state.meta.policies) || {};
  if (kind === "local" || kind === "social") return p.ltlAvailable !== false;
  if (kind === "global") return p.gtlAvailable !== false;
  return true;
}

function renderTabs() {
  for (const a of document.querySelectorAll("#tabs a")) {
    const kind = a.dataset.kind;
    a.hidden = !available(kind);
    a.setAttribute("aria-current", state.view === "timeline" && state.kind === kind ? "page" : "false");
  }
}

const noteCtx = () => ({
  origin: state.account.origin,
  host: hostOf(state.account.origin),
  meId: state.me && state.me.id,
  instanceEmojis: state.emojis.map,
  ui: state.ui,
  actions: noteActions,
});

/** The note as it is now: our notes/show answer after an action of ours, else the feed's. */
function current(note) {
  const o = state.overrides.get(note.id);
  let n = o || note;
  if (n.renote && state.overrides.has(n.renote.id)) n = { ...n, renote: state.overrides.get(n.renote.id) };
  return n;
}

/**
 * One timeline per kind, opened the first time it is shown and kept open
 * (live) while the user switches: its list stays in the page, and the
 * scroll position is kept per timeline.
 */
function feedOf(kind) {
  if (state.feeds[kind]) return state.feeds[kind];
  const tl = state.client.timeline(kind, { withRenotes: true }, { limit: PAGE_SIZE });
  const list = h("ol", { class: "notes", "data-kind": kind, "aria-labelledby": "view-title" });
  const feed = { kind, tl, list, items: new Map(), loaded: false, end: false, error: null, loading: null };
  state.feeds[kind] = feed;
  $("feeds").append(list);
  const gen = state.gen;
  tl.on("update", (u) => {
    if (gen !== state.gen) return;
    for (const n of u.changed || []) {
      state.overrides.delete(n.id);
      if (n.renote) state.overrides.delete(n.renote.id);
    }
    applyFeed(feed, new Set((u.changed || []).map((n) => n.id)));
  });
  tl.on("gap", (g) => {
    if (gen !== state.gen || g.filled) return;
    if (state.view === "timeline" && state.kind === kind) status(g.error ? "Some notes may be missing: catching up failed. Refresh to try again." : "More notes came than could be caught up: showing the newest. Load more to read back.");
  });
  feed.loading = loadFeed(feed, false);
  return feed;
}

async function loadFeed(feed, again) {
  const gen = state.gen;
  const refresh = $("refresh");
  const done = again ? busy(refresh, "Refreshing…") : null;
  feed.error = null;
  if (state.kind === feed.kind) renderFeedStatus(feed, true);
  try {
    await feed.tl.load();
    if (gen !== state.gen) return;
    feed.loaded = true;
    feed.end = feed.tl.notes.length < PAGE_SIZE;
    applyFeed(feed, again ? null : new Set());
  } catch (err) {
    if (gen !== state.gen) return;
    feed.error = err;
    showError(err);
  } finally {
    if (done) done();
    if (gen === state.gen && state.view === "timeline" && state.kind === feed.kind) renderFeedStatus(feed, false);
  }
}

function showTimeline(kind) {
  const feed = feedOf(kind);
  for (const f of Object.values(state.feeds)) f.list.hidden = f !== feed;
  $("view-title").textContent = KIND_TITLES[kind];
  renderFeedStatus(feed, !feed.loaded && !feed.error);
}

function renderFeedStatus(feed, loading) {
  if (state.view !== "timeline" || state.kind !== feed.kind) return;
  const n = feed.list.children.length;
  $("timeline-status").textContent = loading && n === 0 ? "Loading the timeline…"
    : feed.error && n === 0 ? "The timeline could not be loaded."
      : feed.loaded && n === 0 ? KIND_HINTS[feed.kind] : "";
  $("load-more").hidden = !feed.loaded || feed.end || n === 0;
}

/**
 * Puts the feed's notes in the page, in its order: new notes rendered,
 * changed ones (ids in changed; null: all) rendered again, gone ones
 * removed, keeping focus on the same control of a note rendered again.
 */
function applyFeed(feed, changed) {
  const notes = feed.tl.notes.filter((n) => !state.deleted.has(n.id));
  const keep = new Set(notes.map((n) => n.id));
  for (const [id, li] of feed.items) {
    if (!keep.has(id)) {
      li.remove();
      feed.items.delete(id);
    }
  }
  const ctx = noteCtx();
  let at = feed.list.firstElementChild;
  for (const note of notes) {
    let li = feed.items.get(note.id);
    if (!li || !changed || changed.has(note.id)) {
      const fresh = renderNote(current(note), ctx, "timeline");
      if (li) {
        if (li === at) at = fresh;
        replaceKeepingFocus(li, fresh);
      }
      li = fresh;
      feed.items.set(note.id, li);
    }
    if (li !== at) feed.list.insertBefore(li, at);
    else at = at.nextElementSibling;
  }
  renderFeedStatus(feed, false);
}

/** Replaces old with fresh; the control that had focus gets it back (by its data-focus-key). */
function replaceKeepingFocus(old, fresh) {
  const active = document.activeElement;
  const key = old.contains(active) && active.closest("[data-focus-key]")?.dataset.focusKey;
  old.replaceWith(fresh);
  if (key) {
    const again = fresh.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) || fresh.querySelector(".act-react");
    if (again) again.focus({ preventScroll: true });
  }
}

/** Renders again every note shown with id (in any timeline or the thread). */
function rerenderNote(id, focusKey) {
  const ctx = noteCtx();
  for (const feed of Object.values(state.feeds)) {
    for (const note of feed.tl.notes) {
      if (note.id === id || (note.renote && note.renote.id === id)) {
        const li = feed.items.get(note.id);
        if (!li) continue;
        const fresh = renderNote(current(note), ctx, "timeline");
        replaceKeepingFocus(li, fresh);
        feed.items.set(note.id, fresh);
      }
    }
  }
  for (const li of [...document.querySelectorAll(`#thread li.note[data-shown-id="${CSS.escape(id)}"]`)]) {
    const note = thread.notes.get(li.dataset.noteId);
    if (!note) continue;
    const fresh = renderNote(current(note), ctx, li.classList.contains("note-main") ? "main" : li.classList.contains("note-ancestor") ? "ancestor" : "child");
    replaceKeepingFocus(li, fresh);
  }
  if (focusKey) {
    const target = document.querySelector(`li.note[data-shown-id="${CSS.escape(id)}"]:not([hidden]) [data-focus-key="${CSS.escape(focusKey)}"]`);
    if (target && !target.closest("[hidden]")) target.focus({ preventScroll: true });
  }
}

/** Renders everything again (the custom emoji or the user arrived). */
function rerenderAll() {
  for (const feed of Object.values(state.feeds)) if (feed.loaded) applyFeed(feed, null);
  if (state.view === "thread" && thread.notes.size) renderThread();
  if (state.notifs && state.notifs.loaded) renderNotifications();
}

/** Reads the note again after an action of ours, for the places no stream updates (threads, notes past the newest 100). */
async function refreshNote(id) {
  const gen = state.gen;
  try {
    const note = await state.client.request("notes/show", { noteId: id });
    if (gen !== state.gen) return;
    state.overrides.set(id, note);
    rerenderNote(id);
  } catch {
    // the stream's update will do, or the next load
  }
}

function onPosted(note) {
  bumpNotesCount(1);
  if (state.view === "thread" && note && (note.replyId === state.threadId || note.renoteId === state.threadId)) showThread(state.threadId);
}

function bumpNotesCount(delta) {
  if (state.me && typeof state.me.notesCount === "number") {
    state.me.notesCount += delta;
    $("count-notes").textContent = state.me.notesCount.toLocaleString();
  }
}

// ─── What a note's buttons do ───────────────────────────────────────────

const noteActions = {
  reply: (note) => composeFor("reply", note),
  quote: (note) => composeFor("quote", note),
  renote: async (note, button) => {
    const gen = state.gen;
    const again = remember(button);
    const done = busy(button);
    try {
      await state.client.request("notes/create", { renoteId: note.id, visibility: note.visibility === "home" ? "home" : "public" });
      if (gen !== state.gen) return;
      status(`Renoted ${plainName(note.user)}'s note.`);
      bumpNotesCount(1);
      refreshNote(note.id);
    } catch (err) {
      if (gen === state.gen) showError(err);
    } finally {
      done();
      again()?.focus();
    }
  },
  pick: async (note, button) => {
    const chosen = await pickReaction({ trigger: button, emojis: state.emojis.list, host: hostOf(state.account.origin), current: note.myReaction });
    if (chosen) await react(note, chosen, button);
  },
  toggleReaction: (note, reaction, button) => react(note, reaction, button),
  vote: async (note, choice, button) => {
    const gen = state.gen;
    const done = busy(button);
    try {
      await state.client.request("notes/polls/vote", { noteId: note.id, choice });
      if (gen !== state.gen) return;
      status(`You voted for “${note.poll.choices[choice].text}”.`);
      await refreshNote(note.id);
      const first = document.querySelector(`li.note[data-shown-id="${CSS.escape(note.id)}"] .poll`);
      if (first) first.querySelector("button, .poll-result")?.closest("li")?.querySelector("button")?.focus();
    } catch (err) {
      done();
      if (gen === state.gen) showError(err);
    }
  },
  remove: (note, li, button) => askDelete(note, li, button),
  openImage,
  rerender: (id, focusKey) => rerenderNote(id, focusKey),
};

/**
 * Reacts to note with reaction, or takes our reaction back when it is
 * ours; another reaction of ours is replaced (as Misskey's own client:
 * delete, then create). The counts then come from the timeline's live
 * update, or from notes/show where nothing streams.
 */
async function react(note, reaction, button) {
  const gen = state.gen;
  const had = note.myReaction || null;
  const done = button ? busy(button) : () => {};
  try {
    if (had) await state.client.request("notes/reactions/delete", { noteId: note.id });
    if (had !== reaction) await state.client.request("notes/reactions/create", { noteId: note.id, reaction });
    if (gen !== state.gen) return;
    status(had === reaction ? `Your ${reactionName(reaction)} reaction was taken back.` : `You reacted with ${reactionName(reaction)}.`);
    await refreshNote(note.id);
  } catch (err) {
    if (gen === state.gen) showError(err);
  } finally {
    done();
  }
}

/** Delete asks first, inline: "Delete this note? [Yes, delete] [Cancel]". */
function askDelete(note, li, menuButton) {
  const again = remember(menuButton);
  const foot = li.querySelector(".note-foot");
  if (!foot || foot.querySelector(".confirm")) return;
  const confirmBox = h("div", { class: "confirm", role: "group", "aria-label": "Confirm deletion" },
    h("span", {}, "Delete this note?"),
    h("button", { type: "button", class: "btn btn-small btn-danger confirm-delete", onclick: (e) => deleteNote(note, li, e.currentTarget) }, "Yes, delete"),
    h("button", {
      type: "button", class: "btn btn-small cancel-delete", onclick: () => {
        confirmBox.remove();
        again()?.focus();
      },
    }, "Cancel"));
  foot.append(confirmBox);
  confirmBox.querySelector(".cancel-delete").focus();
}

async function deleteNote(note, li, button) {
  const gen = state.gen;
  const done = busy(button, "Deleting…");
  try {
    await state.client.request("notes/delete", { noteId: note.id });
    if (gen !== state.gen) return;
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    state.deleted.add(note.id);
    for (const feed of Object.values(state.feeds)) {
      const other = feed.items.get(note.id);
      if (other) other.remove();
      feed.items.delete(note.id);
    }
    bumpNotesCount(-1);
    status("Note deleted.");
    const target = next && next.querySelector(".note-time, button");
    (target || $("view-title")).focus();
    if (state.view === "thread" && note.id === state.threadId) location.hash = "#/" + state.kind;
  } catch (err) {
    done();
    if (gen === state.gen) showError(err);
  }
}

// ─── A note's thread: what it replies to, the note, its replies and quotes ──

const thread = { id: null, notes: new Map(), main: null, ancestors: [], children: [], error: null };

async function showThread(id) {
  const gen = state.gen;
  const box = $("thread");
  if (thread.id !== id) {
    thread.id = id;
    thread.notes = new Map();
    thread.main = null;
    thread.error = null;
    box.replaceChildren(h("p", { class: "muted timeline-status" }, "Loading the note…"));
    $("thread-title").textContent = "Note";
  }
  try {
    const [main, ancestors, children] = await Promise.all([
      state.client.request("notes/show", { noteId: id }),
      state.client.request("notes/conversation", { noteId: id, limit: 30 }).catch(() => []),
      state.client.request("notes/children", { noteId: id, limit: 30 }).catch(() => []),
    ]);
    if (gen !== state.gen || thread.id !== id) return;
    thread.main = main;
    thread.ancestors = [...ancestors].reverse();
    thread.children = [...children].reverse();
    thread.notes = new Map([main, ...ancestors, ...children].map((n) => [n.id, n]));
    renderThread();
  } catch (err) {
    if (gen !== state.gen || thread.id !== id) return;
    thread.error = err;
    box.replaceChildren(h("p", { class: "timeline-status" }, describeError(err, state.account.origin).message));
    $("thread-title").textContent = "Note not found";
  }
}

function renderThread() {
  const ctx = noteCtx();
  const { main, ancestors, children } = thread;
  if (!main) return;
  const shown = pureRenoteOf(main) ? main.renote : main;
  $("thread-title").textContent = `Note by ${plainName(shown.user)}`;
  document.title = $("thread-title").textContent + " · " + APP_NAME;
  const parts = [];
  if (ancestors.length) {
    parts.push(h("ol", { class: "notes thread-ancestors", "aria-label": "The notes it replies to, oldest first" },
      ancestors.map((n) => renderNote(current(n), ctx, "ancestor"))));
  }
  parts.push(h("ol", { class: "notes thread-main", "aria-label": "The note" }, renderNote(current(main), ctx, "main")));
  parts.push(h("h2", { class: "thread-sub", id: "thread-replies" }, children.length ? `Replies and quotes (${children.length})` : "No replies yet"));
  if (children.length) {
    parts.push(h("ol", { class: "notes thread-children", "aria-labelledby": "thread-replies" },
      children.map((n) => renderNote(current(n), ctx, "child"))));
  }
  const focusKey = document.activeElement && $("thread").contains(document.activeElement) && document.activeElement.closest("[data-focus-key]")?.dataset.focusKey;
  const focusNote = focusKey && document.activeElement.closest("li.note")?.dataset.noteId;
  $("thread").replaceChildren(...parts);
  if (focusKey && focusNote) {
    const again = $("thread").querySelector(`li.note[data-note-id="${CSS.escape(focusNote)}"] [data-focus-key="${CSS.escape(focusKey)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
}

// ─── Notifications: live through the main channel, an unread badge ──────

const NOTIF_TEXT = {
  reaction: (who, n) => [who, " reacted ", reactionBadge(n), " to your note"],
  follow: (who) => [who, " followed you"],
  mention: (who) => [who, " mentioned you"],
  reply: (who) => [who, " replied to you"],
  renote: (who) => [who, " renoted your note"],
  quote: (who) => [who, " quoted your note"],
  pollEnded: () => ["A poll you voted in has ended"],
  followRequestAccepted: (who) => [who, " accepted your follow request"],
  receiveFollowRequest: (who) => [who, " asked to follow you"],
  createToken: () => ["A new app was allowed to use your account"],
  login: () => ["Someone signed in to your account"],
  achievementEarned: () => ["You earned an achievement"],
  app: () => ["A notification from an app"],
  note: (who) => [who, " posted a note"],
};

const NOTIF_ICON = { reaction: "plus", follow: "people", mention: "reply", reply: "reply", renote: "renote", quote: "quote", pollEnded: "poll", createToken: "check" };

function reactionBadge(n) {
  const ctx = noteCtx();
  const r = n.reaction || "";
  const note = n.note || {};
  return h("span", { class: "notif-reaction" }, r ? renderReactionInline(r, note, ctx) : "");
}

// A reaction inside a sentence: the emoji itself, or a custom one's image
// (a remote one by its name@host, as reactionView finds it).
function renderReactionInline(r, note, ctx) {
  const p = parseReaction(r);
  if (!p.custom) return r;
  const src = reactionImage(r, note, ctx.instanceEmojis);
  return src ? image(src, { class: "reaction-img", alt: `:${p.name}:` }) : `:${p.name}:`;
}

function openNotifications() {
  const gen = state.gen;
  let feed;
  try {
    feed = state.client.notifications({ limit: PAGE_SIZE });
  } catch {
    return;
  }
  state.notifs = { feed, loaded: false, unreadAtOpen: 0, end: false };
  feed.on("unread", (n) => {
    if (gen !== state.gen) return;
    renderBadge(n);
    // Being read as it arrives: the open view marks it read (the count can
    // come after the notification's own update).
    if (n > 0 && state.view === "notifications" && state.notifs.loaded && document.visibilityState === "visible") markRead();
  });
  feed.on("update", (u) => {
    if (gen !== state.gen) return;
    if (state.view === "notifications") renderNotifications();
    const fresh = (u.added || []).filter((n) => n && n.type !== "createToken");
    if (fresh.length && state.view !== "notifications") $("notif-live").textContent = `New notification: ${notifPlain(fresh[0])}`;
    if (state.view === "notifications" && fresh.length) markRead();
  });
  feed.load().then(() => {
    if (gen !== state.gen) return;
    state.notifs.loaded = true;
    state.notifs.end = feed.items.length < PAGE_SIZE;
    renderBadge(feed.unread);
    if (state.view === "notifications") {
      state.notifs.unreadAtOpen = feed.unread;
      renderNotifications();
      markRead();
    }
  }, (err) => {
    if (gen !== state.gen) return;
    state.notifs.error = err;
    if (err && err.code !== "PERMISSION_DENIED") showError(err);
    if (state.view === "notifications") renderNotifications();
  });
}

function renderBadge(n) {
  const badge = $("notif-badge");
  badge.hidden = !(n > 0);
  badge.textContent = n > 99 ? "99+" : String(n);
  $("notif-label").textContent = n > 0 ? `Notifications (${n} unread)` : "Notifications";
}

function showNotifications() {
  const nf = state.notifs;
  if (!nf) {
    $("notif-list").replaceChildren();
    $("notif-status").textContent = "Notifications could not be opened.";
    return;
  }
  if (nf.loaded) {
    nf.unreadAtOpen = nf.feed.unread;
    renderNotifications();
    markRead();
  } else {
    $("notif-status").textContent = "Loading your notifications…";
  }
}

async function markRead() {
  const nf = state.notifs;
  if (!nf || nf.feed.unread === 0 || nf.marking) return;
  nf.marking = true; // one request at a time: the update and the count both ask
  let ok = false;
  try {
    await nf.feed.markAllRead();
    ok = true;
  } catch (err) {
    if (err && err.code !== "PERMISSION_DENIED") showError(err);
  } finally {
    nf.marking = false;
  }
  // One that came in meanwhile, while the view is still being read.
  if (ok && state.notifs === nf && nf.feed.unread > 0 && state.view === "notifications" && document.visibilityState === "visible") markRead();
}

function notifPlain(n) {
  const who = n.user ? plainName(n.user) : "Someone";
  const parts = (NOTIF_TEXT[n.type] || (() => ["A notification"]))(who, n);
  return parts.map((p) => (typeof p === "string" ? p : p.textContent || (n.reaction ? reactionName(n.reaction) : ""))).join("");
}

function renderNotifications() {
  const nf = state.notifs;
  const list = $("notif-list");
  if (nf.error && !nf.loaded) {
    list.replaceChildren();
    $("notif-status").textContent = nf.error.code === "PERMISSION_DENIED"
      ? "This sign-in did not allow reading notifications. Sign in again and tick read:notifications."
      : describeError(nf.error, state.account.origin).message;
    return;
  }
  const items = nf.feed.items;
  const ctx = noteCtx();
  list.replaceChildren(...items.map((n, i) => {
    const who = n.user ? h("strong", { class: "notif-who" }, nameOf(n.user, ctx)) : "Someone";
    const text = (NOTIF_TEXT[n.type] || (() => [`A notification (${n.type})`]))(who, n);
    const href = n.note ? "#/notes/" + encodeURIComponent(n.note.id) : n.user ? userUrl(n.user, ctx) : null;
    const unread = i < nf.unreadAtOpen;
    const inner = [
      h("span", { class: "notif-icon notif-" + n.type }, icon(NOTIF_ICON[n.type] || "bell")),
      n.user ? image(n.user.avatarUrl, { class: "avatar avatar-sm", alt: "", width: 36, height: 36 }) : h("span", { class: "avatar avatar-sm img-missing", "aria-hidden": "true" }),
      h("span", { class: "notif-body" },
        h("span", { class: "notif-text" }, unread ? h("span", { class: "visually-hidden" }, "Unread: ") : null, ...text),
        n.note ? h("span", { class: "notif-excerpt muted" }, excerpt(n.note, ctx, 120)) : null),
      h("time", { class: "muted notif-time", datetime: n.createdAt || "", title: fullTime(n.createdAt) }, when(n.createdAt)),
    ];
    const item = href
      ? h("a", { class: "notif-link", href, ...(href.startsWith("#") ? {} : { target: "_blank", rel: "noopener noreferrer" }) }, ...inner)
      : h("div", { class: "notif-link" }, ...inner);
    return h("li", { class: "notif" + (unread ? " unread" : ""), "data-type": n.type, "data-id": n.id }, item);
  }));
  $("notif-status").textContent = items.length ? "" : "No notifications yet.";
  $("notif-more").hidden = items.length === 0 || nf.end;
}

async function moreNotifications() {
  const nf = state.notifs;
  if (!nf) return;
  const gen = state.gen;
  const done = busy($("notif-more"), "Loading…");
  try {
    const more = await nf.feed.more();
    if (gen !== state.gen) return;
    nf.end = !more;
    renderNotifications();
  } catch (err) {
    if (gen === state.gen) showError(err);
  } finally {
    done();
  }
}

async function moreNotes() {
  const feed = state.feeds[state.kind];
  if (!feed || feed.busy) return;
  const gen = state.gen;
  feed.busy = true;
  const done = busy($("load-more"), "Loading…");
  const before = feed.list.children.length;
  try {
    const more = await feed.tl.more();
    if (gen !== state.gen) return;
    feed.end = !more;
    applyFeed(feed, new Set());
    status(`${feed.list.children.length - before} older notes loaded.`);
  } catch (err) {
    if (gen === state.gen) showError(err);
  } finally {
    done();
    feed.busy = false;
    if (gen === state.gen) renderFeedStatus(feed, false);
  }
}

// ─── Messages ───────────────────────────────────────────────────────────

/** Shows an API error in plain words, with a way forward when there is one. */
function showError(err) {
  const account = state.account;
  const origin = account ? account.origin : "";
  const d = describeError(err, origin);
  const actions = [];
  if ((d.kind === "auth" || d.kind === "permission") && account) {
    actions.push({
      label: "Sign in again",
      onClick: () => showSignIn({ origin: account.origin, permission: d.permission, focus: true }),
    });
  }
  if (d.kind === "retry" && account) {
    actions.push({ label: "Retry", onClick: () => showApp(state.account || account) });
  }
  toast({ type: "error", message: d.message, actions });
}

/** A short status message, announced politely. */
function status(message) {
  toast({ type: "info", message });
}

/**
 * toast({ type: "info" | "success" | "error", message, actions, link, sticky, scope }):
 * errors stay until dismissed; others go after a few seconds. A message
 * already shown is not shown twice. Each belongs to the current account
 * (scope: its key; "signin" for the sign-in page), and goes when another
 * account is shown.
 */
function toast({ type = "info", message, actions = [], link: href = null, sticky = false, scope }) {
  const region = type === "error" ? $("alerts") : $("statuses");
  const owner = scope || (state.account ? keyOf(state.account) : "signin");
  const same = [...region.children].find((t) => t.dataset.message === message && t.dataset.scope === owner);
  if (same) {
    same.classList.remove("toast-again");
    void same.offsetWidth; // restart the highlight
    same.classList.add("toast-again");
    return;
  }
  const item = h("div", { class: "toast toast-" + type + (sticky || actions.length ? " toast-sticky" : ""), "data-scope": owner, "data-message": message });
  const text = h("p", { class: "toast-text" }, message);
  if (href) text.append(link(href.href, href.text), ".");
  item.append(text);
  const row = h("div", { class: "toast-actions" });
  for (const a of actions) {
    row.append(h("button", { type: "button", class: "btn btn-small", onclick: () => { item.remove(); a.onClick(); } }, a.label));
  }
  row.append(h("button", { type: "button", class: "btn btn-small btn-quiet toast-close", "aria-label": "Dismiss message", onclick: () => item.remove() }, icon("close")));
  item.append(row);
  region.append(item);
  while (region.children.length > 3) region.firstElementChild.remove();
  if (type !== "error" && !sticky && actions.length === 0) {
    setTimeout(() => item.remove(), 5000);
  }
}

/** Removes the messages of an account (its key), or of the sign-in page. */
function clearToasts(scope) {
  for (const t of document.querySelectorAll(".toast")) if (t.dataset.scope === scope) t.remove();
}

// ─── Events ─────────────────────────────────────────────────────────────

function wireEvents() {
  $("signin-form").addEventListener("submit", startSignIn);
  $("instance").addEventListener("input", previewOrigin);
  $("signin-cancel").addEventListener("click", () => {
    clearPending();
    clearToasts("signin");
    const account = pickCurrent(mk.accounts.list());
    if (account) showApp(account, { focusHeading: true });
    else route();
  });
  $("pending-check").addEventListener("click", checkPending);
  $("pending-forget").addEventListener("click", () => {
    clearPending();
    renderPending(null);
    $("instance").focus();
  });
  $("account-button").addEventListener("click", toggleAccountMenu);
  $("account-menu").addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      closeAccountMenu(true);
    }
  });
  document.addEventListener("click", (e) => {
    if (!$("account-menu").hidden && !e.target.closest("#account-menu, #account-button")) closeAccountMenu(false);
  });
  $("add-account").addEventListener("click", () => {
    closeAccountMenu(false);
    showSignIn({ focus: true });
  });
  $("sign-out").addEventListener("click", signOut);
  $("refresh").addEventListener("click", () => {
    const feed = state.feeds[state.kind];
    if (feed) loadFeed(feed, true);
  });
  $("load-more").addEventListener("click", moreNotes);
  $("notif-more").addEventListener("click", moreNotifications);
  $("thread-back").addEventListener("click", () => {
    // Back where the thread was opened from, if it was opened in this page.
    if (state.moves > 0) history.back();
    else location.hash = "#/" + state.kind;
  });
  window.addEventListener("hashchange", () => {
    state.moves = (state.moves || 0) + 1;
    if (!state.account) return;
    showRoute({ fromUser: true });
  });
  // Nothing fails silently: a bug shows up as a message too.
  window.addEventListener("unhandledrejection", (e) => {
    toast({ type: "error", message: "Something went wrong: " + describeError(e.reason).message });
  });
  window.addEventListener("error", (e) => {
    toast({ type: "error", message: "Something went wrong: " + (e.message || "unknown error") });
  });
  // Back from the consent page by the Back button, from the back/forward cache.
  window.addEventListener("pageshow", (e) => {
    if (e.persisted && mk) route();
  });
}
