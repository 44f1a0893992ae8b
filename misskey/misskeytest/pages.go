//go:build !js

package misskeytest

import (
	"html/template"
	"net/http"
	"slices"
	"strings"
)

// Small HTML pages where a real instance's web client shows a user
// (/@username), a note (/notes/{id}) and a hashtag (/tags/{tag}), so that
// an app's links to them lead somewhere. They show what an anonymous
// visitor may see: public and home notes, nothing hidden.

var sitePageTmpl = template.Must(template.New("site").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - misskeytest</title>
</head>
<body>
<header><p><a href="/">misskeytest</a>, a fake Misskey {{.Version}} instance (a real one shows its web client here).</p></header>
<main id="page">
<h1 id="title">{{.Title}}</h1>
{{- if .User}}
<p id="user"><img src="{{.User.Avatar}}" alt="" width="48" height="48"> <strong>{{.User.Name}}</strong> @{{.User.Username}} · {{.User.Notes}} notes</p>
{{- end}}
{{- range .Notes}}
<article class="note" id="note-{{.ID}}">
<p><a href="/@{{.Username}}">{{.Name}}</a> · <a href="/notes/{{.ID}}"><time datetime="{{.CreatedAt}}">{{.CreatedAt}}</time></a></p>
{{- if .CW}}<p class="cw">CW: {{.CW}}</p>{{end}}
{{- if .Text}}<p class="text">{{.Text}}</p>{{end}}
{{- range .Files}}<p><a href="{{.URL}}">{{.Name}}</a>{{if .Comment}}: {{.Comment}}{{end}}</p>{{end}}
</article>
{{- else}}
<p id="empty">{{.Empty}}</p>
{{- end}}
</main>
</body>
</html>
`))

type sitePage struct {
	Title, Version, Empty string
	User                  *sitePageUser
	Notes                 []sitePageNote
}

type sitePageUser struct {
	Name, Username, Avatar string
	Notes                  int
}

type sitePageNote struct {
	ID, Name, Username, CreatedAt, CW, Text string
	Files                                   []sitePageFile
}

type sitePageFile struct{ URL, Name, Comment string }

func (s *Server) writeSitePage(w http.ResponseWriter, status int, p sitePage) {
	p.Version = Version
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = sitePageTmpl.Execute(w, p)
}

// sitePageNote is n as the pages show it. Server.mu is held.
func (c *call) sitePageNote(n *noteRec) sitePageNote {
	p := sitePageNote{ID: n.id, Name: n.user.name, Username: n.user.username, CreatedAt: fmtTime(n.createdAt)}
	if p.Name == "" {
		p.Name = n.user.username
	}
	if n.cw != nil {
		p.CW = *n.cw
	}
	if n.text != nil {
		p.Text = *n.text
	} else if n.renoteID != nil {
		p.Text = "(a renote of " + c.origin + "/notes/" + *n.renoteID + ")"
	}
	for _, id := range n.fileIDs {
		if f := c.st().files[id]; f != nil {
			pf := sitePageFile{URL: c.origin + "/files/" + f.id, Name: f.name}
			if f.comment != nil {
				pf.Comment = *f.comment
			}
			p.Files = append(p.Files, pf)
		}
	}
	return p
}

// public reports whether an anonymous visitor sees n on the pages.
func public(n *noteRec) bool { return n.visibility == "public" || n.visibility == "home" }

// serveUserPage serves GET /@username (also /@username@host for this
// instance's host): the user and their newest 20 public notes.
func (s *Server) serveUserPage(w http.ResponseWriter, r *http.Request) {
	acct, ok := strings.CutPrefix(r.PathValue("page"), "@")
	if !ok || acct == "" {
		http.NotFound(w, r)
		return
	}
	name, host, _ := strings.Cut(acct, "@")
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, r: r, origin: origin(r)}
	u := s.st.byName[strings.ToLower(name)]
	if u == nil || (host != "" && !strings.EqualFold(host, r.Host)) {
		s.writeSitePage(w, http.StatusNotFound, sitePage{Title: "No such user", Empty: "There is no user @" + acct + " here."})
		return
	}
	p := sitePage{Title: u.name, Empty: "No public notes yet.",
		User: &sitePageUser{Name: u.name, Username: u.username, Avatar: c.avatarURL(u), Notes: s.st.notesCount(u)}}
	if p.Title == "" {
		p.Title = "@" + u.username
	}
	for _, n := range slices.Backward(s.st.notes) {
		if n.user == u && public(n) && len(p.Notes) < 20 {
			p.Notes = append(p.Notes, c.sitePageNote(n))
		}
	}
	s.writeSitePage(w, http.StatusOK, p)
}

// serveNotePage serves GET /notes/{id}: the note, when an anonymous
// visitor may see it.
func (s *Server) serveNotePage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, r: r, origin: origin(r)}
	n := s.st.noteByID[r.PathValue("id")]
	if n == nil || !public(n) {
		s.writeSitePage(w, http.StatusNotFound, sitePage{Title: "No such note", Empty: "This note does not exist, was deleted, or is not public."})
		return
	}
	name := n.user.name
	if name == "" {
		name = "@" + n.user.username
	}
	s.writeSitePage(w, http.StatusOK, sitePage{Title: "Note by " + name, Notes: []sitePageNote{c.sitePageNote(n)}})
}

// serveTagPage serves GET /tags/{tag}: the newest 20 public notes with
// that hashtag.
func (s *Server) serveTagPage(w http.ResponseWriter, r *http.Request) {
	tag := strings.ToLower(r.PathValue("tag"))
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, r: r, origin: origin(r)}
	p := sitePage{Title: "#" + r.PathValue("tag"), Empty: "No public notes with this hashtag."}
	for _, n := range slices.Backward(s.st.notes) {
		if n.visibility == "public" && slices.Contains(n.tags, tag) && len(p.Notes) < 20 {
			p.Notes = append(p.Notes, c.sitePageNote(n))
		}
	}
	s.writeSitePage(w, http.StatusOK, p)
}
