//go:build !js

package misskeytest

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// User is a user of the fake instance.
type User struct {
	ID       string
	Username string
	Name     string
	// Token is a native token of this user (like the web frontend's own
	// session token): it has every permission and may call "secure"
	// endpoints. It is not a MiAuth/app token.
	Token string
}

// epoch is where the fake clock starts.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// aidEpoch is Misskey's "aid" time origin, 2000-01-01T00:00:00Z.
var aidEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

type userRec struct {
	pub         *User
	id          string
	username    string
	name        string
	createdAt   time.Time
	following   map[string]bool // ids of users this user follows
	unreadNotes int             // unread notification count
}

type tokenRec struct {
	id        string
	token     string
	user      *userRec
	native    bool
	perms     []string
	name      string
	session   string
	fetched   bool
	createdAt time.Time
}

func (t *tokenRec) has(perm string) bool { return t.native || slices.Contains(t.perms, perm) }

type noteRec struct {
	id             string
	createdAt      time.Time
	user           *userRec
	text, cw       *string
	visibility     string
	visibleUserIDs []string
	mentions       []string
	fileIDs        []string
	replyID        *string
	renoteID       *string
	repliesCount   int
	renoteCount    int
	reactions      map[string]int
	reactedBy      map[string]string // user id -> reaction
	reactionOrder  []string          // reaction keys in first-use order
}

type fileRec struct {
	id          string
	createdAt   time.Time
	user        *userRec
	name        string
	typ         string
	data        []byte
	md5         string
	comment     *string
	isSensitive bool
}

type notifRec struct {
	id        string
	createdAt time.Time
	to        *userRec
	typ       string
	from      *userRec // nil for createToken
	noteID    string
	reaction  string
}

// state is the instance's data. Every access holds Server.mu.
type state struct {
	clock    int // seconds since epoch handed out so far
	seq      int
	rng      *rand.Rand
	users    []*userRec
	byName   map[string]*userRec // lower-cased username
	byID     map[string]*userRec
	tokens   map[string]*tokenRec // by token string
	notes    []*noteRec           // creation (= id) order
	noteByID map[string]*noteRec
	files    map[string]*fileRec
	notifs   []*notifRec
	miauth   []*tokenRec // tokens created for a MiAuth session, oldest first
	signedIn *userRec
	streams  *streamHub // streaming sockets (streaming.go); nil: none
}

func newState() *state {
	return &state{
		rng:      rand.New(rand.NewPCG(0x6d69736b, 0x65797465)),
		byName:   map[string]*userRec{},
		byID:     map[string]*userRec{},
		tokens:   map[string]*tokenRec{},
		noteByID: map[string]*noteRec{},
		files:    map[string]*fileRec{},
	}
}

// newID returns a fresh aid-like id and the creation time that goes with
// it: the fake clock advances one second per object, so ids sort in
// creation order.
func (st *state) newID() (string, time.Time) {
	t := epoch.Add(time.Duration(st.clock) * time.Second)
	st.clock++
	ms := t.Sub(aidEpoch).Milliseconds()
	id := fmt.Sprintf("%08s%02s", strconv.FormatInt(ms, 36), strconv.FormatInt(int64(st.seq%1296), 36))
	st.seq++
	return id, t
}

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newToken returns a fresh 32-character alphanumeric token.
func (st *state) newToken() string {
	for {
		b := make([]byte, 32)
		for i := range b {
			b[i] = tokenAlphabet[st.rng.IntN(len(tokenAlphabet))]
		}
		if _, dup := st.tokens[string(b)]; !dup {
			return string(b)
		}
	}
}

var usernameRE = regexp.MustCompile(`^\w{1,20}$`)

func (st *state) addUser(username, name string) *userRec {
	if !usernameRE.MatchString(username) {
		panic(fmt.Sprintf("misskeytest: invalid username %q (Misskey allows 1-20 of [A-Za-z0-9_])", username))
	}
	if st.byName[strings.ToLower(username)] != nil {
		panic(fmt.Sprintf("misskeytest: user %q already exists", username))
	}
	id, t := st.newID()
	u := &userRec{id: id, username: username, name: name, createdAt: t, following: map[string]bool{}}
	tok := &tokenRec{token: st.newToken(), user: u, native: true, createdAt: t}
	st.tokens[tok.token] = tok
	u.pub = &User{ID: id, Username: username, Name: name, Token: tok.token}
	st.users = append(st.users, u)
	st.byName[strings.ToLower(username)] = u
	st.byID[id] = u
	return u
}

func (st *state) issueToken(u *userRec, name, session string, perms []string) *tokenRec {
	id, t := st.newID()
	tok := &tokenRec{id: id, token: st.newToken(), user: u, perms: slices.Clone(perms), name: name, session: session, createdAt: t}
	if tok.perms == nil {
		tok.perms = []string{}
	}
	st.tokens[tok.token] = tok
	return tok
}

func (st *state) notify(to *userRec, typ string, from *userRec, noteID, reaction string) {
	id, t := st.newID()
	nf := &notifRec{id: id, createdAt: t, to: to, typ: typ, from: from, noteID: noteID, reaction: reaction}
	st.notifs = append(st.notifs, nf)
	to.unreadNotes++
	st.streams.notified(nf)
}

func (st *state) followersCount(u *userRec) int {
	n := 0
	for _, o := range st.users {
		if o.following[u.id] {
			n++
		}
	}
	return n
}

func (st *state) notesCount(u *userRec) int {
	n := 0
	for _, note := range st.notes {
		if note.user == u {
			n++
		}
	}
	return n
}

// canSee reports whether viewer (nil: anonymous) may see n's contents.
func (st *state) canSee(n *noteRec, viewer *userRec) bool {
	switch n.visibility {
	case "public", "home":
		return true
	case "followers":
		return viewer != nil && (viewer == n.user || viewer.following[n.user.id] || slices.Contains(n.mentions, viewer.id))
	default: // specified
		return viewer != nil && (viewer == n.user || slices.Contains(n.visibleUserIDs, viewer.id))
	}
}

var mentionRE = regexp.MustCompile(`(?:^|[^\w@])@(\w{1,20})\b(?:[^@.\w]|$|\.(?:\s|$))`)

// createNote stores a note and sends the notifications it causes. The
// caller has validated everything.
func (st *state) createNote(u *userRec, text, cw *string, visibility string, visibleUserIDs, fileIDs []string, replyID, renoteID *string) *noteRec {
	id, t := st.newID()
	n := &noteRec{
		id: id, createdAt: t, user: u, text: text, cw: cw, visibility: visibility,
		fileIDs: slices.Clone(fileIDs), replyID: replyID, renoteID: renoteID,
		reactions: map[string]int{}, reactedBy: map[string]string{},
	}
	if n.fileIDs == nil {
		n.fileIDs = []string{}
	}
	if text != nil {
		for _, m := range mentionRE.FindAllStringSubmatch(*text, -1) {
			if mu := st.byName[strings.ToLower(m[1])]; mu != nil && !slices.Contains(n.mentions, mu.id) {
				n.mentions = append(n.mentions, mu.id)
			}
		}
	}
	if visibility == "specified" {
		n.visibleUserIDs = slices.Clone(visibleUserIDs)
		for _, m := range n.mentions {
			if !slices.Contains(n.visibleUserIDs, m) {
				n.visibleUserIDs = append(n.visibleUserIDs, m)
			}
		}
		if n.visibleUserIDs == nil {
			n.visibleUserIDs = []string{}
		}
	}
	st.notes = append(st.notes, n)
	st.noteByID[id] = n
	st.streams.noteCreated(n)

	notified := map[string]bool{u.id: true}
	if replyID != nil {
		if p := st.noteByID[*replyID]; p != nil {
			p.repliesCount++
			if !notified[p.user.id] && st.canSee(n, p.user) {
				notified[p.user.id] = true
				st.notify(p.user, "reply", u, id, "")
			}
		}
	}
	if renoteID != nil {
		if p := st.noteByID[*renoteID]; p != nil {
			p.renoteCount++
			if !notified[p.user.id] {
				notified[p.user.id] = true
				typ := "renote"
				if text != nil || len(fileIDs) > 0 {
					typ = "quote"
				}
				st.notify(p.user, typ, u, id, "")
			}
		}
	}
	for _, m := range n.mentions {
		mu := st.byID[m]
		if !notified[m] && st.canSee(n, mu) {
			notified[m] = true
			st.notify(mu, "mention", u, id, "")
		}
	}
	return n
}

func (st *state) deleteNote(n *noteRec) {
	st.streams.noteUpdated(n, "deleted", map[string]any{"deletedAt": fmtTime(st.now())})
	delete(st.noteByID, n.id)
	st.notes = slices.DeleteFunc(st.notes, func(x *noteRec) bool { return x == n })
	if n.replyID != nil {
		if p := st.noteByID[*n.replyID]; p != nil && p.repliesCount > 0 {
			p.repliesCount--
		}
	}
	if n.renoteID != nil {
		if p := st.noteByID[*n.renoteID]; p != nil && p.renoteCount > 0 {
			p.renoteCount--
		}
	}
}

// now is the fake clock's current time, without advancing it.
func (st *state) now() time.Time { return epoch.Add(time.Duration(st.clock) * time.Second) }

// react makes u react to n with reaction (normalized first), as
// notes/reactions/create does: a different earlier reaction of u is
// replaced, the author is notified, and note subscribers get "unreacted"
// then "reacted". It reports false if u already reacted with the same one.
func (st *state) react(u *userRec, n *noteRec, reaction string) bool {
	r := normalizeReaction(reaction)
	if old, ok := n.reactedBy[u.id]; ok {
		if old == r {
			return false
		}
		// A different reaction replaces the old one, as on the real server.
		st.unreact(u, n)
	}
	n.reactedBy[u.id] = r
	if _, seen := n.reactions[r]; !seen {
		n.reactionOrder = append(n.reactionOrder, r)
	}
	n.reactions[r]++
	st.streams.noteUpdated(n, "reacted", map[string]any{"reaction": r, "emoji": nil, "userId": u.id})
	if n.user != u {
		st.notify(n.user, "reaction", u, n.id, r)
	}
	return true
}

// unreact removes u's reaction to n, as notes/reactions/delete does. It
// reports false if u had not reacted.
func (st *state) unreact(u *userRec, n *noteRec) bool {
	r, ok := n.reactedBy[u.id]
	if !ok {
		return false
	}
	delete(n.reactedBy, u.id)
	n.reactions[r]--
	st.streams.noteUpdated(n, "unreacted", map[string]any{"reaction": r, "userId": u.id})
	return true
}

func (st *state) addFile(u *userRec, name, typ string, data []byte, comment *string, sensitive bool) *fileRec {
	id, t := st.newID()
	sum := md5.Sum(data)
	f := &fileRec{id: id, createdAt: t, user: u, name: name, typ: typ, data: data, md5: hex.EncodeToString(sum[:]), comment: comment, isSensitive: sensitive}
	st.files[id] = f
	return f
}

// legacyReactions maps Misskey's old reaction names to their emoji.
var legacyReactions = map[string]string{
	"like": "👍", "love": "❤", "laugh": "😆", "hmm": "🤔", "surprise": "😮",
	"congrats": "🎉", "angry": "💢", "confused": "😥", "rip": "😇", "pudding": "🍮", "star": "⭐",
}

// normalizeReaction does what the real server does to a reaction string for
// an instance without custom emojis: legacy names become their emoji, other
// emoji stay, and anything else (custom emoji names, text) falls back to ❤.
func normalizeReaction(r string) string {
	if e, ok := legacyReactions[r]; ok {
		return e
	}
	if r == "" || strings.ContainsAny(r, ":@") {
		return "❤"
	}
	for _, c := range r {
		if c < 0x80 && c != '#' && c != '*' && !('0' <= c && c <= '9') {
			return "❤"
		}
	}
	return r
}
