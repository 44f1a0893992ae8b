package misskey

import (
	"context"
	"io"
	"strconv"
	"strings"

	"sync/atomic"
	"time"
)

// This file is the one call pipeline. Every request the package makes (API
// calls, uploads, MiAuth checks, the stream's token probe) is a Call: built
// here, sent through a Transport, and read by Finish, which holds every rule
// of an answer: 204, error bodies of every shape, redirects refused, the
// size cap, the token kept out of errors, and the rate-limit retry.

// DefaultUploadTimeout bounds each attempt of an upload whose Call has no
// Timeout: files take longer than calls.
const DefaultUploadTimeout = 10 * time.Minute

type callKind uint8

const (
	kindAPI        callKind = iota // {origin}/api/{endpoint}: JSON or 204
	kindCheck                      // {origin}/api/miauth/{session}/check: {"ok":…}
	kindOAuthMeta                  // GET /.well-known/oauth-authorization-server: JSON, or 404 for none
	kindOAuthToken                 // POST of a code to an OAuth token endpoint: {"access_token":…}
)

// Call is one API call, prepared: the Request a Transport sends and what its
// answer means. Client.Request, Upload, CheckMiAuth and WaitMiAuth make one
// and drive it through the Client's Transport; Send and Poll do the same
// without a context. A driver on an event loop that cannot block (a
// browser's) drives a Call itself: it sends Request(), hands the answer to
// Finish, and, when Finish asks for it, sends the same request again after
// the wait.
type Call struct {
	// Timeout bounds each attempt; 0 means the Client's Timeout
	// (DefaultTimeout), or DefaultUploadTimeout for an upload.
	Timeout time.Duration
	// Attempts counts the answers Finish has read. A driver that keeps no
	// Call between answers (the browser bindings) rebuilds it and sets
	// Attempts, so that rate-limit retries stop at Client.RateLimitRetries.
	Attempts int

	client   Client // a copy: origin, token and retry settings
	endpoint string
	kind     callKind
	upload   bool
	req      Request
	// rewind puts an upload's file back to its start before it is sent
	// again; once marks an upload whose file cannot be (no retries).
	rewind func() error
	once   bool
}

// Outcome is what an answer means. Body is the answer's raw JSON (nil for
// 204), or Err the failure (an *Error). For a MiAuth check, Account is the
// account it gave. When Retry is above zero, Err is a rate-limit answer and
// the call may be sent again after that wait.
type Outcome struct {
	Body    []byte
	Account *Account
	Err     error
	Retry   time.Duration
}

// NewCall prepares a POST of params, a JSON object ({"text":"hi"}; nil
// means {}), to {Origin}/api/{endpoint} with the token as the body field
// "i". Bad arguments give an INVALID_ARGUMENT *Error; nothing is sent.
//
// A secure endpoint (one the server describes as "Internal Endpoint", such
// as i/revoke-token or i/apps) refuses every app token, MiAuth and OAuth
// alike: with a token, a call to one is INVALID_ARGUMENT before anything is
// sent, unless Client.AllowSecureEndpoints says the token is the web
// client's own.
func (c *Client) NewCall(endpoint string, params []byte) (*Call, error) {
	if c.Token != "" && isSecureEndpoint(endpoint) && !c.AllowSecureEndpoints {
		return nil, c.fail(endpoint, invalidArgument("endpoint %q is secure: Misskey refuses app tokens (MiAuth, OAuth) there; set AllowSecureEndpoints only for a token of the web client's own", endpoint))
	}
	return c.apiCall(endpoint, params)
}

func (c *Client) apiCall(endpoint string, params []byte) (*Call, error) {
	if err := checkEndpoint(endpoint); err != nil {
		return nil, c.fail(endpoint, err)
	}
	if c.Origin == "" {
		return nil, c.fail(endpoint, errNoOrigin())
	}
	body, err := requestBody(params, c.Token)
	if err != nil {
		return nil, c.fail(endpoint, err)
	}
	return c.newCall(endpoint, kindAPI, c.Origin+"/api/"+endpoint, body), nil
}

func (c *Client) newCall(endpoint string, kind callKind, url string, body []byte) *Call {
	return &Call{client: *c, endpoint: endpoint, kind: kind, req: Request{
		Method:   "POST",
		URL:      url,
		Header:   map[string]string{"content-type": "application/json"},
		Body:     body,
		MaxBytes: DefaultMaxResponseBytes,
	}}
}

// NewMiAuthCheck prepares the POST of {Origin}/api/miauth/{session}/check.
// Its Outcome carries the Account; {"ok":false} is NOT_APPROVED. Sessions
// are single-use: never send a check again that may have reached the server
// after approval (Send does not; Poll sends new checks only after answers).
func (c *Client) NewMiAuthCheck(session string) (*Call, error) {
	const endpoint = "miauth/check"
	if err := checkSession(session); err != nil {
		return nil, c.fail(endpoint, err)
	}
	if c.Origin == "" {
		return nil, c.fail(endpoint, errNoOrigin())
	}
	return c.newCall(endpoint, kindCheck, c.Origin+"/api/miauth/"+session+"/check", []byte("{}")), nil
}

// NewRevokeCall prepares i/revoke-token for the client's own token. Misskey
// refuses it to every app token (MiAuth and OAuth alike: ACCESS_DENIED):
// only the user can revoke an app, in the instance's settings
// ({Origin}/settings/apps).
//
// i/revoke-token is a secure endpoint, but the call is sent whatever
// AllowSecureEndpoints says: revoking is worth trying, and the server's
// answer (ACCESS_DENIED for an app token) tells the caller to send the
// user to the settings page.
func (c *Client) NewRevokeCall() (*Call, error) {
	return c.apiCall("i/revoke-token", append(appendJSONString([]byte(`{"token":`), c.Token), '}'))
}

// UploadOptions describe a drive upload (drive/files/create).
type UploadOptions struct {
	// Name is the file's name on the drive; "" lets the server choose.
	Name string
	// FolderID is the drive folder; "" is the root.
	FolderID string
	// Comment is the file's alt text.
	Comment string
	// IsSensitive marks the file as sensitive (NSFW).
	IsSensitive bool
	// Force uploads again bytes the drive already has.
	Force bool
	// Progress, when not nil, hears the upload's progress where the
	// transport can tell (misskey/browser then uses XMLHttpRequest, which
	// follows redirects by itself: such an answer is refused afterwards).
	Progress func(sent, total int64)
}

const uploadEndpoint = "drive/files/create"

// NewUpload prepares a drive upload: a multipart POST of file with the
// fields of opts and the token as "i". file is an io.Reader, or a
// platform's own file (misskey/browser.Blob). It is sent again after a rate
// limit only when it can be rewound to where it stood: a Rewinder (a
// browser.Blob), and in native builds also any io.Seeker (a file, a bytes
// or strings Reader). (In a js build, a Seek called through an interface
// would keep os.File's in the wasm: 1.8 KB gzip, measured.)
func (c *Client) NewUpload(file io.Reader, opts UploadOptions) (*Call, error) {
	if file == nil {
		return nil, c.fail(uploadEndpoint, &Error{Code: CodeInvalidArgument, Message: "upload needs a file"})
	}
	if c.Origin == "" {
		return nil, c.fail(uploadEndpoint, errNoOrigin())
	}
	var form []FormField
	text := func(name, value string) {
		if value != "" {
			form = append(form, FormField{Name: name, Value: value})
		}
	}
	text("i", c.Token)
	form = append(form, FormField{Name: "file", File: file, FileName: opts.Name})
	text("folderId", opts.FolderID)
	text("name", opts.Name)
	text("comment", opts.Comment)
	if opts.IsSensitive {
		text("isSensitive", "true")
	}
	if opts.Force {
		text("force", "true")
	}
	k := c.newCall(uploadEndpoint, kindAPI, c.Origin+"/api/"+uploadEndpoint, nil)
	k.upload = true
	k.once = true
	if k.rewind = rewinder(file); k.rewind != nil {
		k.once = false
	}
	k.req.Header = nil // the transport sets multipart's content type
	k.req.Form = form
	k.req.Progress = opts.Progress
	return k, nil
}

// Endpoint names the call ("notes/create", "miauth/check").
func (k *Call) Endpoint() string { return k.endpoint }

// Request returns the request to send. Drivers may set its Cancel and
// Progress; the rest is the call's.
func (k *Call) Request() *Request {
	r := k.req
	return &r
}

// EffectiveTimeout is the bound of each attempt: Timeout, else the
// Client's, else the default.
func (k *Call) EffectiveTimeout() time.Duration {
	switch {
	case k.Timeout > 0:
		return k.Timeout
	case k.upload:
		return DefaultUploadTimeout
	}
	return k.client.timeout()
}

// Direct reports whether an answer with this status, Content-Type and
// Content-Length (-1: unknown) is a success that Finish would hand on as
// it is: 204, or a 2xx labelled JSON within the size cap. A driver that
// parses JSON itself (the browser bindings, with JSON.parse) may take such
// an answer without calling Finish; an unparsable body is then
// ErrInvalidJSON for Finish. The loader misskey.js mirrors this rule for the
// fast path of client.request, and a test holds the two to the same answers.
func (k *Call) Direct(status int, contentType string, contentLength int64) bool {
	if k.kind != kindAPI {
		return false
	}
	return status == 204 || status >= 200 && status < 300 && isJSONType(contentType) &&
		contentLength <= k.req.MaxBytes
}

func isJSONType(ctype string) bool { return strings.Contains(ctype, "json") }

// Finish reads an answer of the call: resp, or err when the transport read
// none (context.DeadlineExceeded for a timed-out attempt, context.Canceled
// for a cancelled one, ErrInvalidJSON for a body the driver could not
// parse). Every error it gives is an *Error naming the endpoint and origin,
// with the token removed.
func (k *Call) Finish(resp *Response, err error) Outcome {
	k.Attempts++
	body, acct, err := k.read(resp, err)
	if err == nil {
		return Outcome{Body: body, Account: acct}
	}
	e := k.client.fail(k.endpoint, err)
	out := Outcome{Err: e}
	if e.Code == CodeRateLimitExceeded && k.Attempts <= k.client.RateLimitRetries && !k.once {
		wait := e.RetryAfter
		if wait <= 0 {
			wait = time.Second << min(k.Attempts-1, 5)
		}
		if wait <= k.client.maxRetryWait() {
			out.Retry = wait
		}
	}
	return out
}

func (k *Call) read(resp *Response, err error) ([]byte, *Account, error) {
	if err != nil && (resp == nil || err != ErrInvalidJSON) {
		return nil, nil, transportError(err)
	}
	status := resp.Status
	if resp.Redirected || status >= 300 && status < 400 {
		return nil, nil, &Error{Code: CodeInvalidResponse, Status: status, Message: "unexpected redirect (not followed)"}
	}
	if limit := k.req.MaxBytes; limit > 0 && (resp.ContentLength > limit || int64(len(resp.Body)) > limit) {
		return nil, nil, &Error{Code: CodeInvalidResponse, Status: status,
			Message: "answer larger than " + strconv.FormatInt(limit, 10) + " bytes"}
	}
	if err == ErrInvalidJSON {
		return nil, nil, &Error{Code: CodeInvalidResponse, Status: status, Message: err.Error()}
	}
	switch {
	case k.kind == kindCheck || k.kind == kindOAuthToken:
		if status != 200 {
			return nil, nil, parseErrorResponse(k.redacted(resp))
		}
		if k.kind == kindOAuthToken {
			acct, err := parseToken(k.client.Origin, resp.Body)
			return nil, acct, err
		}
		acct, err := parseCheck(k.client.Origin, resp.Body)
		return nil, acct, err
	case k.kind == kindOAuthMeta && status == 404:
		return nil, nil, nil // no OAuth: an older server
	}
	switch {
	case status == 204:
		return nil, nil, nil
	case status >= 200 && status < 300:
		if !isJSONType(resp.Header["content-type"]) {
			return nil, nil, &Error{Code: CodeInvalidResponse, Status: status,
				Message: "answer is not JSON: " + excerpt(k.redactBody(resp.Body))}
		}
		if !validJSON(resp.Body) {
			return nil, nil, &Error{Code: CodeInvalidResponse, Status: status, Message: ErrInvalidJSON.Error()}
		}
		return resp.Body, nil, nil
	}
	return nil, nil, parseErrorResponse(k.redacted(resp))
}

// redacted is resp with the token replaced in its body, before any of the
// body is quoted in an error: quoting first could cut the token and leave a
// part of it.
func (k *Call) redacted(resp *Response) *Response {
	r := *resp
	r.Body = k.redactBody(resp.Body)
	return &r
}

func (k *Call) redactBody(body []byte) []byte {
	t := k.client.Token
	if t == "" || !strings.Contains(string(body), t) {
		return body
	}
	return []byte(strings.ReplaceAll(string(body), t, "[token]"))
}

// Send sends the call through the Client's Transport and reads the answer,
// sending it again after a rate-limit wait while Finish asks for it. A
// cancel (nil: never) gives up with ABORTED. It is Client.Request without a
// context, for builds where every byte counts (see the package doc).
func (k *Call) Send(cancel Canceler) Outcome {
	return k.send(cancel, nil, 0)
}

// send is Send; cause names why cancel happened (a context's Err), and
// deadline (Unix ns, 0 for none) ends the retries whose wait would pass it.
func (k *Call) send(cancel Canceler, cause func() error, deadline int64) Outcome {
	t := k.client.transport()
	if t == nil {
		return Outcome{Err: k.client.fail(k.endpoint, &Error{Code: CodeNetworkError,
			Message: "no transport: set Client.Transport or DefaultTransport (import misskey/browser in a browser)"})}
	}
	if cause == nil {
		cause = func() error { return context.Canceled }
	}
	if canceled(cancel) { // cancelled before anything was sent
		return Outcome{Err: k.client.fail(k.endpoint, transportError(cause()))}
	}
	for {
		out := k.attempt(t, cancel, cause)
		if out.Retry <= 0 {
			return out
		}
		if deadline != 0 && time.Now().UnixNano()+int64(out.Retry) > deadline {
			out.Retry = 0
			return out
		}
		if !sleep(out.Retry, cancel) {
			return Outcome{Err: k.client.fail(k.endpoint, transportError(cause()))}
		}
	}
}

// attempt sends the request once, bounded by the call's timeout.
func (k *Call) attempt(t Transport, cancel Canceler, cause func() error) Outcome {
	stop := &Cancel{}
	var timedOut atomic.Bool
	stopTimer := time.AfterFunc(k.EffectiveTimeout(), func() {
		timedOut.Store(true)
		stop.Cancel()
	}).Stop
	unhook := onCancel(cancel, stop.Cancel)
	req := k.Request()
	req.Cancel = stop
	var resp *Response
	var err error
	if k.rewind != nil && k.Attempts > 0 {
		err = k.rewind()
	}
	if err == nil {
		resp, err = t.Do(req)
	}
	stopTimer()
	unhook()
	if err != nil || resp == nil {
		switch {
		case timedOut.Load():
			err = context.DeadlineExceeded
		case canceled(cancel):
			err = cause()
		case err == nil:
			err = &Error{Code: CodeNetworkError, Message: "the transport gave no answer"}
		}
	}
	return k.Finish(resp, err)
}

// Poll sends the MiAuth check call until the session is approved (the
// Outcome's Account), opts.Timeout passes (TIMEOUT), or cancel happens
// (ABORTED); it is Client.WaitMiAuth without a context. NOT_APPROVED, a
// network error and a slow check are waited out; any other error ends it.
func (k *Call) Poll(cancel Canceler, opts WaitOptions) Outcome {
	return k.poll(cancel, nil, opts)
}

func (k *Call) poll(cancel Canceler, cause func() error, opts WaitOptions) Outcome {
	if k.kind != kindCheck {
		return Outcome{Err: k.client.fail(k.endpoint, &Error{Code: CodeInvalidArgument, Message: "only a MiAuth check can be polled"})}
	}
	if cause == nil {
		cause = func() error { return context.Canceled }
	}
	interval := opts.Interval
	if interval == 0 {
		interval = 2 * time.Second
	}
	interval = max(interval, 500*time.Millisecond)
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	// stop ends the wait: the overall timeout, or the caller's cancel.
	stop := &Cancel{}
	var timedOut atomic.Bool
	defer time.AfterFunc(timeout, func() {
		timedOut.Store(true)
		stop.Cancel()
	}).Stop()
	defer onCancel(cancel, stop.Cancel)()
	why := func() error {
		if timedOut.Load() {
			return context.DeadlineExceeded
		}
		return cause()
	}
	lost := false // a check may have reached the server and its answer been lost
	ended := func() Outcome {
		e := k.client.fail(k.endpoint, transportError(why()))
		if lost && e.Code == CodeTimeout {
			e.Message += "; an earlier check got no answer: if the user approved, that check may have used up the session (start again)"
		}
		return Outcome{Err: e}
	}
	for {
		out := k.send(stop, why, 0)
		if out.Err == nil {
			return out
		}
		if stop.Canceled() {
			return ended()
		}
		switch out.Err.(*Error).Code {
		case CodeNotApproved:
		case CodeNetworkError, CodeTimeout:
			lost = true
		default:
			return out
		}
		if !sleep(interval, stop) {
			return ended()
		}
	}
}

// sleep waits for d, or until cancel happens (then it reports false).
func sleep(d time.Duration, cancel Canceler) bool {
	woke := make(chan bool, 2)
	stopTimer := time.AfterFunc(d, func() { woke <- true }).Stop
	unhook := onCancel(cancel, func() { woke <- false })
	ok := <-woke
	stopTimer()
	unhook()
	return ok
}

func errNoOrigin() *Error {
	return &Error{Code: CodeInvalidArgument, Message: "client has no origin: make it with NewClient"}
}

// requestBody makes an API call's JSON body: params (a JSON object; nil
// means {}) with the token added as "i". The token is written last, so that
// an "i" in params cannot replace it (JSON keeps a repeated name's last
// value). Params that are not a JSON object are INVALID_ARGUMENT.
func requestBody(params []byte, token string) ([]byte, error) {
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
	if len(params) > MaxParamsBytes {
		return nil, &Error{Code: CodeInvalidArgument, Message: "params are larger than the server's 1 MiB limit"}
	}
	if !isJSONObject(params) {
		return nil, &Error{Code: CodeInvalidArgument, Message: "params must be a JSON object"}
	}
	if token == "" {
		return params, nil
	}
	body := make([]byte, 0, len(params)+len(token)+8)
	body = append(body, params[:len(params)-1]...) // without the closing brace
	if skipJSONSpace(params, 1) != len(params)-1 { // not {}
		body = append(body, ',')
	}
	body = append(body, `"i":`...)
	body = appendJSONString(body, token)
	return append(body, '}'), nil
}

// MaxParamsBytes is the real server's cap on a JSON body (1 MiB).
const MaxParamsBytes = 1 << 20

// Rewinder is a file that can be sent again: Rewind puts it back to where
// it stood when the upload was prepared (see NewUpload).
type Rewinder interface {
	Rewind() error
}
