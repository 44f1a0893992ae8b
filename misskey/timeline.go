package misskey

import (
	"strconv"
	"sync"
)

// A live timeline: a page of notes from the REST API, kept current through
// the stream. Its notes are always ordered newest first, each id once:
// after its channel is connected, after every reconnect, and on Catchup, it
// asks the REST endpoint for what came after its newest note (sinceId,
// paging until caught up), so that notes that came while the socket was
// down are not lost; a note that arrives both ways is kept once.
//
// Order is by id, compared as strings, as Misskey itself compares them:
// its ids (aid, aidx, meid, ulid, objectid) are fixed-width per server and
// begin with the time.

// TimelineSource names a timeline: Kind is "home", "local", "social",
// "global", "antenna", "list", "channel", "hashtag" or "user"; ID is the
// antenna, list, channel or user id, or the tag (without #).
type TimelineSource struct {
	Kind string
	ID   string
}

// timelineKind is how a source is read and followed.
type timelineKind struct {
	endpoint, channel string
	idParam           string // the REST endpoint's param for the source's ID ("" when it takes none)
	channelParam      string // the channel's param for it ("" when none)
}

// kindOf is how a source is read and followed (a search of a static
// array, not a map: no table to build at start-up).
func kindOf(kind string) (timelineKind, bool) {
	for _, k := range timelineKinds {
		if k.name == kind {
			return k.timelineKind, true
		}
	}
	return timelineKind{}, false
}

var timelineKinds = [...]struct {
	name string
	timelineKind
}{
	{"home", timelineKind{endpoint: "notes/timeline", channel: "homeTimeline"}},
	{"local", timelineKind{endpoint: "notes/local-timeline", channel: "localTimeline"}},
	{"social", timelineKind{endpoint: "notes/hybrid-timeline", channel: "hybridTimeline"}},
	{"global", timelineKind{endpoint: "notes/global-timeline", channel: "globalTimeline"}},
	{"antenna", timelineKind{endpoint: "antennas/notes", channel: "antenna", idParam: "antennaId", channelParam: "antennaId"}},
	{"list", timelineKind{endpoint: "notes/user-list-timeline", channel: "userList", idParam: "listId", channelParam: "listId"}},
	{"channel", timelineKind{endpoint: "channels/timeline", channel: "channel", idParam: "channelId", channelParam: "channelId"}},
	{"hashtag", timelineKind{endpoint: "notes/search-by-tag", channel: "hashtag", idParam: "tag"}},
	// Misskey has no channel of a user's notes: a user's timeline is
	// caught up by Catchup only.
	{"user", timelineKind{endpoint: "users/notes", idParam: "userId"}},
}

// TimelineOptions tune a Timeline; zero values mean the defaults.
type TimelineOptions struct {
	// Params are further params of the REST endpoint and the channel, a
	// JSON object ({"withRenotes":false}); nil for none.
	Params []byte
	// Limit is the size of a page (default 20, at most 100).
	Limit int
	// MaxNotes bounds the notes kept (default 1,000): beyond it the oldest
	// are dropped, so More stops once the timeline holds MaxNotes notes.
	MaxNotes int
	// MaxSubscriptions bounds the notes followed for updates (reactions,
	// votes, deletion): the newest ones (default 100).
	MaxSubscriptions int
	// MaxBackfillPages bounds one catch-up (default 5 pages of Limit notes):
	// a larger gap is not filled; the timeline starts again from the newest
	// page and tells of the gap.
	MaxBackfillPages int
	// MeID is the id of the token's user, for myReaction and isVoted when
	// the user reacts or votes elsewhere; "" asks the server ("i") once.
	MeID string
}

// FeedItem is one item of a timeline (a note) or of the notifications.
type FeedItem struct {
	ID string
	// Raw is its JSON, as the server packed it, with the updates applied.
	Raw []byte
	// appear is the id of the note it shows (a pure renote's renoted
	// note), once known.
	appear string
}

// FeedUpdate is one batch of changes to a feed's items. Applied in this
// order to a copy of the items, it gives the new items: remove Removed
// (their indices in the old items, descending), insert Added (indices in
// the new items, ascending), replace Changed (indices in the new items).
type FeedUpdate struct {
	Removed []FeedRemoval
	Added   []FeedChange
	Changed []FeedChange
}

// FeedRemoval is a removed item: its id and its index in the old items.
type FeedRemoval struct {
	ID    string
	Index int
}

// FeedChange is an added or changed item and its index in the new items.
type FeedChange struct {
	FeedItem
	Index int
}

func (u *FeedUpdate) empty() bool { return len(u.Removed)+len(u.Added)+len(u.Changed) == 0 }

// FeedEvents receive a feed's news, on the stream's goroutine, one at a
// time; any may be nil.
type FeedEvents struct {
	Update func(FeedUpdate)
	// Gap reports a catch-up after a reconnect (or Catchup): filled, or a
	// gap too large to fill (filled false; err when the catch-up failed).
	Gap func(filled bool, err error)
	// Unread reports the count of unread notifications (Notifications only).
	Unread func(n int)
}

// feed is the list both Timeline and Notifications keep: items newest
// first, each id once, at most max. It is only changed on the stream's
// goroutine.
type feed struct {
	items []FeedItem
	max   int
}

// insert merges items (in any order, duplicates allowed) and returns the
// additions with their final indices; items beyond max are dropped from
// the end and returned as removals.
func (f *feed) insert(in []FeedItem, u *FeedUpdate) {
	var add []FeedItem
	for _, it := range in {
		if it.ID != "" && !f.has(it.ID) {
			add = append(add, it)
		}
	}
	if len(add) == 0 {
		return
	}
	// Newest first, each once: a merge of the sorted additions into the items.
	sortDesc(add)
	k := 0
	for _, it := range add {
		if k == 0 || it.ID != add[k-1].ID {
			add[k] = it
			k++
		}
	}
	add = add[:k]
	merged := make([]FeedItem, 0, len(f.items)+len(add))
	added := map[string]bool{}
	i, j := 0, 0
	for i < len(f.items) || j < len(add) {
		if j < len(add) && (i == len(f.items) || add[j].ID > f.items[i].ID) {
			added[add[j].ID] = true
			merged = append(merged, add[j])
			j++
		} else {
			merged = append(merged, f.items[i])
			i++
		}
	}
	old := len(f.items)
	if len(merged) > f.max {
		// The oldest beyond max go: the old ones among them are removals
		// (at their old indices, which, being the last, stayed in order).
		for k := len(merged) - 1; k >= f.max; k-- {
			if !added[merged[k].ID] {
				old--
				u.Removed = append(u.Removed, FeedRemoval{ID: merged[k].ID, Index: old})
			}
		}
		merged = merged[:f.max]
	}
	for k, it := range merged {
		if added[it.ID] {
			u.Added = append(u.Added, FeedChange{FeedItem: it, Index: k})
		}
	}
	f.items = merged
}

// remove removes the items whose ids match.
func (f *feed) remove(match func(FeedItem) bool, u *FeedUpdate) {
	kept := f.items[:0:0]
	for i, it := range f.items {
		if match(it) {
			u.Removed = append(u.Removed, FeedRemoval{ID: it.ID, Index: i})
		} else {
			kept = append(kept, it)
		}
	}
	// Descending indices, as FeedUpdate says.
	for a, b := 0, len(u.Removed)-1; a < b; a, b = a+1, b-1 {
		u.Removed[a], u.Removed[b] = u.Removed[b], u.Removed[a]
	}
	f.items = kept
}

// has reports whether an item has this id: a binary search of the items,
// which are in descending order of id.
func (f *feed) has(id string) bool {
	lo, hi := 0, len(f.items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if f.items[m].ID > id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(f.items) && f.items[lo].ID == id
}

// sortDesc sorts items newest (greatest id) first: an insertion sort, for
// the small batches a page brings, without generic sort code in the wasm.
func sortDesc(items []FeedItem) {
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].ID > items[j-1].ID; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}

func (f *feed) newest() string {
	if len(f.items) == 0 {
		return ""
	}
	return f.items[0].ID
}

func (f *feed) oldest() string {
	if len(f.items) == 0 {
		return ""
	}
	return f.items[len(f.items)-1].ID
}

// snapshot copies the items.
func (f *feed) snapshot() []FeedItem { return append([]FeedItem(nil), f.items...) }

// parseItems reads a page: a JSON array of objects with a string id.
// Anything else in it is dropped.
func parseItems(body []byte) ([]FeedItem, bool) {
	raw, err := jsonArray(body)
	if err != nil {
		return nil, false
	}
	out := make([]FeedItem, 0, len(raw))
	for _, r := range raw {
		if id := itemID(r); id != "" {
			out = append(out, FeedItem{ID: id, Raw: append([]byte(nil), r...)})
		}
	}
	return out, true
}

// itemID is the string id of a JSON object, "" when it has none.
func itemID(raw []byte) string {
	f, err := jsonObject(raw)
	if err != nil {
		return ""
	}
	id, _ := jsonString(f["id"])
	if !validSession(id) { // ids are made of letters and digits
		return ""
	}
	return id
}

// live is what Timeline and Notifications share: a feed read page by page
// from a REST endpoint and kept current through a stream channel, caught
// up after every reconnect. It is only changed on the stream's goroutine,
// but for the snapshot its readers see.
type live struct {
	want     map[string]bool // resubscribe's, kept between calls
	c        *Client
	s        *Stream
	ev       FeedEvents
	limit    int
	pages    int
	maxSubs  int
	endpoint string
	params   []jsonMember // of every page, besides limit, sinceId, untilId
	chName   string       // the stream channel ("" for none)
	chParams []byte
	notes    bool // notes: followed for updates (subNote)
	notifs   bool // notifications: counted unread

	feed      feed
	channel   string // the channel's id on the stream
	connected int
	subs      map[string]bool
	filling   bool
	again     bool
	closed    bool
	end       bool
	me        string
	unread    int
	unsub     func()

	mu   sync.Mutex // guards what readers see: the items as of the last event
	snap []FeedItem
	nsub int
	nun  int
}

func clampInt(v, def, lo, hi int) int {
	if v == 0 {
		v = def
	}
	return min(max(v, lo), hi)
}

// on runs f on the stream's goroutine and waits for it: never call it from
// there (an event's function).
func (l *live) on(f func()) {
	done := make(chan struct{})
	l.s.do(func() {
		f()
		close(done)
	})
	<-done
}

// fetch sends one page's call (off the stream's goroutine): the newest page,
// the page after sinceID (Misskey answers its oldest first) or before untilID.
func (l *live) fetch(sinceID, untilID string, cancel Canceler) ([]FeedItem, error) {
	members := append([]jsonMember(nil), l.params...)
	members = append(members, jsonMember{"limit", []byte(strconv.Itoa(l.limit))})
	if sinceID != "" {
		members = append(members, jsonMember{"sinceId", appendJSONString(nil, sinceID)})
	}
	if untilID != "" {
		members = append(members, jsonMember{"untilId", appendJSONString(nil, untilID)})
	}
	k, err := l.c.NewCall(l.endpoint, appendJSONMembers(nil, members))
	if err != nil {
		return nil, err
	}
	out := k.Send(cancel)
	if out.Err != nil {
		return nil, out.Err
	}
	items, ok := parseItems(out.Body)
	if !ok {
		return nil, l.c.fail(l.endpoint, &Error{Code: CodeInvalidResponse, Status: 200, Message: "the answer is not an array"})
	}
	if len(items) > l.limit { // a server that sends more than asked
		sortDesc(items)
		if sinceID != "" && untilID == "" {
			items = items[len(items)-l.limit:] // the oldest after sinceId
		} else {
			items = items[:l.limit]
		}
	}
	return items, nil
}

// load reads who the user is (for myReaction, isVoted) and the unread
// count, then the newest page, and follows the channel.
func (l *live) load(cancel Canceler) error {
	if l.c.Token != "" && (l.me == "" || l.notifs) {
		k, err := l.c.NewCall("i", nil)
		if err != nil {
			return err
		}
		out := k.Send(cancel)
		if out.Err != nil && l.notifs {
			return out.Err
		}
		if f, err := jsonObject(out.Body); err == nil {
			if l.me == "" {
				l.me, _ = jsonString(f["id"])
			}
			l.unread = jsonInt(f["unreadNotificationsCount"])
		}
	}
	items, err := l.fetch("", "", cancel)
	if err != nil {
		return err
	}
	l.on(func() {
		if l.closed {
			return
		}
		var u FeedUpdate
		l.feed.remove(func(FeedItem) bool { return true }, &u)
		l.feed.insert(items, &u)
		l.end = len(items) < l.limit
		l.emit(&u, true)
		if l.channel == "" && l.chName != "" {
			l.follow()
		}
	})
	return nil
}

// follow connects the channel and listens to the stream.
func (l *live) follow() {
	l.unsub = l.s.Subscribe(StreamHandler{
		Channel: func(id, typ string, body []byte) {
			if id != l.channel || l.closed {
				return
			}
			switch {
			case typ == "readAllNotifications" && l.notifs:
				l.unread = 0
				l.emit(&FeedUpdate{}, true)
			case typ == "note" && l.notes, typ == "notification" && l.notifs:
				if nid := itemID(body); nid != "" {
					var u FeedUpdate
					l.feed.insert([]FeedItem{{ID: nid, Raw: append([]byte(nil), body...)}}, &u)
					if l.notifs && len(u.Added) > 0 {
						l.unread++
					}
					l.emit(&u, len(u.Added) > 0)
				}
			}
		},
		Message: func(typ string, body []byte) {
			if l.closed {
				return
			}
			switch typ {
			case "connected":
				if f, err := jsonObject(body); err == nil {
					if id, _ := jsonString(f["id"]); id == l.channel {
						l.connected++
						l.catchup(l.connected > 1)
					}
				}
			case "noteUpdated":
				if l.notes {
					l.noteUpdated(body)
				}
			}
		},
	})
	if id, err := l.s.Connect(l.chName, l.chParams); err == nil {
		l.channel = id
	}
}

// catchUp asks, on the stream's goroutine, for what came after the newest item.
func (l *live) catchUp() {
	l.s.do(func() {
		if !l.closed {
			l.catchup(true)
		}
	})
}

// catchup backfills from the newest item, on a worker goroutine; report
// says whether Gap hears of it (not for the first connect).
func (l *live) catchup(report bool) {
	if l.filling {
		l.again = true
		return
	}
	l.filling = true
	since := l.feed.newest()
	go func() {
		items, filled, err := backfillFeed(since, l.limit, l.pages, l.fetch)
		l.s.do(func() {
			l.filling = false
			if l.closed {
				return
			}
			var u FeedUpdate
			if err == nil && !filled { // too large: start again from the newest page
				l.feed.remove(func(FeedItem) bool { return true }, &u)
				l.end = false
			}
			l.feed.insert(items, &u)
			if l.notifs && since != "" {
				l.unread += len(u.Added) // came while away
			}
			l.emit(&u, len(u.Added) > 0)
			// A catch-up after a reconnect is told of; the first one, after
			// Load, only when it could not fill the gap.
			if (report || !filled || err != nil) && l.ev.Gap != nil {
				l.ev.Gap(filled && err == nil, err)
			}
			if l.again {
				l.again = false
				l.catchup(report)
			}
		})
	}()
}

// backfillFeed pages forward from since until caught up, pages at most;
// filled false means the gap was larger: the items are then the newest
// page instead. A server that ignores sinceId, repeats or disorders items
// cannot make it loop: it stops when a page brings nothing newer.
func backfillFeed(since string, limit, pages int, fetch func(since, until string, cancel Canceler) ([]FeedItem, error)) ([]FeedItem, bool, error) {
	if since == "" {
		items, err := fetch("", "", nil)
		return items, true, err
	}
	var items []FeedItem
	cursor := since
	for range pages {
		page, err := fetch(cursor, "", nil)
		if err != nil {
			return items, false, err
		}
		next := cursor
		for _, it := range page {
			if it.ID > cursor {
				items = append(items, it)
				next = max(next, it.ID)
			}
		}
		if len(page) < limit || next == cursor {
			return items, true, nil
		}
		cursor = next
	}
	newest, err := fetch("", "", nil)
	return newest, false, err
}

// more reads the page older than the oldest item; false at the end (a
// short page), or once the feed holds its most.
func (l *live) more(cancel Canceler) (bool, error) {
	var until string
	var end bool
	l.on(func() { until, end = l.feed.oldest(), l.end || len(l.feed.items) >= l.feed.max })
	if end {
		return false, nil
	}
	items, err := l.fetch("", until, cancel)
	if err != nil {
		return false, err
	}
	more := true
	l.on(func() {
		var u FeedUpdate
		l.feed.insert(items, &u)
		l.emit(&u, false)
		if len(items) < l.limit || len(u.Added) == 0 || len(l.feed.items) >= l.feed.max {
			l.end = true
		}
		more = !l.end
	})
	return more, nil
}

// items returns the items as of the last event.
func (l *live) items() []FeedItem {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]FeedItem(nil), l.snap...)
}

// close stops following: the channel is disconnected and the notes'
// subscriptions released. The stream stays open.
func (l *live) close() {
	l.on(func() {
		if l.closed {
			return
		}
		l.closed = true
		if l.unsub != nil {
			l.unsub()
		}
		if l.channel != "" {
			l.s.Disconnect(l.channel)
		}
		for id := range l.subs {
			l.s.unsubNote(id)
		}
		l.subs = nil
	})
}

// emit reports u (and the unread count when it may have changed) and
// keeps the subscriptions to the newest notes.
func (l *live) emit(u *FeedUpdate, unread bool) {
	if l.notes {
		l.resubscribe()
	}
	l.mu.Lock()
	l.snap, l.nsub, l.nun = l.feed.snapshot(), len(l.subs), l.unread
	l.mu.Unlock()
	if !u.empty() && l.ev.Update != nil {
		l.ev.Update(*u)
	}
	if l.notifs && unread && l.ev.Unread != nil {
		l.ev.Unread(l.unread)
	}
}

// resubscribe follows the newest maxSubs notes (the note a pure renote
// shows, for a renote), and no other.
func (l *live) resubscribe() {
	want := l.want
	if want == nil {
		want = map[string]bool{}
		l.want = want
	}
	clear(want)
	for i := range min(l.maxSubs, len(l.feed.items)) {
		want[l.appearAt(i)] = true
	}
	for id := range l.subs {
		if !want[id] {
			delete(l.subs, id)
			l.s.unsubNote(id)
		}
	}
	for id := range want {
		if !l.subs[id] {
			l.subs[id] = true
			l.s.subNote(id)
		}
	}
}

// appearAt is the appear id of item i, parsed once per item (not once per
// update: a reaction, edit or vote changes none of what it depends on).
func (l *live) appearAt(i int) string {
	it := &l.feed.items[i]
	if it.appear == "" {
		it.appear = appearID(it.Raw, it.ID)
	}
	return it.appear
}

// noteUpdated applies {id, type, body} to the notes that show that note.
func (l *live) noteUpdated(body []byte) {
	f, err := jsonObject(body)
	if err != nil {
		return
	}
	id, _ := jsonString(f["id"])
	typ, _ := jsonString(f["type"])
	if id == "" || !l.subs[id] {
		return
	}
	ev, _ := jsonObject(f["body"])
	var u FeedUpdate
	if typ == "deleted" {
		for i := range l.feed.items {
			l.appearAt(i)
		}
		l.feed.remove(func(it FeedItem) bool { return it.ID == id || it.appear == id }, &u)
		l.emit(&u, false)
		return
	}
	for i, it := range l.feed.items {
		var raw []byte
		switch {
		case it.ID == id:
			raw = patchNote(it.Raw, typ, ev, l.me)
		case l.appearAt(i) == id:
			if rf, err := jsonObject(it.Raw); err == nil && rf["renote"] != nil {
				if nr := patchNote(rf["renote"], typ, ev, l.me); nr != nil {
					raw = jsonWith(it.Raw, "renote", nr)
				}
			}
		}
		if raw != nil {
			l.feed.items[i].Raw = raw
			u.Changed = append(u.Changed, FeedChange{FeedItem: l.feed.items[i], Index: i})
		}
	}
	l.emit(&u, false)
}

// Timeline is a live, ordered, de-duplicated view of a timeline.
type Timeline struct{ l live }

// NewTimeline makes the timeline of src for c, live through s (one stream
// can serve many timelines). Nothing is sent before Load.
func NewTimeline(c *Client, s *Stream, src TimelineSource, opts TimelineOptions, ev FeedEvents) (*Timeline, error) {
	kind, ok := kindOf(src.Kind)
	if !ok {
		return nil, invalidArgument("timeline %q is not one of home, local, social, global, antenna, list, channel, hashtag, user", src.Kind)
	}
	if kind.idParam != "" && (src.ID == "" || len(src.ID) > 256 || src.Kind != "hashtag" && !validSession(src.ID)) {
		return nil, invalidArgument("a "+src.Kind+" timeline needs an id (got %q)", src.ID)
	}
	if s == nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "a timeline needs a stream"}
	}
	var params []jsonMember
	if len(opts.Params) > 0 {
		m, err := jsonMembers(opts.Params)
		if err != nil {
			return nil, &Error{Code: CodeInvalidArgument, Message: "timeline params must be a JSON object"}
		}
		params = m
	}
	ch := append([]jsonMember(nil), params...)
	if kind.channelParam != "" {
		ch = append(ch, jsonMember{kind.channelParam, appendJSONString(nil, src.ID)})
	}
	if src.Kind == "hashtag" {
		ch = append(ch, jsonMember{"q", append(appendJSONString([]byte("[["), src.ID), "]]"...)})
	}
	if kind.idParam != "" {
		params = append(params, jsonMember{kind.idParam, appendJSONString(nil, src.ID)})
	}
	limit := clampInt(opts.Limit, 20, 1, 100)
	return &Timeline{l: live{
		c: c, s: s, ev: ev, limit: limit,
		pages:    clampInt(opts.MaxBackfillPages, 5, 1, 100),
		maxSubs:  clampInt(opts.MaxSubscriptions, 100, 0, 1000),
		endpoint: kind.endpoint, params: params,
		chName: kind.channel, chParams: appendJSONMembers(nil, ch),
		notes: true, me: opts.MeID, subs: map[string]bool{},
		feed: feed{max: clampInt(opts.MaxNotes, 1000, limit, 100000)},
	}}, nil
}

// Load reads the newest page and then follows the timeline live. A second
// Load reads the newest page again. cancel (nil: never) gives up. Load,
// More and Close wait for the stream's goroutine: call them from your own
// goroutine, never from an event's function.
func (t *Timeline) Load(cancel Canceler) error { return t.l.load(cancel) }

// More reads the page older than the oldest note; it reports false at the
// end of the timeline, or when the timeline holds MaxNotes notes.
func (t *Timeline) More(cancel Canceler) (bool, error) { return t.l.more(cancel) }

// Catchup asks the REST endpoint now for what came after the newest note
// (the page came back online or to the foreground: the socket may have
// been down without telling); Gap reports how it went.
func (t *Timeline) Catchup() { t.l.catchUp() }

// Notes returns the notes, newest first, as of the last Update.
func (t *Timeline) Notes() []FeedItem { return t.l.items() }

// Subscriptions is how many notes the timeline follows for updates.
func (t *Timeline) Subscriptions() int {
	t.l.mu.Lock()
	defer t.l.mu.Unlock()
	return t.l.nsub
}

// Close stops following: the channel is disconnected and the notes'
// subscriptions released. The stream stays open.
func (t *Timeline) Close() { t.l.close() }

// NotificationsOptions tune a Notifications feed; zero values mean the
// defaults.
type NotificationsOptions struct {
	// Limit is the size of a page (default 20, at most 100).
	Limit int
	// MaxItems bounds the notifications kept (default 500).
	MaxItems int
	// MaxBackfillPages bounds one catch-up (default 5).
	MaxBackfillPages int
}

// Notifications is a live view of the user's notifications: i/notifications
// (read without marking them read), then the main channel's "notification"
// messages, caught up after every reconnect like a Timeline. Unread counts
// the unread ones: the server's count at Load, plus each new one, reset by
// MarkAllRead and by the server's readAllNotifications.
type Notifications struct{ l live }

// NewNotifications makes the notifications feed of c's user, live through s.
func NewNotifications(c *Client, s *Stream, opts NotificationsOptions, ev FeedEvents) (*Notifications, error) {
	if s == nil || c.Token == "" {
		return nil, &Error{Code: CodeInvalidArgument, Message: "notifications need a stream and a client with a token"}
	}
	limit := clampInt(opts.Limit, 20, 1, 100)
	return &Notifications{l: live{
		c: c, s: s, ev: ev, limit: limit,
		pages:    clampInt(opts.MaxBackfillPages, 5, 1, 100),
		endpoint: "i/notifications", params: []jsonMember{{"markAsRead", []byte("false")}},
		chName: "main", chParams: []byte("{}"), notifs: true,
		feed: feed{max: clampInt(opts.MaxItems, 500, limit, 100000)},
	}}, nil
}

// Load reads the unread count and the newest page (leaving it unread),
// then follows the main channel. Call it (and More, MarkAllRead, Close)
// from your own goroutine.
func (n *Notifications) Load(cancel Canceler) error { return n.l.load(cancel) }

// More reads the page older than the oldest notification; false at the end.
func (n *Notifications) More(cancel Canceler) (bool, error) { return n.l.more(cancel) }

// Catchup asks for what came after the newest notification now.
func (n *Notifications) Catchup() { n.l.catchUp() }

// Items returns the notifications, newest first, as of the last event.
func (n *Notifications) Items() []FeedItem { return n.l.items() }

// Unread is the count of unread notifications.
func (n *Notifications) Unread() int {
	n.l.mu.Lock()
	defer n.l.mu.Unlock()
	return n.l.nun
}

// MarkAllRead marks every notification read (notifications/mark-all-as-read).
func (n *Notifications) MarkAllRead(cancel Canceler) error {
	k, err := n.l.c.NewCall("notifications/mark-all-as-read", nil)
	if err != nil {
		return err
	}
	if out := k.Send(cancel); out.Err != nil {
		return out.Err
	}
	n.l.on(func() {
		n.l.unread = 0
		n.l.emit(&FeedUpdate{}, true)
	})
	return nil
}

// Close stops following the main channel; the stream stays open.
func (n *Notifications) Close() { n.l.close() }

// appearID is the note a note shows: the renoted one for a pure renote
// (no text, files or poll of its own), else itself.
func appearID(raw []byte, id string) string {
	f, err := jsonObject(raw)
	if err != nil {
		return id
	}
	rid, _ := jsonString(f["renoteId"])
	if rid == "" || !isNull(f["text"]) || !isEmptyArray(f["fileIds"]) || !isNull(f["poll"]) {
		return id
	}
	return rid
}

func isNull(raw []byte) bool { return len(raw) == 0 || string(raw) == "null" }

func isEmptyArray(raw []byte) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return true
	}
	items, err := jsonArray(raw)
	return err == nil && len(items) == 0
}

// patchNote applies a noteUpdated event to a note's JSON; nil when it
// changes nothing.
func patchNote(note []byte, typ string, ev map[string][]byte, me string) []byte {
	f, err := jsonObject(note)
	if err != nil {
		return nil
	}
	userID, _ := jsonString(ev["userId"])
	mine := me != "" && userID == me
	switch typ {
	case "reacted", "unreacted":
		reaction, _ := jsonString(ev["reaction"])
		if reaction == "" {
			return nil
		}
		counts, _ := jsonMembers(f["reactions"])
		delta := 1
		if typ == "unreacted" {
			delta = -1
		}
		found := false
		for i := range counts {
			if counts[i].name == reaction {
				counts[i].value = []byte(strconv.Itoa(jsonInt(counts[i].value) + delta))
				found = true
			}
		}
		if !found && delta > 0 {
			counts = append(counts, jsonMember{reaction, []byte("1")})
		}
		kept := counts[:0]
		for _, c := range counts {
			if jsonInt(c.value) > 0 {
				kept = append(kept, c)
			}
		}
		out := jsonWith(note, "reactions", appendJSONMembers(nil, kept))
		out = jsonWith(out, "reactionCount", []byte(strconv.Itoa(max(jsonInt(f["reactionCount"])+delta, 0))))
		if emoji, err := jsonObject(ev["emoji"]); err == nil && delta > 0 {
			name, _ := jsonString(emoji["name"])
			url, _ := jsonString(emoji["url"])
			if name != "" && url != "" {
				emojis, _ := jsonMembers(f["reactionEmojis"])
				emojis = append(emojis, jsonMember{name, appendJSONString(nil, url)})
				out = jsonWith(out, "reactionEmojis", appendJSONMembers(nil, emojis))
			}
		}
		if mine {
			if delta > 0 {
				out = jsonWith(out, "myReaction", appendJSONString(nil, reaction))
			} else {
				out = jsonWith(out, "myReaction", []byte("null"))
			}
		}
		return out
	case "pollVoted":
		poll, err := jsonObject(f["poll"])
		if err != nil {
			return nil
		}
		choices, err := jsonArray(poll["choices"])
		choice := jsonInt(ev["choice"])
		if err != nil || choice < 0 || choice >= len(choices) {
			return nil
		}
		c := choices[choice]
		cf, err := jsonObject(c)
		if err != nil {
			return nil
		}
		c = jsonWith(c, "votes", []byte(strconv.Itoa(jsonInt(cf["votes"])+1)))
		if mine {
			c = jsonWith(c, "isVoted", []byte("true"))
		}
		var arr []byte
		arr = append(arr, '[')
		for i, ch := range choices {
			if i > 0 {
				arr = append(arr, ',')
			}
			if i == choice {
				ch = c
			}
			arr = append(arr, ch...)
		}
		arr = append(arr, ']')
		return jsonWith(note, "poll", jsonWith(f["poll"], "choices", arr))
	case "updated":
		out := note
		for _, k := range []string{"text", "cw"} {
			if v, ok := ev[k]; ok {
				out = jsonWith(out, k, v)
			}
		}
		return out
	}
	return nil
}
