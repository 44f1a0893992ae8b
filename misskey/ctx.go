package misskey

import (
	"context"
	"sync"
	"time"
)

// callCtx is a cancellable context with an optional deadline. It does what
// context.WithCancel and context.WithTimeout do for this package, without
// their types: those carry String methods that pull reflection and time
// formatting into the wasm build (~40 KB gzip).
type callCtx struct {
	parent context.Context
	// deadline in Unix nanoseconds, 0 for none. Not a time.Time: a struct
	// field of that type would keep time's formatting code in the build.
	deadline int64
	done     chan struct{}
	stop     chan struct{}

	mu    sync.Mutex
	err   error
	timer *time.Timer
}

// WithCancel is context.WithCancel for this module's own use (see callCtx).
func WithCancel(parent context.Context) (context.Context, context.CancelFunc) {
	c := newCallCtx(parent, 0)
	return c, func() { c.cancel(context.Canceled) }
}

// withTimeout is context.WithTimeout (see callCtx); d must be > 0.
func withTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	c := newCallCtx(parent, max(d, time.Nanosecond))
	return c, func() { c.cancel(context.Canceled) }
}

func newCallCtx(parent context.Context, d time.Duration) *callCtx {
	if parent == nil {
		parent = context.Background()
	}
	c := &callCtx{parent: parent, done: make(chan struct{}), stop: make(chan struct{})}
	if d > 0 {
		c.deadline = time.Now().Add(d).UnixNano()
		c.mu.Lock() // cancel may run before AfterFunc returns
		c.timer = time.AfterFunc(d, func() { c.cancel(context.DeadlineExceeded) })
		c.mu.Unlock()
	}
	if err := parent.Err(); err != nil {
		c.cancel(err)
	} else if pd := parent.Done(); pd != nil {
		go func() {
			select {
			case <-pd:
				c.cancel(parent.Err())
			case <-c.stop:
			}
		}()
	}
	return c
}

func (c *callCtx) cancel(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	close(c.done)
	close(c.stop)
	if c.timer != nil {
		c.timer.Stop()
	}
}

func (c *callCtx) Deadline() (time.Time, bool) {
	pd, ok := c.parent.Deadline()
	if c.deadline == 0 {
		return pd, ok
	}
	own := time.Unix(0, c.deadline)
	if ok && pd.Before(own) {
		return pd, true
	}
	return own, true
}

func (c *callCtx) Done() <-chan struct{} { return c.done }

func (c *callCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func (c *callCtx) Value(key any) any { return c.parent.Value(key) }
