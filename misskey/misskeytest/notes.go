//go:build !js

package misskeytest

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// NoteOptions describes a note for PostNoteWith, with the meaning of
// notes/create's parameters. The zero value is an empty public note
// (PostNoteWith refuses it: a note needs text, files, a renote or a
// poll).
type NoteOptions struct {
	Text string // "" for none
	CW   string // content warning, "" for none
	// Visibility is "public" (the default for ""), "home", "followers"
	// or "specified".
	Visibility string
	// VisibleUserIDs are the users a "specified" note is addressed to
	// (besides the users it mentions, who are notified).
	VisibleUserIDs []string
	ReplyID        string   // the note replied to, "" for none
	RenoteID       string   // the note renoted (quoted when there is other content), "" for none
	FileIDs        []string // drive files of the author (AddFile, drive/files/create)
	Poll           *Poll
}

// Poll is a poll attached to a note (NoteOptions.Poll).
type Poll struct {
	Choices  []string // 2 to 10 distinct, non-empty choices of at most 50 characters
	Multiple bool     // whether a user may vote for several choices
	// ExpiresAt is when voting ends; the zero time means never. It is
	// compared with the server's clock (SetClock).
	ExpiresAt time.Time
}

// PostNoteWith creates a note by u as notes/create would, with its
// effects (mentions, reply, renote and quote notifications, streaming
// messages), and returns its id. It panics, like a programming error,
// for a nil or unknown user and for options notes/create refuses (the
// panic names the error code), e.g. an unknown ReplyID.
func (s *Server) PostNoteWith(u *User, opts NoteOptions) (id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.rec(u, "PostNoteWith")
	in := noteInput{visibility: opts.Visibility, visibleUserIDs: opts.VisibleUserIDs, fileIDs: opts.FileIDs}
	if in.visibility == "" {
		in.visibility = "public"
	}
	if !slices.Contains(visibilities, in.visibility) {
		panic(fmt.Sprintf("misskeytest: PostNoteWith: visibility %q is not one of %v", in.visibility, visibilities))
	}
	if opts.Text != "" {
		in.text = &opts.Text
	}
	if opts.CW != "" {
		in.cw = &opts.CW
	}
	if opts.ReplyID != "" {
		in.replyID = &opts.ReplyID
	}
	if opts.RenoteID != "" {
		in.renoteID = &opts.RenoteID
	}
	if p := opts.Poll; p != nil {
		if err := checkChoices(p.Choices); err != nil {
			panic("misskeytest: PostNoteWith: " + err.Error())
		}
		in.poll = &pollInput{choices: p.Choices, multiple: p.Multiple}
		if !p.ExpiresAt.IsZero() {
			t := time.UnixMilli(p.ExpiresAt.UnixMilli()).UTC()
			in.poll.expiresAt = &t
		}
	}
	n, aerr := s.st.postNote(rec, in)
	if aerr != nil {
		panic(fmt.Sprintf("misskeytest: PostNoteWith: %s (%s)", aerr.message, aerr.code))
	}
	return n.id
}

func checkChoices(choices []string) error {
	if len(choices) < 2 || len(choices) > 10 {
		return fmt.Errorf("a poll has 2 to 10 choices, not %d", len(choices))
	}
	for i, c := range choices {
		if c == "" || len([]rune(c)) > 50 {
			return fmt.Errorf("poll choice %q is empty or longer than 50 characters", c)
		}
		if slices.Contains(choices[:i], c) {
			return fmt.Errorf("poll choice %q is given twice", c)
		}
	}
	return nil
}

// Vote makes u vote for choice (0-based) in the poll of the note noteID,
// as notes/polls/vote does: the count goes up and subNote subscribers
// get noteUpdated "pollVoted" {choice, userId}. It fails with the
// endpoint's error code in the message (NO_SUCH_NOTE, NO_POLL,
// ALREADY_EXPIRED, INVALID_CHOICE, ALREADY_VOTED).
func (s *Server) Vote(u *User, noteID string, choice int) error {
	if u == nil {
		return errors.New("misskeytest: Vote: nil user")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.st.byID[u.ID]
	if rec == nil {
		return fmt.Errorf("misskeytest: Vote: unknown user %q", u.Username)
	}
	n := s.st.noteByID[noteID]
	if n == nil {
		return fmt.Errorf("misskeytest: Vote: no such note %q (NO_SUCH_NOTE)", noteID)
	}
	if aerr := s.st.vote(rec, n, choice); aerr != nil {
		return fmt.Errorf("misskeytest: Vote: %s (%s)", aerr.message, aerr.code)
	}
	return nil
}

// AddFile stores a drive file of u, as drive/files/create would (with
// contentType as its type, sniffed when empty), and returns its id, for
// NoteOptions.FileIDs.
func (s *Server) AddFile(u *User, name, contentType string, data []byte) (id string) {
	return s.AddFileWith(u, FileOptions{Name: name, ContentType: contentType, Data: data})
}

// rec returns the record of u, panicking for nil or unknown users.
// Server.mu is held.
func (s *Server) rec(u *User, fn string) *userRec {
	if u == nil {
		panic("misskeytest: " + fn + ": nil user")
	}
	rec := s.st.byID[u.ID]
	if rec == nil {
		panic(fmt.Sprintf("misskeytest: %s: unknown user %q", fn, u.Username))
	}
	return rec
}

// Note-creation errors, with the real codes and ids.
var (
	errCannotReRenote        = &apiError{message: "You can not Renote a pure Renote.", code: "CANNOT_RENOTE_TO_A_PURE_RENOTE", id: "fd4cc33e-2a37-48dd-99cc-9b806eb2031a"}
	errRenoteVisibility      = &apiError{message: "You can not Renote due to target visibility.", code: "CANNOT_RENOTE_DUE_TO_VISIBILITY", id: "be9529e9-fe72-4de0-ae43-0b363c4938af"}
	errReplyInvisible        = &apiError{message: "You cannot reply to an invisible Note.", code: "CANNOT_REPLY_TO_AN_INVISIBLE_NOTE", id: "b98980fa-3780-406c-a935-b6d0eeee10d1"}
	errReplyPureRenote       = &apiError{message: "You can not reply to a pure Renote.", code: "CANNOT_REPLY_TO_A_PURE_RENOTE", id: "3ac74a84-8fd5-4bb0-870f-01804f82ce15"}
	errReplySpecifiedExtends = &apiError{message: "You cannot reply to a specified visibility note with extended visibility.", code: "CANNOT_REPLY_TO_SPECIFIED_VISIBILITY_NOTE_WITH_EXTENDED_VISIBILITY", id: "ed940410-535c-4d5e-bfa3-af798671e93c"}
	errPollExpired           = &apiError{message: "Poll is already expired.", code: "CANNOT_CREATE_ALREADY_EXPIRED_POLL", id: "04da457d-b083-4055-9082-955525eda5a5"}

	errNoSuchNoteVote = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "ecafbd2e-c283-4d6d-aecb-1a0a33b75396"}
	errNoPoll         = &apiError{message: "The note does not attach a poll.", code: "NO_POLL", id: "5f979967-52d9-4314-a911-1c673727f92f"}
	errInvalidChoice  = &apiError{message: "Choice ID is invalid.", code: "INVALID_CHOICE", id: "e0cc9a04-f2e8-41e4-a5f1-4127293260cc"}
	errAlreadyVoted   = &apiError{message: "You have already voted.", code: "ALREADY_VOTED", id: "0963fc77-efac-419b-9424-b391608dc6d8"}
	errAlreadyExpired = &apiError{message: "The poll is already expired.", code: "ALREADY_EXPIRED", id: "1022a357-b085-4054-9083-8f8de358337e"}
)

// noteInput is a note to create, as notes/create's parameters.
type noteInput struct {
	text, cw          *string
	visibility        string
	visibleUserIDs    []string
	fileIDs           []string
	replyID, renoteID *string
	poll              *pollInput
}

type pollInput struct {
	choices   []string
	multiple  bool
	expiresAt *time.Time
}

// isQuoteNote is the real isQuote for a note with a renote: it has a
// text, cw, reply, poll or files.
func isQuoteNote(n *noteRec) bool {
	return n.text != nil || n.cw != nil || n.replyID != nil || n.poll != nil || len(n.fileIDs) > 0
}

// isPureRenote reports whether n renotes another note and has nothing of
// its own (the real isRenote && !isQuote).
func isPureRenote(n *noteRec) bool { return n.renoteID != nil && !isQuoteNote(n) }

// postNote checks in like notes/create (NoteCreateService.fetchAndCreate
// and create) and creates the note. Server.mu is held.
func (st *state) postNote(u *userRec, in noteInput) (*noteRec, *apiError) {
	for _, id := range in.fileIDs {
		if f := st.files[id]; f == nil || f.user != u {
			return nil, errNoSuchFile
		}
	}
	var renote, reply *noteRec
	if in.renoteID != nil {
		renote = st.noteByID[*in.renoteID]
		switch {
		case renote == nil:
			return nil, errNoSuchRenoteTarget
		case isPureRenote(renote):
			return nil, errCannotReRenote
		case renote.visibility == "followers" && renote.user != u, renote.visibility == "specified":
			return nil, errRenoteVisibility
		}
	}
	if in.replyID != nil {
		reply = st.noteByID[*in.replyID]
		switch {
		case reply == nil:
			return nil, errNoSuchReplyTarget
		case isPureRenote(reply):
			return nil, errReplyPureRenote
		case !st.canSee(reply, u):
			return nil, errReplyInvisible
		case reply.visibility == "specified" && in.visibility != "specified":
			return nil, errReplySpecifiedExtends
		}
	}
	if in.poll != nil && in.poll.expiresAt != nil && in.poll.expiresAt.Before(st.now()) {
		return nil, errPollExpired
	}
	if in.text != nil {
		t := strings.TrimSpace(*in.text)
		in.text = &t
		if t == "" {
			in.text = nil
		}
	}
	if in.text == nil && len(in.fileIDs) == 0 && renote == nil && in.poll == nil {
		return nil, errContentRequired
	}
	if renote != nil {
		switch renote.visibility {
		case "home":
			if in.visibility == "public" {
				in.visibility = "home"
			}
		case "followers":
			in.visibility = "followers"
		}
	}
	if reply != nil && reply.visibility != "public" && in.visibility == "public" {
		in.visibility = "home"
	}
	return st.createNote(u, in, reply, renote), nil
}

var mentionRE = regexp.MustCompile(`(?:^|[^\w@])@(\w{1,20})\b(?:[^@.\w]|$|\.(?:\s|$))`)

// createNote stores a note and sends what the real NoteCreateService
// sends, in its order: the note to timeline channels, "mention" to each
// mentioned user's main channel, "reply" to the author replied to,
// "renote" to the author renoted, then the notifications. The caller has
// validated everything. Server.mu is held.
func (st *state) createNote(u *userRec, in noteInput, reply, renote *noteRec) *noteRec {
	id, t := st.newID()
	n := &noteRec{
		id: id, createdAt: t, user: u, text: in.text, cw: in.cw, visibility: in.visibility,
		fileIDs:   slices.Clone(in.fileIDs),
		reactions: map[string]int{}, reactedBy: map[string]string{},
	}
	if n.fileIDs == nil {
		n.fileIDs = []string{}
	}
	if reply != nil {
		n.replyID, n.replyUser = &reply.id, reply.user
	}
	if renote != nil {
		n.renoteID = &renote.id
	}
	if p := in.poll; p != nil {
		n.poll = &pollRec{choices: slices.Clone(p.choices), votes: make([]int, len(p.choices)), multiple: p.multiple, expiresAt: p.expiresAt, voted: map[string][]int{}}
	}
	// Mentions, hashtags: from the text, the cw and the poll choices.
	var sources []string
	for _, s := range []*string{in.text, in.cw} {
		if s != nil {
			sources = append(sources, *s)
		}
	}
	if in.poll != nil {
		sources = append(sources, in.poll.choices...)
	}
	var rawTags []string
	for _, src := range sources {
		for _, m := range mentionRE.FindAllStringSubmatch(src, -1) {
			if mu := st.byName[strings.ToLower(m[1])]; mu != nil && !slices.Contains(n.mentions, mu.id) {
				n.mentions = append(n.mentions, mu.id)
			}
		}
		for _, m := range hashtagRE.FindAllStringSubmatch(src, -1) {
			if !slices.Contains(rawTags, m[1]) {
				rawTags = append(rawTags, m[1])
			}
		}
	}
	for _, tag := range rawTags {
		n.tags = append(n.tags, strings.ToLower(tag))
	}
	// The author replied to counts as mentioned; a specified note's
	// users are mentioned too, and it is visible to the author replied
	// to.
	if reply != nil && reply.user != u && !slices.Contains(n.mentions, reply.user.id) {
		n.mentions = append(n.mentions, reply.user.id)
	}
	if in.visibility == "specified" {
		n.visibleUserIDs = []string{}
		for _, vid := range in.visibleUserIDs {
			if st.byID[vid] != nil && !slices.Contains(n.visibleUserIDs, vid) {
				n.visibleUserIDs = append(n.visibleUserIDs, vid)
			}
		}
		for _, vid := range n.visibleUserIDs {
			if !slices.Contains(n.mentions, vid) {
				n.mentions = append(n.mentions, vid)
			}
		}
		if reply != nil && !slices.Contains(n.visibleUserIDs, reply.user.id) {
			n.visibleUserIDs = append(n.visibleUserIDs, reply.user.id)
		}
	}
	st.notes = append(st.notes, n)
	st.noteByID[id] = n
	if reply != nil {
		reply.repliesCount++
	}
	if renote != nil && renote.user != u {
		renote.renoteCount++
	}

	h := st.streams
	h.noteCreated(n)
	// NotificationManager: one notification per user, a reply or renote
	// replacing a mention.
	type queued struct {
		to  *userRec
		typ string
	}
	var queue []*queued
	push := func(to *userRec, typ string) {
		if to == u {
			return
		}
		for _, q := range queue {
			if q.to == to {
				if typ != "mention" {
					q.typ = typ
				}
				return
			}
		}
		queue = append(queue, &queued{to, typ})
	}
	for _, mid := range n.mentions {
		mu := st.byID[mid]
		h.mainEvent(mu, "mention", func(c *call) any { return c.packNote(n, packOpts{viewer: mu, detail: true}) })
		push(mu, "mention")
	}
	if reply != nil {
		push(reply.user, "reply")
		h.mainEvent(reply.user, "reply", func(c *call) any { return c.streamNote(n) })
	}
	if renote != nil {
		typ := "renote"
		if isQuoteNote(n) {
			typ = "quote"
		}
		push(renote.user, typ)
		if renote.user != u {
			h.mainEvent(renote.user, "renote", func(c *call) any { return c.streamNote(n) })
		}
	}
	for _, q := range queue {
		st.notify(q.to, q.typ, u, id, "")
	}
	return n
}

// deleteNote deletes n as notes/delete does: the note replied to loses a
// reply; replies and renotes of n stay (with reply or renote null).
func (st *state) deleteNote(n *noteRec) {
	st.streams.noteUpdated(n, "deleted", func(string) any { return map[string]any{"deletedAt": fmtTime(st.now())} })
	delete(st.noteByID, n.id)
	st.notes = slices.DeleteFunc(st.notes, func(x *noteRec) bool { return x == n })
	if n.replyID != nil {
		if p := st.noteByID[*n.replyID]; p != nil && p.repliesCount > 0 {
			p.repliesCount--
		}
	}
}

// vote records u's vote as notes/polls/vote does, with its checks in
// its order. Server.mu is held.
func (st *state) vote(u *userRec, n *noteRec, choice int) *apiError {
	p := n.poll
	if p == nil {
		return errNoPoll
	}
	if p.expiresAt != nil && p.expiresAt.Before(st.now()) {
		return errAlreadyExpired
	}
	if choice < 0 || choice >= len(p.choices) {
		return errInvalidChoice
	}
	if mine := p.voted[u.id]; len(mine) > 0 && (!p.multiple || slices.Contains(mine, choice)) {
		return errAlreadyVoted
	}
	p.voted[u.id] = append(p.voted[u.id], choice)
	p.votes[choice]++
	st.streams.noteUpdated(n, "pollVoted", func(string) any {
		return map[string]any{"choice": choice, "userId": u.id}
	})
	return nil
}
