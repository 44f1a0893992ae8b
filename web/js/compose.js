// The composer: text with a character counter (the instance's
// maxNoteTextLength), a content warning, the visibility, pictures (several,
// each with a preview, a description that becomes the drive file's
// comment and its alt text, the sensitive flag, and a Remove button), and
// the note it replies to or quotes. On a phone it is a full-screen sheet
// opened by the compose button.

import { $, busy, h, icon } from "./dom.js";
import { excerpt, shortAcct } from "./notes.js";

const MAX_FILES = 16;
const phone = () => matchMedia("(max-width: 640px)").matches;

let app = null; // { client(), account(), maxLength(), noteCtx(), toast, showError, status, gen(), onPosted(note) }
let files = []; // { key, file, url, comment, sensitive }
let target = null; // { kind: "reply" | "quote", note }
let opener = null; // what had focus before the sheet opened
let fileKey = 0;

export function setupComposer(a) {
  app = a;
  $("compose-form").addEventListener("submit", post);
  $("note-text").addEventListener("input", count);
  $("note-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      $("compose-form").requestSubmit();
    }
  });
  $("note-file").addEventListener("change", (e) => {
    addFiles([...e.target.files]);
    e.target.value = "";
  });
  $("compose-fab").addEventListener("click", () => openComposer());
  $("compose-close").addEventListener("click", () => closeComposer(true));
  $("composer").addEventListener("keydown", (e) => {
    if (e.key === "Escape" && $("composer").classList.contains("open")) {
      e.preventDefault();
      closeComposer(true);
    }
  });
  count();
}

/** Sets the counter after the instance's limit is known. */
export function count() {
  const text = $("note-text").value;
  const n = [...text].length;
  const max = app ? app.maxLength() : 3000;
  const out = $("note-count");
  const over = n - max;
  out.textContent = over > 0 ? `${n.toLocaleString()} / ${max.toLocaleString()}: ${over.toLocaleString()} too many` : `${n.toLocaleString()} / ${max.toLocaleString()}`;
  out.classList.toggle("over", over > 0);
  if (over > 0) $("note-text").setAttribute("aria-invalid", "true");
  else $("note-text").removeAttribute("aria-invalid");
}

/** Opens the composer: on a phone the sheet; elsewhere it is always there, and gets focus. */
export function openComposer() {
  const c = $("composer");
  if (phone() && !c.classList.contains("open")) {
    opener = document.activeElement;
    c.classList.add("open");
    c.setAttribute("role", "dialog");
    c.setAttribute("aria-modal", "true");
    for (const id of ["topbar", "main-col", "compose-fab", "footer", "profile"]) $(id).inert = true;
    $("compose-fab").setAttribute("aria-expanded", "true");
  }
  $("note-text").focus();
}

export function closeComposer(refocus) {
  const c = $("composer");
  if (!c.classList.contains("open")) return;
  c.classList.remove("open");
  c.removeAttribute("role");
  c.removeAttribute("aria-modal");
  for (const id of ["topbar", "main-col", "compose-fab", "footer", "profile"]) $(id).inert = false;
  $("compose-fab").setAttribute("aria-expanded", "false");
  if (refocus) (opener && opener.isConnected ? opener : $("compose-fab")).focus();
  opener = null;
}

/** Starts a reply to note (or a quote of it), and opens the composer. */
export function composeFor(kind, note) {
  target = { kind, note };
  renderTarget();
  if (kind === "reply" && (note.visibility === "home" || note.visibility === "followers")) $("note-visibility").value = note.visibility;
  openComposer();
}

function renderTarget() {
  const box = $("compose-target");
  if (!target) {
    box.hidden = true;
    box.replaceChildren();
    $("compose-title").textContent = "New note";
    return;
  }
  const { kind, note } = target;
  const who = shortAcct(note.user || {});
  $("compose-title").textContent = kind === "reply" ? "Reply" : "Quote";
  box.hidden = false;
  box.replaceChildren(
    h("p", { class: "compose-target-text" },
      icon(kind === "reply" ? "reply" : "quote"), " ",
      h("strong", {}, kind === "reply" ? `Replying to ${who}` : `Quoting ${who}`), ": ",
      h("span", { class: "muted" }, excerpt(note, app.noteCtx(), 120))),
    h("button", {
      type: "button", class: "btn btn-small btn-quiet", id: "compose-target-cancel",
      onclick: () => {
        target = null;
        renderTarget();
        $("note-text").focus();
      },
    }, kind === "reply" ? "Cancel reply" : "Cancel quote"));
}

function addFiles(list) {
  const images = list.filter((f) => f && typeof f.type === "string");
  for (const file of images) {
    if (files.length >= MAX_FILES) {
      app.toast({ type: "error", message: `A note takes at most ${MAX_FILES} files.` });
      break;
    }
    files.push({ key: ++fileKey, file, url: URL.createObjectURL(file), comment: "", sensitive: false });
  }
  renderFiles();
}

function renderFiles(focusKey) {
  const list = $("attachments");
  list.hidden = files.length === 0;
  list.replaceChildren(...files.map((f, i) => {
    const idBase = "att-" + f.key;
    const name = f.file.name || `file ${i + 1}`;
    const preview = f.file.type.startsWith("image/")
      ? h("img", { src: f.url, alt: "", class: "att-preview", width: 96, height: 96 })
      : h("span", { class: "att-preview att-file", "aria-hidden": "true" }, "📎");
    return h("li", { class: "attachment", "data-key": String(f.key) },
      preview,
      h("div", { class: "att-fields" },
        h("p", { class: "att-name" }, name, h("span", { class: "muted" }, ` · ${sizeOf(f.file.size)}`)),
        h("label", { for: idBase + "-alt", class: "att-label" }, "Description (alt text)"),
        h("input", {
          type: "text", id: idBase + "-alt", class: "att-alt", maxlength: 512, value: f.comment,
          placeholder: "What the picture shows", autocomplete: "off",
          oninput: (e) => { f.comment = e.target.value; },
        }),
        h("div", { class: "att-row" },
          h("span", { class: "check" },
            h("input", { type: "checkbox", id: idBase + "-nsfw", class: "att-sensitive", checked: f.sensitive, onchange: (e) => { f.sensitive = e.target.checked; } }),
            h("label", { for: idBase + "-nsfw" }, "Sensitive (covered until clicked)")),
          h("button", {
            type: "button", class: "btn btn-small btn-danger att-remove", id: idBase + "-remove",
            onclick: () => removeFile(f.key),
          }, "Remove ", h("span", { class: "visually-hidden" }, name)))));
  }));
  $("attach-label").textContent = files.length ? `Attach more (${files.length} of ${MAX_FILES})` : "Attach pictures";
  if (focusKey) $(focusKey)?.focus();
}

function removeFile(key) {
  const i = files.findIndex((f) => f.key === key);
  if (i < 0) return;
  URL.revokeObjectURL(files[i].url);
  const name = files[i].file.name || "the file";
  files.splice(i, 1);
  const next = files[i] || files[i - 1];
  renderFiles(next ? "att-" + next.key + "-remove" : null);
  if (!next) $("note-file").focus();
  app.status(`Removed ${name}.`);
}

function sizeOf(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function reset() {
  $("compose-form").reset();
  for (const f of files) URL.revokeObjectURL(f.url);
  files = [];
  target = null;
  renderFiles();
  renderTarget();
  count();
}

/** Clears everything (another account). */
export function resetComposer() {
  closeComposer(false);
  reset();
}

async function post(event) {
  event.preventDefault();
  const text = $("note-text").value;
  const cw = $("note-cw").value.trim();
  const visibility = $("note-visibility").value;
  const max = app.maxLength();
  const n = [...text].length;
  if (!text.trim() && files.length === 0 && !(target && target.kind === "quote")) {
    app.toast({ type: "error", message: "Write something or attach a picture first." });
    $("note-text").focus();
    return;
  }
  if (n > max) {
    const over = n - max;
    app.toast({ type: "error", message: `This note is ${over.toLocaleString()} ${over === 1 ? "character" : "characters"} longer than ${app.host()} allows (${max.toLocaleString()}). Shorten it, then post.` });
    $("note-text").focus();
    return;
  }
  const gen = app.gen();
  const client = app.client();
  const form = $("compose-form");
  const done = busy($("post-button"), files.length ? "Uploading…" : "Posting…");
  form.setAttribute("aria-busy", "true");
  try {
    const params = { visibility };
    if (text.trim()) params.text = text;
    if (cw) params.cw = cw;
    if (target && target.kind === "reply") params.replyId = target.note.id;
    if (target && target.kind === "quote") params.renoteId = target.note.id;
    if (files.length) {
      const ids = [];
      for (let i = 0; i < files.length; i++) ids.push((await upload(client, files[i], i)).id);
      params.fileIds = ids;
      $("post-button").textContent = "Posting…";
    }
    const { createdNote } = await client.request("notes/create", params);
    if (gen !== app.gen()) return;
    reset();
    closeComposer(true);
    app.status(params.replyId ? "Your reply was posted." : params.renoteId ? "Your quote was posted." : "Your note was posted.");
    app.onPosted(createdNote);
  } catch (err) {
    if (gen === app.gen()) app.showError(err);
  } finally {
    done();
    form.removeAttribute("aria-busy");
    $("upload").hidden = true;
  }
}

/** Uploads one file to the drive, with its description and sensitive flag, and a progress bar. */
function upload(client, f, i) {
  const bar = $("upload-progress");
  const label = $("upload-label");
  const name = f.file.name || "picture";
  const of = files.length > 1 ? ` (${i + 1} of ${files.length})` : "";
  bar.max = Math.max(f.file.size, 1);
  bar.value = 0;
  label.textContent = `Uploading ${name}${of}…`;
  $("upload").hidden = false;
  const opts = {
    isSensitive: f.sensitive,
    onProgress: ({ loaded, total }) => {
      bar.max = Math.max(total || f.file.size, 1);
      bar.value = loaded;
      label.textContent = `Uploading ${name}${of}… ${Math.round((100 * loaded) / bar.max)} %`;
    },
  };
  if (f.comment.trim()) opts.comment = f.comment.trim();
  return client.upload(f.file, opts);
}
