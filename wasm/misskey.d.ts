// Types of misskey.js, the loader of misskey.wasm. The types of every endpoint and entity
// are generated from Misskey 2025.11.1's OpenAPI document into misskey-api.d.ts.

import type {
  DriveFile,
  Endpoint,
  Endpoints,
  MeDetailed,
  Note,
  Notification,
  Permission,
  ServerErrorCode,
  Signin,
  UserDetailed,
  UserDetailedNotMe,
  UserLite,
  Antenna,
  DriveFolder,
  ChatMessage,
  User,
} from "./misskey-api.js";

export * from "./misskey-api.js";

/** Where accounts (and so tokens) are kept. See SECURITY.md for the risks of each. */
export type StorageKind = "local" | "session" | "memory";

/**
 * Options of load(). The library loads once per page: only the first load() (or the first after
 * one that failed) loads it. A later load() may change storage; a later wasmURL, wasmModule or
 * onProgress that differs from the first's rejects with an Error whose message names the option
 * (passing the same value again, or leaving it out, is fine).
 */
export interface LoadOptions {
  /**
   * Where misskey.wasm is, resolved against misskey.js's own URL (in a bundle: the bundle's);
   * default: new URL("./misskey.wasm", import.meta.url), which webpack 5, Parcel 2 and Vite
   * copy and rewrite. With esbuild: `import wasmURL from "misskey-wasm/misskey.wasm"` with
   * `--loader:.wasm=file`, then load({ wasmURL }). Only in the first load().
   */
  wasmURL?: string | URL;
  /**
   * An already compiled misskey.wasm (WebAssembly.compileStreaming, or one kept in IndexedDB):
   * nothing is downloaded, and onProgress is never called. Not together with wasmURL. Only in
   * the first load().
   */
  wasmModule?: WebAssembly.Module;
  /** Where accounts are kept; default "local" (localStorage, or memory where there is none). May change in any load(). */
  storage?: StorageKind;
  /**
   * Called as misskey.wasm downloads: first with loaded 0, then after each chunk, the last time
   * with loaded === total. `loaded` counts bytes of misskey.wasm (a compressed answer counts after
   * the browser decoded it). `total` is misskey.wasm's size when the answer tells it (its
   * Content-Length when not compressed; for a compressed answer, the X-Decoded-Content-Length
   * header, which the demo's server sends), else 0 until the last call. An exception thrown here is
   * reported (reportError) and does not stop the load. Only in the first load().
   */
  onProgress?: (progress: LoadProgress) => void;
}

/** How much of misskey.wasm has been downloaded; total is 0 while unknown. */
export interface LoadProgress {
  loaded: number;
  total: number;
}

/** Loads the library once per page; later calls return the same object (see LoadOptions). */
export function load(options?: LoadOptions): Promise<Misskey>;

/**
 * Every failure is an Error with name "MisskeyError".
 * `code` is the server's (CREDENTIAL_REQUIRED, PERMISSION_DENIED, RATE_LIMIT_EXCEEDED, NO_SUCH_NOTE, …)
 * or the library's own (see ErrorCode). isMisskeyError(e, endpoint) narrows it to the codes that
 * endpoint documents.
 */
export interface MisskeyError<Code extends string = ErrorCode | ServerErrorCode | (string & {})> extends Error {
  name: "MisskeyError";
  code: Code;
  /** HTTP status; 0 when no HTTP answer was read. */
  status: number;
  /** The endpoint called ("notes/create"), "miauth/check", or "". */
  endpoint: string;
  /** The instance called ("https://misskey.example"), or "". */
  origin: string;
  /** The server's error id (a UUID), or "". */
  id: string;
  /** "client", "server", "permission", or "". */
  kind: string;
  /** The server's error info, e.g. { param, reason } or { resetMs }, or null. */
  info: Record<string, unknown> | null;
  /** For RATE_LIMIT_EXCEEDED: milliseconds to wait before retrying (0 when unknown). */
  retryAfter: number;
}

export type ErrorCode =
  | "INVALID_ARGUMENT" // a bad origin, permission, endpoint, params, token or option: nothing was sent
  | "NO_SESSION" // no ?session= in the callback URL
  | "UNKNOWN_SESSION" // the sign-in was not started in this browser (for this origin), expired (1 h), was already completed, or is being completed by another call: nothing was sent
  | "NOT_APPROVED" // check answered ok:false (not approved yet, denied, already used, or unknown)
  | "NETWORK_ERROR" // no answer (offline, unreachable, or an answer the browser hid for lack of CORS headers)
  | "TIMEOUT"
  | "ABORTED"
  | "INVALID_RESPONSE" // the answer is not JSON, not the expected shape, too large, or a redirect
  | "STORAGE_ERROR" // the browser refused to store the account
  | "OAUTH_UNSUPPORTED" // oauth.start: the server has no OAuth 2.0 with PKCE S256 (Misskey before 2023.9): use MiAuth, or mk.signIn
  | "STATE_MISMATCH" // an OAuth callback whose state names no sign-in started in this browser, expired (1 h) or completed: nothing was sent
  | "ISS_MISMATCH" // an OAuth callback whose iss is not the issuer the sign-in started with (RFC 9207): nothing was sent
  | "access_denied" // OAuth: the user denied access on the consent page
  | "invalid_grant" // OAuth: the server refused the code (expired after 5 minutes, used already, or not this sign-in's verifier)
  | "invalid_request" // OAuth: the server refused the request (a client_id page without this redirect_uri, …)
  | "invalid_scope" // OAuth: no scope the server knows
  | "server_error" // OAuth: the server failed (its client_id page could not be read, …)
  | "INTERNAL_ERROR"; // a bug in the library; the library keeps working

/**
 * Whether e is a MisskeyError; with an endpoint, one of a call to that endpoint, whose code is
 * one the endpoint documents or the library's own.
 */
export function isMisskeyError<E extends Endpoint>(e: unknown, endpoint: E): e is MisskeyError<Endpoints[E]["errors"] | ErrorCode>;
export function isMisskeyError(e: unknown, endpoint?: string): e is MisskeyError;

/** The user of an account: what MiAuth's check answers (UserDetailedNotMe), or a user object the page kept. */
export type MisskeyUser = UserDetailed;

/** A signed-in account, as kept by mk.accounts. */
export interface Account {
  origin: string;
  token: string;
  /**
   * The user object the server returned at sign-in; null for an account kept with
   * accounts.add without its user.
   */
  user: MisskeyUser | null;
}


export interface StartOptions {
  /** "https://misskey.example" or "misskey.example"; http:// only for loopback hosts unless allowHttp. */
  origin: string;
  /** The app's name shown on the consent page. */
  name?: string;
  /** An absolute http(s) URL of the app's icon. */
  icon?: string;
  /** Where the instance sends the user back; default: this page without query and fragment. */
  callback?: string;
  /** Permission names (see mk.permissions), as an array or a comma-separated string. */
  permission?: Permission[] | string;
  /** Further permission names to accept, for forks. */
  extraPermissions?: string[] | string;
  /** Accept an http:// origin for a host that is not loopback. */
  allowHttp?: boolean;
  /** Accept a callback on another origin than this page. */
  allowCrossOriginCallback?: boolean;
  /** Navigate to the consent page (location.assign) after starting. */
  redirect?: boolean;
}

export interface StartResult {
  /** The consent page's URL: send the user there. */
  url: string;
  /** The session id (a fresh UUID). */
  session: string;
  /** The normalized origin. */
  origin: string;
  /** The permissions asked for, checked and de-duplicated. */
  permission: Permission[];
}

export interface WaitOptions {
  /** Milliseconds between checks; default 2000, at least 500; at most 2147483647. */
  interval?: number;
  /** Milliseconds before giving up with TIMEOUT; default 300000; at most 2147483647. */
  timeout?: number;
  /** Aborts the wait (ABORTED). The sign-in stays pending: only a successful check consumes it. */
  signal?: AbortSignal;
}

export interface MiAuth {
  /**
   * Checks the options, makes a session and remembers it in this browser (localStorage) for an hour.
   * Throws a MisskeyError (INVALID_ARGUMENT) for bad options; sends nothing.
   */
  start(options: StartOptions): StartResult;
  /**
   * On the callback page: reads ?session= from url (default: location.href), checks this browser
   * started it, removes it from the address bar, POSTs check once, saves and returns the account.
   * Takes an OAuth callback too (as completeSignIn).
   * Only a successful check completes the sign-in (a failed one may be tried again). The server hands
   * the token out once, so complete resolves even when the browser refuses to store the account
   * (then it is not in accounts.list()).
   */
  complete(url?: string): Promise<Account>;
  /**
   * Without a callback: polls check until approved, the timeout passes, or the signal aborts.
   * A failed, timed-out or aborted wait leaves the sign-in pending for another wait or complete.
   */
  wait(target: { origin: string; session: string; allowHttp?: boolean }, options?: WaitOptions): Promise<Account>;
}

export interface OAuthStartOptions {
  /** "https://misskey.example" or "misskey.example"; http:// only for loopback hosts unless allowHttp. */
  origin: string;
  /**
   * The URL of the app's public page (https, on a domain name the server can fetch), which
   * declares redirectUri with <link rel="redirect_uri"> (see clientPage). Sent as a URL parser
   * writes it ("https://my.app" → "https://my.app/").
   */
  clientId: string;
  /** Where the server sends the user back, exactly as the client page declares it; default: this page. */
  redirectUri?: string;
  /** The permissions asked for (see mk.permissions), as an array or a comma-separated string. */
  scope?: Permission[] | string;
  /** Further permission names to accept, for forks. */
  extraPermissions?: string[] | string;
  allowHttp?: boolean;
  /** Accept a redirectUri on another origin than this page (whose storage keeps the sign-in). */
  allowCrossOriginCallback?: boolean;
  /** Navigate to the authorization page after starting; default false. */
  redirect?: boolean;
  /** Aborts the metadata request (ABORTED). */
  signal?: AbortSignal;
}

export interface OAuthStartResult {
  /** The authorization page's URL: send the user there. */
  url: string;
  /** The random state in url, which the callback carries back. */
  state: string;
  origin: string;
  scope: Permission[];
}

/** The server's OAuth metadata (RFC 8414), as /.well-known/oauth-authorization-server answers it. */
export interface OAuthMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
  service_documentation?: string;
  [field: string]: unknown;
}

export interface OAuth {
  /** The server's metadata, or null for a server without OAuth 2.0 (Misskey before 2023.9: 404). */
  discover(origin: string, options?: { allowHttp?: boolean; signal?: AbortSignal }): Promise<OAuthMetadata | null>;
  /**
   * Reads the metadata, makes a state and a PKCE verifier (S256) and remembers them in this browser
   * (localStorage) for an hour, bound to this origin, single-use; the verifier goes nowhere but the
   * token endpoint of the same origin. Rejects OAUTH_UNSUPPORTED for a server without OAuth 2.0.
   */
  start(options: OAuthStartOptions): Promise<OAuthStartResult>;
  /**
   * On the callback page: reads code, state and iss from url (default: location.href), checks this
   * browser started the sign-in and iss is its issuer, removes them from the address bar, sends the
   * code and the verifier once, reads the user (i) and saves and returns the account (user null
   * when the scope lacks read:account). Only a successful exchange completes the sign-in. Takes a
   * MiAuth callback too (as completeSignIn).
   */
  complete(url?: string): Promise<Account>;
  /**
   * The markup the client_id page must carry (in its <head> and <body>), for the app's author to
   * paste: <link rel="redirect_uri"> and the IndieAuth h-app naming the app on the consent page.
   */
  clientPage(options: { clientId: string; redirectUri: string; name?: string; logo?: string }): string;
}

export interface SignInOptions extends StartOptions {
  /** The app's client_id page (see OAuthStartOptions.clientId): OAuth where the server offers it. Without it, MiAuth. */
  clientId?: string;
  /** OAuth's redirect URI, also MiAuth's callback when callback is not set; default: this page. */
  redirectUri?: string;
  /** Aborts the metadata request (ABORTED). */
  signal?: AbortSignal;
  /** Navigate to the consent page; default true where the page has a location. */
  redirect?: boolean;
}

export type SignInResult =
  | { method: "oauth"; url: string; origin: string; permission: Permission[]; state: string }
  | { method: "miauth"; url: string; origin: string; permission: Permission[]; session: string };

export interface CallOptions {
  /** Aborts the call (ABORTED); a signal that has aborted already sends nothing. */
  signal?: AbortSignal;
  /** Milliseconds for each attempt, from 0 to 2147483647 (browsers' timer limit); default (or 0) 30000. */
  timeout?: number;
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadOptions {
  /** The file name; default: the File's name. */
  name?: string;
  folderId?: string;
  comment?: string;
  isSensitive?: boolean;
  force?: boolean;
  /**
   * Upload progress. With it the upload uses XMLHttpRequest (fetch cannot report upload progress),
   * which follows redirects by itself; without it, fetch, which follows none. See SECURITY.md.
   */
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /** Milliseconds, from 0 to 2147483647; default (or 0) 600000. */
  timeout?: number;
}

/** The params of endpoint E, and whether they may be left out (none is required). */
type RequestArgs<E extends Endpoint> = {} extends Endpoints[E]["req"]
  ? [params?: Endpoints[E]["req"], options?: CallOptions]
  : [params: Endpoints[E]["req"], options?: CallOptions];

export interface Client {
  /** The normalized origin. The token is not a property: it is kept out of sight. */
  readonly origin: string;
  /**
   * POSTs params (a plain object; default {}) to {origin}/api/{endpoint} with the token as `i`.
   * Resolves with the parsed JSON answer, or null for 204. A secure endpoint (Endpoints[E]["secure"])
   * is refused with INVALID_ARGUMENT when the client has a token, unless allowSecureEndpoints.
   */
  request<E extends Endpoint>(endpoint: E, ...args: RequestArgs<E>): Promise<Endpoints[E]["res"]>;
  /** An endpoint the types do not know (a fork's): untyped. */
  request<T = any, E extends string = string>(
    endpoint: E extends Endpoint ? never : E,
    params?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<T>;
  /** Uploads a file to the drive (drive/files/create) and resolves the drive file. */
  upload(file: Blob, options?: UploadOptions): Promise<DriveFile>;
  /**
   * Opens the streaming connection (ws(s)://host/streaming?i=token). It reconnects by itself after a
   * drop (exponential backoff with jitter: first retry within 1 s, capped at 30 s, and at once when the
   * page comes back online or to the foreground) and connects every open channel again with the same id.
   * A refused token (AUTHENTICATION_FAILED, or PERMISSION_DENIED without read:account) closes it for good,
   * with the error on stream.on("error").
   */
  stream(): Stream;
  /**
   * A live timeline: always an ordered (newest first), de-duplicated view, kept current through one
   * stream that all of this client object's timelines and notifications share. Nothing is sent before load().
   */
  timeline(source: TimelineSource, params?: TimelineParams, options?: TimelineOptions): Timeline;
  /** The user's notifications, live through the main channel. Needs a token (read:notifications, read:account). */
  notifications(options?: NotificationsOptions): NotificationsFeed;
}

/** home → notes/timeline + homeTimeline; local → local-timeline; social → hybrid-timeline; global → global-timeline. */
export type TimelineSource =
  | "home"
  | "local"
  | "social"
  | "global"
  | { antenna: string }
  | { list: string }
  | { channel: string }
  /** A tag without "#": notes/search-by-tag + the hashtag channel. */
  | { hashtag: string }
  /** users/notes; Misskey streams no user's notes: caught up when the page comes back only. */
  | { user: string };

/** Params of the REST endpoint and the channel, e.g. { withRenotes: false, withFiles: true }. */
export type TimelineParams = { withRenotes?: boolean; withReplies?: boolean; withFiles?: boolean } & Record<string, unknown>;

export interface TimelineOptions {
  /** Notes per page, 1 to 100; default 20. */
  limit?: number;
  /**
   * The most notes kept (default 1000): beyond it the oldest are dropped, so more() resolves false
   * once the timeline holds that many.
   */
  maxNotes?: number;
  /** The newest notes followed for updates (reactions, votes, deletion), default 100. */
  maxSubscriptions?: number;
}

/** One batch of changes: notes added (in their new places), removed (ids) and changed (reactions, votes, edits). */
export interface TimelineUpdate<T = Note> {
  added: T[];
  removed: string[];
  changed: T[];
}

/** A catch-up after a reconnect (or when the page comes back): filled, or a gap too large to fill. */
export interface TimelineGap {
  /**
   * false: more came while away than one catch-up reads (5 pages); the timeline starts again from the
   * newest page (older ones with more()). Also false, with error, when the catch-up failed.
   */
  filled: boolean;
  error: MisskeyError | null;
}

export interface Timeline {
  /** Reads the newest page (again, on a second call) and follows the timeline live. */
  load(): Promise<void>;
  /** The notes, newest first, each id once (a copy). */
  readonly notes: Note[];
  /** Reads the page older than the oldest note; false at the end (or at maxNotes). */
  more(): Promise<boolean>;
  on(type: "update", listener: (update: TimelineUpdate) => void): void;
  on(type: "gap", listener: (gap: TimelineGap) => void): void;
  off(type: "update" | "gap", listener: (...args: any[]) => void): void;
  /** Stops following: the channel is disconnected, the subscriptions released; the shared stream closes with the last feed. */
  close(): void;
}

export interface NotificationsOptions {
  /** Notifications per page, 1 to 100; default 20. */
  limit?: number;
  /** The most kept; default 500. */
  maxItems?: number;
}

export interface NotificationsFeed {
  /** Reads the newest page (leaving them unread) and the unread count, then follows the main channel. */
  load(): Promise<void>;
  /** The notifications, newest first (a copy). */
  readonly items: Notification[];
  /** Unread notifications: the server's count at load, plus each new one; 0 after markAllRead. */
  readonly unread: number;
  more(): Promise<boolean>;
  /** notifications/mark-all-as-read. */
  markAllRead(): Promise<void>;
  on(type: "update", listener: (update: TimelineUpdate<Notification>) => void): void;
  on(type: "gap", listener: (gap: TimelineGap) => void): void;
  on(type: "unread", listener: (unread: number) => void): void;
  off(type: "update" | "gap" | "unread", listener: (...args: any[]) => void): void;
  close(): void;
}

/**
 * The streaming channels and the messages each sends, written by hand from Misskey 2025.11.1's
 * packages/backend/src/server/api/stream/channels (the OpenAPI document does not describe streaming).
 */
export interface Channels {
  main: {
    params: Record<string, never>;
    events: {
      notification: Notification;
      mention: Note;
      reply: Note;
      renote: Note;
      /** You followed someone. */
      follow: UserDetailedNotMe;
      /** Someone followed you. */
      followed: UserDetailed | UserLite;
      /** You unfollowed someone. */
      unfollow: UserDetailed;
      meUpdated: MeDetailed;
      urlUploadFinished: { marker: string | null; file: DriveFile };
      readAllNotifications: undefined;
      unreadNotification: Notification;
      notificationFlushed: undefined;
      unreadAntenna: Antenna;
      readAntenna: Antenna;
      newChatMessage: ChatMessage;
      readAllAnnouncements: undefined;
      myTokenRegenerated: undefined;
      signin: Signin;
      registryUpdated: { scope?: string[]; key: string; value: unknown };
      driveFileCreated: DriveFile;
      receiveFollowRequest: User;
      announcementCreated: { announcement: Record<string, unknown> };
    };
  };
  homeTimeline: { params: { withRenotes?: boolean; withFiles?: boolean }; events: { note: Note } };
  localTimeline: { params: { withRenotes?: boolean; withReplies?: boolean; withFiles?: boolean }; events: { note: Note } };
  hybridTimeline: { params: { withRenotes?: boolean; withReplies?: boolean; withFiles?: boolean }; events: { note: Note } };
  globalTimeline: { params: { withRenotes?: boolean; withFiles?: boolean }; events: { note: Note } };
  /** q: any of these groups of tags, each group all of its tags ([["a", "b"], ["c"]]: a and b, or c). */
  hashtag: { params: { q: string[][] }; events: { note: Note } };
  antenna: { params: { antennaId: string }; events: { note: Note } };
  userList: { params: { listId: string; withFiles?: boolean; withRenotes?: boolean }; events: { note: Note } };
  channel: { params: { channelId: string }; events: { note: Note } };
  roleTimeline: { params: { roleId: string }; events: { note: Note } };
  drive: {
    params: Record<string, never>;
    events: {
      fileCreated: DriveFile;
      fileDeleted: string;
      fileUpdated: DriveFile;
      folderCreated: DriveFolder;
      folderDeleted: string;
      folderUpdated: DriveFolder;
    };
  };
}

/** A note's update after stream.subNote(id), as the top-level "noteUpdated" message. */
export type NoteUpdatedEvent =
  | { id: string; type: "reacted"; body: { reaction: string; emoji?: { name: string; url: string } | null; userId: string } }
  | { id: string; type: "unreacted"; body: { reaction: string; userId: string } }
  | { id: string; type: "deleted"; body: { deletedAt: string } }
  | { id: string; type: "pollVoted"; body: { choice: number; userId: string } }
  | { id: string; type: "updated"; body: { cw: string | null; text: string } };

export type StreamState = "connecting" | "open" | "reconnecting" | "closed";

export interface Stream {
  /**
   * Connects a channel ("main", "homeTimeline", "localTimeline", "hybridTimeline", "globalTimeline", …) with params.
   * A channel the server shares per socket ("main", "drive", "admin", "queueStats", "serverStats", "reversi")
   * is connected once however often it is asked for: each Channel object gets every message, and the server
   * is told to disconnect when the last one is disposed.
   */
  channel<C extends keyof Channels>(name: C, ...params: {} extends Channels[C]["params"] ? [params?: Channels[C]["params"]] : [params: Channels[C]["params"]]): Channel<Channels[C]["events"]>;
  /** A channel the types do not know (a fork's): untyped. */
  channel<N extends string>(name: N extends keyof Channels ? never : N, params?: Record<string, unknown>): Channel;
  /** Asks for a note's updates (reactions, deletion), delivered as "noteUpdated" events. */
  subNote(noteId: string): void;
  unsubNote(noteId: string): void;
  /** "state": the new StreamState; "error": a MisskeyError (a malformed frame, or the error that closed the stream); any other top-level message type ("noteUpdated", …): its body. */
  on(type: "state", listener: (state: StreamState) => void): void;
  on(type: "error", listener: (error: MisskeyError) => void): void;
  on(type: "noteUpdated", listener: (event: NoteUpdatedEvent) => void): void;
  /** The server accepted a channel (a refused one gets no answer at all). */
  on(type: "connected", listener: (event: { id: string }) => void): void;
  on(type: string, listener: (body: any) => void): void;
  off(type: string, listener: (...args: any[]) => void): void;
  /** The current state. */
  state(): StreamState;
  /** Reconnects at once when reconnecting. */
  reconnect(): void;
  /** Closes the stream for good; every listener and timer is released. */
  close(): void;
}

export interface Channel<Events = Record<string, any>> {
  /** The id chosen for this channel on its stream. */
  readonly id: string;
  readonly channel: string;
  /** Every message type of the channel: "note" on timelines; "notification", "mention", "reply", … on main. */
  on<K extends keyof Events & string>(type: K, listener: (body: Events[K]) => void): void;
  off<K extends keyof Events & string>(type: K, listener: (body: Events[K]) => void): void;
  /** Disconnects the channel and forgets its listeners. */
  dispose(): void;
}

export interface RemoveResult {
  /** Whether an account was forgotten. */
  removed: boolean;
  /** Whether the server revoked the token. Misskey refuses this to app tokens, so usually false. */
  revoked: boolean;
  revokeError: MisskeyError | null;
  /** Where the user can revoke the app themselves: {origin}/settings/apps. */
  settingsUrl: string;
}

export interface Accounts {
  /** The kept accounts. */
  list(): Account[];
  /**
   * Keeps an account obtained some other way (replacing the same user's entry, or the same token's).
   * The user may be left out (null), or lack an id: then the account is kept by its token.
   */
  add(account: { origin: string; token: string; user?: object | null; allowHttp?: boolean }): Account;
  /**
   * Forgets the account; with revoke, also asks the server to revoke the token (over https or to a
   * loopback host only, unless allowHttp).
   */
  remove(account: { origin: string; token?: string; user?: { id: string } | null }, options?: { revoke?: boolean; allowHttp?: boolean }): Promise<RemoveResult>;
}

export interface ClientOptions {
  origin: string;
  token?: string | null;
  /** Accept an http:// origin for a host that is not loopback. */
  allowHttp?: boolean;
  /**
   * Let calls with a token go to the secure endpoints (Endpoints[E]["secure"]), which refuse every app
   * token (MiAuth, OAuth): only for a token of the web client's own. Default false: INVALID_ARGUMENT.
   */
  allowSecureEndpoints?: boolean;
  /**
   * How many times a call refused with 429 RATE_LIMIT_EXCEEDED is sent again, after the wait the
   * server asked for (info.resetMs; else 1 s, 2 s, 4 s…; at most 60 s). 0 to 10; default 0.
   */
  rateLimitRetries?: number;
}

export interface Misskey {
  miauth: MiAuth;
  oauth: OAuth;
  /**
   * Starts a sign-in with OAuth 2.0 where the server and the options allow it (a clientId, and a
   * server of 2023.9 or later), else with MiAuth; by default it then sends the user to the consent
   * page. One callback page handles both: completeSignIn.
   */
  signIn(options: SignInOptions): Promise<SignInResult>;
  /** Completes a sign-in of either method on its callback page (as miauth.complete and oauth.complete). */
  completeSignIn(url?: string): Promise<Account>;
  /** A client for one instance, with or without a token. Throws INVALID_ARGUMENT for a bad origin or token. */
  client(account: ClientOptions | string): Client;
  accounts: Accounts;
  /**
   * Checks and normalizes an instance's origin as start and client do ("Misskey.Example/" →
   * "https://misskey.example"); throws INVALID_ARGUMENT. Sends nothing.
   */
  parseOrigin(origin: string, options?: { allowHttp?: boolean }): string;
  /** Chooses where accounts are kept from now on. */
  setStorage(kind: StorageKind): void;
  /** Where accounts are kept now. */
  storage(): StorageKind;
  /** The permission names the server knows (Misskey 2025.11.1). */
  readonly permissions: readonly Permission[];
  /** The library's version. */
  readonly version: string;
}
