// Errors in plain words. Every failure of the library is an Error named
// "MisskeyError" with a code (see dist/misskey.d.ts); anything else is a bug
// or a browser error and is shown with its message.

// The permission an endpoint needs, for PERMISSION_DENIED (the server does
// not say which one was missing).
const NEEDS = {
  "i": "read:account (read your account)",
  "notes/timeline": "read:account (read your timeline)",
  "notes/create": "write:notes (post notes)",
  "notes/delete": "write:notes (delete notes)",
  "notes/reactions/create": "write:reactions (react to notes)",
  "notes/reactions/delete": "write:reactions (remove reactions)",
  "drive/files/create": "write:drive (upload files)",
  "i/notifications": "read:notifications (read notifications)",
};

/** The host of an origin, for messages ("misskey.io"). */
export function hostOf(origin) {
  try {
    return new URL(origin).host;
  } catch {
    return String(origin || "the instance");
  }
}

/**
 * describeError(err, origin) → { message, kind }, kind being
 * "auth" (sign in again), "permission" (sign in with more permissions),
 * "retry" (try again later) or "" (nothing special); for "permission",
 * permission is the missing permission's name when known.
 */
export function describeError(err, origin) {
  const where = origin || (err && err.origin) || "the instance";
  if (!err || err.name !== "MisskeyError") {
    return { message: (err && err.message) || String(err), kind: "" };
  }
  switch (err.code) {
    case "RATE_LIMIT_EXCEEDED": {
      const s = Math.max(1, Math.ceil((err.retryAfter || 0) / 1000));
      return {
        message: err.retryAfter ? `Too many requests, retry in ${s} s.` : "Too many requests, retry in a moment.",
        kind: "retry",
      };
    }
    case "NETWORK_ERROR":
      return { message: `Cannot reach ${where} (offline, or the server does not allow this page).`, kind: "retry" };
    case "TIMEOUT":
      return { message: `${where} took too long to answer. Try again.`, kind: "retry" };
    case "ABORTED":
      return { message: "Cancelled.", kind: "" };
    case "PERMISSION_DENIED": {
      const what = NEEDS[err.endpoint] || `the permission ${err.endpoint || "this action"} needs`;
      return {
        message: `This sign-in did not grant ${what}; sign in again with that permission.`,
        kind: "permission",
        permission: NEEDS[err.endpoint] ? NEEDS[err.endpoint].split(" ")[0] : "",
      };
    }
    case "CREDENTIAL_REQUIRED":
    case "AUTHENTICATION_FAILED":
      return { message: "Your sign-in has expired or was revoked. Sign in again.", kind: "auth" };
    case "NOT_APPROVED":
      return {
        message: "The sign-in was not approved: access was denied on the instance, or its page was closed before Allow. Start again when you are ready.",
        kind: "",
      };
    case "UNKNOWN_SESSION":
      return {
        message: "This sign-in link is stale: it was already used, is more than an hour old, or was started in another browser. Start again.",
        kind: "",
      };
    case "NO_SESSION":
      return { message: "The instance sent you back without a sign-in session. Start again.", kind: "" };
    case "INVALID_RESPONSE":
      return { message: `${where} gave an answer this page cannot read (${err.message}).`, kind: "retry" };
    case "STORAGE_ERROR":
      return { message: `This browser refused to store the account: ${err.message}`, kind: "" };
    case "INVALID_ARGUMENT":
    default:
      return { message: err.message || String(err.code), kind: "" };
  }
}
