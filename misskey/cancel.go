package misskey

import "sync"

// A Canceler tells of a cancellation the way a browser's AbortSignal does:
// OnCancel calls f once when the cancellation happens (at once when it has
// happened) until the returned stop is called, and Canceled reports
// whether it has happened. Calls, Transports and the browser bindings pass
// Cancelers rather than channels: waiting on a channel and on something
// else at once takes a select statement, whose code the wasm build then
// carries (10 KB), and a goroutine per wait.
type Canceler interface {
	OnCancel(f func()) (stop func())
	Canceled() bool
}

// Cancel is a Canceler that its owner cancels with Cancel. The zero value
// is ready to use; a Cancel must not be copied after first use.
type Cancel struct {
	mu   sync.Mutex
	done bool
	next int
	fns  map[int]func()
}

// Cancel cancels, once: every function given to OnCancel runs, in no
// particular order, on the caller's goroutine.
func (c *Cancel) Cancel() {
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		return
	}
	c.done = true
	fns := c.fns
	c.fns = nil
	c.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// OnCancel calls f when c is cancelled (at once if it has been), unless
// stop is called first.
func (c *Cancel) OnCancel(f func()) (stop func()) {
	c.mu.Lock()
	if c.done {
		c.mu.Unlock()
		f()
		return func() {}
	}
	if c.fns == nil {
		c.fns = map[int]func(){}
	}
	id := c.next
	c.next++
	c.fns[id] = f
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		delete(c.fns, id)
		c.mu.Unlock()
	}
}

// Canceled reports whether Cancel was called.
func (c *Cancel) Canceled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

// onCancel is c.OnCancel(f) for a Canceler that may be nil (never).
func onCancel(c Canceler, f func()) (stop func()) {
	if c == nil {
		return func() {}
	}
	return c.OnCancel(f)
}

func canceled(c Canceler) bool { return c != nil && c.Canceled() }
