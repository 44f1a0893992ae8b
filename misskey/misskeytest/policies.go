//go:build !js

package misskeytest

import (
	"fmt"
	"maps"
)

// Role policies: what users may do. The fake has no roles; SetPolicy
// changes the base policies every user gets, as an administrator
// changes the base role's.

var (
	errLTLDisabled = &apiError{message: "Local timeline has been disabled.", code: "LTL_DISABLED", id: "45a6eb02-7695-4393-b023-dd3be9aaaefd"}
	errSTLDisabled = &apiError{message: "Hybrid timeline has been disabled.", code: "STL_DISABLED", id: "620763f4-f621-4533-ab33-0577a1a3c342"}
	errGTLDisabled = &apiError{message: "Global timeline has been disabled.", code: "GTL_DISABLED", id: "0332fc13-6ab2-4427-ae80-a9fadffd1a6b"}
)

// SetPolicy sets the base role's policy name (one of Misskey's
// DEFAULT_POLICIES, e.g. "ltlAvailable" or "gtlAvailable") to value, for
// every user and for anonymous callers: meta's and i's "policies" say so,
// and the policies the fake enforces follow it. With ltlAvailable false,
// notes/local-timeline answers LTL_DISABLED and notes/hybrid-timeline
// STL_DISABLED; with gtlAvailable false, notes/global-timeline answers
// GTL_DISABLED; and the streaming channels localTimeline and
// hybridTimeline (globalTimeline) connected meanwhile deliver nothing, as
// on the real server, which still confirms them (connected) when asked.
// It panics for a name that is not a policy, like a programming error.
func (s *Server) SetPolicy(name string, value any) {
	if _, ok := defaultPolicies()[name]; !ok {
		panic(fmt.Sprintf("misskeytest: SetPolicy: %q is not a policy of Misskey %s", name, Version))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.policy == nil {
		s.st.policy = map[string]any{}
	}
	s.st.policy[name] = value
}

// policies are the base policies with SetPolicy's changes.
func (st *state) policies() map[string]any {
	p := defaultPolicies()
	maps.Copy(p, st.policy)
	return p
}

// allows reports whether the boolean policy name is true.
func (st *state) allows(name string) bool {
	v, _ := st.policies()[name].(bool)
	return v
}

// channelAllowed reports whether a streaming channel opened now may
// deliver notes: the real timeline channels' init returns early when the
// user's policies do not allow their timeline.
func (st *state) channelAllowed(name string) bool {
	switch name {
	case "localTimeline", "hybridTimeline":
		return st.allows("ltlAvailable")
	case "globalTimeline":
		return st.allows("gtlAvailable")
	}
	return true
}
