// The image viewer: a dialog with the picture at full size, its caption
// (the drive file's comment, which is also its alt text), and, for a note
// with several pictures, previous and next (buttons, or the arrow keys).
// Escape, the close button or a click outside closes it; focus goes back
// to the picture that opened it.

import { $, h, icon, image, link, remember } from "./dom.js";

let state = null; // { files, index, trigger }

export function openImage(files, index, trigger) {
  state = { files, index, trigger: remember(trigger) };
  show();
  const dialog = $("viewer");
  if (!dialog.open) dialog.showModal();
  $("viewer-close").focus();
}

function show() {
  const { files, index } = state;
  const f = files[index];
  const many = files.length > 1;
  const caption = f.comment || "";
  $("viewer").replaceChildren(h("div", { class: "dialog-inner viewer-inner" },
    h("div", { class: "viewer-top" },
      h("h2", { id: "viewer-title", class: "viewer-title" }, many ? `Picture ${index + 1} of ${files.length}` : "Picture"),
      link(f.url, "Open the original", { class: "btn btn-quiet viewer-original" }),
      h("button", { type: "button", id: "viewer-close", class: "btn btn-quiet icon-btn", "aria-label": "Close", onclick: close }, icon("close"))),
    h("figure", { class: "viewer-figure" },
      image(f.url, { alt: caption, class: "viewer-img", loading: "eager" }),
      h("figcaption", { class: "viewer-caption" + (caption ? "" : " muted") }, caption || "No description.")),
    many ? h("div", { class: "viewer-nav" },
      h("button", { type: "button", class: "btn viewer-prev", disabled: index === 0, onclick: () => step(-1) }, icon("prev"), " Previous"),
      h("button", { type: "button", class: "btn viewer-next", disabled: index === files.length - 1, onclick: () => step(1) }, "Next ", icon("next"))) : null));
}

function step(d) {
  if (!state) return;
  const next = state.index + d;
  if (next < 0 || next >= state.files.length) return;
  state.index = next;
  const cls = d < 0 ? ".viewer-prev" : ".viewer-next";
  show();
  const b = $("viewer").querySelector(cls);
  (b && !b.disabled ? b : $("viewer-close")).focus();
}

function close() {
  const dialog = $("viewer");
  if (dialog.open) dialog.close();
}

export function setupViewer() {
  const dialog = $("viewer");
  dialog.addEventListener("close", () => {
    const t = state && state.trigger();
    state = null;
    dialog.replaceChildren();
    if (t) t.focus();
  });
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) close();
  });
  dialog.addEventListener("keydown", (e) => {
    if (e.key === "ArrowLeft") step(-1);
    else if (e.key === "ArrowRight") step(1);
  });
}
