// Mistakes the types must catch: each line after // @ts-expect-error must be an error, so that
// this file stops compiling when the types get looser.
import { load, isMisskeyError } from "../misskey.js";
import type { Note, Endpoints } from "../misskey.js";

async function main() {
  const mk = await load();
  const client = mk.client({ origin: "misskey.example", token: "t" });

  // @ts-expect-error an unknown enum value
  await client.request("notes/create", { visibility: "bogus" });
  // @ts-expect-error a wrong param type
  await client.request("notes/create", { text: 42 });
  // @ts-expect-error a param the endpoint does not take
  await client.request("notes/create", { text: "x", notAParam: true });
  // @ts-expect-error a missing required param
  await client.request("notes/show", {});
  // @ts-expect-error required params left out
  await client.request("notes/show");
  // @ts-expect-error an id is a string, not a number
  await client.request("notes/show", { noteId: 1 });

  const created = await client.request("notes/create", { text: "x" });
  // @ts-expect-error a wrong result use: the answer is { createdNote }, not a Note
  const n: Note = created;
  // @ts-expect-error text may be null
  const s: string = created.createdNote.text;
  void n, s;
  // @ts-expect-error 204 endpoints resolve null
  const d: object = await client.request("notes/delete", { noteId: "x" });
  void d;

  try {
    await client.request("notes/create", { text: "x" });
  } catch (e) {
    // @ts-expect-error a code notes/create does not document
    if (isMisskeyError(e, "notes/create") && e.code === "NO_SUCH_ANTENNA") void e;
  }

  // @ts-expect-error an unknown permission
  mk.miauth.start({ origin: "misskey.example", permission: ["write:everything"] });

  const stream = client.stream();
  // @ts-expect-error a channel's params have their types
  stream.channel("hashtag", { q: "misskey" });
  // @ts-expect-error a required channel param
  stream.channel("antenna", {});
  // @ts-expect-error timelines send "note" only
  stream.channel("homeTimeline").on("notification", () => {});

  // @ts-expect-error an unknown timeline
  client.timeline("everything");
  // @ts-expect-error timeline events are update and gap
  client.timeline("home").on("note", () => {});

  // @ts-expect-error OAuth needs a clientId
  await mk.oauth.start({ origin: "misskey.example", scope: ["read:account"] });
  // @ts-expect-error scopes are permission names
  await mk.oauth.start({ origin: "misskey.example", clientId: "https://my.app/", scope: ["read:everything"] });
  // @ts-expect-error a sign-in's result has a session only for MiAuth
  (await mk.signIn({ origin: "misskey.example" })).session;

  // @ts-expect-error the table knows its endpoints
  type X = Endpoints["no/such/endpoint"];
  // @ts-expect-error uploads take a Blob
  await client.upload("not a blob");
}
void main;
