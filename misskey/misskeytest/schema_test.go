//go:build !js

package misskeytest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The real server's OpenAPI document, to check the fake's answers
// against the answer schemas, as strictly as web/types_test.go's
// TypeScript check: every required property present, every value of its
// type, and no property the schema does not name.
var openAPI = sync.OnceValues(func() (map[string]any, error) {
	b, err := os.ReadFile(filepath.Join("..", "internal", "apigen", "openapi-2025.11.1.json"))
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	return doc, json.Unmarshal(b, &doc)
})

func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	doc, err := openAPI()
	if err != nil {
		t.Fatalf("reading the OpenAPI document: %v", err)
	}
	return doc
}

// wantAnswerSchema checks body against endpoint's 200 answer schema.
func wantAnswerSchema(t *testing.T, endpoint string, body []byte) {
	t.Helper()
	doc := openAPIDoc(t)
	op, _ := dig(doc, "paths", "/"+endpoint, "post").(map[string]any)
	sch, _ := dig(op, "responses", "200", "content", "application/json", "schema").(map[string]any)
	if sch == nil {
		t.Fatalf("no 200 answer schema for %s", endpoint)
	}
	wantSchema(t, endpoint, sch, body)
}

// wantComponent checks body against the named component schema.
func wantComponent(t *testing.T, name string, body []byte) {
	t.Helper()
	sch, _ := dig(openAPIDoc(t), "components", "schemas", name).(map[string]any)
	if sch == nil {
		t.Fatalf("no schema %s", name)
	}
	wantSchema(t, name, sch, body)
}

func wantSchema(t *testing.T, what string, sch map[string]any, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if errs := (&schemaChecker{doc: openAPIDoc(t)}).check("$", v, sch, true); len(errs) > 0 {
		if len(errs) > 10 {
			errs = errs[:10]
		}
		t.Errorf("%s does not fit the schema:\n  %s\nbody: %.2000s", what, strings.Join(errs, "\n  "), body)
	}
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

type schemaChecker struct{ doc map[string]any }

func (sc *schemaChecker) resolve(s map[string]any) map[string]any {
	for s["$ref"] != nil {
		ref, _ := s["$ref"].(string)
		parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		s, _ = dig(sc.doc, parts...).(map[string]any)
	}
	return s
}

// known collects the property names an object schema allows, through
// allOf; open reports additionalProperties.
func (sc *schemaChecker) known(s map[string]any, names map[string]bool) (open bool) {
	s = sc.resolve(s)
	if props, ok := s["properties"].(map[string]any); ok {
		for k := range props {
			names[k] = true
		}
	}
	if s["additionalProperties"] != nil && s["additionalProperties"] != false {
		open = true
	}
	for _, p := range asList(s["allOf"]) {
		if sc.known(p, names) {
			open = true
		}
	}
	return open
}

func asList(v any) []map[string]any {
	var out []map[string]any
	for _, x := range asAny(v) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func typeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	default:
		return "object"
	}
}

// check returns what is wrong with v at path. strict forbids properties
// the schema does not name (off for the parts of an allOf, whose union is
// checked instead).
func (sc *schemaChecker) check(path string, v any, s map[string]any, strict bool) []string {
	s = sc.resolve(s)
	if s == nil {
		return []string{path + ": unresolvable schema"}
	}
	var errs []string
	if ty, ok := s["type"]; ok {
		var types []string
		switch x := ty.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, e := range x {
				types = append(types, e.(string))
			}
		}
		got := typeOf(v)
		if !slices.Contains(types, got) && !(got == "integer" && slices.Contains(types, "number")) {
			return []string{fmt.Sprintf("%s: %s, want %v", path, got, types)}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return e == v }) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", path, v, enum))
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		var best []string
		matched := false
		for _, a := range alts {
			e := sc.check(path, v, a.(map[string]any), strict)
			if len(e) == 0 {
				matched = true
				break
			}
			if best == nil || len(e) < len(best) {
				best = e
			}
		}
		if !matched {
			errs = append(errs, fmt.Sprintf("%s: fits no %s alternative; closest: %s", path, key, strings.Join(best, "; ")))
		}
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, a := range all {
			errs = append(errs, sc.check(path, v, a.(map[string]any), false)...)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for _, r := range asAny(s["required"]) {
			if _, ok := x[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required %q missing", path, r))
			}
		}
		props, _ := s["properties"].(map[string]any)
		names := map[string]bool{}
		open := sc.known(s, names)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, sc.check(path+"."+k, x[k], ps, true)...)
			} else if ap, ok := s["additionalProperties"].(map[string]any); ok {
				errs = append(errs, sc.check(path+"."+k, x[k], ap, true)...)
			} else if strict && !open && !names[k] && (len(names) > 0 || s["type"] == "object") {
				if _, isUnion := s["oneOf"]; !isUnion {
					errs = append(errs, fmt.Sprintf("%s: property %q is not in the schema", path, k))
				}
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				errs = append(errs, sc.check(fmt.Sprintf("%s[%d]", path, i), e, items, true)...)
			}
		}
	}
	return errs
}

func asAny(v any) []any {
	a, _ := v.([]any)
	return a
}

func TestSchemaChecker(t *testing.T) {
	// The checker itself: a note missing a required property, with an
	// unknown one, or with a wrong type, is refused.
	sc := &schemaChecker{doc: openAPIDoc(t)}
	note := map[string]any{"$ref": "#/components/schemas/Note"}
	good := `{"id":"x","createdAt":"t","text":null,"userId":"u","user":{"id":"u","name":null,"username":"a","host":null,"avatarUrl":"http://x/a.png","avatarBlurhash":null,"avatarDecorations":[],"isBot":false,"isCat":false,"emojis":{},"onlineStatus":"unknown","badgeRoles":[]},"visibility":"public","reactionAcceptance":null,"reactionEmojis":{},"reactions":{"👍":1},"reactionCount":1,"renoteCount":0,"repliesCount":0}`
	for body, wantOK := range map[string]bool{
		good: true,
		strings.Replace(good, `"renoteCount":0,`, ``, 1):                                                                                                    false,
		strings.Replace(good, `"renoteCount":0,`, `"renoteCount":0,"bogus":1,`, 1):                                                                          false,
		strings.Replace(good, `"visibility":"public"`, `"visibility":"x"`, 1):                                                                               false,
		strings.Replace(good, `"reactions":{"👍":1}`, `"reactions":{"👍":"1"}`, 1):                                                                            false,
		strings.Replace(good, `"text":null`, `"text":null,"poll":{"multiple":true,"expiresAt":null,"choices":[{"text":"a","votes":0,"isVoted":false}]}`, 1): true,
	} {
		var v any
		json.Unmarshal([]byte(body), &v)
		if errs := sc.check("$", v, note, true); (len(errs) == 0) != wantOK {
			t.Errorf("%s: errors %v, want ok %v", body, errs, wantOK)
		}
	}
}

// TestAnswersFitSchema checks the fake's answers, in a scenario with
// replies, renotes, quotes, polls, files, custom emoji reactions, hidden
// and deleted notes, against the real server's answer schemas.
func TestAnswersFitSchema(t *testing.T) {
	s := newTestServer(t)
	alice := s.User("alice")
	bob := s.AddUser("bob", "Bob")
	s.Follow(alice, bob)
	s.Follow(bob, alice)
	w := dialStream(t, s, alice.Token)
	w.connect("main", "m", nil, false)
	w.connect("hybridTimeline", "h", nil, true)
	wantConnected(t, w.next(), "h")

	file := s.AddFile(bob, "cat.png", "image/png", []byte("\x89PNG\r\n\x1a\n"))
	root := s.PostNoteWith(bob, NoteOptions{Text: "poll #tag :blobcat:", Poll: &Poll{Choices: []string{"a", "b"}, Multiple: true}, FileIDs: []string{file}})
	if err := s.Vote(alice, root, 1); err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		u *User
		r string
	}{{alice, ":blobcat:"}, {bob, "👍"}} {
		if err := s.React(r.u, root, r.r); err != nil {
			t.Fatal(err)
		}
	}
	created := ok(t, s, "notes/create", alice.Token, map[string]any{"text": "reply @bob", "replyId": root, "cw": "cw",
		"poll": map[string]any{"choices": []string{"x", "y"}, "expiredAfter": 3600000}})
	wantAnswerSchema(t, "notes/create", created.body)
	reply := created.json(t)["createdNote"].(map[string]any)["id"].(string)
	quote := ok(t, s, "notes/create", bob.Token, map[string]any{"text": "quote", "renoteId": reply})
	wantAnswerSchema(t, "notes/create", quote.body)
	s.PostNoteWith(alice, NoteOptions{RenoteID: root})
	s.PostNoteWith(bob, NoteOptions{Text: "secret", Visibility: "specified"})
	gone := s.PostNoteWith(bob, NoteOptions{Text: "gone"})
	s.PostNoteWith(alice, NoteOptions{Text: "orphan", ReplyID: gone})
	ok(t, s, "notes/delete", bob.Token, map[string]any{"noteId": gone})

	for _, id := range []string{root, reply} {
		for _, tok := range []string{"", alice.Token, bob.Token} {
			wantAnswerSchema(t, "notes/show", ok(t, s, "notes/show", tok, map[string]any{"noteId": id}).body)
		}
	}
	for _, ep := range []string{"notes/timeline", "notes/local-timeline", "notes/hybrid-timeline", "notes/global-timeline"} {
		for _, tok := range []string{alice.Token, bob.Token} {
			r := ok(t, s, ep, tok, map[string]any{"limit": 100})
			if len(r.array(t)) == 0 {
				t.Errorf("%s: empty", ep)
			}
			wantAnswerSchema(t, ep, r.body)
		}
	}
	for _, tok := range []string{alice.Token, bob.Token} {
		wantAnswerSchema(t, "i/notifications", ok(t, s, "i/notifications", tok, map[string]any{"limit": 100}).body)
		wantAnswerSchema(t, "i", ok(t, s, "i", tok, nil).body)
	}
	wantAnswerSchema(t, "i", ok(t, s, "i", s.IssueToken(alice, "read:account"), nil).body)
	wantAnswerSchema(t, "emojis", ok(t, s, "emojis", "", nil).body)

	// Streamed notes and notifications, up to a barrier.
	w.connect("hashtag", "end", map[string]any{"q": [][]string{{"misskeytest-barrier"}}}, true)
	n := 0
	for {
		m := w.next()
		b := body(m)
		if m["type"] == "connected" && b["id"] == "end" {
			break
		}
		if m["type"] != "channel" {
			continue
		}
		raw, _ := json.Marshal(b["body"])
		switch b["type"] {
		case "note", "mention", "reply", "renote":
			wantComponent(t, "Note", raw)
			n++
		case "notification":
			wantComponent(t, "Notification", raw)
			n++
		}
	}
	if n < 5 {
		t.Errorf("only %d streamed messages checked", n)
	}
}
