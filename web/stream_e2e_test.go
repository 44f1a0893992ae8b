package main

// Streaming in a real browser, against the fake instance's /streaming.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

func TestStreamingInChromium(t *testing.T) {
	ctx, _ := openTestPage(t)
	fake := misskeytest.NewServer()
	defer fake.Close()

	alice := fake.SignedIn()
	bob := fake.AddUser("bob", "Bob")
	fake.Follow(alice, bob)
	token := fake.IssueToken(alice, "read:account", "write:notes", "read:notifications")

	// A stream with a home timeline and a record of everything it hears.
	eval[bool](t, ctx, fmt.Sprintf(`(() => {
		window.events = { states: [], notes: [], errors: [], updates: [], connected: [] };
		const c = mk.client({ origin: %q, token: %q });
		window.stream = c.stream();
		stream.on("state", s => events.states.push(s));
		stream.on("error", e => events.errors.push(e.code));
		stream.on("noteUpdated", ev => events.updates.push(ev));
		stream.on("connected", ev => events.connected.push(ev.id));
		window.home = stream.channel("homeTimeline", {});
		home.on("note", n => events.notes.push(n.text));
		// A throwing listener does not stop the others.
		home.on("note", () => { throw new Error("listener bug"); });
		return true;
	})()`, fake.URL, token))
	waitFor(t, ctx, `events.states.includes("open")`, 10*time.Second)
	waitFor(t, ctx, `stream.state() === "open"`, time.Second)
	// The server confirms the channel (the connect frame asks it to).
	waitFor(t, ctx, `events.connected.includes(home.id)`, 10*time.Second)

	// A note posted by another user arrives.
	var noteID string
	deadline := time.Now().Add(10 * time.Second)
	for {
		// The connect frame may still be on its way: post until one arrives.
		noteID = fake.PostNote(bob, "hello from bob")
		if eval[bool](t, ctx, `new Promise(r => setTimeout(() => r(events.notes.includes("hello from bob")), 200))`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no note arrived; events %v", eval[any](t, ctx, `events`))
		}
	}

	// subNote: a reaction to the note arrives as noteUpdated.
	eval[any](t, ctx, `stream.subNote("`+noteID+`")`)
	time.Sleep(200 * time.Millisecond)
	if err := fake.React(alice, noteID, "👍"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `events.updates.some(u => u.id === "`+noteID+`" && u.type === "reacted")`, 10*time.Second)

	// The fake drops every socket: the stream reconnects and the channel still delivers.
	upgrades := fake.StreamUpgrades()
	fake.DropStreams()
	waitFor(t, ctx, `events.states.includes("reconnecting")`, 10*time.Second)
	waitFor(t, ctx, `events.states.lastIndexOf("open") > events.states.indexOf("reconnecting")`, 10*time.Second)
	if n := fake.StreamUpgrades() - upgrades; n != 1 {
		t.Errorf("%d upgrades to reconnect once", n)
	}
	eval[any](t, ctx, `events.notes = []`)
	deadline = time.Now().Add(10 * time.Second)
	for {
		fake.PostNote(bob, "after the drop")
		if eval[bool](t, ctx, `new Promise(r => setTimeout(() => r(events.notes.includes("after the drop")), 200))`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the channel did not deliver after the reconnect")
		}
	}

	// 1,000 notes arrive, in order.
	eval[any](t, ctx, `events.notes = []`)
	for i := range 1000 {
		fake.PostNote(bob, fmt.Sprintf("n%04d", i))
	}
	waitFor(t, ctx, `events.notes.length >= 1000`, 30*time.Second)
	if bad := eval[int](t, ctx, `events.notes.findIndex((n, i) => n !== "n" + String(i).padStart(4, "0"))`); bad != -1 {
		t.Errorf("note %d out of order: %v", bad, eval[any](t, ctx, `events.notes.slice(`+fmt.Sprint(max(bad-2, 0))+`, `+fmt.Sprint(bad+3)+`)`))
	}

	// dispose sends disconnect: nothing more arrives on that channel.
	eval[any](t, ctx, `(home.dispose(), events.notes = [])`)
	time.Sleep(300 * time.Millisecond)
	fake.PostNote(bob, "after dispose")
	time.Sleep(500 * time.Millisecond)
	if n := eval[int](t, ctx, `events.notes.length`); n != 0 {
		t.Errorf("%d notes after dispose", n)
	}

	// A revoked token: the stream ends with AUTHENTICATION_FAILED, without a retry storm.
	fake.RevokeToken(token)
	upgrades = fake.StreamUpgrades()
	fake.DropStreams()
	waitFor(t, ctx, `events.errors.includes("AUTHENTICATION_FAILED")`, 15*time.Second)
	waitFor(t, ctx, `stream.state() === "closed" && events.states[events.states.length - 1] === "closed"`, 5*time.Second)
	time.Sleep(2 * time.Second)
	if n := fake.StreamUpgrades() - upgrades; n > 2 {
		t.Errorf("%d upgrade attempts with a revoked token", n)
	}
	if fake.OpenStreams() != 0 {
		t.Errorf("%d sockets open after the stream closed", fake.OpenStreams())
	}

	// The token went in the streaming URL only to its origin's /streaming, and
	// never in another URL.
	for _, r := range fake.Requests() {
		if strings.Contains(r.RawQuery, token) && r.Path != "/streaming" {
			t.Errorf("token in the query of %s %s", r.Method, r.Path)
		}
	}

	// close() on a working stream: the state ends closed, the socket is gone.
	eval[any](t, ctx, fmt.Sprintf(`(() => {
		window.s2 = mk.client(%q).stream(); window.s2states = [];
		s2.on("state", s => s2states.push(s));
		s2.channel("localTimeline");
	})()`, fake.URL))
	waitFor(t, ctx, `s2states.includes("open")`, 10*time.Second)
	eval[any](t, ctx, `s2.close()`)
	waitFor(t, ctx, `s2states[s2states.length - 1] === "closed"`, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	if fake.OpenStreams() != 0 {
		t.Errorf("%d sockets open after close()", fake.OpenStreams())
	}
	wantFail(t, ctx, `s2.channel("main")`, "INVALID_ARGUMENT", 0)
	wantFail(t, ctx, `mk.client("`+fake.URL+`").stream().channel("no such channel!")`, "INVALID_ARGUMENT", 0)
	stillAlive(t, ctx, fake.URL)
}

// After several refused attempts the stream waits seconds between tries;
// the page coming back online makes it try at once.
func TestStreamReconnectsWhenOnline(t *testing.T) {
	ctx, _ := openTestPage(t)
	fake := misskeytest.NewServer()
	defer fake.Close()
	eval[bool](t, ctx, fmt.Sprintf(`(() => {
		window.states = [];
		window.s = mk.client({ origin: %q, token: %q }).stream();
		s.on("state", st => states.push([st, performance.now()]));
		s.channel("localTimeline");
		return true;
	})()`, fake.URL, fake.SignedIn().Token))
	waitFor(t, ctx, `s.state() === "open"`, 10*time.Second)

	// The instance goes away (refusing upgrades): the stream backs off.
	fake.RefuseStreams(true)
	fake.DropStreams()
	before := fake.StreamUpgrades()
	deadline := time.Now().Add(20 * time.Second)
	for fake.StreamUpgrades()-before < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := fake.StreamUpgrades() - before; n < 3 {
		t.Fatalf("%d attempts in 20 s", n)
	}
	// Now the next wait is 4–8 s. The instance is back and the page goes online.
	fake.RefuseStreams(false)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	eval[bool](t, ctx, `(window.dispatchEvent(new Event("online")), true)`)
	waitFor(t, ctx, `s.state() === "open"`, 10*time.Second)
	// Without the online event the next try would come 4–8 s after the
	// third refusal (backoff bound 8 s, drawn between half and all of it).
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("reconnected %v after the online event, as late as the backoff would have", d)
	}
	eval[bool](t, ctx, `(s.close(), true)`)
}
