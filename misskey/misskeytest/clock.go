//go:build !js

package misskeytest

import (
	"strconv"
	"strings"
	"time"
)

// aidEpoch is Misskey's "aid" time origin, 2000-01-01T00:00:00Z.
var aidEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// aidNoise is how many ids one millisecond can hold: the two base36
// digits after the time.
const aidNoise = 36 * 36

// SetClock makes the server read the current time from now instead of
// time.Now; nil restores time.Now. It may be called at any time, also
// before Start or while requests are served. The clock stamps every
// object created from then on (users, tokens, notes, notifications,
// drive files: createdAt, and the time part of their ids), decides
// whether a poll has expired, and gives notes' deletedAt.
//
// Times are UTC with millisecond precision, as Misskey's ISO strings.
// Ids never go backwards: when now returns a time earlier than the
// newest object's (a clock set back, or a fixed clock), the new object
// gets the newest object's millisecond and a larger counter, and after
// 1296 objects in one millisecond the next millisecond, with createdAt
// matching its id as on the real server (which derives createdAt from
// the id). The seeded user alice is created by NewUnstartedServer with
// the clock of that moment (time.Now); a test that needs every
// timestamp fixed sets the clock and creates its own users.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.st.clock = now
	s.mu.Unlock()
}

// now is the clock's current time, UTC, truncated to the millisecond,
// without creating anything.
func (st *state) now() time.Time {
	f := st.clock
	if f == nil {
		f = time.Now
	}
	return time.UnixMilli(f().UnixMilli()).UTC()
}

// newID returns a fresh aid and the creation time that goes with it
// (the time its first 8 characters encode): 8 base36 digits of
// milliseconds since 2000-01-01, then 2 base36 digits of counter. Ids
// are strictly increasing in creation order.
func (st *state) newID() (string, time.Time) {
	ms := st.now().UnixMilli() - aidEpoch.UnixMilli()
	if ms < 0 {
		ms = 0
	}
	if ms <= st.lastMs {
		ms = st.lastMs
		st.seq++
		if st.seq >= aidNoise {
			ms++
			st.seq = 0
		}
	} else {
		st.seq = 0
	}
	st.lastMs = ms
	return aidAt(ms, st.seq), time.UnixMilli(aidEpoch.UnixMilli() + ms).UTC()
}

func aidAt(ms int64, seq int) string {
	return pad36(ms, 8) + pad36(int64(seq), 2)
}

func pad36(v int64, n int) string {
	s := strconv.FormatInt(v, 36)
	if len(s) < n {
		s = strings.Repeat("0", n-len(s)) + s
	}
	return s
}

// aidFromDate is the smallest aid of the millisecond t (Unix ms), as
// sinceDate and untilDate use it (the real server generates an id with
// a counter, so its boundary is fuzzy within the millisecond).
func aidFromDate(t int64) string {
	ms := t - aidEpoch.UnixMilli()
	if ms < 0 {
		ms = 0
	}
	return aidAt(ms, 0)
}
