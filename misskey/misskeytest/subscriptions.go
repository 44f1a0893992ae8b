//go:build !js

package misskeytest

// NoteSubscriptions is how many notes the open streaming sockets follow
// (subNote), summed over the sockets: a client's bound on what it asks the
// server to send can be checked with it.
func (s *Server) NoteSubscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.streams.conns {
		n += len(c.subs)
	}
	return n
}
