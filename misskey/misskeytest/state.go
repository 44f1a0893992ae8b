//go:build !js

package misskeytest

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
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

type userRec struct {
	pub       *User
	id        string
	username  string
	name      string
	createdAt time.Time
	following map[string]bool // ids of users this user follows
	// lastRead is the id of the newest notification when the user last
	// read them all (the real latestReadNotification), "" if never.
	lastRead string
	avatarID string // the drive file shown as the avatar (SetAvatar), "" for the identicon
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
	tags           []string // lower-cased hashtags of text, cw and poll choices
	replyID        *string
	renoteID       *string
	replyUser      *userRec // author of the reply target (note.replyUserId), kept after its deletion
	poll           *pollRec
	repliesCount   int
	renoteCount    int
	reactions      map[string]int    // stored reaction (":name:" for local custom emoji) -> count
	reactedBy      map[string]string // user id -> stored reaction
	reactionOrder  []string          // reaction keys in first-use order
	pairs          []string          // reactionAndUserPairCache: "userId/reaction", at most 16
}

// pairCacheMax is PER_NOTE_REACTION_USER_PAIR_CACHE_MAX.
const pairCacheMax = 16

type pollRec struct {
	choices   []string
	votes     []int
	multiple  bool
	expiresAt *time.Time
	voted     map[string][]int // user id -> the choices voted, in order
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
	reaction  string // stored reaction, for "reaction"
}

// state is the instance's data. Every access holds Server.mu.
type state struct {
	clock    func() time.Time // nil: time.Now (SetClock)
	lastMs   int64            // time part of the newest id, ms since aidEpoch
	seq      int              // counter part of the newest id
	rng      *rand.Rand
	users    []*userRec
	byName   map[string]*userRec // lower-cased username
	byID     map[string]*userRec
	tokens   map[string]*tokenRec // by token string
	notes    []*noteRec           // creation (= id) order
	noteByID map[string]*noteRec
	files    map[string]*fileRec
	notifs   []*notifRec
	emojis   []*emojiRec // local custom emoji, in the order added
	miauth   []*tokenRec // tokens created for a MiAuth session, oldest first
	signedIn *userRec
	streams  *streamHub     // streaming sockets (streaming.go); nil: none
	policy   map[string]any // SetPolicy's changes to the base policies
}

func newState() *state {
	st := &state{
		lastMs:   -1,
		rng:      rand.New(rand.NewPCG(0x6d69736b, 0x65797465)),
		byName:   map[string]*userRec{},
		byID:     map[string]*userRec{},
		tokens:   map[string]*tokenRec{},
		noteByID: map[string]*noteRec{},
		files:    map[string]*fileRec{},
	}
	st.seedEmojis()
	return st
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
	if from == to {
		return // the real server never notifies users of their own acts
	}
	id, t := st.newID()
	nf := &notifRec{id: id, createdAt: t, to: to, typ: typ, from: from, noteID: noteID, reaction: reaction}
	st.notifs = append(st.notifs, nf)
	st.streams.notified(nf)
}

// unread counts u's notifications newer than the last "read all", as
// the real getNotificationsInfo does.
func (st *state) unread(u *userRec) int {
	n := 0
	for i := len(st.notifs) - 1; i >= 0; i-- {
		nf := st.notifs[i]
		if nf.to != u {
			continue
		}
		if u.lastRead != "" && nf.id <= u.lastRead {
			break
		}
		n++
	}
	return n
}

// readAll marks every notification of u read, as the real
// NotificationService.readAllNotification: nothing happens when u has
// none; otherwise the newest becomes the last read, and main channels of
// u get "readAllNotifications" when there was something unread, or
// always with force (notifications/mark-all-as-read).
func (st *state) readAll(u *userRec, force bool) {
	var latest string
	for i := len(st.notifs) - 1; i >= 0; i-- {
		if st.notifs[i].to == u {
			latest = st.notifs[i].id
			break
		}
	}
	if latest == "" {
		return
	}
	prev := u.lastRead
	u.lastRead = latest
	if force || prev == "" || prev < latest {
		st.streams.mainEvent(u, "readAllNotifications", nil)
	}
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

// canSee reports whether viewer (nil: anonymous) may see n's contents,
// as the real NoteEntityService.isVisibleForMe: followers-only notes are
// visible to the author, followers, mentioned users and the author of
// the note replied to; specified notes to the author and the users
// named.
func (st *state) canSee(n *noteRec, viewer *userRec) bool {
	switch n.visibility {
	case "public", "home":
		return true
	case "followers":
		return viewer != nil && (viewer == n.user || viewer.following[n.user.id] ||
			slices.Contains(n.mentions, viewer.id) || (n.replyUser != nil && n.replyUser == viewer))
	default: // specified
		return viewer != nil && (viewer == n.user || slices.Contains(n.visibleUserIDs, viewer.id))
	}
}

// react makes u react to n with reaction (normalized first), as
// notes/reactions/create does: a different earlier reaction of u is
// replaced, the author is notified, and note subscribers get "unreacted"
// then "reacted". It reports false if u already reacted with the same one.
func (st *state) react(u *userRec, n *noteRec, reaction string) bool {
	r := st.normalizeReaction(reaction)
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
	if len(n.pairs) < pairCacheMax {
		n.pairs = append(n.pairs, u.id+"/"+r)
	}
	var emoji *emojiRec
	if name, ok := customEmojiName(r); ok {
		emoji = st.emoji(name)
	}
	st.streams.noteUpdated(n, "reacted", func(origin string) any {
		var e any
		if emoji != nil {
			e = map[string]any{"name": emoji.name + "@.", "url": emoji.url(origin)}
		}
		return map[string]any{"reaction": decodeReaction(r), "emoji": e, "userId": u.id}
	})
	st.notify(n.user, "reaction", u, n.id, r)
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
	n.pairs = slices.DeleteFunc(n.pairs, func(p string) bool { return p == u.id+"/"+r })
	st.streams.noteUpdated(n, "unreacted", func(string) any {
		return map[string]any{"reaction": decodeReaction(r), "userId": u.id}
	})
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

// reactionCustomRE is the real isCustomEmojiRegexp: ":name:" or
// ":name@.:" (a local custom emoji).
var reactionCustomRE = regexp.MustCompile(`^:([\w+-]+)(?:@\.)?:$`)

// normalizeReaction does what the real ReactionService.create does to a
// reaction string from a local user: the name of a custom emoji the
// instance has (":blobcat:" or ":blobcat@.:") is stored as ":blobcat:",
// legacy names become their emoji, other emoji stay, and anything else
// (unknown custom emoji, text) falls back to ❤.
func (st *state) normalizeReaction(r string) string {
	if m := reactionCustomRE.FindStringSubmatch(r); m != nil {
		if st.emoji(m[1]) != nil {
			return ":" + m[1] + ":"
		}
		return "❤"
	}
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

// customEmojiName returns the name of a stored custom emoji reaction.
func customEmojiName(r string) (string, bool) {
	if m := reactionCustomRE.FindStringSubmatch(r); m != nil {
		return m[1], true
	}
	return "", false
}

// decodeReaction is the real decodeReaction for a local instance: a
// custom emoji reaction is shown as ":name@.:"; others stay.
func decodeReaction(r string) string {
	if name, ok := customEmojiName(r); ok {
		return ":" + name + "@.:"
	}
	return r
}
