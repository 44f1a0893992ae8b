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

/** Note text as nodes: plain text with http(s) URLs turned into links. */
export function richText(text) {
  const out = [];
  const re = /https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    out.push(link(m[0], m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
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
