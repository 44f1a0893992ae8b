package misskey

import (
	"context"
	"io"
	"strings"
	"time"
)

// DefaultTimeout bounds every attempt of a call whose context has no
// earlier deadline. A real server never answers some bad requests (a
// non-string token), so no call may wait forever.
const DefaultTimeout = 30 * time.Second

// Client calls one instance's API, as one account or anonymously. Make it
// with NewClient. A Client is safe for concurrent use as long as its fields
// are not changed during calls.
type Client struct {
	// Origin is the instance, normalized by ParseOrigin ("https://misskey.example").
	Origin string
	// Token is the access token ("" for public endpoints). It is sent only
	// to Origin, only as the body field "i" of POSTs to Origin's /api/.
	Token string
	// Transport sends the requests; nil means DefaultTransport.
	Transport Transport
	// Timeout bounds each attempt of a call; 0 means DefaultTimeout.
	Timeout time.Duration
	// RateLimitRetries is how many times a call rejected with 429
	// RATE_LIMIT_EXCEEDED is sent again, after the wait the server asked for
	// (or 1 s, 2 s, 4 s… when it named none). 0, the default, never retries.
	RateLimitRetries int
	// MaxRetryWait caps one wait between retries; 0 means 60 s. A longer
	// wait asked by the server ends the retries with the 429 error.
	MaxRetryWait time.Duration
	// AllowSecureEndpoints lets calls with a token go to the secure
	// endpoints (see NewCall), which refuse app tokens: set it only for a
	// token of the web client's own.
	AllowSecureEndpoints bool
}

// NewClient returns a Client for origin (checked by ParseOrigin, with http://
// allowed for loopback hosts only) holding token, which may be "".
func NewClient(origin, token string) (*Client, error) {
	o, err := ParseOrigin(origin, false)
	if err != nil {
		return nil, err
	}
	return &Client{Origin: o, Token: token}, nil
}

func (c *Client) transport() Transport {
	if c.Transport != nil {
		return c.Transport
	}
	return DefaultTransport
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) maxRetryWait() time.Duration {
	if c.MaxRetryWait > 0 {
		return c.MaxRetryWait
	}
	return time.Minute
}

// fail completes an error of this client's: it names the endpoint and the
// origin, and never quotes the token (should a server have echoed it back:
// errors get shown and logged, tokens must not be).
func (c *Client) fail(endpoint string, err error) *Error {
	e, ok := asError(err)
	if !ok {
		e = transportError(err)
	}
	if e.Endpoint == "" {
		e.Endpoint = endpoint
	}
	if e.Origin == "" {
		e.Origin = c.Origin
	}
	if t := c.Token; t != "" {
		for _, f := range []*string{&e.Message, &e.Code, &e.ID, &e.Kind} {
			if strings.Contains(*f, t) {
				*f = strings.ReplaceAll(*f, t, "[token]")
			}
		}
		if strings.Contains(string(e.Info), t) || strings.Contains(string(e.Info), string(appendJSONStringBody(t))) {
			e.Info = nil
		}
	}
	return e
}

// appendJSONStringBody is s as it stands inside a JSON string literal.
func appendJSONStringBody(s string) []byte {
	q := appendJSONString(nil, s)
	return q[1 : len(q)-1]
}

// Request POSTs params, a JSON object ({"text":"hi"}; nil means {}), to
// {Origin}/api/{endpoint} with the token as the body field "i", and returns
// the answer's raw JSON. It returns (nil, nil) for 204 No Content. A failure
// is an *Error: the server's error, or INVALID_ARGUMENT, NETWORK_ERROR,
// TIMEOUT, ABORTED or INVALID_RESPONSE (a redirect, an answer that is not
// JSON or larger than DefaultMaxResponseBytes).
func (c *Client) Request(ctx context.Context, endpoint string, params []byte) ([]byte, error) {
	k, err := c.NewCall(endpoint, params)
	if err != nil {
		return nil, err
	}
	out := k.sendContext(ctx)
	return out.Body, out.Err
}

// Upload uploads file to the drive (drive/files/create, the one multipart
// call) and returns the drive file's raw JSON.
func (c *Client) Upload(ctx context.Context, file io.Reader, opts UploadOptions) ([]byte, error) {
	k, err := c.NewUpload(file, opts)
	if err != nil {
		return nil, err
	}
	out := k.sendContext(ctx)
	return out.Body, out.Err
}

// sendContext is Send bounded by ctx: its deadline shortens the attempts'
// timeout, and its end cancels the call (TIMEOUT for a deadline, ABORTED
// for a cancellation).
func (k *Call) sendContext(ctx context.Context) Outcome {
	if ctx == nil {
		ctx = context.Background()
	}
	cancel, release := watch(ctx)
	defer release()
	var deadline int64
	if d, ok := ctx.Deadline(); ok {
		deadline = d.UnixNano()
		if left := time.Until(d); left < k.EffectiveTimeout() {
			k.Timeout = max(left, time.Nanosecond)
		}
	}
	return k.send(cancel, ctx.Err, deadline)
}

// watch returns a Canceler cancelled when ctx is done (nil when it never
// is), and a function that stops watching.
func watch(ctx context.Context) (Canceler, func()) {
	if ctx.Done() == nil {
		return nil, func() {}
	}
	c := &Cancel{}
	stop := context.AfterFunc(ctx, c.Cancel)
	return c, func() { stop() }
}
