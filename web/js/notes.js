// Rendering of notes, as Misskey's web client shows them: MFM text and
// content warnings (js/mfm.js), user names with their custom emoji,
// renotes, replies and quotes, pictures (sensitive ones covered until
// asked), polls, reactions that can be clicked, and the note's actions.
// Everything from the server is set as text or as checked http(s) URLs
// (see dom.js and mfm.js).

import { h, icon, image, link, remember, safeUrl, srOnly } from "./dom.js";
import { emojiName, parseReaction, reactionImage } from "./emoji.js";
import { parse, parseSimple, render } from "./mfm.js";

const VISIBILITY = { public: "Public", home: "Home", followers: "Followers only", specified: "Direct" };

/** "@user@host" with the host always (the account switcher). */
export function acct(user, localHost) {
  if (!user) return "an account on " + localHost; // kept without its user (accounts.add)
  return "@" + user.username + "@" + (user.host || localHost);
}

/** "@user" for a local user, "@user@host" for a remote one, as Misskey shows them on notes. */
export function shortAcct(user) {
  return "@" + (user.username || "") + (user.host ? "@" + user.host : "");
}

/** The name as text (custom emoji as :codes:), for labels. */
export function plainName(user) {
  return (user && (user.name || user.username)) || "(unknown)";
}

const reducedMotion = () => typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;

/** The custom emoji a text of obj (a note or a user) may use: the instance's, and its own (remote) ones. */
function emojisOf(obj, ctx) {
  const own = obj && obj.emojis && typeof obj.emojis === "object" && !Array.isArray(obj.emojis) ? Object.entries(obj.emojis) : [];
  if (own.length === 0) return ctx.instanceEmojis;
  const m = new Map(ctx.instanceEmojis);
  for (const [k, v] of own) if (typeof v === "string") m.set(k, v);
  return m;
}

function mfmContext(obj, ctx) {
  return { origin: ctx.origin, host: ctx.host, emojis: emojisOf(obj, ctx), reducedMotion: reducedMotion() };
}

/** MFM text as a fragment (parse errors show the text as it is). */
function mfm(text, obj, ctx) {
  try {
    return render(parse(text), mfmContext(obj, ctx));
  } catch {
    return document.createTextNode(text);
  }
}

/** A user's name, with its custom emoji (MFM's simple syntax). */
export function nameOf(user, ctx) {
  const name = (user && (user.name || user.username)) || "(unknown)";
  try {
    return render(parseSimple(name), mfmContext(user, ctx));
  } catch {
    return document.createTextNode(name);
  }
}

/** A unicode emoji for display: with the emoji presentation selector where its default is text (❤ → ❤️). */
export function emojiText(char) {
  const cps = [...char];
  return cps.length === 1 && char.codePointAt(0) < 0x1f000 ? char + "\uFE0F" : char;
}

/** A reaction as shown: a custom emoji's image, or the emoji. */
export function reactionView(r, note, ctx) {
  const src = reactionImage(r, note, ctx.instanceEmojis);
  const p = parseReaction(r);
  if (src) return image(src, { class: "reaction-img", alt: `:${p.name}:`, title: `:${p.key}:` });
  if (p.custom) return h("span", { class: "reaction-code" }, `:${p.name}:`);
  return h("span", { class: "reaction-emoji" }, emojiText(r));
}

/** A reaction's name for people: ":blobcat:" or "thumbs up". */
export function reactionName(r) {
  const p = parseReaction(r);
  return p.custom ? `:${p.name}:` : emojiName(r);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });
const relFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

/** A time as Misskey's timelines show it: "just now", "5 min. ago", "3 hr. ago", "Mar 4". */
export function when(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const s = (Date.now() - t) / 1000;
  if (s < 60) return "just now";
  if (s < 3600) return relFormat.format(-Math.floor(s / 60), "minute");
  if (s < 86400) return relFormat.format(-Math.floor(s / 3600), "hour");
  return new Date(t).getFullYear() === new Date().getFullYear() ? dayFormat.format(t) : dateFormat.format(t);
}

export function fullTime(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? "" : fullFormat.format(t);
}

/** A link to the note's thread in this app, named by its visible time. */
function timeLink(note, extra) {
  return h("a", { class: "note-time", href: "#/notes/" + encodeURIComponent(note.id) },
    h("time", { datetime: note.createdAt || "", title: fullTime(note.createdAt) }, when(note.createdAt)),
    srOnly(extra || ", open the thread"));
}

export function userUrl(user, ctx) {
  return ctx.origin + "/@" + encodeURIComponent(user.username || "") + (user.host ? "@" + encodeURIComponent(user.host) : "");
}

/** The note's first line or so, as plain text with custom emoji, for previews. */
export function excerpt(note, ctx, max = 140) {
  let text = note.text || (note.cw ? "CW: " + note.cw : "") || "";
  if (!text && note.files && note.files.length) text = note.files.length === 1 ? "(1 file)" : `(${note.files.length} files)`;
  if (!text && note.renote) text = "(a renote)";
  if (note.isHidden) text = "(not visible to you)";
  text = text.replace(/\s+/g, " ").trim();
  if ([...text].length > max) text = [...text].slice(0, max - 1).join("") + "…";
  try {
    return render(parseSimple(text), mfmContext(note, ctx));
  } catch {
    return document.createTextNode(text);
  }
}

/** Whether a note is folded under "Show more" in timelines, as Misskey decides. */
function isLong(note) {
  if (note.cw != null || typeof note.text !== "string") return false;
  const urls = note.text.match(/https?:\/\/[^\s]+/g) || [];
  return note.text.split("\n").length > 9 || note.text.length > 500 || (note.files || []).length >= 5 || urls.length >= 4;
}

const isImage = (f) => f && typeof f.type === "string" && f.type.startsWith("image/") && safeUrl(f.url);

let uid = 0;
const newId = (p) => `${p}-${++uid}`;

/**
 * renderNote(item, ctx, mode) → <li class="note"> for a timeline item (a
 * note; a pure renote shows the renoted note, with who renoted it).
 * mode: "timeline" (long notes folded), "main" (the thread's note: not
 * folded), "ancestor" or "child" (in a thread).
 * ctx: { origin, host, meId, instanceEmojis (Map), ui (Map id → view
 * state), actions: { reply, renote, quote, pick, toggleReaction, vote,
 * remove, openImage } }.
 */
export function renderNote(item, ctx, mode = "timeline") {
  const pureRenote = pureRenoteOf(item);
  const shown = pureRenote ? item.renote : item;
  const user = shown.user || {};
  const li = h("li", { class: "note note-" + mode, "data-note-id": item.id, "data-shown-id": shown.id });
  const article = h("article", { "aria-label": pureRenote ? `Renote by ${plainName(item.user)} of a note by ${plainName(user)}` : `Note by ${plainName(user)}` });
  li.append(article);

  if (pureRenote) {
    const by = item.user || {};
    article.append(h("div", { class: "renoted-by" },
      icon("renote"),
      image(by.avatarUrl, { class: "avatar avatar-xs", alt: "", width: 20, height: 20 }),
      h("span", {}, h("a", { class: "renoter", href: userUrl(by, ctx), target: "_blank", rel: "noopener noreferrer" }, nameOf(by, ctx)), " renoted"),
      timeLink(item, ", open the renote")));
  }

  if (shown.reply && mode !== "main" && mode !== "child") article.append(replyTo(shown.reply, ctx));
  else if (shown.replyId && !shown.reply && mode === "timeline") {
    article.append(h("p", { class: "reply-to muted" }, icon("reply"), " Replying to a note that was deleted"));
  }

  article.append(h("header", { class: "note-head" },
    h("a", { class: "note-user", href: userUrl(user, ctx), target: "_blank", rel: "noopener noreferrer" },
      image(user.avatarUrl, { class: "avatar", alt: "", width: 44, height: 44 }),
      h("span", { class: "note-who" },
        h("span", { class: "note-name" }, nameOf(user, ctx)),
        h("span", { class: "muted acct" }, shortAcct(user)))),
    h("div", { class: "note-meta muted" },
      shown.visibility && shown.visibility !== "public" ? h("span", { class: "badge" }, VISIBILITY[shown.visibility] || shown.visibility) : null,
      mode === "main" ? h("time", { class: "note-time-main", datetime: shown.createdAt || "", title: fullTime(shown.createdAt) }, when(shown.createdAt)) : timeLink(shown))));

  article.append(body(shown, ctx, mode));
  article.append(footer(item, shown, li, ctx));
  return li;
}

/** The compact parent above a reply: "Replying to @dana: Evening walk…". */
function replyTo(parent, ctx) {
  const u = parent.user || {};
  const box = h("div", { class: "reply-to" },
    icon("reply"),
    h("span", { class: "reply-to-text" },
      "Replying to ",
      h("a", { href: "#/notes/" + encodeURIComponent(parent.id) }, shortAcct(u)),
      ": ",
      h("span", { class: "reply-excerpt" }, excerpt(parent, ctx, 100))));
  return box;
}

function body(note, ctx, mode) {
  const ui = ctx.ui.get(note.id) || {};
  const wrap = h("div", { class: "note-body" });
  if (note.isHidden) {
    wrap.append(h("p", { class: "muted" }, "This note is not visible to you."));
    return wrap;
  }
  const content = h("div", { class: "note-content", id: newId("content") });
  const hasText = typeof note.text === "string" && note.text !== "";
  const long = mode === "timeline" && isLong(note);
  if (hasText) {
    const text = h("div", { class: "note-text" + (long && !ui.expanded ? " collapsed" : ""), id: newId("text") }, mfm(note.text, note, ctx));
    content.append(text);
    if (long) {
      const fold = h("button", {
        type: "button", class: "btn btn-small fold-toggle", "aria-expanded": ui.expanded ? "true" : "false", "aria-controls": text.id,
        "data-focus-key": "fold",
        onclick: () => {
          const open = fold.getAttribute("aria-expanded") !== "true";
          setUI(ctx, note.id, { expanded: open });
          fold.setAttribute("aria-expanded", String(open));
          fold.textContent = open ? "Show less" : "Show more";
          text.classList.toggle("collapsed", !open);
        },
      }, ui.expanded ? "Show less" : "Show more");
      content.append(fold);
    }
  }
  const files = note.files || [];
  if (files.length) content.append(fileGrid(note, files, ctx));
  if (note.poll) content.append(poll(note, ctx));
  if (note.renote) content.append(quote(note.renote, ctx));
  else if (note.renoteId && !note.renote) content.append(h("p", { class: "muted" }, "(The quoted note was deleted.)"));

  if (typeof note.cw === "string" && note.cw !== "") {
    const parts = [];
    if (hasText) parts.push(`${[...note.text].length} characters`);
    if (files.length) parts.push(files.length === 1 ? "1 file" : `${files.length} files`);
    if (note.poll) parts.push("a poll");
    const open = !!ui.cwOpen;
    const label = () => (content.hidden ? "Show content" : "Hide content") + (parts.length ? ` (${parts.join(", ")})` : "");
    content.hidden = !open;
    const toggle = h("button", {
      type: "button", class: "btn btn-small cw-toggle", "aria-expanded": String(open), "aria-controls": content.id, "data-focus-key": "cw",
      onclick: () => {
        content.hidden = !content.hidden;
        setUI(ctx, note.id, { cwOpen: !content.hidden });
        toggle.setAttribute("aria-expanded", String(!content.hidden));
        toggle.textContent = label();
      },
    });
    toggle.textContent = label();
    wrap.append(h("div", { class: "cw" }, h("p", { class: "cw-text" }, h("span", { class: "cw-label" }, "CW"), " ", mfm(note.cw, note, ctx)), toggle), content);
  } else {
    wrap.append(content);
  }
  return wrap;
}

function setUI(ctx, id, patch) {
  ctx.ui.set(id, { ...(ctx.ui.get(id) || {}), ...patch });
}

/** The note's files: pictures that open the viewer, sensitive ones behind a cover; other files as links. */
function fileGrid(note, files, ctx) {
  const ui = ctx.ui.get(note.id) || {};
  const revealed = ui.revealed || [];
  const images = files.filter(isImage);
  const grid = h("div", { class: "note-files files-" + Math.min(images.length, 4) });
  images.forEach((f, i) => {
    const cell = h("div", { class: "file" });
    if (f.isSensitive && !revealed.includes(f.id)) {
      cell.classList.add("file-covered");
      cell.append(h("button", {
        type: "button", class: "sensitive-cover", "data-focus-key": "file-" + f.id,
        onclick: () => {
          setUI(ctx, note.id, { revealed: [...revealed, f.id] });
          ctx.actions.rerender(note.id, "file-" + f.id);
        },
      }, h("span", { class: "sensitive-title" }, icon("hide"), " Sensitive content"), h("span", { class: "sensitive-hint" }, "Click to show")));
    } else {
      const img = image(f.thumbnailUrl || f.url, { alt: f.comment || "", width: 320, height: 180 });
      cell.append(h("button", {
        type: "button", class: "file-open", "data-focus-key": "file-" + f.id,
        "aria-label": f.comment ? null : `Image ${i + 1} of ${images.length} (no description)`,
        onclick: (e) => ctx.actions.openImage(images, i, e.currentTarget),
      }, img));
      if (f.isSensitive) {
        cell.append(h("button", {
          type: "button", class: "file-hide", "aria-label": "Cover the sensitive image again", "data-focus-key": "hide-" + f.id,
          onclick: () => {
            setUI(ctx, note.id, { revealed: revealed.filter((x) => x !== f.id) });
            ctx.actions.rerender(note.id, "file-" + f.id);
          },
        }, icon("hide")));
      }
    }
    grid.append(cell);
  });
  const others = files.filter((f) => !isImage(f));
  const out = h("div", { class: "note-attachments" }, images.length ? grid : null);
  for (const f of others) out.append(link(f.url, `📎 ${f.name || "a file"}`, { class: "file-link" }));
  return out;
}

/** A poll: buttons to vote while it is open and not voted, else the results. */
function poll(note, ctx) {
  const p = note.poll;
  const choices = Array.isArray(p.choices) ? p.choices : [];
  const total = choices.reduce((n, c) => n + (c.votes || 0), 0);
  const expired = p.expiresAt && Date.parse(p.expiresAt) < Date.now();
  const voted = choices.some((c) => c.isVoted);
  const canVote = !!ctx.meId && !expired && (!voted || p.multiple);
  const showResults = voted || expired || !ctx.meId;
  const list = h("ul", { class: "poll-choices" });
  choices.forEach((c, i) => {
    const pct = total ? Math.round((100 * (c.votes || 0)) / total) : 0;
    const label = h("span", { class: "poll-text" }, excerptText(c.text, note, ctx));
    const result = showResults ? h("span", { class: "poll-count" }, `${c.votes || 0} (${pct} %)`) : null;
    const bar = h("span", { class: "poll-bar", "aria-hidden": "true" });
    if (showResults) bar.style.setProperty("width", pct + "%");
    let row;
    if (canVote && !c.isVoted) {
      row = h("button", {
        type: "button", class: "poll-choice", "data-focus-key": "vote-" + i,
        onclick: (e) => ctx.actions.vote(note, i, e.currentTarget),
      }, bar, label, result);
    } else {
      row = h("div", { class: "poll-choice poll-result" + (c.isVoted ? " poll-mine" : "") }, bar, label, c.isVoted ? h("span", { class: "poll-check" }, icon("check"), srOnly("your vote")) : null, result);
    }
    list.append(h("li", {}, row));
  });
  const ends = p.expiresAt ? (expired ? "ended" : "ends " + fullTime(p.expiresAt)) : "no end date";
  return h("div", { class: "poll", role: "group", "aria-label": "Poll" }, list,
    h("p", { class: "poll-meta muted" }, `${total} ${total === 1 ? "vote" : "votes"} · ${ends}`));
}

function excerptText(text, note, ctx) {
  try {
    return render(parseSimple(String(text ?? "")), mfmContext(note, ctx));
  } catch {
    return document.createTextNode(String(text ?? ""));
  }
}

/** The quoted note of a quote, in a box: its author, time (a link to it), text and files. */
function quote(q, ctx) {
  const u = q.user || {};
  const box = h("div", { class: "quote" },
    h("div", { class: "quote-head" },
      image(u.avatarUrl, { class: "avatar avatar-xs", alt: "", width: 24, height: 24 }),
      h("span", { class: "note-name" }, nameOf(u, ctx)),
      h("span", { class: "muted acct" }, shortAcct(u)),
      h("span", { class: "muted quote-time" }, timeLink(q, ", open the quoted note"))));
  if (q.isHidden) box.append(h("p", { class: "muted" }, "This note is not visible to you."));
  else if (typeof q.cw === "string" && q.cw !== "") box.append(h("p", { class: "cw-text" }, h("span", { class: "cw-label" }, "CW"), " ", mfm(q.cw, q, ctx)));
  else if (q.text) box.append(h("div", { class: "quote-text" }, mfm(q.text, q, ctx)));
  const files = (q.files || []).filter(isImage);
  if (files.length && !(q.cw)) box.append(h("p", { class: "muted quote-files" }, icon("image"), files.length === 1 ? " 1 picture" : ` ${files.length} pictures`));
  // A click anywhere but on a link opens the quoted note.
  box.addEventListener("click", (e) => {
    if (!e.target.closest("a, button")) location.hash = "#/notes/" + encodeURIComponent(q.id);
  });
  return box;
}

function footer(item, shown, li, ctx) {
  const foot = h("footer", { class: "note-foot" });
  if (shown.isHidden) return foot;
  const reactions = Object.entries(shown.reactions || {}).filter(([, n]) => typeof n === "number" && n > 0).sort((a, b) => b[1] - a[1]);
  if (reactions.length) {
    foot.append(h("ul", { class: "reactions", "aria-label": "Reactions" },
      reactions.map(([r, n]) => {
        const mine = r === shown.myReaction;
        const p = parseReaction(r);
        const toggleable = !!ctx.meId && (!p.custom || (!p.host && ctx.instanceEmojis.has(p.name)) || mine);
        return h("li", {},
          h("button", {
            type: "button", class: "reaction" + (mine ? " mine" : ""), "aria-pressed": mine ? "true" : "false",
            "data-reaction": r, "data-focus-key": "reaction-" + r, disabled: !toggleable,
            title: `${reactionName(r)}: ${n}${mine ? " (yours)" : ""}`,
            onclick: (e) => ctx.actions.toggleReaction(shown, r, e.currentTarget),
          }, reactionView(r, shown, ctx), h("span", { class: "reaction-count" }, String(n)), srOnly(" " + reactionName(r))));
      })));
  }
  const count = (n) => (n > 0 ? h("span", { class: "act-count" }, String(n)) : null);
  const actions = h("div", { class: "note-actions" });
  if (ctx.meId) {
    actions.append(h("button", {
      type: "button", class: "act act-reply", "data-focus-key": "reply",
      onclick: () => ctx.actions.reply(shown),
    }, icon("reply"), srOnly(shown.repliesCount > 0 ? "Reply, replies: " : "Reply"), count(shown.repliesCount)));
    const canRenote = shown.visibility === "public" || shown.visibility === "home" || (shown.visibility === "followers" && shown.userId === ctx.meId);
    actions.append(menuButton({
      cls: "act act-renote", key: "renote", icon: "renote", count: shown.renoteCount,
      label: shown.renoteCount > 0 ? "Renote or quote, renotes: " : "Renote or quote",
      disabled: !canRenote,
      items: [
        { label: "Renote", icon: "renote", cls: "do-renote", onClick: (b) => ctx.actions.renote(shown, b) },
        { label: "Quote", icon: "quote", cls: "do-quote", onClick: () => ctx.actions.quote(shown) },
      ],
    }));
    actions.append(h("button", {
      type: "button", class: "act act-react", "aria-label": shown.myReaction ? "Change your reaction" : "React", "data-focus-key": "react",
      "aria-haspopup": "dialog",
      onclick: (e) => ctx.actions.pick(shown, e.currentTarget),
    }, icon("plus")));
  }
  const more = [{ label: "Open on the instance", icon: "external", href: ctx.origin + "/notes/" + encodeURIComponent(shown.id) }];
  if (ctx.meId && item.userId === ctx.meId) {
    more.push({ label: pureRenoteOf(item) ? "Delete this renote" : "Delete", icon: "trash", cls: "do-delete danger", onClick: (b) => ctx.actions.remove(item, li, b) });
  }
  actions.append(menuButton({ cls: "act act-more", key: "more", icon: "more", label: "More actions", items: more }));
  foot.append(actions);
  return foot;
}

/** Whether n is a pure renote (no text, files or poll of its own): it shows the renoted note. */
export const pureRenoteOf = (n) => !!(n.renote && n.text == null && !(n.files && n.files.length) && !n.poll);

/** A button that opens a small menu of items (buttons, or links with href). */
export function menuButton({ cls, key, icon: name, count, label, items, disabled }) {
  const menu = h("div", { class: "menu menu-small", hidden: true });
  const button = h("button", {
    type: "button", class: cls, "aria-expanded": "false", "data-focus-key": key, disabled: !!disabled,
    onclick: () => toggleMenu(button, menu),
  }, icon(name), srOnly(label), count > 0 ? h("span", { class: "act-count" }, String(count)) : null);
  for (const it of items) {
    const inner = [icon(it.icon), " ", it.label];
    const el = it.href
      ? h("a", { class: "menu-item", href: it.href, target: "_blank", rel: "noopener noreferrer", onclick: () => closeMenus() }, ...inner)
      : h("button", { type: "button", class: "menu-item " + (it.cls || ""), onclick: () => { closeMenus(false); it.onClick(button); } }, ...inner);
    menu.append(el);
  }
  button.setAttribute("aria-controls", menu.id = newId("menu"));
  return h("div", { class: "menu-wrap" }, button, menu);
}

// One small menu is open at a time: Escape or a click elsewhere closes it.
let openMenu = null;

export function toggleMenu(button, menu) {
  const wasOpen = openMenu && openMenu.menu === menu;
  closeMenus(false);
  if (wasOpen) return;
  menu.hidden = false;
  button.setAttribute("aria-expanded", "true");
  openMenu = { button, menu, again: remember(button) };
  const first = menu.querySelector("a, button:not(:disabled)");
  if (first) first.focus();
}

/** Closes the open menu; refocus: give focus back to its button. */
export function closeMenus(refocus = false) {
  if (!openMenu) return;
  const { button, menu, again } = openMenu;
  openMenu = null;
  menu.hidden = true;
  button.setAttribute("aria-expanded", "false");
  if (refocus) again()?.focus();
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && openMenu) {
    e.preventDefault();
    closeMenus(true);
  }
});
document.addEventListener("click", (e) => {
  // On a phone the menu is a sheet over a backdrop (its wrapper's ::before):
  // a click there lands on the wrapper, outside the menu and its button.
  if (openMenu && !openMenu.menu.contains(e.target) && !openMenu.button.contains(e.target)) {
    if (e.target === openMenu.menu.parentElement) e.preventDefault();
    closeMenus(false);
  }
}, true);
document.addEventListener("focusin", (e) => {
  if (openMenu && !openMenu.menu.contains(e.target) && !openMenu.button.contains(e.target)) closeMenus(false);
});
