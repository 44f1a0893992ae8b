// Correct uses of the library's types: this file must compile under --strict.
import { load, isMisskeyError } from "../misskey.js";
import type { Endpoints, Note, DriveFile, MeDetailed, Permission, NoteUpdatedEvent, Account, UserDetailed } from "../misskey.js";

async function main() {
  const mk = await load({ storage: "session" });
  const perms: Permission[] = ["read:account", "write:notes"];
  const { url, session, permission } = mk.miauth.start({ origin: "misskey.example", name: "App", permission: perms });
  const p0: Permission = permission[0];
  void url, session, p0;

  // OAuth 2.0, and signIn picking it or MiAuth.
  const metadata = await mk.oauth.discover("misskey.example");
  const tokenEndpoint: string | undefined = metadata?.token_endpoint;
  const started = await mk.oauth.start({ origin: "misskey.example", clientId: "https://my.app/", redirectUri: "https://my.app/cb", scope: perms });
  const state: string = started.state;
  const how = await mk.signIn({ origin: "misskey.example", clientId: "https://my.app/", permission: ["read:account"], redirect: false });
  const id0: string = how.method === "oauth" ? how.state : how.session;
  const markup: string = mk.oauth.clientPage({ clientId: "https://my.app/", redirectUri: "https://my.app/cb", name: "My app" });
  const signedIn: Account = await mk.completeSignIn();
  const viaOAuth: Account = await mk.oauth.complete(location.href);
  void tokenEndpoint, state, id0, markup, signedIn, viaOAuth;

  const client = mk.client({ origin: "misskey.example", token: "t", rateLimitRetries: 2 });
  // A typed call: params checked, the answer typed.
  const created = await client.request("notes/create", { text: "hi", visibility: "home" });
  const note: Note = created.createdNote;
  const id: string = note.id; // ids are plain strings
  const text: string | null = note.text;
  void id, text;
  // Params may be left out when none is required.
  const me = await client.request("i");
  const meDetailed: MeDetailed = me;
  void meDetailed;
  const meta = await client.request("meta", {});
  const version: string = meta.version;
  void version;
  // 204 endpoints resolve null.
  const deleted: null = await client.request("notes/delete", { noteId: id });
  void deleted;
  // A timeline: an array of notes.
  const page = await client.request("notes/timeline", { limit: 20, withRenotes: false, sinceId: id });
  page.forEach((n) => n.user.username.toUpperCase());
  // An endpoint the types do not know (a fork's): untyped, still allowed.
  const custom = await client.request("fork/custom-endpoint", { any: 1 });
  void custom;
  const dynamic: string = ["meta", "i"][0];
  await client.request(dynamic, {});
  const typedCustom = await client.request<{ ok: boolean }>("fork/other", {});
  const okFlag: boolean = typedCustom.ok;
  void okFlag;

  // Typed errors per endpoint.
  try {
    await client.request("notes/create", { text: "x", renoteId: "nope" });
  } catch (e) {
    if (isMisskeyError(e, "notes/create") && e.code === "NO_SUCH_RENOTE_TARGET") {
      const status: number = e.status;
      void status;
    }
    if (isMisskeyError(e) && e.code === "SOME_FORK_CODE") {
      void e.info;
    }
  }

  // Uploads resolve a DriveFile.
  const file: DriveFile = await client.upload(new Blob(["x"]), { name: "x.txt", onProgress: ({ loaded, total }) => void (loaded + total) });
  void file.id;

  // Streaming: typed channels and events.
  const stream = client.stream();
  const home = stream.channel("homeTimeline", { withRenotes: true });
  home.on("note", (n) => void n.createdAt);
  const main = stream.channel("main");
  main.on("notification", (n) => void n.type);
  main.on("followed", (u) => void u.username);
  const tag = stream.channel("hashtag", { q: [["misskey"]] });
  tag.on("note", (n: Note) => void n);
  const forked = stream.channel("forkChannel", { x: 1 });
  forked.on("anything", (body) => void body);
  stream.on("noteUpdated", (ev: NoteUpdatedEvent) => {
    if (ev.type === "reacted") void ev.body.reaction;
  });
  stream.on("state", (s) => void s.toUpperCase());
  stream.subNote(id);
  stream.close();

  // Live timelines and notifications.
  const tl = client.timeline("home", { withRenotes: false }, { limit: 20 });
  tl.on("update", ({ added, removed, changed }) => void [added[0]?.id, removed[0], changed.length]);
  tl.on("gap", ({ filled, error }) => void (filled || error?.code));
  await tl.load();
  const notes: Note[] = tl.notes;
  const more: boolean = await tl.more();
  void notes, more;
  client.timeline({ hashtag: "misskey" }).close();
  const nf = client.notifications({ limit: 10 });
  await nf.load();
  const unread: number = nf.unread;
  nf.items.forEach((n) => void n.type);
  nf.on("unread", (n: number) => void n);
  await nf.markAllRead();
  nf.close();
  tl.close();
  void unread;

  // Accounts: the user may be null.
  const accounts: Account[] = mk.accounts.list();
  for (const a of accounts) {
    const u: UserDetailed | null = a.user;
    if (u) void u.username;
  }
  const removed = await mk.accounts.remove(accounts[0], { revoke: true });
  void removed.settingsUrl;

  // The endpoint table's types.
  type CreateErrors = Endpoints["notes/create"]["errors"];
  const code: CreateErrors = "NO_SUCH_RENOTE_TARGET";
  const perm: Endpoints["notes/create"]["permission"] = "write:notes";
  const secure: Endpoints["i/revoke-token"]["secure"] = true;
  void code, perm, secure;
}
void main;
