//go:build !js

package misskeytest

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// refusedCallbackSchemes are the callback schemes the real consent page
// refuses to redirect to.
var refusedCallbackSchemes = []string{"javascript", "file", "data", "mailto", "tel", "vbscript"}

// knownPermissions keeps the names of raw that Misskey knows, in order,
// duplicates included (the real frontend only filters).
func knownPermissions(raw []string) []string {
	out := []string{}
	for _, p := range raw {
		if slices.Contains(permissions, p) {
			out = append(out, p)
		}
	}
	return out
}

func splitPermissions(raw string) []string {
	if raw == "" {
		return nil
	}
	return strings.Split(raw, ",")
}

func firstDuplicate(ps []string) (string, bool) {
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p] {
			return p, true
		}
		seen[p] = true
	}
	return "", false
}

// genToken creates a MiAuth token for u, as miauth/gen-token does, and
// sends u the createToken notification. Server.mu must be held.
func (s *Server) genToken(u *userRec, session, name string, perms []string) *tokenRec {
	st := s.st
	tok := st.issueToken(u, name, session, perms)
	if session != "" {
		st.miauth = append(st.miauth, tok)
	}
	st.notify(u, "createToken", nil, "", "")
	return tok
}

// Approve acts as u pressing "Allow" on the consent page of session for an
// app called name asking for permissions: unknown permission names are
// dropped, as the real frontend does, and the token is created as
// miauth/gen-token does (with a createToken notification to u). It returns
// the token that POST /api/miauth/{session}/check will hand out, once.
//
// Like the real gen-token, it fails when the (filtered) permissions contain
// a name twice: the real consent page then shows an error and creates
// nothing.
func (s *Server) Approve(session string, u *User, name string, permissions []string) (token string, err error) {
	if session == "" {
		return "", errors.New("misskeytest: Approve: empty session")
	}
	if u == nil {
		return "", errors.New("misskeytest: Approve: nil user")
	}
	kept := knownPermissions(permissions)
	if dup, ok := firstDuplicate(kept); ok {
		return "", fmt.Errorf("misskeytest: Approve: miauth/gen-token refuses duplicate permission %q (INVALID_PARAM)", dup)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.st.byID[u.ID]
	if rec == nil {
		return "", fmt.Errorf("misskeytest: Approve: unknown user %q", u.Username)
	}
	return s.genToken(rec, session, name, kept).token, nil
}

// serveCheck answers POST /api/miauth/{session}/check.
func (s *Server) serveCheck(w http.ResponseWriter, r *http.Request, session string) {
	s.mu.Lock()
	var found *tokenRec
	for _, t := range s.st.miauth {
		if t.session == session && !t.fetched && s.st.tokens[t.token] == t {
			found = t
			break
		}
	}
	var res any = map[string]any{"ok": false}
	if found != nil {
		found.fetched = true
		c := &call{s: s, r: r, origin: origin(r)}
		res = map[string]any{"ok": true, "token": found.token, "user": c.userDetailed(found.user)}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - misskeytest</title>
</head>
<body>
<main id="miauth">
{{- if .Consent}}
<h1 id="title">Allow <span id="app-name">{{if .Name}}{{.Name}}{{else}}an app{{end}}</span> to access your account?</h1>
{{- if .Icon}}
<p><img id="app-icon" src="{{.Icon}}" alt="" width="64" height="64"></p>
{{- end}}
{{- if .User}}
<p id="signed-in">Signed in as <strong>{{.User.Name}}</strong> (@{{.User.Username}})</p>
{{- else}}
<p id="signed-in">Not signed in.</p>
{{- end}}
<h2>Permissions</h2>
<ul id="permissions">
{{- range .Perms}}
<li data-permission="{{.}}">{{.}}</li>
{{- else}}
<li id="no-permissions">(no permissions)</li>
{{- end}}
</ul>
<form id="allow-form" method="post" action="{{.AllowAction}}">
<input type="hidden" name="name" value="{{.Name}}">
<input type="hidden" name="icon" value="{{.Icon}}">
<input type="hidden" name="callback" value="{{.Callback}}">
<input type="hidden" name="permission" value="{{.Permission}}">
<button id="allow" type="submit">Allow</button>
</form>
<form id="deny-form" method="post" action="{{.DenyAction}}">
<input type="hidden" name="name" value="{{.Name}}">
<input type="hidden" name="callback" value="{{.Callback}}">
<button id="deny" type="submit">Deny</button>
</form>
{{- else}}
<h1 id="title">{{.Title}}</h1>
<p id="{{.ResultID}}">{{.Message}}</p>
{{- if .BackURL}}
<p><a id="back" href="{{.BackURL}}">Back to {{if .Name}}{{.Name}}{{else}}the app{{end}}</a></p>
{{- end}}
{{- end}}
</main>
</body>
</html>
`))

type pageData struct {
	Title       string
	Consent     bool
	Name        string
	Icon        string
	Callback    string
	Permission  string
	Perms       []string
	User        *User
	AllowAction string
	DenyAction  string
	ResultID    string // "result" or "error"
	Message     string
	BackURL     string // a link back to the app (Deny), "" for none
}

func writePage(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, d)
}

func resultPage(w http.ResponseWriter, status int, title, id, msg string) {
	writePage(w, status, pageData{Title: title, ResultID: id, Message: msg})
}

// serveConsent serves GET /miauth/{session}: the consent page.
func (s *Server) serveConsent(w http.ResponseWriter, r *http.Request) {
	session := r.PathValue("session")
	q := r.URL.Query()
	perms := knownPermissions(splitPermissions(q.Get("permission")))
	shown := []string{}
	for _, p := range perms {
		if !slices.Contains(shown, p) {
			shown = append(shown, p)
		}
	}
	s.mu.Lock()
	var user *User
	if s.st.signedIn != nil {
		u := *s.st.signedIn.pub
		user = &u
	}
	s.mu.Unlock()
	base := "/miauth/" + url.PathEscape(session)
	writePage(w, http.StatusOK, pageData{
		Title:       "Authorize app",
		Consent:     true,
		Name:        q.Get("name"),
		Icon:        q.Get("icon"),
		Callback:    q.Get("callback"),
		Permission:  q.Get("permission"),
		Perms:       shown,
		User:        user,
		AllowAction: base + "/allow",
		DenyAction:  base + "/deny",
	})
}

// serveAllow serves the Allow button: it creates the token as the
// frontend's call to miauth/gen-token would, then redirects to the callback
// (303) with the session parameter set, or tells the user to go back to the
// app.
func (s *Server) serveAllow(w http.ResponseWriter, r *http.Request) {
	session := r.PathValue("session")
	if err := r.ParseForm(); err != nil {
		resultPage(w, http.StatusBadRequest, "Error", "error", "Malformed form: "+err.Error())
		return
	}
	name, callback := r.PostForm.Get("name"), r.PostForm.Get("callback")
	perms := knownPermissions(splitPermissions(r.PostForm.Get("permission")))
	if dup, ok := firstDuplicate(perms); ok {
		resultPage(w, http.StatusBadRequest, "Error", "error",
			fmt.Sprintf("Failed to authorize the app: the permission %q is requested twice (INVALID_PARAM). Nothing was created.", dup))
		return
	}
	s.mu.Lock()
	u := s.st.signedIn
	if u != nil {
		s.genToken(u, session, name, perms)
	}
	s.mu.Unlock()
	if u == nil {
		resultPage(w, http.StatusUnauthorized, "Error", "error", "Not signed in: nothing was created.")
		return
	}
	if callback == "" {
		resultPage(w, http.StatusOK, "Authorized", "result", "The app has been authorized. You may go back to the app.")
		return
	}
	target, ok := callbackURL(callback, session)
	if !ok {
		resultPage(w, http.StatusOK, "Authorized", "result", "The app has been authorized, but its callback URL was refused. You may go back to the app.")
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// serveDeny serves the Deny button: nothing changes, no redirect. Unlike
// the real page, which only says so, it links back to the app: to its
// callback (an http(s) URL) as given, without a session.
func (s *Server) serveDeny(w http.ResponseWriter, r *http.Request) {
	d := pageData{Title: "Denied", ResultID: "result", Message: "You denied access. You may close this page."}
	if r.ParseForm() == nil {
		if u, err := url.Parse(r.PostForm.Get("callback")); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			d.BackURL, d.Name = u.String(), r.PostForm.Get("name")
			d.Message = "You denied access: the app got nothing."
		}
	}
	writePage(w, http.StatusOK, d)
}

// callbackURL does what the consent page does with a callback:
// new URL(callback).searchParams.set('session', session). It refuses
// relative URLs (new URL throws) and the refused schemes.
func callbackURL(callback, session string) (string, bool) {
	u, err := url.Parse(callback)
	if err != nil || u.Scheme == "" || slices.Contains(refusedCallbackSchemes, u.Scheme) {
		return "", false
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss", "ftp":
		if u.Host == "" {
			return "", false
		}
		u.Host = strings.ToLower(u.Host)
		if u.Path == "" && u.RawPath == "" && u.Opaque == "" {
			u.Path = "/"
		}
	}
	u.RawQuery = setSearchParam(u.RawQuery, "session", session)
	u.ForceQuery = false
	return u.String(), true
}

// setSearchParam implements URLSearchParams.set on a raw query: the first
// pair named name gets value, later ones are removed, and the pair is
// appended when absent. Like URLSearchParams, it re-serialises every pair
// with the application/x-www-form-urlencoded serializer.
func setSearchParam(rawQuery, name, value string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for _, seq := range strings.Split(rawQuery, "&") {
		if seq == "" {
			continue
		}
		k, v, _ := strings.Cut(seq, "=")
		pairs = append(pairs, pair{formDecode(k), formDecode(v)})
	}
	set := false
	out := pairs[:0]
	for _, p := range pairs {
		if p.k == name {
			if set {
				continue
			}
			p.v, set = value, true
		}
		out = append(out, p)
	}
	if !set {
		out = append(out, pair{name, value})
	}
	var b strings.Builder
	for i, p := range out {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(formEncode(p.k))
		b.WriteByte('=')
		b.WriteString(formEncode(p.v))
	}
	return b.String()
}

// formDecode is the WHATWG urlencoded parser's decoding of one name or
// value: '+' is a space, valid %XX sequences are bytes, the rest stays, and
// invalid UTF-8 becomes U+FFFD.
func formDecode(s string) string {
	s = strings.ReplaceAll(s, "+", " ")
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return strings.ToValidUTF8(string(b), string(utf8.RuneError))
}

// formEncode is the WHATWG application/x-www-form-urlencoded serializer.
func formEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
