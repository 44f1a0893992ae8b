//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// store is where the bindings keep small strings: the browser's
// localStorage or sessionStorage, or memory.
type store interface {
	get(key string) (string, bool)
	set(key, value string) error
	remove(key string)
}

// webStorage is a Storage object (localStorage, sessionStorage).
type webStorage struct{ v safejs.Value }

func (s webStorage) get(key string) (string, bool) {
	v, err := s.v.Call("getItem", key)
	if err != nil || typeOf(v) != safejs.TypeString {
		return "", false
	}
	str, err := v.String()
	return str, err == nil
}

func (s webStorage) set(key, value string) error {
	if _, err := s.v.Call("setItem", key, value); err != nil {
		return &misskey.Error{Code: "STORAGE_ERROR", Message: "the browser refused to store the value: " + errText(err)}
	}
	return nil
}

func (s webStorage) remove(key string) { _, _ = s.v.Call("removeItem", key) }

// memStorage keeps values for the life of the page.
type memStorage struct {
	mu sync.Mutex
	m  map[string]string
}

func newMemStorage() *memStorage { return &memStorage{m: map[string]string{}} }

func (s *memStorage) get(key string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok
}

func (s *memStorage) set(key, value string) error {
	s.mu.Lock()
	s.m[key] = value
	s.mu.Unlock()
	return nil
}

func (s *memStorage) remove(key string) {
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
}

// browserStorage returns globalThis[name] ("localStorage", "sessionStorage")
// when it exists and works, else nil.
func browserStorage(name string) store {
	v, err := prop(jsGlobal, name) // the getter throws in sandboxed frames
	if err != nil || typeOf(v) != safejs.TypeObject || v.IsNull() {
		return nil
	}
	s := webStorage{v}
	const probe = "misskey-wasm:probe"
	if s.set(probe, "1") != nil {
		return nil
	}
	s.remove(probe)
	return s
}

// pendingTTL is how long a started sign-in may be completed.
const pendingTTL = time.Hour

const pendingKey = "misskey-wasm:miauth"

// pendingSignIns remembers the sign-ins this browser started: one line
// "session origin startedUnixMs" each. They are kept in localStorage (so
// that they survive the redirect, also into a new tab), else in memory.
type pendingSignIns struct {
	mu sync.Mutex
	s  store
}

type pending struct {
	session, origin string
	started         int64 // Unix ms (not a time.Time: see misskey/ctx.go)
}

func (p *pendingSignIns) load(now time.Time) []pending {
	raw, _ := p.s.get(pendingKey)
	var out []pending
	for _, line := range strings.Split(raw, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		ms, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			continue
		}
		age := now.UnixMilli() - ms
		if age > pendingTTL.Milliseconds() || age < -time.Minute.Milliseconds() {
			continue // expired, or from a clock that was wrong
		}
		out = append(out, pending{f[0], f[1], ms})
	}
	return out
}

func (p *pendingSignIns) save(list []pending) error {
	if len(list) == 0 {
		p.s.remove(pendingKey)
		return nil
	}
	var b strings.Builder
	for _, e := range list {
		b.WriteString(e.session + " " + e.origin + " " + strconv.FormatInt(e.started, 10) + "\n")
	}
	return p.s.set(pendingKey, b.String())
}

// add remembers a started sign-in (and forgets expired ones).
func (p *pendingSignIns) add(session, origin string, now time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.save(append(p.load(now), pending{session, origin, now.UnixMilli()}))
}

// find returns the pending sign-in for session, if this browser started it
// less than an hour ago.
func (p *pendingSignIns) find(session string, now time.Time) (pending, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.load(now) {
		if e.session == session {
			return e, true
		}
	}
	return pending{}, false
}

// take forgets session and returns it if it was pending: a session is
// completed at most once.
func (p *pendingSignIns) take(session string, now time.Time) (pending, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	list := p.load(now)
	for i, e := range list {
		if e.session == session {
			_ = p.save(append(list[:i], list[i+1:]...))
			return e, true
		}
	}
	_ = p.save(list)
	return pending{}, false
}
