//go:build !js

package misskeytest

// The endpoints a note's thread is read with: notes/children (its replies
// and quotes) and notes/conversation (the notes it replies to, nearest
// first).

var errNoSuchNoteConversation = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "e1035875-9551-45ec-afa8-1ded1fcb53c8"}

// epNoteChildren answers notes/children as the real endpoint: the notes
// that reply to noteId, and those that renote it with something of their
// own (a text, files or a poll: quotes, not pure renotes), that the
// caller may see, paged by id like the timelines (newest first, or with
// sinceId alone the oldest after it). An unknown noteId gives [], not an
// error.
func epNoteChildren(c *call) (any, *apiError) {
	st := c.st()
	id := c.params["noteId"].(string)
	var kids []*noteRec
	for _, n := range st.notes {
		reply := n.replyID != nil && *n.replyID == id
		quote := n.renoteID != nil && *n.renoteID == id && (n.text != nil || len(n.fileIDs) > 0 || n.poll != nil)
		if (reply || quote) && st.canSee(n, c.user) {
			kids = append(kids, n)
		}
	}
	since, until, limit := c.timelineWindow()
	out := []any{}
	for _, n := range page(kids, func(n *noteRec) string { return n.id }, since, until, limit) {
		out = append(out, c.note(n))
	}
	return out, nil
}

// epNoteConversation answers notes/conversation as the real endpoint: the
// note noteId replies to, the one that replies to, and so on (nearest
// first), skipping the first offset of them, at most limit (default 10),
// stopping at a deleted one. Notes the caller may not see are packed
// hidden, not left out.
func epNoteConversation(c *call) (any, *apiError) {
	st := c.st()
	n := st.noteByID[c.params["noteId"].(string)]
	if n == nil {
		return nil, errNoSuchNoteConversation
	}
	limit, offset := intOr(c.params, "limit", 10), intOr(c.params, "offset", 0)
	out := []any{}
	for i := 1; n.replyID != nil; i++ {
		p := st.noteByID[*n.replyID]
		if p == nil {
			break
		}
		if i > offset {
			out = append(out, c.note(p))
		}
		if len(out) == limit {
			break
		}
		n = p
	}
	return out, nil
}
