package misskey

import (
	"bytes"
	"context"
	"strings"
	"time"
)

// DefaultTimeout bounds every call whose context has no earlier deadline. A
// real server never answers some bad requests (a non-string token), so no
// call may wait forever.
const DefaultTimeout = 30 * time.Second

// Client calls one instance's API, as one account or anonymously. Its zero
// value is not usable: make it with NewClient. A Client is safe for
// concurrent use as long as its fields are not changed during calls.
type Client struct {
	// Origin is the instance, normalized by ParseOrigin ("https://misskey.example").
	Origin string
	// Token is the access token ("" for public endpoints). It is sent only
	// to Origin, only as the body field "i" of POSTs to Origin's /api/.
	Token string
	// Transport sends the requests; nil means DefaultTransport.
	Transport Transport
	// Timeout bounds each call (each attempt, with retries); 0 means DefaultTimeout.
	Timeout time.Duration
	// RateLimitRetries is how many times a call rejected with 429
	// RATE_LIMIT_EXCEEDED is sent again, after the wait the server asked for
	// (or 1 s, 2 s, 4 s… when it named none). 0, the default, never retries.
	RateLimitRetries int
	// MaxRetryWait caps one wait between retries; 0 means 60 s. A longer
	// wait asked by the server ends the retries with the 429 error.
	MaxRetryWait time.Duration
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

// Request POSTs params, a JSON object ({"text":"hi"}; nil means {}), to
// {Origin}/api/{endpoint} with the token as the body field "i", and returns
// the answer's raw JSON. It returns (nil, nil) for 204 No Content. A failure
// is an *Error: the server's error, or INVALID_ARGUMENT, NETWORK_ERROR,
// TIMEOUT, ABORTED or INVALID_RESPONSE.
//
// The answer is not parsed here, so a caller that hands it on (to a
// browser's JSON.parse, say) parses it once; a 200 answer that is not
// labelled JSON is an INVALID_RESPONSE.
func (c *Client) Request(ctx context.Context, endpoint string, params []byte) ([]byte, error) {
	out, err := c.request(ctx, endpoint, params)
	return out, c.finish(err)
}

// finish completes an error of this client's: it names the origin and
// never quotes the token.
func (c *Client) finish(err error) error {
	if e, ok := err.(*Error); ok && e.Origin == "" {
		e.Origin = c.Origin
	}
	return Redact(err, c.Token)
}

func (c *Client) request(ctx context.Context, endpoint string, params []byte) ([]byte, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkEndpoint(endpoint); err != nil {
		return nil, err
	}
	body, err := RequestBody(params, c.Token)
	if err != nil {
		e := err.(*Error)
		e.Endpoint = endpoint
		return nil, e
	}
	if c.Origin == "" {
		return nil, &Error{Code: CodeInvalidArgument, Endpoint: endpoint, Message: "client has no origin: make it with NewClient"}
	}
	req := &Request{
		Method: "POST",
		URL:    c.Origin + "/api/" + endpoint,
		Header: map[string]string{"content-type": "application/json"},
		Body:   body,
	}
	for attempt := 0; ; attempt++ {
		out, err := c.send(ctx, endpoint, req)
		e, ok := err.(*Error)
		if !ok || e.Code != CodeRateLimitExceeded || attempt >= c.RateLimitRetries {
			return out, err
		}
		wait := e.RetryAfter
		if wait <= 0 {
			wait = time.Second << min(attempt, 5)
		}
		maxWait := c.MaxRetryWait
		if maxWait <= 0 {
			maxWait = time.Minute
		}
		if wait > maxWait {
			return nil, err
		}
		if d, ok := ctx.Deadline(); ok && time.Until(d) < wait {
			return nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, transportError(ctx, endpoint, ctx.Err())
		case <-t.C:
		}
	}
}

// Redact removes secret (a token) from err's message and info, should a
// server have echoed it back (a proxy's error page quoting the request, say):
// errors get shown and logged, tokens must not be. Other errors pass as they are.
func Redact(err error, secret string) error {
	e, ok := err.(*Error)
	if !ok || secret == "" {
		return err
	}
	if strings.Contains(e.Message, secret) {
		e.Message = strings.ReplaceAll(e.Message, secret, "[token]")
	}
	if strings.Contains(string(e.Info), secret) || strings.Contains(string(e.Info), appendJSONStringBody(secret)) {
		e.Info = nil
	}
	for _, f := range []*string{&e.Code, &e.ID, &e.Kind} {
		if strings.Contains(*f, secret) {
			*f = strings.ReplaceAll(*f, secret, "[token]")
		}
	}
	return e
}

// appendJSONStringBody is s as it stands inside a JSON string literal.
func appendJSONStringBody(s string) string {
	q := appendJSONString(nil, s)
	return string(q[1 : len(q)-1])
}

// send makes one attempt of an API call.
func (c *Client) send(ctx context.Context, endpoint string, req *Request) ([]byte, error) {
	resp, err := c.do(ctx, endpoint, req)
	if err != nil {
		return nil, err
	}
	if resp.Status < 200 || resp.Status >= 300 {
		resp.Body = RedactBody(resp.Body, c.Token)
	}
	return ReadResponse(endpoint, resp)
}

// RedactBody replaces secret in an answer's body before the body is quoted
// in an error: quoting first could cut the token and leave a part of it.
func RedactBody(body []byte, secret string) []byte {
	if secret == "" || !bytes.Contains(body, []byte(secret)) {
		return body
	}
	return bytes.ReplaceAll(body, []byte(secret), []byte("[token]"))
}

// ReadResponse interprets an API call's answer, for callers that send the
// request themselves (the browser's drive upload): 204 gives (nil, nil); any
// other 2xx labelled JSON gives its body; a redirect, a 2xx that is not
// JSON, and every error status give an *Error.
func ReadResponse(endpoint string, resp *Response) ([]byte, error) {
	switch {
	case resp.Status == 204:
		return nil, nil
	case resp.Status >= 200 && resp.Status < 300:
		if !strings.Contains(resp.Header["content-type"], "json") {
			return nil, &Error{Code: CodeInvalidResponse, Status: resp.Status, Endpoint: endpoint,
				Message: "answer is not JSON: " + excerpt(resp.Body)}
		}
		return resp.Body, nil
	case resp.Status >= 300 && resp.Status < 400:
		return nil, redirectError(endpoint, resp.Status)
	}
	return nil, parseErrorResponse(endpoint, resp)
}

func redirectError(endpoint string, status int) *Error {
	return &Error{Code: CodeInvalidResponse, Status: status, Endpoint: endpoint,
		Message: "unexpected redirect (not followed)"}
}

// do sends req through the transport with the call's timeout, and refuses
// redirects: the token must not follow one to another address.
func (c *Client) do(ctx context.Context, endpoint string, req *Request) (*Response, error) {
	t := c.transport()
	if t == nil {
		return nil, &Error{Code: CodeNetworkError, Endpoint: endpoint, Message: "no transport: set Client.Transport or DefaultTransport"}
	}
	ctx, cancel := withTimeout(ctx, c.timeout())
	defer cancel()
	resp, err := t.Do(ctx, req)
	if err != nil {
		return nil, transportError(ctx, endpoint, err)
	}
	if resp.Status >= 300 && resp.Status < 400 {
		return nil, redirectError(endpoint, resp.Status)
	}
	return resp, nil
}

// RequestBody makes an API call's JSON body: params (a JSON object; nil
// means {}) with the token added as "i". The token is written last, so that
// an "i" in params cannot replace it (JSON keeps a repeated name's last
// value). Params that are not a JSON object give an INVALID_ARGUMENT *Error.
func RequestBody(params []byte, token string) ([]byte, error) {
	start, end := 0, len(params)
	for start < end && isJSONSpace(params[start]) {
		start++
	}
	for end > start && isJSONSpace(params[end-1]) {
		end--
	}
	params = params[start:end]
	if len(params) == 0 {
		params = []byte("{}")
	}
	if !isJSONObject(params) {
		return nil, &Error{Code: CodeInvalidArgument, Message: "params must be a JSON object"}
	}
	if token == "" {
		return params, nil
	}
	body := make([]byte, 0, len(params)+len(token)+8)
	body = append(body, params[:len(params)-1]...) // without the closing brace
	if !isEmptyJSONObject(params) {
		body = append(body, ',')
	}
	body = append(body, `"i":`...)
	body = appendJSONString(body, token)
	return append(body, '}'), nil
}

func isEmptyJSONObject(obj []byte) bool {
	return skipJSONSpace(obj, 1) == len(obj)-1
}
