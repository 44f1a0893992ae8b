// The reaction picker: a dialog with a search field, Misskey's default
// reactions, the instance's custom emoji by category, and unicode emoji by
// group. pickReaction({ trigger, emojis, host }) resolves with the chosen
// reaction (":name:" for a custom emoji, the emoji itself for unicode), or
// null when closed without a choice; focus goes back to the trigger.

import { $, h, icon, image, remember } from "./dom.js";
import { FAVOURITES, GROUPS, emojiName } from "./emoji.js";
import { emojiText } from "./notes.js";

let resolveOpen = null;
let returnTo = null;

/**
 * emojis: the instance's custom emoji, [{ name, url, category, aliases }];
 * host: the instance's host, for the heading.
 */
export function pickReaction({ trigger, emojis, host, current }) {
  const dialog = $("picker");
  if (resolveOpen) finish(null);
  returnTo = remember(trigger);
  // Our reaction as the picker names it: ":blobcat@.:" (as notes show a local emoji) is ":blobcat:".
  const mine = typeof current === "string" ? current.replace(/^:([\w+-]+)@\.:$/, ":$1:") : null;
  build(dialog, emojis || [], host, mine);
  dialog.showModal();
  $("picker-search").focus();
  return new Promise((resolve) => {
    resolveOpen = resolve;
  });
}

function finish(value) {
  const dialog = $("picker");
  const resolve = resolveOpen;
  resolveOpen = null;
  if (dialog.open) dialog.close();
  const back = returnTo && returnTo();
  if (back) back.focus();
  returnTo = null;
  if (resolve) resolve(value);
}

function emojiButton(reaction, label, content, current) {
  return h("button", {
    type: "button", class: "picker-emoji" + (reaction === current ? " current" : ""), "aria-label": label,
    "aria-pressed": reaction === current ? "true" : null, title: label, "data-reaction": reaction,
    onclick: () => finish(reaction),
  }, content);
}

function section(title, buttons, id) {
  if (buttons.length === 0) return null;
  return h("section", { class: "picker-section", "aria-labelledby": id },
    h("h3", { class: "picker-heading", id }, title),
    h("div", { class: "picker-grid" }, buttons));
}

function build(dialog, emojis, host, current) {
  const search = h("input", {
    type: "search", id: "picker-search", class: "picker-search", placeholder: "Search: heart, cat, :blobcat:…",
    autocomplete: "off", spellcheck: "false", "aria-describedby": "picker-hint",
  });
  const results = h("div", { class: "picker-body" });
  const custom = emojis.filter((e) => e && typeof e.name === "string" && typeof e.url === "string");
  const customButton = (e) => emojiButton(`:${e.name}:`, `:${e.name}:`, image(e.url, { alt: "", class: "picker-img", width: 32, height: 32 }), current);
  const unicodeButton = (e) => emojiButton(e.char, e.name, h("span", { "aria-hidden": "true" }, emojiText(e.char)), current);

  const showAll = () => {
    const byCategory = new Map();
    for (const e of custom) {
      const c = e.category || "Other";
      if (!byCategory.has(c)) byCategory.set(c, []);
      byCategory.get(c).push(e);
    }
    results.replaceChildren(
      section("Often used", FAVOURITES.map((c) => unicodeButton({ char: c, name: emojiName(c) })), "picker-fav"),
      ...[...byCategory].map(([cat, list], i) => section(`${cat} (custom emoji of ${host})`, list.map(customButton), "picker-custom-" + i)),
      ...GROUPS.map((g, i) => section(g.name, g.emoji.map(unicodeButton), "picker-group-" + i)));
  };
  const showSearch = (q) => {
    const words = q.toLowerCase().replace(/:/g, "").split(/\s+/).filter(Boolean);
    const hit = (names) => words.every((w) => names.some((n) => n.toLowerCase().includes(w)));
    const c = custom.filter((e) => hit([e.name, ...(Array.isArray(e.aliases) ? e.aliases : [])])).map(customButton);
    const u = GROUPS.flatMap((g) => g.emoji).filter((e) => hit([e.name]) || e.char === q.trim()).map(unicodeButton);
    const found = [...c, ...u];
    results.replaceChildren(found.length
      ? section(`${found.length} found`, found, "picker-found")
      : h("p", { class: "muted picker-none", role: "status" }, "No emoji matches that."));
  };
  search.addEventListener("input", () => (search.value.trim() ? showSearch(search.value) : showAll()));
  search.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      // A search field's Escape would only clear it: close the picker at once.
      e.preventDefault();
      finish(null);
    } else if (e.key === "Enter") {
      e.preventDefault();
      const first = results.querySelector(".picker-emoji");
      if (first) first.click();
    }
  });
  showAll();
  dialog.replaceChildren(h("div", { class: "dialog-inner" },
    h("div", { class: "picker-top" },
      h("h2", { id: "picker-title", class: "picker-title" }, current ? "Change your reaction" : "React"),
      h("button", { type: "button", class: "btn btn-quiet icon-btn picker-close", "aria-label": "Close", onclick: () => finish(null) }, icon("close"))),
    h("label", { for: "picker-search", class: "visually-hidden" }, "Search emoji"),
    search,
    h("p", { id: "picker-hint", class: "visually-hidden" }, "Type to search; Enter picks the first match; Escape closes."),
    results));
}

export function setupPicker() {
  const dialog = $("picker");
  dialog.addEventListener("cancel", (e) => {
    e.preventDefault();
    finish(null);
  });
  // A click on the backdrop (the dialog element itself, outside its box) closes it.
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) finish(null);
  });
}
