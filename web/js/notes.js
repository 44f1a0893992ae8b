// Rendering of notes. Everything from the server is set as text or as
// checked http(s) URLs (see dom.js).

import { h, image, link, richText, safeUrl } from "./dom.js";

export const LIKE = "👍";

const VISIBILITY = { public: "Public", home: "Home", followers: "Followers only", specified: "Direct" };

/** "@user" for a local user, "@user@host" for a remote one. */
export function acct(user, localHost) {
  if (!user) return "an account on " + localHost; // kept without its user (accounts.add)
  return "@" + user.username + "@" + (user.host || localHost);
}

function displayName(user) {
  return (user && (user.name || user.username)) || "(unknown)";
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });
const relFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

function when(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const s = (Date.now() - t) / 1000;
  if (s >= 0 && s < 60) return "just now";
  if (s >= 0 && s < 3600) return relFormat.format(-Math.floor(s / 60), "minute");
  if (s >= 0 && s < 86400) return relFormat.format(-Math.floor(s / 3600), "hour");
  return new Date(t).getFullYear() === new Date().getFullYear() ? dayFormat.format(t) : dateFormat.format(t);
}

function fullTime(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? "" : fullFormat.format(t);
}

/**
 * renderNote(note, ctx) → <li> for the timeline. ctx: { origin, host,
 * meId, onReact(note, shown, li, button), onDelete(note, li, button) }. A pure renote shows the
 * renoted note, with who renoted it.
 */
export function renderNote(note, ctx) {
  const pureRenote = note.renote && !note.text && !(note.files && note.files.length);
  const shown = pureRenote ? note.renote : note;
  const user = shown.user || {};
  const noteUrl = ctx.origin + "/notes/" + encodeURIComponent(shown.id);
  const userUrl = ctx.origin + "/@" + encodeURIComponent(user.username || "") + (user.host ? "@" + encodeURIComponent(user.host) : "");

  const li = h("li", { class: "note", "data-note-id": note.id });
  const article = h("article", { "aria-label": `Note by ${displayName(user)}` });
  li.append(article);

  if (pureRenote) {
    article.append(h("p", { class: "renoted-by muted" }, "🔁 ", displayName(note.user), " renoted"));
  }

  const time = h("time", { datetime: shown.createdAt || "", title: fullTime(shown.createdAt) }, when(shown.createdAt));
  article.append(
    h("header", { class: "note-head" },
      image(user.avatarUrl, { class: "avatar", alt: "", width: 44, height: 44 }),
      h("div", { class: "note-who" },
        link(userUrl, displayName(user), { class: "note-name" }),
        h("span", { class: "muted acct" }, acct(user, ctx.host))),
      h("div", { class: "note-meta muted" },
        shown.visibility && shown.visibility !== "public" ? h("span", { class: "badge" }, VISIBILITY[shown.visibility] || shown.visibility) : null,
        link(noteUrl, time, { class: "note-time", "aria-label": "Open this note on the instance" }))),
  );

  // Body: the text (behind a <details> when there is a content warning) and images.
  const body = h("div", { class: "note-body" });
  if (shown.isHidden) body.append(h("p", { class: "muted" }, "This note is not visible to you."));
  if (typeof shown.text === "string" && shown.text !== "") body.append(h("p", { class: "note-text" }, richText(shown.text)));
  const files = (shown.files || []).filter((f) => f && typeof f.type === "string" && f.type.startsWith("image/") && safeUrl(f.url));
  if (files.length) {
    body.append(h("div", { class: "note-files" },
      files.map((f) => link(f.url, image(f.thumbnailUrl || f.url, { alt: f.comment || f.name || "Attached image", class: f.isSensitive ? "sensitive" : "" }), { class: "note-file" }))));
  }
  if (typeof shown.cw === "string" && shown.cw !== "") {
    article.append(h("details", { class: "cw" }, h("summary", {}, h("span", { class: "cw-label" }, "CW"), " ", shown.cw), body));
  } else {
    article.append(body);
  }

  // Reactions and actions.
  const reactions = Object.entries(shown.reactions || {}).filter(([, n]) => typeof n === "number" && n > 0);
  const footer = h("footer", { class: "note-foot" });
  if (reactions.length) {
    footer.append(h("ul", { class: "reactions", "aria-label": "Reactions" },
      reactions.map(([r, n]) => h("li", { class: r === shown.myReaction ? "reaction mine" : "reaction", title: r === shown.myReaction ? "Your reaction" : null },
        h("span", { class: "reaction-emoji" }, r), " ", h("span", { class: "reaction-count" }, String(n))))));
  }
  const actions = h("div", { class: "note-actions" });
  const liked = shown.myReaction === LIKE;
  actions.append(h("button", {
    type: "button",
    class: "btn btn-small react",
    "aria-pressed": liked ? "true" : "false",
    "aria-label": liked ? "Remove your 👍 reaction" : "React with 👍",
    onclick: (e) => ctx.onReact(note, shown, li, e.currentTarget),
  }, LIKE, liked ? " Reacted" : " React"));
  if (ctx.meId && note.userId === ctx.meId) {
    actions.append(h("button", {
      type: "button",
      class: "btn btn-small btn-danger delete",
      onclick: (e) => ctx.onDelete(note, li, e.currentTarget),
    }, "Delete"));
  }
  footer.append(actions);
  article.append(footer);
  return li;
}
