//go:build !js

package misskeytest

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"slices"
)

// FileOptions describes a drive file for AddFileWith, with the meaning
// of drive/files/create's fields.
type FileOptions struct {
	Name        string // "" for "untitled"
	ContentType string // "" to sniff it from Data
	Data        []byte
	Comment     string // the file's caption (alt text), "" for none
	Sensitive   bool   // isSensitive: clients hide it until asked
}

// AddFileWith stores a drive file of u, as drive/files/create would with
// these fields, and returns its id, for NoteOptions.FileIDs or SetAvatar.
func (s *Server) AddFileWith(u *User, f FileOptions) (id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.rec(u, "AddFileWith")
	typ, name := f.ContentType, f.Name
	if typ == "" {
		typ = detectType(f.Data)
	}
	if name == "" {
		name = "untitled"
	}
	var comment *string
	if f.Comment != "" {
		comment = &f.Comment
	}
	return s.st.addFile(rec, name, typ, slices.Clone(f.Data), comment, f.Sensitive).id
}

// SetAvatar makes u's drive file fileID (AddFile, AddFileWith) u's
// avatar, as i/update with avatarId does: avatarUrl is then the file's
// URL (the real server sends it through its media proxy) and i's
// avatarId the file's id. "" goes back to the identicon. It panics for a
// file that is not u's.
func (s *Server) SetAvatar(u *User, fileID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.rec(u, "SetAvatar")
	if fileID != "" {
		if f := s.st.files[fileID]; f == nil || f.user != rec {
			panic("misskeytest: SetAvatar: no drive file " + fileID + " of " + u.Username)
		}
	}
	rec.avatarID = fileID
}

// avatarID is i's avatarId: the avatar's file id, or null.
func avatarID(st *state, u *userRec) any {
	if st.files[u.avatarID] != nil {
		return u.avatarID
	}
	return nil
}

// identiconColors are the gradients of Misskey's gen-identicon.
var identiconColors = [][2]color.RGBA{
	{{0xFF, 0x51, 0x2F, 0xFF}, {0xDD, 0x24, 0x76, 0xFF}},
	{{0xFF, 0x61, 0xD2, 0xFF}, {0xFE, 0x90, 0x90, 0xFF}},
	{{0x72, 0xFF, 0xB6, 0xFF}, {0x10, 0xD1, 0x64, 0xFF}},
	{{0xFD, 0x84, 0x51, 0xFF}, {0xFF, 0xBD, 0x6F, 0xFF}},
	{{0x30, 0x51, 0x70, 0xFF}, {0x6D, 0xFC, 0x6B, 0xFF}},
	{{0x00, 0xC0, 0xFF, 0xFF}, {0x42, 0x18, 0xB8, 0xFF}},
	{{0x00, 0x92, 0x45, 0xFF}, {0xFC, 0xEE, 0x21, 0xFF}},
	{{0x66, 0x2D, 0x8C, 0xFF}, {0xED, 0x1E, 0x79, 0xFF}},
}

// identicon draws the avatar of a user without one, like Misskey's
// gen-identicon: a 128 px square with a diagonal gradient and a
// symmetric 5×5 pattern of white cells, both chosen by seed.
func identicon(seed string) []byte {
	h := fnv.New64a()
	h.Write([]byte(seed))
	bits := h.Sum64()
	next := func(n uint64) uint64 {
		v := bits % n
		bits = bits/n ^ bits<<7 ^ 0x9e3779b97f4a7c15
		return v
	}
	pair := identiconColors[next(uint64(len(identiconColors)))]
	var cells [5][5]bool
	for x := 0; x < 3; x++ {
		for y := 0; y < 5; y++ {
			cells[x][y] = next(3) == 0
			cells[4-x][y] = cells[x][y]
		}
	}
	const size, margin, cell = 128, 24, 16
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	mix := func(a, b uint8, f float64) uint8 { return uint8(float64(a)*(1-f) + float64(b)*f) }
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			f := float64(x+y) / (2 * size)
			c := color.RGBA{mix(pair[0].R, pair[1].R, f), mix(pair[0].G, pair[1].G, f), mix(pair[0].B, pair[1].B, f), 0xFF}
			cx, cy := (x-margin)/cell, (y-margin)/cell
			if x >= margin && y >= margin && cx < 5 && cy < 5 && cells[cx][cy] {
				c = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// serveIdenticon serves GET /identicon/{id}: the identicon of that seed
// (the fake's avatarUrl uses the user's id).
func (s *Server) serveIdenticon(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "max-age=31536000, immutable")
	w.Write(identicon(r.PathValue("id")))
}
