// The misskey-wasm demo: sign in to a Misskey instance with MiAuth, see the
// profile, post notes (with an image), read the home timeline, react,
// delete, and keep several accounts. Plain ES modules, no build step; the
// library is loaded from ./dist/ (relative, so web/ + dist/ work on any
// static host, under any sub-path).

import { $, busy, h, image, link } from "./js/dom.js";
import { describeError, hostOf } from "./js/errors.js";
import { LIKE, acct, renderNote } from "./js/notes.js";

const APP_NAME = "misskey-wasm demo";
const PAGE_SIZE = 20;
const DEFAULT_PERMISSIONS = ["read:account", "write:notes", "read:notifications", "write:reactions", "write:drive", "read:drive"];
// Shown in the two main columns; the rest (about 80) go under "More permissions".
const COMMON_PERMISSIONS = [
  "read:account", "write:account", "write:notes", "read:notifications", "write:notifications",
  "read:reactions", "write:reactions", "read:drive", "write:drive", "read:following", "write:following",
  "read:favorites", "write:favorites",
];
const KEY_CURRENT = "misskey-wasm-demo:current"; // origin and user id of the current account (no token)
const KEY_PENDING = "misskey-wasm-demo:pending"; // the sign-in in progress, to tell the user when they come back

let mk = null; // the library
let defaultInstance = "";

// What is on screen now. gen changes with the account, so that late
// answers for a previous account are dropped.
const state = {
  account: null,
  client: null,
  me: null,
  gen: 0,
  oldestId: null,
  loadingTimeline: false,
  live: null, // { account, stream } while the timeline is live
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
  defaultInstance = await readConfig();
  buildPermissionPicker();
  wireEvents();

  if (new URLSearchParams(location.search).has("session")) {
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

/** config.json's defaultInstance, or "" (a static host has no config.json). */
async function readConfig() {
  try {
    const res = await fetch("./config.json", { cache: "no-store", credentials: "same-origin" });
    if (!res.ok) return "";
    const cfg = await res.json();
    return cfg && typeof cfg.defaultInstance === "string" ? cfg.defaultInstance : "";
  } catch {
    return "";
  }
}

/** Shows the current account, or the sign-in form when there is none. */
function route() {
  const accounts = mk.accounts.list();
  const pending = readPending();
  if (pending) {
    showSignIn({ pending });
    return;
  }
  const account = pickCurrent(accounts);
  if (account) showApp(account);
  else showSignIn();
}

function showView(name) {
  $("boot").hidden = name !== "boot";
  $("signin").hidden = name !== "signin";
  $("app").hidden = name !== "app";
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

/** The normalized origin for what is typed, shown under the field. */
function previewOrigin() {
  const value = $("instance").value.trim();
  const out = $("origin-preview");
  out.classList.remove("error-text");
  if (!value) {
    out.textContent = "Enter your instance's address, for example misskey.io.";
    return null;
  }
  try {
    const origin = mk.parseOrigin(value);
    out.textContent = "";
    out.append("You will be sent to ", h("strong", { class: "origin" }, origin), " to approve this app.");
    return origin;
  } catch (err) {
    out.classList.add("error-text");
    out.textContent = describeError(err).message;
    return null;
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
  const origin = opts.origin || (opts.pending && opts.pending.origin) || $("instance").value || defaultInstance;
  $("instance").value = origin;
  if (opts.permission) {
    const box = document.querySelector(`input[name="permission"][value="${CSS.escape(opts.permission)}"]`);
    if (box) box.checked = true;
  }
  previewOrigin();
  renderPending(opts.pending || null);
  if (opts.focus) $("instance").focus();
}

function startSignIn(event) {
  event.preventDefault();
  const value = $("instance").value.trim();
  if (!value) {
    previewOrigin();
    $("instance").focus();
    return;
  }
  const permission = chosenPermissions();
  if (permission.length === 0) {
    toast({ type: "error", message: "Choose at least one permission to ask for." });
    return;
  }
  const icon = new URL("./icon.svg", location.href);
  let started;
  try {
    // redirect: true navigates to the instance's consent page right away;
    // the callback is this page (without query and fragment).
    started = mk.miauth.start({
      origin: value,
      name: APP_NAME,
      icon: icon.protocol === "https:" || icon.protocol === "http:" ? icon.href : undefined,
      permission,
      redirect: true,
    });
  } catch (err) {
    toast({ type: "error", message: describeError(err).message });
    $("instance").focus();
    return;
  }
  writePending({ origin: started.origin, session: started.session, at: Date.now() });
  busy($("signin-submit"), "Opening " + hostOf(started.origin) + "…");
  status("Taking you to " + hostOf(started.origin) + " to approve the sign-in…");
}

/** Back from the consent page with ?session=: finish the sign-in. */
async function finishSignIn() {
  showView("boot");
  $("boot-title").textContent = "Signing in…";
  $("boot-message").textContent = "Checking with the instance that you approved this app.";
  const pending = readPending();
  clearPending();
  try {
    const account = await mk.miauth.complete();
    setCurrent(account);
    toast({ type: "success", message: `Signed in as ${acct(account.user, hostOf(account.origin))}.` });
    showApp(account);
  } catch (err) {
    // complete() strips ?session= from the address bar; make sure of it.
    const url = new URL(location.href);
    if (url.searchParams.has("session")) {
      url.searchParams.delete("session");
      history.replaceState(history.state, "", url.href);
    }
    const origin = (pending && pending.origin) || "";
    showSignIn({ origin });
    toast({
      type: "error",
      message: "Sign-in failed. " + describeError(err, origin).message,
      actions: [{ label: "Start again", onClick: () => showSignIn({ origin, focus: true }) }],
    });
  }
}

// The sign-in in progress, remembered in this tab, so that a user who comes
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
    showApp(account);
  } catch (err) {
    renderPending(null);
    const msg = err && err.code === "NOT_APPROVED"
      ? `Sign-in cancelled: ${hostOf(pending.origin)} says it was not approved. You can start again below.`
      : describeError(err, pending.origin).message;
    toast({ type: "error", message: msg });
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

function renderAccountBar(view) {
  const accounts = mk ? mk.accounts.list() : [];
  const bar = $("account-bar");
  bar.hidden = accounts.length === 0;
  const select = $("account-select");
  select.replaceChildren(...accounts.map((a) =>
    h("option", { value: keyOf(a), selected: view === "app" && state.account && keyOf(a) === keyOf(state.account) },
      acct(a.user, hostOf(a.origin)))));
  $("sign-out").hidden = view !== "app";
  $("add-account").hidden = view !== "app";
}

function switchAccount() {
  const account = mk.accounts.list().find((a) => keyOf(a) === $("account-select").value);
  if (!account) return;
  setCurrent(account);
  showApp(account);
  status(`Switched to ${acct(account.user, hostOf(account.origin))}.`);
}

async function signOut() {
  const account = state.account;
  if (!account) return;
  const name = acct(account.user, hostOf(account.origin));
  const done = busy($("sign-out"), "Signing out…");
  let result;
  try {
    result = await mk.accounts.remove(account, { revoke: true });
  } catch (err) {
    done();
    toast({ type: "error", message: "Could not sign out: " + describeError(err, account.origin).message });
    return;
  }
  done();
  stopLive();
  if (result.revoked) {
    toast({ type: "success", message: `Signed out of ${name}, and its access was revoked.` });
  } else {
    // Misskey does not let an app revoke its own token.
    toast({
      type: "info",
      sticky: true,
      message: `Signed out of ${name}: this browser forgot it. Misskey does not let apps revoke their own access; to revoke “${APP_NAME}”, open `,
      link: { href: result.settingsUrl, text: "your instance's app settings" },
    });
  }
  state.account = null;
  state.client = null;
  const next = pickCurrent(mk.accounts.list());
  if (next) {
    setCurrent(next);
    showApp(next);
  } else {
    showSignIn({ focus: true });
  }
}

// ─── Signed in ──────────────────────────────────────────────────────────

function showApp(account) {
  stopLive();
  state.gen++;
  state.account = account;
  state.me = account.user;
  state.oldestId = null;
  try {
    state.client = mk.client(account);
  } catch (err) {
    showSignIn({ origin: account.origin });
    toast({ type: "error", message: describeError(err, account.origin).message });
    return;
  }
  showView("app");
  renderProfile(account.user, false);
  $("notes").replaceChildren();
  loadProfile();
  loadTimeline(false);
}

async function loadProfile() {
  const gen = state.gen;
  $("profile").setAttribute("aria-busy", "true");
  try {
    const me = await state.client.request("i");
    if (gen !== state.gen) return;
    state.me = me;
    renderProfile(me, true);
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
  $("profile-name").textContent = user.name || user.username;
  $("profile-acct").replaceChildren(
    link(state.account.origin + "/@" + encodeURIComponent(user.username), acct(user, host)));
  const avatar = $("profile-avatar");
  const src = image(user.avatarUrl, {});
  if (src.tagName === "IMG") {
    avatar.src = src.src;
    avatar.hidden = false;
  } else {
    avatar.removeAttribute("src");
    avatar.hidden = true;
  }
  const count = (n) => (full && typeof n === "number" ? n.toLocaleString() : "–");
  $("count-notes").textContent = count(user.notesCount);
  $("count-following").textContent = count(user.followingCount);
  $("count-followers").textContent = count(user.followersCount);
}

function bumpNotesCount(delta) {
  if (state.me && typeof state.me.notesCount === "number") {
    state.me.notesCount += delta;
    $("count-notes").textContent = state.me.notesCount.toLocaleString();
  }
}

// ─── Timeline ───────────────────────────────────────────────────────────

const noteContext = () => ({
  origin: state.account.origin,
  host: hostOf(state.account.origin),
  meId: state.me && state.me.id,
  onReact: react,
  onDelete: askDelete,
});

/** Loads the newest page (more = false: replaces the list) or the next older page. */
async function loadTimeline(more) {
  if (state.loadingTimeline && more) return;
  const gen = state.gen;
  state.loadingTimeline = true;
  const refresh = $("refresh");
  const loadMore = $("load-more");
  const doneRefresh = more ? null : busy(refresh, "Refreshing…");
  const doneMore = more ? busy(loadMore, "Loading…") : null;
  if (!more && $("notes").children.length === 0) $("timeline-status").textContent = "Loading the timeline…";
  try {
    const params = { limit: PAGE_SIZE };
    if (more && state.oldestId) params.untilId = state.oldestId;
    const notes = await state.client.request("notes/timeline", params);
    if (gen !== state.gen) return;
    const ctx = noteContext();
    const items = notes.map((n) => renderNote(n, ctx));
    if (more) $("notes").append(...items);
    else $("notes").replaceChildren(...items);
    if (notes.length) state.oldestId = notes[notes.length - 1].id;
    else if (!more) state.oldestId = null;
    loadMore.hidden = notes.length < PAGE_SIZE;
    const total = $("notes").children.length;
    $("timeline-status").textContent = total === 0
      ? "No notes yet. Post one, or follow someone on your instance."
      : more ? `${notes.length} older notes loaded.` : "";
    if (!more) startLive(state.account);
  } catch (err) {
    if (gen !== state.gen) return;
    if ($("notes").children.length === 0) $("timeline-status").textContent = "The timeline could not be loaded.";
    showError(err);
  } finally {
    if (doneRefresh) doneRefresh();
    if (doneMore) doneMore();
    if (gen === state.gen) state.loadingTimeline = false;
  }
}

function findNoteItem(id) {
  return [...$("notes").children].find((li) => li.dataset.noteId === id) || null;
}

// ─── Live updates (streaming): the place to plug them in ────────────────
//
// onNewNote(note) puts a note (a Misskey Note object of the current
// account's home timeline) at the top of the timeline, or replaces it if it
// is already shown. The streaming code calls it for each new note.
// startLive(account) is called after the first page of the timeline is
// shown, and stopLive() before the account changes or signs out: connect
// and disconnect the stream there.

/** Prepends a new note to the timeline (or updates it if shown). */
export function onNewNote(note) {
  if (!state.account || !note || typeof note.id !== "string") return;
  const li = renderNote(note, noteContext());
  const old = findNoteItem(note.id);
  if (old) old.replaceWith(li);
  else $("notes").prepend(li);
  if (!state.oldestId) state.oldestId = note.id;
  $("timeline-status").textContent = "";
}

const LIVE_LABELS = {
  connecting: "Connecting…",
  open: "Live",
  reconnecting: "Reconnecting…",
  closed: "Not live",
};

/** Opens the account's stream: new home-timeline notes and notifications arrive live. */
function startLive(account) {
  if (state.live && state.live.account === account) return;
  stopLive();
  const stream = state.client.stream();
  const live = { account, stream };
  state.live = live;
  const badge = $("live-state");
  badge.hidden = false;
  const show = (s) => {
    badge.textContent = LIVE_LABELS[s] || s;
    badge.dataset.state = s;
  };
  show(stream.state());
  stream.on("state", (s) => { if (state.live === live) show(s); });
  stream.on("error", (err) => {
    if (state.live !== live) return;
    // Malformed frames are not worth a message; a refused token is.
    if (err.code !== "INVALID_RESPONSE") showError(err);
  });
  stream.channel("homeTimeline").on("note", (note) => { if (state.live === live) onNewNote(note); });
  stream.channel("main").on("notification", (n) => {
    if (state.live === live) toast({ type: "info", message: describeNotification(n) });
  });
}

function stopLive() {
  if (!state.live) return;
  state.live.stream.close();
  state.live = null;
  $("live-state").hidden = true;
}

/** A notification in plain words. */
function describeNotification(n) {
  const who = n && n.user ? (n.user.name || "@" + n.user.username) : "Someone";
  switch (n && n.type) {
    case "reaction": return `${who} reacted ${n.reaction || ""} to your note.`;
    case "follow": return `${who} followed you.`;
    case "mention": return `${who} mentioned you.`;
    case "reply": return `${who} replied to you.`;
    case "renote": return `${who} renoted your note.`;
    case "quote": return `${who} quoted your note.`;
    case "createToken": return "A new app was allowed to use your account.";
    default: return `New notification (${String(n && n.type)}).`;
  }
}

// ─── Post ───────────────────────────────────────────────────────────────

async function post(event) {
  event.preventDefault();
  const form = $("compose-form");
  const text = $("note-text").value;
  const cw = $("note-cw").value.trim();
  const visibility = $("note-visibility").value;
  const file = $("note-file").files[0] || null;
  if (!text.trim() && !file) {
    toast({ type: "error", message: "Write something or attach an image first." });
    $("note-text").focus();
    return;
  }
  const gen = state.gen;
  const client = state.client;
  const done = busy($("post-button"), file ? "Uploading…" : "Posting…");
  form.setAttribute("aria-busy", "true");
  try {
    const params = { visibility };
    if (text.trim()) params.text = text;
    if (cw) params.cw = cw;
    if (file) {
      const uploaded = await upload(client, file);
      params.fileIds = [uploaded.id];
      $("post-button").textContent = "Posting…";
    }
    const { createdNote } = await client.request("notes/create", params);
    if (gen !== state.gen) return;
    form.reset();
    onNewNote(createdNote);
    bumpNotesCount(1);
    status("Your note was posted.");
  } catch (err) {
    if (gen === state.gen) showError(err);
  } finally {
    done();
    form.removeAttribute("aria-busy");
    $("upload").hidden = true;
  }
}

/** Uploads to the drive, with a progress bar. */
function upload(client, file) {
  const bar = $("upload-progress");
  const label = $("upload-label");
  const name = file.name || "image";
  bar.max = Math.max(file.size, 1);
  bar.value = 0;
  label.textContent = `Uploading ${name}…`;
  $("upload").hidden = false;
  return client.upload(file, {
    onProgress: ({ loaded, total }) => {
      bar.max = Math.max(total || file.size, 1);
      bar.value = loaded;
      label.textContent = `Uploading ${name}… ${Math.round((100 * loaded) / bar.max)} %`;
    },
  });
}

// ─── React and delete ───────────────────────────────────────────────────

/** Toggles a 👍 reaction on shown (the note, or the renoted note). */
async function react(note, shown, li, button) {
  const gen = state.gen;
  const had = shown.myReaction || null;
  const done = busy(button);
  try {
    if (had === LIKE) {
      await state.client.request("notes/reactions/delete", { noteId: shown.id });
    } else {
      await state.client.request("notes/reactions/create", { noteId: shown.id, reaction: LIKE });
    }
    if (gen !== state.gen) return;
    // Update the counts here rather than fetch the note again.
    const reactions = { ...(shown.reactions || {}) };
    if (had) reactions[had] = Math.max(0, (reactions[had] || 1) - 1);
    if (had !== LIKE) reactions[LIKE] = (reactions[LIKE] || 0) + 1;
    shown.reactions = reactions;
    shown.myReaction = had === LIKE ? null : LIKE;
    const fresh = renderNote(note, noteContext());
    // The item may have been replaced meanwhile (a live update of the same note).
    (findNoteItem(shown.id) || li).replaceWith(fresh);
    fresh.querySelector("button.react").focus();
    status(had === LIKE ? "Reaction removed." : `Reacted with ${LIKE}.`);
  } catch (err) {
    done();
    if (gen === state.gen) showError(err);
  }
}

/** Delete asks first, inline: "Delete this note? [Delete] [Cancel]". */
function askDelete(note, li, button) {
  const actions = button.parentElement;
  const confirmBox = h("div", { class: "confirm", role: "group", "aria-label": "Confirm deletion" },
    h("span", {}, "Delete this note?"),
    h("button", { type: "button", class: "btn btn-small btn-danger confirm-delete", onclick: (e) => deleteNote(note, li, e.currentTarget) }, "Yes, delete"),
    h("button", {
      type: "button", class: "btn btn-small cancel-delete", onclick: () => {
        confirmBox.remove();
        button.hidden = false;
        button.focus();
      },
    }, "Cancel"));
  button.hidden = true;
  actions.append(confirmBox);
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
    bumpNotesCount(-1);
    status("Note deleted.");
    const target = next && next.querySelector("button");
    (target || $("refresh")).focus();
    if ($("notes").children.length === 0) $("timeline-status").textContent = "No notes yet. Post one, or follow someone on your instance.";
  } catch (err) {
    done();
    if (gen === state.gen) showError(err);
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
 * toast({ type: "info" | "success" | "error", message, actions, link, sticky }):
 * errors stay until dismissed; others go after a few seconds.
 */
function toast({ type = "info", message, actions = [], link: href = null, sticky = false }) {
  const region = type === "error" ? $("alerts") : $("statuses");
  const item = h("div", { class: "toast toast-" + type + (sticky || actions.length ? " toast-sticky" : "") });
  const text = h("p", { class: "toast-text" }, message);
  if (href) text.append(link(href.href, href.text), ".");
  item.append(text);
  const row = h("div", { class: "toast-actions" });
  for (const a of actions) {
    row.append(h("button", { type: "button", class: "btn btn-small", onclick: () => { item.remove(); a.onClick(); } }, a.label));
  }
  row.append(h("button", { type: "button", class: "btn btn-small btn-quiet toast-close", "aria-label": "Dismiss message", onclick: () => item.remove() }, "✕"));
  item.append(row);
  region.append(item);
  while (region.children.length > 3) region.firstElementChild.remove();
  if (type !== "error" && !sticky && actions.length === 0) {
    setTimeout(() => item.remove(), 5000);
  }
}

// ─── Events ─────────────────────────────────────────────────────────────

function wireEvents() {
  $("signin-form").addEventListener("submit", startSignIn);
  $("instance").addEventListener("input", previewOrigin);
  $("signin-cancel").addEventListener("click", () => {
    clearPending();
    route();
  });
  $("pending-check").addEventListener("click", checkPending);
  $("pending-forget").addEventListener("click", () => {
    clearPending();
    renderPending(null);
    $("instance").focus();
  });
  $("account-select").addEventListener("change", switchAccount);
  $("add-account").addEventListener("click", () => showSignIn({ focus: true }));
  $("sign-out").addEventListener("click", signOut);
  $("compose-form").addEventListener("submit", post);
  $("note-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("compose-form").requestSubmit();
  });
  $("refresh").addEventListener("click", () => loadTimeline(false));
  $("load-more").addEventListener("click", () => loadTimeline(true));
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
