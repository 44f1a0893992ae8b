//go:build !js

package misskeytest

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
)

// AddUser creates a local user. It panics if username is not 1-20 of
// [A-Za-z0-9_] or is taken (case-insensitively), like a programming error.
func (s *Server) AddUser(username, name string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := *s.st.addUser(username, name).pub
	return &u
}

// User returns the user called username (case-insensitive), nil if unknown.
func (s *Server) User(username string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.st.byName[strings.ToLower(username)]
	if rec == nil {
		return nil
	}
	u := *rec.pub
	return &u
}

// SignedIn returns the user signed in to the fake web frontend, who
// approves MiAuth requests on the consent page (alice unless changed), or
// nil.
func (s *Server) SignedIn() *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.signedIn == nil {
		return nil
	}
	u := *s.st.signedIn.pub
	return &u
}

// SetSignedIn changes the user signed in to the fake web frontend; nil signs
// out (the consent page then refuses to authorize anything).
func (s *Server) SetSignedIn(u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u == nil {
		s.st.signedIn = nil
		return
	}
	rec := s.st.byID[u.ID]
	if rec == nil {
		panic(fmt.Sprintf("misskeytest: SetSignedIn: unknown user %q", u.Username))
	}
	s.st.signedIn = rec
}

// IssueToken creates an app token (like a MiAuth token, but without a
// session or notification) for u with exactly these permissions, unknown
// names included.
func (s *Server) IssueToken(u *User, permissions ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u == nil {
		panic("misskeytest: IssueToken: nil user")
	}
	rec := s.st.byID[u.ID]
	if rec == nil {
		panic(fmt.Sprintf("misskeytest: IssueToken: unknown user %q", u.Username))
	}
	return s.st.issueToken(rec, "misskeytest", "", permissions).token
}

// RevokeToken makes token invalid: later requests with it get 401
// AUTHENTICATION_FAILED. It works for app tokens and native tokens alike.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.st.tokens, token)
}

// TokenID returns the id of an app token (what i/revoke-token takes as
// tokenId), "" for native and unknown tokens.
func (s *Server) TokenID(token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.st.tokens[token]; t != nil && !t.native {
		return t.id
	}
	return ""
}

// TokenPermissions returns the permissions of an app token, nil for native
// and unknown tokens.
func (s *Server) TokenPermissions(token string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.st.tokens[token]; t != nil && !t.native {
		return append([]string{}, t.perms...)
	}
	return nil
}

// PostNote creates a public note by u with text, as notes/create would
// (mentions of local users notify them), and returns its id. It is
// PostNoteWith(u, NoteOptions{Text: text}), so it panics where that does,
// e.g. for a text of only spaces or none (CONTENT_REQUIRED).
func (s *Server) PostNote(u *User, text string) (id string) {
	if u == nil {
		panic("misskeytest: PostNote: nil user")
	}
	return s.PostNoteWith(u, NoteOptions{Text: text})
}

// Follow makes follower follow followee, as following/create would.
func (s *Server) Follow(follower, followee *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, b := s.st.byID[follower.ID], s.st.byID[followee.ID]
	if a == nil || b == nil || a == b || a.following[b.id] {
		return
	}
	a.following[b.id] = true
	s.st.notify(b, "follow", a, "", "")
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	resultPage(w, http.StatusOK, "misskeytest", "result", "A fake Misskey "+Version+" instance for tests.")
}

// serveFile serves an uploaded drive file at its url.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f := s.st.files[r.PathValue("id")]
	s.mu.Unlock()
	if f == nil {
		http.NotFound(w, r)
		return
	}
	// No CORS header, as on the real server: another origin may show a
	// file in <img> but not read its bytes.
	w.Header().Set("Content-Type", f.typ)
	w.Header().Set("Cache-Control", "max-age=31536000, immutable")
	http.ServeContent(w, r, "", f.createdAt, bytes.NewReader(f.data))
}
