package main

// Static files as the demo serves them: explicit MIME types, an ETag
// on every file, revalidation on every load, and a precompressed copy
// (name.br, name.gz beside the file) where the request accepts it.

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// precompressed are the content codings a file may have a copy in,
// beside it with the suffix, in the order preferred on a tie of q.
var precompressed = []struct{ coding, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// staticFiles serves a folder with explicit MIME types (the system's MIME
// table may lack .wasm, and instantiateStreaming needs application/wasm).
// Go files and tests in the folder are not served.
//
// Caching: every answer has an ETag (a hash of the bytes sent) and
// Cache-Control: no-cache, so the browser keeps the file but asks each
// time whether it changed, and gets a 304 without a body when not. A long
// max-age would be safe only for a name that changes with the content, and
// misskey.js and misskey.wasm keep their names (the page imports
// ./misskey.js; misskey.js finds ./misskey.wasm beside it): with a max-age
// a new build would run an old misskey.js with a new misskey.wasm, or the
// other way round, until the cache expired. A bundler's content-hashed
// copies (assets/misskey-1a2b3c.wasm) may be cached for good.
//
// Compression: when name.br or name.gz exists (make build writes
// misskey.wasm.br and .gz) and the request's Accept-Encoding allows it,
// that file is sent, with Content-Encoding, the Content-Type of name,
// and X-Decoded-Content-Length (the size of name itself, which misskey.js
// reports to onProgress as the total). Vary: Accept-Encoding is on every
// answer for a file that has a compressed copy.
func staticFiles(dir string) http.Handler {
	root := http.Dir(dir)
	var tags etags
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		if strings.HasSuffix(r.URL.Path, "/") {
			name = path.Join(name, "index.html")
		}
		if path.Ext(name) == ".go" || strings.Contains(name, "/testdata/") {
			http.NotFound(w, r)
			return
		}
		f, st, ok := openFile(root, name)
		if !ok {
			if d, err := root.Open(name); err == nil {
				isDir := false
				if s, err := d.Stat(); err == nil {
					isDir = s.IsDir()
				}
				d.Close()
				if isDir { // a folder without its slash: redirect, as http.FileServer does
					http.Redirect(w, r, path.Base(name)+"/", http.StatusMovedPermanently)
					return
				}
			}
			http.NotFound(w, r)
			return
		}
		defer func() { f.Close() }()
		h := w.Header()
		if t, ok := mimeTypes[path.Ext(name)]; ok {
			h.Set("Content-Type", t)
		} else if t := mime.TypeByExtension(path.Ext(name)); t != "" {
			h.Set("Content-Type", t)
		}
		h.Set("Cache-Control", "no-cache")

		size, served, sent := st.Size(), name, st // served: the file sent (name or its copy)
		accept := parseAcceptEncoding(r.Header.Get("Accept-Encoding"))
		best, bestQ := -1, 0.0
		for i, p := range precompressed {
			cf, cst, ok := openFile(root, name+p.suffix)
			if !ok {
				continue
			}
			cf.Close()
			h.Set("Vary", "Accept-Encoding")
			if q := accept.q(p.coding); q > bestQ && cst.ModTime().After(st.ModTime().Add(-time.Second)) {
				best, bestQ = i, q
			}
		}
		if best >= 0 {
			p := precompressed[best]
			if cf, cst, ok := openFile(root, name+p.suffix); ok {
				f.Close()
				f, sent, served = cf, cst, name+p.suffix
				h.Set("Content-Encoding", p.coding)
				h.Set("X-Decoded-Content-Length", strconv.FormatInt(size, 10))
				// ServeContent leaves Content-Length out when Content-Encoding
				// is set (for handlers that compress as they write); this copy
				// is the body as it is, so its length is known. A range
				// request gets its own Content-Length from ServeContent.
				h.Set("Content-Length", strconv.FormatInt(cst.Size(), 10))
			}
		}
		if tag, err := tags.of(root, served, sent); err == nil {
			h.Set("ETag", tag)
		}
		http.ServeContent(w, r, name, sent.ModTime(), f)
	})
}

// openFile opens a regular file of root.
func openFile(root http.FileSystem, name string) (http.File, os.FileInfo, bool) {
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, false
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, false
	}
	return f, st, true
}

// etags remembers the ETag of each file, a hash of its bytes, while its
// size and time stay the same.
type etags struct {
	mu sync.Mutex
	m  map[string]etag
}

type etag struct {
	size int64
	mod  time.Time
	tag  string
}

func (e *etags) of(root http.FileSystem, name string, st os.FileInfo) (string, error) {
	e.mu.Lock()
	if t, ok := e.m[name]; ok && t.size == st.Size() && t.mod.Equal(st.ModTime()) {
		e.mu.Unlock()
		return t.tag, nil
	}
	e.mu.Unlock()
	f, err := root.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hash := sha256.New()
	if _, err := io.Copy(hash, f); err != nil {
		return "", err
	}
	tag := `"` + hex.EncodeToString(hash.Sum(nil)[:16]) + `"`
	e.mu.Lock()
	if e.m == nil {
		e.m = map[string]etag{}
	}
	e.m[name] = etag{st.Size(), st.ModTime(), tag}
	e.mu.Unlock()
	return tag, nil
}

// acceptEncoding is a parsed Accept-Encoding header: each coding's q.
type acceptEncoding map[string]float64

// parseAcceptEncoding reads "br;q=1.0, gzip;q=0.8, *;q=0" (RFC 9110
// 12.5.3); a coding without q has q=1, a malformed q counts as 0.
func parseAcceptEncoding(v string) acceptEncoding {
	a := acceptEncoding{}
	for _, part := range strings.Split(v, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		a[coding] = q
	}
	return a
}

// q is how much the request accepts coding: its own q, else that of *,
// else 0.
func (a acceptEncoding) q(coding string) float64 {
	if q, ok := a[coding]; ok {
		return q
	}
	if q, ok := a["*"]; ok {
		return q
	}
	return 0
}
