//go:build !js

package misskeytest

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// emojiRec is a local custom emoji.
type emojiRec struct {
	name     string
	category *string
	aliases  []string
	svg      []byte // nil: a generated disc
}

// url is where the fake serves the emoji's image.
func (e *emojiRec) url(origin string) string { return origin + "/emoji/" + e.name + ".svg" }

// seedEmojis adds the custom emoji every fake instance starts with (a
// fresh real instance has none): "blobcat" (category "Blobs"),
// "misskey" (category "Misskey") and "awesome" (no category).
func (st *state) seedEmojis() {
	blobs, mi := "Blobs", "Misskey"
	st.emojis = []*emojiRec{
		{name: "blobcat", category: &blobs, aliases: []string{"cat", "blob"}},
		{name: "misskey", category: &mi, aliases: []string{"mi"}},
		{name: "awesome", aliases: []string{}},
	}
}

func (st *state) emoji(name string) *emojiRec {
	for _, e := range st.emojis {
		if e.name == name {
			return e
		}
	}
	return nil
}

var emojiNameRE = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

// AddEmoji adds a local custom emoji called name, in category ("" for
// none), with aliases. Its image, a small generated SVG, is served at
// {URL}/emoji/{name}.svg. It panics if name is not 1 or more of
// [A-Za-z0-9_] or is taken, like a programming error.
func (s *Server) AddEmoji(name, category string, aliases ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !emojiNameRE.MatchString(name) {
		panic(fmt.Sprintf("misskeytest: AddEmoji: invalid emoji name %q (Misskey allows [A-Za-z0-9_])", name))
	}
	if s.st.emoji(name) != nil {
		panic(fmt.Sprintf("misskeytest: AddEmoji: emoji %q already exists", name))
	}
	e := &emojiRec{name: name, aliases: append([]string{}, aliases...)}
	if category != "" {
		e.category = &category
	}
	s.st.emojis = append(s.st.emojis, e)
}

// SetEmojiImage makes svg, an SVG document, the image served for the
// custom emoji name (instead of the generated disc with its initial). It
// panics if there is no such emoji, like a programming error.
func (s *Server) SetEmojiImage(name string, svg []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.st.emoji(name)
	if e == nil {
		panic(fmt.Sprintf("misskeytest: SetEmojiImage: no custom emoji %q", name))
	}
	e.svg = append([]byte(nil), svg...)
}

// epEmojis answers GET/POST /api/emojis: the local custom emoji, by
// category then name (categories ascending, no category last, as
// PostgreSQL sorts NULLs), packed as EmojiSimple.
func epEmojis(c *call) (any, *apiError) {
	sorted := slices.Clone(c.st().emojis)
	slices.SortStableFunc(sorted, func(a, b *emojiRec) int {
		switch {
		case a.category == nil && b.category != nil:
			return 1
		case a.category != nil && b.category == nil:
			return -1
		case a.category != nil && b.category != nil:
			if r := cmp.Compare(*a.category, *b.category); r != 0 {
				return r
			}
		}
		return cmp.Compare(a.name, b.name)
	})
	out := []any{}
	for _, e := range sorted {
		out = append(out, map[string]any{
			"aliases":  slices.Clone(e.aliases),
			"name":     e.name,
			"category": e.category,
			"url":      e.url(c.origin),
		})
	}
	return map[string]any{"emojis": out}, nil
}

// serveEmoji serves GET /emoji/{name}.svg: the image SetEmojiImage gave,
// or a coloured disc with the emoji name's initial.
func (s *Server) serveEmoji(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	s.mu.Lock()
	var e *emojiRec
	var img []byte
	if ok {
		if e = s.st.emoji(name); e != nil {
			img = e.svg // SetEmojiImage replaces the slice, never its bytes
		}
	}
	s.mu.Unlock()
	if e == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "max-age=31536000, immutable")
	if img != nil {
		w.Write(img)
		return
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	hue := h.Sum32() % 360
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">`+
		`<circle cx="16" cy="16" r="15" fill="hsl(%d,70%%,55%%)"/>`+
		`<text x="16" y="21.5" font-family="sans-serif" font-size="16" font-weight="bold" text-anchor="middle" fill="#fff">%s</text></svg>`,
		hue, html.EscapeString(strings.ToUpper(name[:1])))
	w.Write([]byte(svg))
}
