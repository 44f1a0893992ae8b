// Small DOM helpers. Every user-controlled string goes through textContent
// or a DOM property: nothing here ever sets innerHTML.

/**
 * h("a", { class: "x", href }, "text", child) creates an element.
 * Attributes: "class", "text" (textContent), "on<event>" (listeners),
 * booleans (set when true), and others via setAttribute. Children are
 * nodes or strings (as text nodes); null/undefined/false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** The URL if it is absolute http(s), else null: for href and src. */
export function safeUrl(value) {
  if (typeof value !== "string" || value === "") return null;
  try {
    const u = new URL(value);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** An external link that opens in a new tab; null href gives plain text. */
export function link(href, text, attrs = {}) {
  const url = safeUrl(href);
  if (!url) return h("span", attrs, text);
  return h("a", { ...attrs, href: url, target: "_blank", rel: "noopener noreferrer" }, text);
}

/** An <img> with an http(s) src only (else a placeholder span). */
export function image(src, attrs = {}) {
  const url = safeUrl(src);
  if (!url) return h("span", { ...attrs, class: ((attrs.class || "") + " img-missing").trim(), "aria-hidden": "true" });
  return h("img", { loading: "lazy", decoding: "async", referrerpolicy: "no-referrer", ...attrs, src: url });
}

/** Marks a button busy (disabled, aria-busy, another label) until done() is called. */
export function busy(button, label) {
  const old = button.textContent;
  const wasDisabled = button.disabled;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  if (label) button.textContent = label;
  return () => {
    button.disabled = wasDisabled;
    button.removeAttribute("aria-busy");
    if (label) button.textContent = old;
  };
}

export const $ = (id) => document.getElementById(id);

/** Text only screen readers read. */
export const srOnly = (text) => h("span", { class: "visually-hidden" }, text);

// 24×24 icons, drawn with DOM calls (no markup is parsed).
const ICONS = {
  reply: "M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z",
  renote: "M7 7h10v3l4-4-4-4v3H5v6h2V7zm10 10H7v-3l-4 4 4 4v-3h12v-6h-2v4z",
  plus: "M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z",
  more: "M6 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4z",
  bell: "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.07-1.64-5.64-4.5-6.32V4a1.5 1.5 0 0 0-3 0v.68C7.63 5.36 6 7.92 6 11v5l-2 2v1h16v-1l-2-2z",
  pencil: "M3 17.25V21h3.75L17.81 9.94l-3.75-3.75L3 17.25zM20.71 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z",
  close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
  back: "M20 11H7.83l5.59-5.59L12 4l-8 8 8 8 1.41-1.41L7.83 13H20v-2z",
  prev: "M15.41 7.41 14 6l-6 6 6 6 1.41-1.41L10.83 12z",
  next: "M10 6 8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z",
  image: "M21 19V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2zM8.5 13.5l2.5 3 3.5-4.5 4.5 6H5l3.5-4.5z",
  hide: "M12 7c2.76 0 5 2.24 5 5 0 .65-.13 1.26-.36 1.83l2.92 2.92c1.51-1.26 2.7-2.89 3.43-4.75-1.73-4.39-6-7.5-11-7.5-1.4 0-2.74.25-3.98.7l2.16 2.16C10.74 7.13 11.35 7 12 7zM2 4.27l2.28 2.28.46.46A11.8 11.8 0 0 0 1 12c1.73 4.39 6 7.5 11 7.5 1.55 0 3.03-.3 4.38-.84l.42.42L19.73 22 21 20.73 3.27 3 2 4.27z",
  trash: "M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z",
  external: "M19 19H5V5h7V3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14c1.1 0 2-.9 2-2v-7h-2v7zM14 3v2h3.59l-9.83 9.83 1.41 1.41L19 6.41V10h2V3h-7z",
  quote: "M6 17h3l2-4V7H5v6h3zm8 0h3l2-4V7h-6v6h3z",
  star: "M12 17.27 18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21z",
  people: "M16 11c1.66 0 2.99-1.34 2.99-3S17.66 5 16 5s-3 1.34-3 3 1.34 3 3 3zm-8 0c1.66 0 2.99-1.34 2.99-3S9.66 5 8 5 5 6.34 5 8s1.34 3 3 3zm0 2c-2.33 0-7 1.17-7 3.5V19h14v-2.5C15 14.17 10.33 13 8 13zm8 0c-.29 0-.62.02-.97.05 1.16.84 1.97 1.97 1.97 3.45V19h6v-2.5c0-2.33-4.67-3.5-7-3.5z",
  check: "M9 16.17 4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z",
  poll: "M3 13h2v8H3zm4-5h2v13H7zm4-5h2v18h-2zm4 8h2v10h-2zm4-3h2v13h-2z",
};

/** An icon (decorative: aria-hidden; the control around it has the name). */
export function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name] || ICONS.more);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

/**
 * A way back to a control that may be rendered again meanwhile (a note's
 * button, after a live update): again() is the control itself while it is
 * in the page, else the one with its data-focus-key in its note's new <li>.
 */
export function remember(el) {
  const li = el && el.closest && el.closest("li[data-note-id]");
  const id = li && li.dataset.noteId;
  const key = el && el.dataset && el.dataset.focusKey;
  const where = li && li.closest("#feeds, #thread, #notif-list");
  return () => {
    if (el && el.isConnected) return el;
    if (!id || !key) return null;
    const scope = where && where.isConnected ? where : document;
    return [...scope.querySelectorAll(`li[data-note-id="${CSS.escape(id)}"] [data-focus-key="${CSS.escape(key)}"]`)].find((e) => !e.closest("[hidden]")) || null;
  };
}
