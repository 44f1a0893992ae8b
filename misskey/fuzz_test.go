package misskey

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets: `go test -fuzz FuzzX ./misskey` explores; `go test` runs the
// seeds and the committed corpus under testdata/fuzz.

func FuzzSessionFromCallback(f *testing.F) {
	for _, s := range []string{
		"https://my.app/cb?session=0b7f6c1e-1d2a-4a4e-9d0c-2f7b4e0e9a11",
		"https://my.app/cb?x=1&session=abc&y=2#frag",
		"https://my.app/cb?session=a%2Db&session=second",
		"https://my.app/cb#session=abc",
		"https://my.app/cb?sess%69on=abc",
		"https://my.app/cb?session=",
		"https://my.app/cb?session=%zz",
		"https://my.app/cb?session=../../admin",
		"not a url",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := SessionFromCallback(raw)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || (e.Code != CodeNoSession && e.Code != CodeInvalidArgument) {
				t.Fatalf("SessionFromCallback(%q): unexpected error %v", raw, err)
			}
			return
		}
		if !validSession(s) {
			t.Fatalf("SessionFromCallback(%q) = %q, not a valid session", raw, s)
		}
		// Agree with net/url where net/url takes the URL.
		if u, err := url.Parse(raw); err == nil && !strings.Contains(u.RawQuery, ";") {
			if q, err := url.ParseQuery(u.RawQuery); err == nil {
				if got := q.Get("session"); got != s {
					t.Fatalf("SessionFromCallback(%q) = %q, net/url says %q", raw, s, got)
				}
			}
		}
		stripped := StripSession(raw)
		if _, err := SessionFromCallback(stripped); err == nil {
			t.Fatalf("StripSession(%q) = %q still has a session", raw, stripped)
		}
	})
}

func FuzzParseOrigin(f *testing.F) {
	for _, s := range []string{"misskey.example", "https://misskey.example/", "http://127.0.0.1:3000", "http://[::1]:1", "https://a@b", "https://x:99999", "HTTPS://X.EXAMPLE:443", "https://a/b?c#d", "\x00", "https://[::1]x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		o, err := ParseOrigin(raw, false)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalidArgument {
				t.Fatalf("ParseOrigin(%q): unexpected error %v", raw, err)
			}
			return
		}
		// A normalized origin is a fixed point, and net/url reads it as an
		// origin with nothing else in it.
		if again, err := ParseOrigin(o, false); err != nil || again != o {
			t.Fatalf("ParseOrigin(%q) = %q, then %q, %v", raw, o, again, err)
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil || u.Fragment != "" {
			t.Fatalf("ParseOrigin(%q) = %q, which net/url reads as %#v (%v)", raw, o, u, err)
		}
		if o != strings.ToLower(o) {
			t.Fatalf("ParseOrigin(%q) = %q is not lower-case", raw, o)
		}
	})
}

func FuzzValidEndpoint(f *testing.F) {
	for _, s := range []string{"notes/create", "../admin", "a//b", "i?x", "i#x", "i%2F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !ValidEndpoint(name) {
			return
		}
		u, err := url.Parse("https://h.example/api/" + name)
		if err != nil || u.Path != "/api/"+name || u.RawQuery != "" || u.Fragment != "" || strings.Contains(name, "..") {
			t.Fatalf("ValidEndpoint(%q) = true but the URL reads as %#v", name, u)
		}
	})
}

func FuzzParseErrorResponse(f *testing.F) {
	for _, s := range []string{
		`{"error":{"message":"Credential required.","code":"CREDENTIAL_REQUIRED","id":"1384574d-a912-4b81-8601-c7b1c4085df1","kind":"client"}}`,
		`{"error":{"message":"Rate limit exceeded.","code":"RATE_LIMIT_EXCEEDED","id":"d5826d14-3982-4d2e-8011-b9e9f02499ef","kind":"client","info":{"remaining":0,"reset":3,"resetMs":2500,"total":10}}}`,
		`{"message":"Route POST:/api/x not found","error":"Not Found","statusCode":404}`,
		`{"statusCode":400,"code":"FST_ERR_CTP_INVALID_JSON_BODY","error":"Bad Request","message":"Body is not valid JSON but content-type is set to 'application/json'"}`,
		"<html><body><h1>502 Bad Gateway</h1></body></html>",
		`{"error":{"code":"TOO_MANY_AUTHENTICATION_FAILURES"}}`,
		`{"error":{"code":12,"message":null}}`,
		`{"error":"x"}`,
		`{"error":{"message":"`,
		"",
	} {
		f.Add(429, s)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		e := parseErrorResponse(&Response{Status: status, Header: map[string]string{"retry-after": "3"}, Body: []byte(body)})
		if e.Code == "" || e.Status != status {
			t.Fatalf("parseErrorResponse(%q) = %#v", body, e)
		}
		if e.Info != nil && !json.Valid(e.Info) {
			t.Fatalf("Info %q is not JSON", e.Info)
		}
		if e.RetryAfter < 0 {
			t.Fatalf("RetryAfter %v < 0", e.RetryAfter)
		}
		if !utf8.ValidString(e.Error()) {
			t.Fatalf("Error() is not UTF-8: %q", e.Error())
		}
	})
}

// The JSON reader must agree with encoding/json on what is valid, and on
// the value of a string.
func FuzzJSONLite(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,false,null],"c":{"d":"\u00e9\ud83d\ude00"}}`, `"\ud800"`, `1e5`, `-0.5`, `01`, `[1,]`, `{"a" 1}`, `"\x01"`, ` {} `, `[[[[[]]]]]`, `"a\/b"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("validJSON(%q) = %v, encoding/json says %v", b, got, want)
		}
		tb := bytes.TrimSpace(b)
		if len(tb) > 0 && tb[0] == '"' && json.Valid(tb) {
			var want string
			_ = json.Unmarshal(tb, &want)
			got, ok := jsonString(tb)
			if !ok || got != want {
				t.Fatalf("jsonString(%q) = %q, %v; encoding/json says %q", tb, got, ok, want)
			}
		}
		if fields, err := jsonObject(b); err == nil {
			var want map[string]json.RawMessage
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatalf("jsonObject(%q) ok, encoding/json: %v", b, err)
			}
			if len(fields) != len(want) {
				t.Fatalf("jsonObject(%q) has %d fields, encoding/json %d", b, len(fields), len(want))
			}
		}
	})
}

func FuzzRequestBody(f *testing.F) {
	for _, s := range []string{``, `{}`, ` { } `, `{"text":"hi"}`, `{"i":"evil"}`, `[]`, `"x"`, `{"a":1,}`, `null`} {
		f.Add(s, "tok\"en\\\x01é")
	}
	f.Fuzz(func(t *testing.T, params, token string) {
		body, err := requestBody([]byte(params), token)
		if err != nil {
			if json.Valid([]byte(params)) && strings.HasPrefix(strings.TrimSpace(params), "{") {
				t.Fatalf("requestBody(%q) refused a JSON object: %v", params, err)
			}
			return
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("requestBody(%q, %q) = %q: %v", params, token, body, err)
		}
		if token != "" {
			want := string([]rune(token))
			if m["i"] != want {
				t.Fatalf("requestBody(%q, %q): i = %q", params, token, m["i"])
			}
		}
	})
}
