package misskey

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func items(ids ...string) []FeedItem {
	out := make([]FeedItem, len(ids))
	for i, id := range ids {
		out[i] = FeedItem{ID: id, Raw: []byte(`{"id":"` + id + `"}`)}
	}
	return out
}

func ids(list []FeedItem) []string {
	out := make([]string, len(list))
	for i, it := range list {
		out[i] = it.ID
	}
	return out
}

// apply applies an update as FeedUpdate's doc says (as the bindings do).
func apply(old []FeedItem, u FeedUpdate) []FeedItem {
	out := slices.Clone(old)
	last := len(out)
	for _, r := range u.Removed {
		if r.Index >= last || out[r.Index].ID != r.ID {
			panic(fmt.Sprintf("removal %+v does not match %v", r, ids(out)))
		}
		last = r.Index
		out = slices.Delete(out, r.Index, r.Index+1)
	}
	prev := -1
	for _, a := range u.Added {
		if a.Index <= prev {
			panic("additions not ascending")
		}
		prev = a.Index
		out = slices.Insert(out, a.Index, a.FeedItem)
	}
	for _, c := range u.Changed {
		out[c.Index] = c.FeedItem
	}
	return out
}

func TestFeedInsert(t *testing.T) {
	f := feed{max: 5}
	var u FeedUpdate
	f.insert(items("b", "d", "a", "c", "b"), &u) // any order, duplicates
	if got := ids(f.items); fmt.Sprint(got) != "[d c b a]" {
		t.Fatalf("items %v", got)
	}
	if got := apply(nil, u); fmt.Sprint(ids(got)) != "[d c b a]" {
		t.Fatalf("applied %v", ids(got))
	}
	// Newer and older at once, past the cap: the oldest go.
	old := f.snapshot()
	u = FeedUpdate{}
	f.insert(items("e", "f", "0", "c"), &u)
	if got := ids(f.items); fmt.Sprint(got) != "[f e d c b]" {
		t.Fatalf("items %v", got)
	}
	if got := apply(old, u); !slices.Equal(ids(got), ids(f.items)) {
		t.Fatalf("applied %v, want %v (update %+v)", ids(got), ids(f.items), u)
	}
	// Random batches keep the update's contract.
	r := rand.New(rand.NewPCG(1, 2))
	f = feed{max: 50}
	for round := range 500 {
		old := f.snapshot()
		var batch []FeedItem
		for range r.IntN(8) {
			batch = append(batch, items(fmt.Sprintf("%04d", r.IntN(200)))...)
		}
		u := FeedUpdate{}
		if round%7 == 0 && len(f.items) > 0 {
			drop := f.items[r.IntN(len(f.items))].ID
			f.remove(func(it FeedItem) bool { return it.ID == drop }, &u)
			if got := apply(old, u); !slices.Equal(ids(got), ids(f.items)) {
				t.Fatalf("remove: applied %v, want %v", ids(got), ids(f.items))
			}
			continue
		}
		f.insert(batch, &u)
		if got := apply(old, u); !slices.Equal(ids(got), ids(f.items)) {
			t.Fatalf("round %d: applied %v, want %v", round, ids(got), ids(f.items))
		}
		if len(f.items) > 50 || !slices.IsSortedFunc(f.items, func(a, b FeedItem) int { return strings.Compare(b.ID, a.ID) }) {
			t.Fatalf("round %d: %v", round, ids(f.items))
		}
	}
}

// A hostile server (duplicates, disorder, a page that never ends, ignoring
// sinceId) cannot make a catch-up loop or grow without bound.
func TestBackfillFeed(t *testing.T) {
	var calls int
	server := func(all []string, ignoreSince bool) func(since, until string, _ Canceler) ([]FeedItem, error) {
		return func(since, until string, _ Canceler) ([]FeedItem, error) {
			calls++
			var out []string
			for _, id := range all { // the oldest 3 after sinceId, as Misskey answers
				if (ignoreSince || id > since) && len(out) < 6 {
					out = append(out, id, id) // every id twice
				}
			}
			slices.Reverse(out) // in the wrong order
			return items(out...), nil
		}
	}
	var many []string
	for i := range 100 {
		many = append(many, fmt.Sprintf("n%03d", i))
	}
	calls = 0
	got, filled, err := backfillFeed("n090", 3, 5, server(many, false))
	if err != nil || !filled || fmt.Sprint(uniq(ids(got))) != "[n091 n092 n093 n094 n095 n096 n097 n098 n099]" {
		t.Errorf("backfill: %v %v %v", uniq(ids(got)), filled, err)
	}
	calls = 0
	_, filled, _ = backfillFeed("n000", 3, 5, server(many, false))
	if filled || calls != 6 {
		t.Errorf("a gap larger than 5 pages: filled %v after %d calls", filled, calls)
	}
	// A server that ignores sinceId answers its oldest page, none of it
	// newer than the cursor: one call, and nothing to add.
	calls = 0
	got, filled, _ = backfillFeed("n050", 3, 5, server(many, true))
	if calls != 1 || !filled || len(got) != 0 {
		t.Errorf("a server ignoring sinceId: %d calls, filled %v, %d notes", calls, filled, len(got))
	}
}

func uniq(list []string) []string {
	slices.Sort(list)
	return slices.Compact(list)
}

func TestPatchNote(t *testing.T) {
	note := []byte(`{"id":"n1","text":"hi","reactions":{"👍":2},"reactionCount":2,"reactionEmojis":{},"myReaction":null,"poll":{"multiple":false,"choices":[{"text":"a","votes":0,"isVoted":false},{"text":"b","votes":1,"isVoted":false}]}}`)
	ev := func(s string) map[string][]byte { m, _ := jsonObject([]byte(s)); return m }
	check := func(raw []byte, want map[string]string) {
		t.Helper()
		f, err := jsonObject(raw)
		if err != nil {
			t.Fatalf("not JSON: %s", raw)
		}
		for k, v := range want {
			if string(f[k]) != v {
				t.Errorf("%s = %s, want %s (in %s)", k, f[k], v, raw)
			}
		}
	}
	n := patchNote(note, "reacted", ev(`{"reaction":":blobcat@.:","emoji":{"name":"blobcat@.","url":"https://x/blobcat.png"},"userId":"me"}`), "me")
	check(n, map[string]string{"reactions": `{"👍":2,":blobcat@.:":1}`, "reactionCount": "3", "myReaction": `":blobcat@.:"`, "reactionEmojis": `{"blobcat@.":"https://x/blobcat.png"}`})
	n = patchNote(n, "unreacted", ev(`{"reaction":"👍","userId":"other"}`), "me")
	check(n, map[string]string{"reactions": `{"👍":1,":blobcat@.:":1}`, "reactionCount": "2", "myReaction": `":blobcat@.:"`})
	n = patchNote(n, "unreacted", ev(`{"reaction":":blobcat@.:","userId":"me"}`), "me")
	check(n, map[string]string{"reactions": `{"👍":1}`, "reactionCount": "1", "myReaction": "null"})
	n = patchNote(n, "pollVoted", ev(`{"choice":1,"userId":"me"}`), "me")
	check(n, map[string]string{"poll": `{"multiple":false,"choices":[{"text":"a","votes":0,"isVoted":false},{"text":"b","votes":2,"isVoted":true}]}`})
	if patchNote(n, "pollVoted", ev(`{"choice":7,"userId":"me"}`), "me") != nil {
		t.Error("a vote for a choice that does not exist changed the note")
	}
	n = patchNote(n, "updated", ev(`{"text":"edited","cw":null}`), "me")
	check(n, map[string]string{"text": `"edited"`, "cw": "null"})
	if patchNote([]byte(`[1]`), "reacted", ev(`{"reaction":"x"}`), "") != nil {
		t.Error("patched something that is not a note")
	}
	if id := appearID([]byte(`{"id":"r","renoteId":"n1","text":null,"fileIds":[],"poll":null}`), "r"); id != "n1" {
		t.Errorf("a pure renote shows %s", id)
	}
	if id := appearID([]byte(`{"id":"q","renoteId":"n1","text":"quote"}`), "q"); id != "q" {
		t.Errorf("a quote shows %s", id)
	}
}
