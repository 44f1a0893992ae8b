//go:build !js

package misskeytest

import "slices"

// The four note timelines, as the real endpoints answer them with the
// fanout (Redis) timelines a default 2025.11.1 server uses. With one
// local instance and no channels, lists, mutes or blocks, each comes
// down to which notes it holds:
//
//   - home (notes/timeline): the viewer's own notes, and the notes of the
//     users the viewer follows that the viewer may see, except their
//     replies to other users (a reply to the viewer, or to themself,
//     stays) and replies to a followers-only note of a user the viewer
//     does not follow;
//   - local (notes/local-timeline): public notes that are not replies to
//     other users, plus, for a signed-in viewer, public replies to them;
//     withReplies: every public note; withFiles: the public non-replies
//     with files;
//   - hybrid (notes/hybrid-timeline, "social"): home and local together,
//     each note once;
//   - global (notes/global-timeline): every public note, replies
//     included.
//
// Who follows whom is read when the timeline is asked for, not when the
// note was posted (the real fanout pushes notes when they are created;
// its database fallback reads follows at query time, as here).

// timelineProps are the parameters every timeline takes.
var timelineProps = append(append([]prop{}, pagingProps...),
	prop{name: "sinceDate", typ: "integer"},
	prop{name: "untilDate", typ: "integer"},
	prop{name: "allowPartial", typ: "boolean"},
	prop{name: "withFiles", typ: "boolean"},
	prop{name: "withRenotes", typ: "boolean"},
)

// homeProps are notes/timeline's extra parameters (and hybrid's).
var homeProps = []prop{
	{name: "includeMyRenotes", typ: "boolean"},
	{name: "includeRenotedMyNotes", typ: "boolean"},
	{name: "includeLocalRenotes", typ: "boolean"},
}

func props(groups ...[]prop) []prop {
	var out []prop
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var (
	errLocalBothRepliesFiles  = &apiError{message: "Specifying both withReplies and withFiles is not supported", code: "BOTH_WITH_REPLIES_AND_WITH_FILES", id: "dd9c8400-1cb5-4eef-8a31-200c5f933793"}
	errHybridBothRepliesFiles = &apiError{message: "Specifying both withReplies and withFiles is not supported", code: "BOTH_WITH_REPLIES_AND_WITH_FILES", id: "dfaa3eb7-8002-4cb7-bcc4-1095df46656f"}
)

// isReplyTo is the real isReply(note, viewerId): n replies to a user
// other than its author and viewer.
func isReplyTo(n *noteRec, viewer *userRec) bool {
	return n.replyID != nil && n.replyUser != n.user && (viewer == nil || n.replyUser != viewer)
}

// inHome reports whether n is on me's home timeline (see above).
func (st *state) inHome(me *userRec, n *noteRec) bool {
	if n.user == me {
		return true
	}
	if !me.following[n.user.id] || isReplyTo(n, me) {
		return false
	}
	if n.visibility == "specified" && !slices.Contains(n.visibleUserIDs, me.id) {
		return false
	}
	return st.replyFilter(me, n)
}

// replyFilter is the home and hybrid timelines' noteFilter: a reply to
// a followers-only note of a user me does not follow is left out.
func (st *state) replyFilter(me *userRec, n *noteRec) bool {
	if n.user == me || n.replyID == nil {
		return true
	}
	p := st.noteByID[*n.replyID]
	return p == nil || p.visibility != "followers" || p.user == me || me.following[p.user.id]
}

// inLocal reports whether n is on the local timeline of me (nil:
// anonymous).
func inLocal(me *userRec, n *noteRec, withReplies, withFiles bool) bool {
	if n.visibility != "public" {
		return false
	}
	switch {
	case withFiles:
		return len(n.fileIDs) > 0 && !isReplyTo(n, nil)
	case withReplies:
		return true
	default:
		return !isReplyTo(n, nil) || (me != nil && n.replyUser == me)
	}
}

// timelineWindow reads the paging parameters: sinceId/untilId, or
// sinceDate/untilDate (Unix ms) when the id is absent.
func (c *call) timelineWindow() (since, until string, limit int) {
	since, _ = str(c.params, "sinceId")
	until, _ = str(c.params, "untilId")
	if d := intOr(c.params, "sinceDate", 0); since == "" && d != 0 {
		since = aidFromDate(int64(d))
	}
	if d := intOr(c.params, "untilDate", 0); until == "" && d != 0 {
		until = aidFromDate(int64(d))
	}
	return since, until, intOr(c.params, "limit", 10)
}

// timeline answers the notes include keeps, paged as the real
// timelines: with sinceId alone, the oldest notes after it, oldest
// first; otherwise newest first. Without withRenotes, pure renotes are
// left out.
func (c *call) timeline(include func(*noteRec) bool) []any {
	withRenotes := boolOr(c.params, "withRenotes", true)
	var notes []*noteRec
	for _, n := range c.st().notes {
		if include(n) && (withRenotes || !isPureRenote(n)) {
			notes = append(notes, n)
		}
	}
	since, until, limit := c.timelineWindow()
	out := []any{}
	for _, n := range page(notes, func(n *noteRec) string { return n.id }, since, until, limit) {
		out = append(out, c.note(n))
	}
	return out
}

func epHomeTimeline(c *call) (any, *apiError) {
	st, me := c.st(), c.user
	withFiles := boolOr(c.params, "withFiles", false)
	return c.timeline(func(n *noteRec) bool {
		return st.inHome(me, n) && (!withFiles || len(n.fileIDs) > 0)
	}), nil
}

func epLocalTimeline(c *call) (any, *apiError) {
	me := c.user
	if !c.st().allows("ltlAvailable") {
		return nil, errLTLDisabled
	}
	withReplies, withFiles := boolOr(c.params, "withReplies", false), boolOr(c.params, "withFiles", false)
	if withReplies && withFiles {
		return nil, errLocalBothRepliesFiles
	}
	return c.timeline(func(n *noteRec) bool { return inLocal(me, n, withReplies, withFiles) }), nil
}

func epHybridTimeline(c *call) (any, *apiError) {
	st, me := c.st(), c.user
	if !st.allows("ltlAvailable") {
		return nil, errSTLDisabled
	}
	withReplies, withFiles := boolOr(c.params, "withReplies", false), boolOr(c.params, "withFiles", false)
	if withReplies && withFiles {
		return nil, errHybridBothRepliesFiles
	}
	return c.timeline(func(n *noteRec) bool {
		home := st.inHome(me, n) && (!withFiles || len(n.fileIDs) > 0)
		return home || (inLocal(me, n, withReplies, withFiles) && st.replyFilter(me, n))
	}), nil
}

func epGlobalTimeline(c *call) (any, *apiError) {
	if !c.st().allows("gtlAvailable") {
		return nil, errGTLDisabled
	}
	withFiles := boolOr(c.params, "withFiles", false)
	if !boolOr(c.params, "withRenotes", true) {
		// The global timeline's own query: a renote without text, files
		// or poll is a renote, whatever its cw or reply.
		c.params["withRenotes"] = true
		return c.timeline(func(n *noteRec) bool {
			renote := n.renoteID != nil && n.text == nil && len(n.fileIDs) == 0 && n.poll == nil
			return n.visibility == "public" && (!withFiles || len(n.fileIDs) > 0) && !renote
		}), nil
	}
	return c.timeline(func(n *noteRec) bool {
		return n.visibility == "public" && (!withFiles || len(n.fileIDs) > 0)
	}), nil
}
