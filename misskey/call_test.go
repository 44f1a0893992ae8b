package misskey

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

func jsonResp(status int, body string) *Response {
	return &Response{Status: status, Header: map[string]string{"content-type": "application/json; charset=utf-8"}, Body: []byte(body), ContentLength: int64(len(body))}
}

// Finish holds every rule of an answer; each case is one rule.
func TestFinishRules(t *testing.T) {
	const token = "SECRETTOKEN1234567890abcdefghijk"
	c := &Client{Origin: "https://misskey.example", Token: token}
	big := &Response{Status: 200, Header: map[string]string{"content-type": "application/json"}, ContentLength: DefaultMaxResponseBytes + 1}
	for _, tc := range []struct {
		name   string
		resp   *Response
		err    error
		code   string
		status int
		body   string
	}{
		{"json", jsonResp(200, `{"a":1}`), nil, "", 200, `{"a":1}`},
		{"204", &Response{Status: 204, ContentLength: -1}, nil, "", 204, ""},
		{"2xx not json", &Response{Status: 200, Header: map[string]string{"content-type": "text/html"}, Body: []byte("<p>" + token + "</p>")}, nil, CodeInvalidResponse, 200, ""},
		{"bad json", jsonResp(200, `{"a":`), nil, CodeInvalidResponse, 200, ""},
		{"bad json, parsed by the driver", &Response{Status: 200}, ErrInvalidJSON, CodeInvalidResponse, 200, ""},
		{"redirect", &Response{Status: 302, Header: map[string]string{"location": "https://evil.example"}}, nil, CodeInvalidResponse, 302, ""},
		{"hidden redirect", &Response{Status: 0, Redirected: true}, nil, CodeInvalidResponse, 0, ""},
		{"followed redirect", &Response{Status: 200, Redirected: true, Header: map[string]string{"content-type": "application/json"}, Body: []byte("{}")}, nil, CodeInvalidResponse, 200, ""},
		{"announced too large", big, nil, CodeInvalidResponse, 200, ""},
		{"read too large", &Response{Status: 200, ContentLength: -1, Header: map[string]string{"content-type": "application/json"}, Body: make([]byte, DefaultMaxResponseBytes+1)}, nil, CodeInvalidResponse, 200, ""},
		{"misskey error", jsonResp(400, `{"error":{"message":"No such note.","code":"NO_SUCH_NOTE","id":"490be23f-8c1f-4796-819f-94cb4f9d1630","kind":"client"}}`), nil, "NO_SUCH_NOTE", 400, ""},
		{"fastify error", jsonResp(400, `{"statusCode":400,"code":"FST_ERR_CTP_INVALID_JSON_BODY","error":"Bad Request","message":"Body is not valid JSON"}`), nil, "FST_ERR_CTP_INVALID_JSON_BODY", 400, ""},
		{"proxy page", &Response{Status: 502, Header: map[string]string{"content-type": "text/html"}, Body: []byte("<h1>502 Bad Gateway</h1>")}, nil, CodeInvalidResponse, 502, ""},
		{"timeout", nil, context.DeadlineExceeded, CodeTimeout, 0, ""},
		{"aborted", nil, context.Canceled, CodeAborted, 0, ""},
		{"network", nil, errors.New("connection refused"), CodeNetworkError, 0, ""},
		{"echoed token", jsonResp(400, `{"error":{"message":"bad token `+token+`","code":"X`+token+`","info":{"i":"`+token+`"}}}`), nil, "X[token]", 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := c.NewCall("notes/show", []byte(`{"noteId":"x"}`))
			if err != nil {
				t.Fatal(err)
			}
			out := k.Finish(tc.resp, tc.err)
			if tc.code == "" {
				if out.Err != nil || string(out.Body) != tc.body {
					t.Fatalf("Finish = %q, %v; want %q", out.Body, out.Err, tc.body)
				}
				return
			}
			e, ok := out.Err.(*Error)
			if !ok || e.Code != tc.code || e.Status != tc.status {
				t.Fatalf("Finish = %v, want %s (HTTP %d)", out.Err, tc.code, tc.status)
			}
			if e.Endpoint != "notes/show" || e.Origin != "https://misskey.example" {
				t.Errorf("error names %q at %q", e.Endpoint, e.Origin)
			}
			if s := e.Error() + string(e.Info) + e.ID + e.Kind; strings.Contains(s, token) || strings.Contains(s, token[:12]) {
				t.Errorf("the error quotes the token: %s", s)
			}
			if !utf8.ValidString(e.Error()) {
				t.Errorf("not UTF-8: %q", e.Error())
			}
		})
	}
}

// Direct is the fast path's rule: what Finish would hand on as it is.
func TestDirect(t *testing.T) {
	c := &Client{Origin: "https://misskey.example"}
	k, _ := c.NewCall("meta", nil)
	for _, tc := range []struct {
		status int
		ctype  string
		length int64
		want   bool
	}{
		{200, "application/json; charset=utf-8", 100, true},
		{200, "application/json", -1, true},
		{204, "", -1, true},
		{201, "application/activity+json", 5, true},
		{200, "text/html", 5, false},
		{200, "application/json", DefaultMaxResponseBytes, true},
		{200, "application/json", DefaultMaxResponseBytes + 1, false},
		{302, "application/json", 5, false},
		{0, "", -1, false},
		{400, "application/json", 5, false},
		{429, "application/json", 5, false},
	} {
		if got := k.Direct(tc.status, tc.ctype, tc.length); got != tc.want {
			t.Errorf("Direct(%d, %q, %d) = %v", tc.status, tc.ctype, tc.length, got)
		}
		if !tc.want {
			continue
		}
		// Whatever Direct hands on, Finish hands on too.
		body := `{}`
		if tc.status == 204 {
			body = ""
		}
		resp := &Response{Status: tc.status, Header: map[string]string{"content-type": tc.ctype}, Body: []byte(body), ContentLength: tc.length}
		if out := k.Finish(resp, nil); out.Err != nil {
			t.Errorf("Direct took %d %q but Finish says %v", tc.status, tc.ctype, out.Err)
		}
	}
	check, _ := c.NewMiAuthCheck("s")
	if check.Direct(200, "application/json", 10) {
		t.Error("a MiAuth check is direct: its answer must be read by the core")
	}
}

func TestRequestBody(t *testing.T) {
	for _, tc := range []struct{ params, token, want string }{
		{"", "", "{}"},
		{" {} ", "t", `{"i":"t"}`},
		{`{"text":"hi"}`, `t"o`, `{"text":"hi","i":"t\"o"}`},
		{`{"i":"evil"}`, "t", `{"i":"evil","i":"t"}`}, // the last i wins, as in JSON.parse
	} {
		got, err := requestBody([]byte(tc.params), tc.token)
		if err != nil || string(got) != tc.want {
			t.Errorf("requestBody(%q, %q) = %s, %v; want %s", tc.params, tc.token, got, err, tc.want)
		}
	}
	for _, bad := range []string{"[]", `"x"`, "null", `{"a":1,}`, "{" + strings.Repeat(" ", MaxParamsBytes) + "}"} {
		if _, err := requestBody([]byte(bad), "t"); err == nil {
			t.Errorf("requestBody(%.20q) took it", bad)
		}
	}
	c := &Client{Origin: "https://misskey.example", Token: `to"ken`}
	k, _ := c.NewRevokeCall()
	if r := k.Request(); r.URL != "https://misskey.example/api/i/revoke-token" || string(r.Body) != `{"token":"to\"ken","i":"to\"ken"}` {
		t.Errorf("revoke: %s %s", r.URL, r.Body)
	}
}

// A rate-limited call is sent again after the wait the server asked for,
// Client.RateLimitRetries times at most.
func TestFinishRetry(t *testing.T) {
	c := &Client{Origin: "https://misskey.example", RateLimitRetries: 2}
	limited := jsonResp(429, `{"error":{"message":"Rate limit exceeded.","code":"RATE_LIMIT_EXCEEDED","id":"d5826d14-3982-4d2e-8011-b9e9f02499ef","info":{"resetMs":1500.2}}}`)
	k, _ := c.NewCall("notes/create", nil)
	for attempt, want := range []time.Duration{1501 * time.Millisecond, 1501 * time.Millisecond, 0} {
		if out := k.Finish(limited, nil); out.Retry != want || out.Err == nil {
			t.Fatalf("attempt %d: Retry %v (%v), want %v", attempt, out.Retry, out.Err, want)
		}
	}
	// A driver that rebuilds the call sets Attempts.
	k, _ = c.NewCall("notes/create", nil)
	k.Attempts = 2
	if out := k.Finish(limited, nil); out.Retry != 0 {
		t.Errorf("Retry %v after the retries were used", out.Retry)
	}
	// A wait longer than MaxRetryWait ends the retries.
	c.MaxRetryWait = time.Second
	k, _ = c.NewCall("notes/create", nil)
	if out := k.Finish(limited, nil); out.Retry != 0 {
		t.Errorf("Retry %v beyond MaxRetryWait", out.Retry)
	}
	// No hint: 1 s, 2 s, …
	c = &Client{Origin: "https://misskey.example", RateLimitRetries: 3}
	k, _ = c.NewCall("notes/create", nil)
	bare := jsonResp(429, `{"error":{"code":"RATE_LIMIT_EXCEEDED"}}`)
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if out := k.Finish(bare, nil); out.Retry != want {
			t.Errorf("Retry %v, want %v", out.Retry, want)
		}
	}
}

func TestJSONMillis(t *testing.T) {
	for raw, want := range map[string]int64{"0": 0, "1500": 1500, "1500.2": 1501, "0.5": 1, "1e3": 1000, "1.5E3": 1500, "2.0": 2, "999999999999": 999999999999} {
		if got, ok := jsonMillis([]byte(raw)); !ok || got != want {
			t.Errorf("jsonMillis(%s) = %d, %v; want %d", raw, got, ok, want)
		}
	}
	for _, raw := range []string{"-1", "1e12", "abc", "", "1e400", `"5"`, "01"} {
		if got, ok := jsonMillis([]byte(raw)); ok {
			t.Errorf("jsonMillis(%s) = %d, ok", raw, got)
		}
	}
}

// A cancelled call sends nothing; an attempt that outlives its timeout is
// TIMEOUT, and the transport hears its Cancel.
func TestSendCancelAndTimeout(t *testing.T) {
	var sent atomic.Int32
	hang := transportFunc(func(req *Request) (*Response, error) {
		sent.Add(1)
		gone := make(chan struct{})
		defer req.Cancel.OnCancel(func() { close(gone) })()
		<-gone
		return nil, errors.New("aborted")
	})
	c := &Client{Origin: "https://misskey.example", Transport: hang}
	k, _ := c.NewCall("meta", nil)
	cancel := &Cancel{}
	cancel.Cancel()
	if out := k.Send(cancel); out.Err.(*Error).Code != CodeAborted || sent.Load() != 0 {
		t.Errorf("a cancelled call: %v, %d sent", out.Err, sent.Load())
	}
	k.Timeout = 50 * time.Millisecond
	if out := k.Send(nil); out.Err.(*Error).Code != CodeTimeout || sent.Load() != 1 {
		t.Errorf("a hanging call: %v, %d sent", out.Err, sent.Load())
	}
	ctx, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	if _, err := c.Request(ctx, "meta", nil); err.(*Error).Code != CodeTimeout {
		t.Errorf("a context's deadline: %v", err)
	}
	ctx, cancelCtx := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancelCtx)
	_, err := c.Request(ctx, "meta", nil)
	if err.(*Error).Code != CodeAborted || !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context: %v", err)
	}
}

// A secure endpoint refuses app tokens: with a token, the call is refused
// before anything is sent, naming the endpoint; AllowSecureEndpoints (a
// web client's own token) and revoking are let through.
func TestSecureEndpoints(t *testing.T) {
	const token = "Q8rZ1xW2p9LmN4vB7cD3fG6hJ0kT5sY1"
	c := &Client{Origin: "https://misskey.example", Token: token}
	for _, ep := range []string{"i/apps", "i/revoke-token", "miauth/gen-token"} {
		_, err := c.NewCall(ep, nil)
		if e, ok := err.(*Error); !ok || e.Code != CodeInvalidArgument || !strings.Contains(e.Message, ep) {
			t.Errorf("%s: %v", ep, err)
		}
	}
	if _, err := c.NewCall("notes/create", nil); err != nil {
		t.Errorf("notes/create: %v", err)
	}
	if _, err := (&Client{Origin: c.Origin}).NewCall("i/apps", nil); err != nil {
		t.Errorf("without a token the server answers: %v", err)
	}
	if _, err := (&Client{Origin: c.Origin, Token: token, AllowSecureEndpoints: true}).NewCall("i/apps", nil); err != nil {
		t.Errorf("AllowSecureEndpoints: %v", err)
	}
	if _, err := c.NewRevokeCall(); err != nil {
		t.Errorf("revoke: %v", err)
	}
	if n := strings.Count(secureEndpoints, "\n") - 1; n != 52 {
		t.Errorf("%d secure endpoints, want 52", n)
	}
}

func TestCancel(t *testing.T) {
	var c Cancel
	calls := 0
	stop := c.OnCancel(func() { calls++ })
	c.OnCancel(func() { calls += 10 })()
	if c.Canceled() {
		t.Fatal("cancelled too soon")
	}
	c.Cancel()
	c.Cancel()
	if calls != 1 || !c.Canceled() {
		t.Errorf("calls %d", calls)
	}
	stop()
	c.OnCancel(func() { calls += 100 }) // after: at once
	if calls != 101 {
		t.Errorf("calls %d", calls)
	}
	// A stop inside a cancellation, and Cancel from several goroutines, do not deadlock.
	var d Cancel
	var s func()
	s = d.OnCancel(func() { s() })
	done := make(chan bool)
	for range 4 {
		go func() { d.Cancel(); done <- true }()
	}
	for range 4 {
		<-done
	}
}
