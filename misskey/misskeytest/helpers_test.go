//go:build !js

package misskeytest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

var client = &http.Client{
	Timeout: 5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

type resp struct {
	*http.Response
	body []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.body, err)
	}
	return m
}

func (r resp) array(t *testing.T) []any {
	t.Helper()
	var a []any
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatalf("body %q is not a JSON array: %v", r.body, err)
	}
	return a
}

func do(t *testing.T, req *http.Request) resp {
	t.Helper()
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{res, b}
}

// raw sends a request with an arbitrary body and content type.
func raw(t *testing.T, method, url, contentType string, body []byte, header ...string) resp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, req)
}

// call posts params as JSON to /api/endpoint.
func api(t *testing.T, s *Server, endpoint string, params map[string]any, header ...string) resp {
	t.Helper()
	b, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	return raw(t, "POST", s.URL+"/api/"+endpoint, "application/json", b, header...)
}

// ok calls endpoint with token and fails unless it answers 200 or 204.
func ok(t *testing.T, s *Server, endpoint, token string, params map[string]any) resp {
	t.Helper()
	if params == nil {
		params = map[string]any{}
	}
	if token != "" {
		params["i"] = token
	}
	r := api(t, s, endpoint, params)
	if r.StatusCode != 200 && r.StatusCode != 204 {
		t.Fatalf("%s: status %d, body %s", endpoint, r.StatusCode, r.body)
	}
	return r
}

// wantError checks a Misskey-shaped error answer.
func wantError(t *testing.T, r resp, status int, code, kind string) map[string]any {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("status %d, want %d; body %s", r.StatusCode, status, r.body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	e, _ := r.json(t)["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error object in %s", r.body)
	}
	if e["code"] != code || e["kind"] != kind {
		t.Errorf("code %v kind %v, want %s %s (body %s)", e["code"], e["kind"], code, kind, r.body)
	}
	if id, _ := e["id"].(string); len(id) != 36 {
		t.Errorf("id %v is not a uuid", e["id"])
	}
	if m, _ := e["message"].(string); m == "" {
		t.Errorf("no message in %s", r.body)
	}
	return e
}

func newTestServer(t *testing.T) *Server {
	t.Helper()
	s := NewServer()
	t.Cleanup(s.Close)
	return s
}

type mpWriter struct{ *multipart.Writer }

func newMultipart(w io.Writer) mpWriter { return mpWriter{multipart.NewWriter(w)} }

func (m mpWriter) field(name, value string) {
	if err := m.WriteField(name, value); err != nil {
		panic(err)
	}
}

func (m mpWriter) file(field, filename, contentType string, data []byte) {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+filename+`"`)
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	p, err := m.CreatePart(h)
	if err != nil {
		panic(err)
	}
	p.Write(data)
}

func (m mpWriter) close() { m.Close() }

func (m mpWriter) contentType() string { return m.FormDataContentType() }

// aidTime decodes the time of an aid.
func aidTime(t *testing.T, id string) time.Time {
	t.Helper()
	ms, err := strconv.ParseInt(id[:8], 36, 64)
	if err != nil || len(id) != 10 {
		t.Fatalf("%q is not an aid", id)
	}
	return time.UnixMilli(aidEpoch.UnixMilli() + ms).UTC()
}
