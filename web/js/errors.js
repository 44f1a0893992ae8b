// Errors in plain words. Every failure of the library is an Error named
// "MisskeyError" with a code (see dist/misskey.d.ts); the page shows a
// sentence for each, never the code itself. Anything else is a bug or a
// browser error and is shown with its message.

// The permission an endpoint needs, for PERMISSION_DENIED (the server does
// not say which one was missing).
const NEEDS = {
  "i": ["read:account", "read your account"],
  "notes/timeline": ["read:account", "read your timeline"],
  "notes/hybrid-timeline": ["read:account", "read the social timeline"],
  "notes/create": ["write:notes", "post notes"],
  "notes/delete": ["write:notes", "delete notes"],
  "notes/reactions/create": ["write:reactions", "react to notes"],
  "notes/reactions/delete": ["write:reactions", "remove reactions"],
  "notes/polls/vote": ["write:votes", "vote in polls"],
  "drive/files/create": ["write:drive", "upload files"],
  "i/notifications": ["read:notifications", "read your notifications"],
  "notifications/mark-all-as-read": ["write:notifications", "mark notifications as read"],
};

/** The host of an origin, for messages ("misskey.io"). */
export function hostOf(origin) {
  try {
    return new URL(origin).host;
  } catch {
    return String(origin || "the instance");
  }
}

// Sentences for the server's own codes that a user of this page can meet.
const SERVER = {
  NO_SUCH_NOTE: "This note does not exist any more: it was deleted, or is not visible to you.",
  ALREADY_REACTED: "You have already reacted to this note.",
  NOT_REACTED: "You had not reacted to this note.",
  CANNOT_REACT_TO_RENOTE: "A renote cannot get reactions: react to the note it renotes.",
  ALREADY_VOTED: "You have already voted in this poll.",
  ALREADY_EXPIRED: "This poll has ended.",
  INVALID_CHOICE: "That choice is not in the poll.",
  CONTENT_REQUIRED: "Write something, or attach a file, first.",
  NO_SUCH_FILE: "An attached file is no longer in your drive. Remove it and attach it again.",
  NO_SUCH_RENOTE_TARGET: "The note you are renoting or quoting no longer exists.",
  NO_SUCH_REPLY_TARGET: "The note you are replying to no longer exists.",
  CANNOT_RENOTE_TO_A_PURE_RENOTE: "That is a renote itself: renote the original note.",
  CANNOT_RENOTE_DUE_TO_VISIBILITY: "This note's visibility does not allow renotes.",
  CANNOT_REPLY_TO_A_PURE_RENOTE: "That is a renote: reply to the original note.",
  CANNOT_REPLY_TO_AN_INVISIBLE_NOTE: "You cannot reply to a note you cannot see.",
  CANNOT_REPLY_TO_SPECIFIED_VISIBILITY_NOTE_WITH_EXTENDED_VISIBILITY:
    "This is a direct note: reply to it with the visibility “Direct” only.",
  ACCESS_DENIED: "The instance refused this to an app.",
  LTL_DISABLED: "This instance has turned its local timeline off.",
  STL_DISABLED: "This instance has turned its social timeline off.",
  GTL_DISABLED: "This instance has turned its global timeline off.",
  INTERNAL_ERROR: "The instance had a problem of its own. Try again in a moment.",
  INVALID_PARAM: "The instance did not accept what was sent.",
  FILE_TOO_LARGE: "This file is larger than the instance accepts.",
  NO_FREE_SPACE: "Your drive on this instance is full.",
  TOO_MANY_AUTHENTICATION_FAILURES: "Too many failed sign-ins: wait a while, then try again.",
};

/**
 * describeError(err, origin) → { message, kind, permission? }, kind being
 * "auth" (sign in again), "permission" (sign in with more permissions),
 * "retry" (try again later) or "" (nothing special); for "permission",
 * permission is the missing permission's name when known. The message is
 * a sentence for a person: no error codes.
 */
export function describeError(err, origin) {
  const where = hostOf(origin || (err && err.origin) || "") || "the instance";
  if (!err || err.name !== "MisskeyError") {
    return { message: (err && err.message) || String(err), kind: "" };
  }
  switch (err.code) {
    case "RATE_LIMIT_EXCEEDED": {
      const s = Math.max(1, Math.ceil((err.retryAfter || 0) / 1000));
      return {
        message: err.retryAfter ? `${where} asks to slow down: try again in ${s} s.` : `${where} asks to slow down: try again in a moment.`,
        kind: "retry",
      };
    }
    case "NETWORK_ERROR":
      return { message: `Cannot reach ${where}: you may be offline, or the server does not let this page in.`, kind: "retry" };
    case "TIMEOUT":
      return { message: `${where} took too long to answer. Try again.`, kind: "retry" };
    case "ABORTED":
      return { message: "Cancelled.", kind: "" };
    case "PERMISSION_DENIED": {
      const need = NEEDS[err.endpoint];
      return {
        message: need
          ? `This sign-in did not allow the demo to ${need[1]}. Sign in again and tick ${need[0]}.`
          : "This sign-in did not allow that. Sign in again with more permissions.",
        kind: "permission",
        permission: need ? need[0] : "",
      };
    }
    case "CREDENTIAL_REQUIRED":
    case "AUTHENTICATION_FAILED":
      return { message: `Your sign-in to ${where} has expired or was revoked. Sign in again.`, kind: "auth" };
    case "NOT_APPROVED":
      return {
        message: "The sign-in was not approved: access was denied on the instance, or its page was closed before Allow. Start again when you are ready.",
        kind: "",
      };
    case "access_denied":
      return { message: `You denied access on ${where}: the demo got nothing. Start again when you are ready.`, kind: "" };
    case "UNKNOWN_SESSION":
    case "STATE_MISMATCH":
      return {
        message: "This sign-in link is stale: it was already used, is more than an hour old, or was started in another browser. Start again.",
        kind: "",
      };
    case "ISS_MISMATCH":
      return { message: "The sign-in came back from another server than the one it was sent to, so it was not used. Start again.", kind: "" };
    case "invalid_grant":
      return { message: `${where} refused the sign-in: it took more than 5 minutes, or was already used. Start again.`, kind: "" };
    case "invalid_request":
    case "invalid_scope":
    case "server_error":
    case "OAUTH_UNSUPPORTED":
      return { message: `${where} could not complete an OAuth sign-in for this page. Start again.`, kind: "" };
    case "NO_SESSION":
      return { message: "The instance sent you back without a sign-in. Start again.", kind: "" };
    case "INVALID_RESPONSE":
      return { message: `${where} gave an answer this page cannot read. Try again later.`, kind: "retry" };
    case "STORAGE_ERROR":
      return { message: "This browser refused to keep the account (its storage may be full or turned off).", kind: "" };
    case "INVALID_ARGUMENT":
      return { message: "The demo could not send that request (it did not pass the library's checks).", kind: "" };
    default:
      if (SERVER[err.code]) return { message: SERVER[err.code], kind: err.code === "INTERNAL_ERROR" ? "retry" : "" };
      return {
        message: err.status >= 500 ? `${where} had a problem of its own. Try again in a moment.` : `${where} refused this request.`,
        kind: err.status >= 500 ? "retry" : "",
      };
  }
}
