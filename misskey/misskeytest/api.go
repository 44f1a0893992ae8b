//go:build !js

package misskeytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// maxJSONBody is the real server's cap on JSON (and text) bodies. Larger
// bodies get Fastify's 413 FST_ERR_CTP_BODY_TOO_LARGE.
const maxJSONBody = 1 << 20

// apiError is an error in Misskey's own shape.
type apiError struct {
	status  int // 0: from kind (client 400, permission 403, server 500)
	message string
	code    string
	id      string
	kind    string // "" means "client"
	info    any
	wwwAuth string // overrides the WWW-Authenticate header
}

func (e *apiError) withInfo(info any) *apiError {
	c := *e
	c.info = info
	return &c
}

var (
	errCredentialRequired = &apiError{status: 401, message: "Credential required.", code: "CREDENTIAL_REQUIRED", id: "1384574d-a912-4b81-8601-c7b1c4085df1"}
	errAuthFailed         = &apiError{status: 401, message: "Authentication failed. Please ensure your token is correct.", code: "AUTHENTICATION_FAILED", id: "b0a7f5f8-dc2f-4171-b91f-de88ad238e14",
		wwwAuth: `Bearer realm="Misskey", error="invalid_token", error_description="Failed to authenticate"`}
	errPermissionDenied = &apiError{message: "Your app does not have the necessary permissions to use this endpoint.", code: "PERMISSION_DENIED", id: "1370e5b7-d4eb-4566-bb1d-7748ee6a1838", kind: "permission"}
	// errAccessDenied is what "secure" endpoints answer to anything but a
	// native token (ApiCallService's accessDenied: 400, kind client).
	errAccessDenied    = &apiError{message: "Access denied.", code: "ACCESS_DENIED", id: "56f35758-7dd5-468b-8439-5d6fb8ec9b8e"}
	errRateLimit       = &apiError{status: 429, message: "Rate limit exceeded. Please try again later.", code: "RATE_LIMIT_EXCEEDED", id: "d5826d14-3982-4d2e-8011-b9e9f02499ef"}
	errInvalidParam    = &apiError{message: "Invalid param.", code: "INVALID_PARAM", id: "3d81ceae-475f-4600-b2a8-2bc116157532"}
	errCastParam       = &apiError{message: "Invalid param.", code: "INVALID_PARAM", id: "0b5f1631-7c1a-41a6-b399-cce335f34d85"}
	errUnknownEndpoint = &apiError{status: 404, message: "Unknown API endpoint.", code: "UNKNOWN_API_ENDPOINT", id: "2ca3b769-540a-4f08-9dd5-b5a825b6d0f1"}
)

func invalidParam(param, reason string) *apiError {
	return errInvalidParam.withInfo(map[string]any{"param": param, "reason": reason})
}

// call is one API call being served.
type call struct {
	s      *Server
	r      *http.Request
	origin string
	params map[string]any
	user   *userRec  // nil: anonymous
	token  *tokenRec // the token used (native or app), nil: anonymous
	file   *upload   // drive/files/create only
}

type upload struct {
	filename    string
	contentType string
	data        []byte
}

// endpoint describes one API endpoint, like the "meta" of a real one.
type endpoint struct {
	requireCredential bool
	secure            bool
	kind              string // permission needed by app tokens
	allowGet          bool
	cacheSec          int // Cache-Control max-age for anonymous GETs
	requireFile       bool
	params            schema
	// fn runs with Server.mu held. A nil result means 204 No Content.
	fn func(c *call) (any, *apiError)
}

// faultName is the name an /api/... path goes by in the request record and
// for SetFault: the endpoint name, or "miauth/check" for the check route.
func faultName(name string) string {
	if _, ok := checkSession(name); ok {
		return "miauth/check"
	}
	return name
}

// checkSession recognises "miauth/{session}/check".
func checkSession(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "miauth/")
	if !ok {
		return "", false
	}
	session, ok := strings.CutSuffix(rest, "/check")
	if !ok || session == "" || strings.Contains(session, "/") {
		return "", false
	}
	return session, true
}

func origin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, body []byte) {
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api"), "/")
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodOptions {
		// CORS preflight, answered for any path under /api/.
		h.Set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
		if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" {
			h.Set("Access-Control-Allow-Headers", rh)
			h.Add("Vary", "Access-Control-Request-Headers")
		}
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if s.applyFault(w, r, faultName(name)) {
		return
	}
	session, isCheck := checkSession(name)
	ep := endpoints[name]
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		switch {
		case isCheck || ep == nil:
			writeAPIError(w, errUnknownEndpoint)
		case ep.allowGet:
			params := map[string]any{}
			for k, v := range r.URL.Query() {
				params[k] = castQuery(v[0])
			}
			s.runEndpoint(w, r, ep, params, params, nil)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
		return
	}
	if !isCheck && ep == nil {
		// Fastify's own 404, sent before Misskey adds its CORS header.
		h.Del("Access-Control-Allow-Origin")
		uri := r.RequestURI
		if uri == "" {
			uri = r.URL.RequestURI()
		}
		b, _ := json.Marshal(map[string]any{
			"message":    "Route " + r.Method + ":" + uri + " not found",
			"error":      "Not Found",
			"statusCode": 404,
		})
		h.Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write(b)
		return
	}

	// Body parsing, as Fastify does it for every route.
	ct := r.Header.Get("Content-Type")
	mt, mparams, _ := mime.ParseMediaType(ct)
	var parsed any // nil: no body (JS undefined) or JSON null
	isMultipart := mt == "multipart/form-data"
	switch {
	case isMultipart:
		// @fastify/multipart leaves the body alone; drive/files/create
		// reads it below.
	case mt == "application/json":
		if len(body) == 0 {
			writeFastifyError(w, 400, "FST_ERR_CTP_EMPTY_JSON_BODY", "Body cannot be empty when content-type is set to 'application/json'")
			return
		}
		if len(body) > maxJSONBody {
			writeFastifyError(w, 413, "FST_ERR_CTP_BODY_TOO_LARGE", "Request body is too large")
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&parsed); err != nil || dec.More() {
			writeFastifyError(w, 400, "FST_ERR_CTP_INVALID_JSON_BODY", "Body is not valid JSON but content-type is set to 'application/json'")
			return
		}
	case len(body) == 0:
		// No body at all: the endpoint sees undefined.
	case mt == "text/plain":
		if len(body) > maxJSONBody {
			writeFastifyError(w, 413, "FST_ERR_CTP_BODY_TOO_LARGE", "Request body is too large")
			return
		}
		parsed = string(body)
	default:
		msg := "Unsupported Media Type"
		if ct != "" {
			msg += ": " + ct
		}
		writeFastifyError(w, 415, "FST_ERR_CTP_INVALID_MEDIA_TYPE", msg)
		return
	}

	if isCheck {
		s.serveCheck(w, r, session)
		return
	}

	if ep.requireFile {
		// ApiCallService.handleMultipartRequest: anything but a multipart
		// body with a file gets a bare 400.
		var up *upload
		var fields map[string]any
		if isMultipart {
			up, fields = readMultipart(body, mparams["boundary"])
		}
		if up == nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s.runEndpoint(w, r, ep, fields, fields, up)
		return
	}

	var params map[string]any
	if m, ok := parsed.(map[string]any); ok {
		params = m
		if v, present := m["i"]; present && v != nil {
			if _, isString := v.(string); !isString {
				// The real server sets a status but never sends a reply.
				s.hang(r)
			}
		}
	}
	s.runEndpoint(w, r, ep, parsed, params, nil)
}

// castQuery turns a query-string value into what the real server's GET
// handling would see for a boolean/number parameter.
func castQuery(v string) any {
	var x any
	if json.Unmarshal([]byte(v), &x) == nil {
		switch x.(type) {
		case bool, float64:
			return x
		}
	}
	return v
}

func readMultipart(body []byte, boundary string) (*upload, map[string]any) {
	if boundary == "" {
		return nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	fields := map[string]any{}
	var up *upload
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		data := new(bytes.Buffer)
		if _, err := data.ReadFrom(p); err != nil {
			return nil, nil
		}
		if p.FileName() != "" {
			if up == nil {
				up = &upload{filename: p.FileName(), contentType: p.Header.Get("Content-Type"), data: data.Bytes()}
			}
			continue
		}
		if name := p.FormName(); name != "" {
			fields[name] = data.String()
		}
	}
	return up, fields
}

// runEndpoint authenticates and runs ep in the order ApiCallService
// does: authentication, secure check, credential, permission, parameter
// casting (multipart/GET) and validation, then the endpoint itself.
// parsed is the request body as the endpoint sees it (nil: undefined or
// null) and params the same when it is an object.
func (s *Server) runEndpoint(w http.ResponseWriter, r *http.Request, ep *endpoint, parsed any, params map[string]any, up *upload) {
	var tokenStr *string
	if v, ok := params["i"].(string); ok {
		tokenStr = &v
	}
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		tokenStr = &t
	}

	s.mu.Lock()
	c := &call{s: s, r: r, origin: origin(r), file: up}
	if tokenStr != nil {
		tok := s.st.tokens[*tokenStr]
		if tok == nil {
			s.mu.Unlock()
			writeAPIError(w, errAuthFailed)
			return
		}
		c.token, c.user = tok, tok.user
	}
	res, aerr := s.execute(c, ep, parsed, up != nil || r.Method == http.MethodGet || r.Method == http.MethodHead)
	s.mu.Unlock()
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	if r.Method == http.MethodGet && ep.cacheSec > 0 && tokenStr == nil {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", ep.cacheSec))
	}
	if res == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) execute(c *call, ep *endpoint, parsed any, cast bool) (any, *apiError) {
	if ep.secure && (c.token == nil || !c.token.native) {
		return nil, errAccessDenied
	}
	if ep.requireCredential && c.user == nil {
		return nil, errCredentialRequired
	}
	if ep.kind != "" && c.token != nil && !c.token.has(ep.kind) {
		return nil, errPermissionDenied
	}
	if cast {
		if m, ok := parsed.(map[string]any); ok {
			if err := ep.params.cast(m); err != nil {
				return nil, err
			}
		}
	}
	params, err := ep.params.validate(parsed)
	if err != nil {
		return nil, err
	}
	c.params = params
	return ep.fn(c)
}

// writeJSON writes v as JSON the way Fastify does (no HTML escaping).
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func writeAPIError(w http.ResponseWriter, e *apiError) {
	kind := e.kind
	if kind == "" {
		kind = "client"
	}
	status := e.status
	h := w.Header()
	switch {
	case e.wwwAuth != "":
		h.Set("WWW-Authenticate", e.wwwAuth)
	case status == 401:
		h.Set("WWW-Authenticate", `Bearer realm="Misskey"`)
	case kind == "client":
		h.Set("WWW-Authenticate", `Bearer realm="Misskey", error="invalid_request", error_description="`+e.message+`"`)
	case kind == "permission" && e.code == "PERMISSION_DENIED":
		h.Set("WWW-Authenticate", `Bearer realm="Misskey", error="insufficient_scope", error_description="`+e.message+`"`)
	}
	if status == 0 {
		switch kind {
		case "client":
			status = 400
		case "permission":
			status = 403
		default:
			status = 500
		}
	}
	body := map[string]any{"message": e.message, "code": e.code, "id": e.id, "kind": kind}
	if e.info != nil {
		body["info"] = e.info
	}
	writeJSON(w, status, map[string]any{"error": body})
}

// writeFastifyError writes an error in Fastify's own shape (not Misskey's).
func writeFastifyError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{
		"statusCode": status,
		"code":       code,
		"error":      http.StatusText(status),
		"message":    message,
	})
}

// requestToken finds the token a request carries, for the request record.
func requestToken(r *http.Request, body []byte) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t
	}
	mt, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			if t, ok := m["i"].(string); ok {
				return t
			}
		}
	case "multipart/form-data":
		if _, fields := readMultipart(body, mp["boundary"]); fields != nil {
			if t, ok := fields["i"].(string); ok {
				return t
			}
		}
	}
	return ""
}
