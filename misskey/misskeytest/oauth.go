//go:build !js

package misskeytest

// The OAuth 2.0 provider of Misskey 2023.9.0 and later, as 2025.11.1 has
// it: packages/backend/src/server/oauth/OAuth2ProviderService.ts, which
// runs oauth2orize 1.12.0 (with oauth2orize-pkce 0.1.2) under
// @fastify/express 4.0.2 (express 4.21.2, body-parser 1.20.3), with
// @fastify/cors 10 on the token endpoint. Comments name the lines of
// those sources that each rule copies.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// OAuthError is an error that the fake's OAuth 2.0 endpoints answer
// directly, as a JSON body {"error": Code, "error_description":
// Description} with status Status, instead of redirecting the browser to
// the client (the real server answers so when it cannot trust the
// client's redirect_uri, and for every error of the decision step).
// ApproveOAuth and DenyOAuth return it for what the page would show.
type OAuthError struct {
	Status      int    // HTTP status, e.g. 400
	Code        string // "error", e.g. "invalid_request"
	Description string // "error_description", e.g. "Invalid redirect_uri"
}

func (e *OAuthError) Error() string {
	return fmt.Sprintf("misskeytest: OAuth %d %s: %s", e.Status, e.Code, e.Description)
}

func oauthErr(status int, code, desc string) *OAuthError {
	return &OAuthError{Status: status, Code: code, Description: desc}
}

// Statuses of oauth2orize's AuthorizationError (lib/errors/
// authorizationerror.js) and TokenError (lib/errors/tokenerror.js) by
// code; anything else is 500 (lib/errors/oauth2error.js).
func authzError(code, desc string) *OAuthError {
	status := 500
	switch code {
	case "invalid_request", "invalid_scope":
		status = 400
	case "unauthorized_client", "access_denied":
		status = 403
	case "unsupported_response_type":
		status = 501
	case "temporarily_unavailable":
		status = 503
	}
	return oauthErr(status, code, desc)
}

func tokenError(code, desc string) *OAuthError {
	status := 500
	switch code {
	case "invalid_request", "invalid_scope":
		status = 400
	case "invalid_client":
		status = 401
	case "invalid_grant", "unauthorized_client":
		status = 403
	case "unsupported_grant_type":
		status = 501
	}
	return oauthErr(status, code, desc)
}

const (
	// oauthLifetime is how long transactions (OAuth2Store) and codes
	// (grantCodeCache) live: new MemoryKVCache(1000 * 60 * 5), which
	// forgets an entry once (now - set) > lifetime.
	oauthLifetime = 5 * time.Minute
	// clientFetchTimeout is HttpRequestService.send's default timeout
	// (args.timeout ?? 5000), for the whole request, body included.
	clientFetchTimeout = 5 * time.Second
	// clientFetchMaxBody is send's default size (10 * 1024 * 1024).
	clientFetchMaxBody = 10 << 20
	// bodyParserLimit is body-parser's default limit, "100kb".
	bodyParserLimit = 100 << 10
	// secureRndstr's alphabet (misc/secure-rndstr.ts, LU_CHARS).
	rndstrChars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// oauthState holds the transactions (consent pages shown, not yet
// decided) and the authorization codes. Guarded by Server.mu; the zero
// value is ready to use.
type oauthState struct {
	rng   *rand.Rand
	txns  map[string]*oauthTxn
	codes map[string]*oauthCode
}

// oauthClient is ClientInformation: what the client_id page declares.
type oauthClient struct {
	id           string // clientUrl.href
	redirectURIs []string
	name         string
	logo         string // "" for none
}

// oauthTxn is what oauth/authorize stores for oauth/decision.
type oauthTxn struct {
	client      oauthClient
	redirectURI string
	scopes      []string
	state       jsValue
	challenge   string
	at          time.Time
}

// oauthCode is one entry of grantCodeCache.
type oauthCode struct {
	clientID    string
	user        *userRec
	redirectURI string
	challenge   string
	scopes      []string
	at          time.Time
	used        bool
	granted     string // the token it gave, "" if none yet
}

// rndstr is secureRndstr(n), from a fixed seed (apart from the token
// generator, so that OAuth does not shift the tokens MiAuth hands out).
func (o *oauthState) rndstr(n int) string {
	if o.rng == nil {
		o.rng = rand.New(rand.NewPCG(0x6f617574, 0x68327374))
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = rndstrChars[o.rng.IntN(len(rndstrChars))]
	}
	return string(b)
}

func expired(at, now time.Time) bool { return now.Sub(at) > oauthLifetime }

// txn returns the live transaction id (MemoryKVCache.get: an expired
// entry is deleted and reads as absent).
func (o *oauthState) txn(id string, now time.Time) *oauthTxn {
	t := o.txns[id]
	if t != nil && expired(t.at, now) {
		delete(o.txns, id)
		return nil
	}
	return t
}

func (o *oauthState) code(code string, now time.Time) *oauthCode {
	c := o.codes[code]
	if c != nil && expired(c.at, now) {
		delete(o.codes, code)
		return nil
	}
	return c
}

// gc forgets expired entries (MemoryKVCache's gc, every 3 minutes on the
// real server; here whenever something is stored).
func (o *oauthState) gc(now time.Time) {
	for k, t := range o.txns {
		if expired(t.at, now) {
			delete(o.txns, k)
		}
	}
	for k, c := range o.codes {
		if expired(c.at, now) {
			delete(o.codes, k)
		}
	}
}

// ---------------------------------------------------------------------
// Routes

// serveWellKnown answers /.well-known/...: OPTIONS for any path (204)
// and the RFC 8414 metadata (WellKnownServerService.ts: its onRequest
// hook's CORS headers, options(allPath) → 204, and
// get('/.well-known/oauth-authorization-server') →
// generateRFC8414()). Other paths get the mux's 404, as before.
func (s *Server) serveWellKnown(w http.ResponseWriter, r *http.Request) {
	meta := r.URL.Path == "/.well-known/oauth-authorization-server"
	if r.Method != http.MethodOptions && !meta {
		http.NotFound(w, r)
		return
	}
	switch {
	case r.Method == http.MethodOptions, r.Method == http.MethodGet && !s.DisableOAuth, r.Method == http.MethodHead && !s.DisableOAuth:
	default:
		// No such route: Fastify's 404, before the plugin's hooks.
		fastifyNotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Headers", "Accept")
	h.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "Vary")
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, oauthMetadata(origin(r)))
}

// rfc8414 is generateRFC8414()'s object, in its key order.
type rfc8414 struct {
	Issuer                        string   `json:"issuer"`
	AuthorizationEndpoint         string   `json:"authorization_endpoint"`
	TokenEndpoint                 string   `json:"token_endpoint"`
	ScopesSupported               []string `json:"scopes_supported"`
	ResponseTypesSupported        []string `json:"response_types_supported"`
	GrantTypesSupported           []string `json:"grant_types_supported"`
	ServiceDocumentation          string   `json:"service_documentation"`
	CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported"`
	IssParameterSupported         bool     `json:"authorization_response_iss_parameter_supported"`
}

func oauthMetadata(issuer string) rfc8414 {
	return rfc8414{
		Issuer:                        issuer,
		AuthorizationEndpoint:         issuer + "/oauth/authorize",
		TokenEndpoint:                 issuer + "/oauth/token",
		ScopesSupported:               slices.Clone(permissions),
		ResponseTypesSupported:        []string{"code"},
		GrantTypesSupported:           []string{"authorization_code"},
		ServiceDocumentation:          "https://misskey-hub.net",
		CodeChallengeMethodsSupported: []string{"S256"},
		IssParameterSupported:         true,
	}
}

// serveOAuth answers /oauth/...: ServerService registers
// createServer under /oauth (express middlewares on /authorize and
// /decision, then a catch-all 404) and createTokenServer under
// /oauth/token (CORS, then the token middleware on POST).
func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request) {
	if s.DisableOAuth {
		fastifyNotFound(w, r)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/oauth/token" && r.Method == http.MethodPost:
		s.serveToken(w, r)
	case strings.HasPrefix(p, "/oauth/token") && r.Method == http.MethodOptions:
		// fastify.options('*') of @fastify/cors under the /oauth/token
		// prefix.
		serveTokenPreflight(w, r)
	case expressMatch(p, "/oauth/authorize"):
		s.serveAuthorize(w, r)
	case expressMatch(p, "/oauth/decision"):
		s.serveDecision(w, r)
	default:
		unknownOAuthEndpoint(w)
	}
}

// expressMatch is how app.use(prefix) matches a path: the prefix,
// case-insensitively, then the end or a slash.
func expressMatch(p, prefix string) bool {
	if len(p) < len(prefix) || !strings.EqualFold(p[:len(prefix)], prefix) {
		return false
	}
	return len(p) == len(prefix) || p[len(prefix)] == '/'
}

// unknownOAuthEndpoint is createServer's fastify.all('/*') answer.
func unknownOAuthEndpoint(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{
		"message": "Unknown OAuth endpoint.",
		"code":    "UNKNOWN_OAUTH_ENDPOINT",
		"id":      "aa49e620-26cb-4e28-aad6-8cbcb58db147",
		"kind":    "client",
	}})
}

// fastifyNotFound is Fastify's own 404 for a route it does not have (what
// a server without OAuth answers).
func fastifyNotFound(w http.ResponseWriter, r *http.Request) {
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	writeJSON(w, http.StatusNotFound, struct {
		Message    string `json:"message"`
		Error      string `json:"error"`
		StatusCode int    `json:"statusCode"`
	}{"Route " + r.Method + ":" + uri + " not found", "Not Found", 404})
}

// writeOAuthError is oauth2orize's errorHandler in direct mode
// (lib/middleware/errorHandler.js): the status, Content-Type
// application/json and JSON.stringify({error, error_description}).
func writeOAuthError(w http.ResponseWriter, e *OAuthError) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Error       string `json:"error"`
		Description string `json:"error_description,omitempty"`
	}{e.Code, e.Description})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// ---------------------------------------------------------------------
// Authorization endpoint

// authzResult is what GET /oauth/authorize leads to: a consent page
// (txn), a redirect to the client (an indirect error), or a direct
// error.
type authzResult struct {
	txn      *oauthTxn
	redirect string
	err      *OAuthError
}

func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.closeCtx, cancel)
	defer stop()
	res := s.authorize(ctx, parseQS(r.URL.RawQuery), origin(r))
	switch {
	case res.err != nil:
		writeOAuthError(w, res.err)
		return
	case res.redirect != "":
		writeExpressRedirect(w, r, res.redirect)
		return
	}
	s.mu.Lock()
	now := s.st.now()
	s.oauth.gc(now)
	if s.oauth.txns == nil {
		s.oauth.txns = map[string]*oauthTxn{}
	}
	// OAuth2Store.store: secureRndstr(128).
	id := s.oauth.rndstr(128)
	res.txn.at = now
	s.oauth.txns[id] = res.txn
	var user *User
	if s.st.signedIn != nil {
		u := *s.st.signedIn.pub
		user = &u
	}
	s.mu.Unlock()
	// The express middleware passes a valid request on to Fastify, which
	// routes only GET /authorize (and its HEAD) to the page; anything
	// else falls to the catch-all 404.
	if r.URL.Path != "/oauth/authorize" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		unknownOAuthEndpoint(w)
		return
	}
	d := oauthPageData{
		TransactionID: id,
		Name:          res.txn.client.name,
		Logo:          res.txn.client.logo,
		Scope:         strings.Join(res.txn.scopes, " "),
		Perms:         res.txn.scopes,
		User:          user,
	}
	if user != nil {
		d.LoginToken = user.Token
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // fastify.get('/authorize')
	w.WriteHeader(http.StatusOK)
	_ = oauthPageTmpl.Execute(w, d)
}

// authorize runs what oauth2orize's authorization middleware and
// Misskey's validate function do for a GET /oauth/authorize with query
// q, in their order. It fetches the client_id page; it changes nothing.
func (s *Server) authorize(ctx context.Context, q map[string]jsValue, issuer string) authzResult {
	direct := func(e *OAuthError) authzResult { return authzResult{err: e} }

	// lib/middleware/authorization.js: type = req.query.response_type;
	// server._parse runs the parsers registered for that type.
	typ := q["response_type"]
	if !typ.truthy() {
		return direct(authzError("invalid_request", "Missing required parameter: response_type"))
	}
	if !isCodeResponseType(typ) {
		// areq.type && !areq.clientID: no parser ran.
		return direct(authzError("unsupported_response_type", "Unsupported response type: "+typ.String()))
	}
	// oauth2orize-pkce lib/request/extensions.js (registered first).
	var challenge, method jsValue
	if ch := q["code_challenge"]; ch.truthy() {
		challenge = ch
		method = q["code_challenge_method"]
		if !method.truthy() {
			method = jsStr("plain")
		}
	}
	// lib/grant/code.js request().
	clientID := q["client_id"]
	if !clientID.truthy() {
		return direct(authzError("invalid_request", "Missing required parameter: client_id"))
	}
	if clientID.kind != jsString {
		return direct(authzError("invalid_request", "Invalid parameter: client_id must be a string"))
	}
	var scope []string
	if sc := q["scope"]; sc.truthy() {
		if sc.kind != jsString {
			return direct(authzError("invalid_request", "Invalid parameter: scope must be a string"))
		}
		scope = strings.Split(sc.s, " ")
	}
	redirectURI, state := q["redirect_uri"], q["state"]

	// OAuth2ProviderService.ts validate: validateClientId.
	clientURL, err := s.validateClientID(clientID.s)
	if err != nil {
		return direct(err)
	}
	// "if (process.env.NODE_ENV !== 'test' || ...MISSKEY_TEST_CHECK_IP_RANGE
	// === '1')": dns.lookup, then ipaddr's range() must be 'unicast'.
	if !s.AllowLoopbackClientID {
		host := whatwgHostname(clientURL)
		addrs, lerr := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if lerr != nil || len(addrs) == 0 {
			// A Node system error: oauth2orize's errorHandler takes its
			// code (ENOTFOUND) for "error", and there is no status: 500.
			return direct(oauthErr(500, "ENOTFOUND", "getaddrinfo ENOTFOUND "+host))
		}
		if !isUnicast(addrs[0].Unmap()) {
			return direct(authzError("invalid_request", "client_id resolves to disallowed IP range."))
		}
	}
	client, err := discoverClient(ctx, clientURL.String(), issuer, !s.AllowLoopbackClientID)
	if err != nil {
		return direct(err)
	}
	if redirectURI.kind != jsString || !slices.Contains(client.redirectURIs, redirectURI.s) {
		return direct(authzError("invalid_request", "Invalid redirect_uri"))
	}

	// From here on errors go to the client: done(err, clientInfo,
	// redirectURI), then errorHandler({mode: 'indirect'}).
	indirect := func(e *OAuthError) authzResult {
		params := [][2]string{{"error", e.Code}, {"error_description", e.Description}}
		if state.truthy() {
			params = append(params, [2]string{"state", state.String()})
		}
		return authzResult{redirect: clientRedirect(redirectURI.s, params, issuer)}
	}
	var scopes []string
	for _, sc := range scope {
		if !slices.Contains(scopes, sc) && slices.Contains(permissions, sc) {
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) == 0 {
		return indirect(authzError("invalid_scope", "`scope` parameter has no known scope"))
	}
	if challenge.kind != jsString {
		return indirect(authzError("invalid_request", "`code_challenge` parameter is required"))
	}
	if method.kind != jsString || method.s != "S256" {
		return indirect(authzError("invalid_request", "`code_challenge_method` parameter must be set as S256"))
	}
	return authzResult{txn: &oauthTxn{
		client:      client,
		redirectURI: redirectURI.s,
		scopes:      scopes,
		state:       state,
		challenge:   challenge.s,
	}}
}

// isCodeResponseType is UnorderedList(type).equalTo('code'): a string
// splits on spaces, an array (a repeated parameter) is taken as is.
func isCodeResponseType(v jsValue) bool {
	switch v.kind {
	case jsString:
		return v.s == "code"
	case jsArray:
		return len(v.elems) == 1 && v.elems[0] == "code"
	}
	return false
}

// validateClientID is validateClientId: new URL(raw), then the
// IndieAuth client identifier rules, in order.
func (s *Server) validateClientID(raw string) (*url.URL, *OAuthError) {
	u, err := parseURL(raw, nil)
	if err != nil {
		return nil, authzError("invalid_request", "client_id must be a valid URL")
	}
	if u.Scheme != "https" && !(s.AllowLoopbackClientID && u.Scheme == "http") {
		return nil, authzError("invalid_request", "client_id must be a valid HTTPS URL")
	}
	// The dot-segment rule can never fire: new URL has already removed
	// them, as parseURL does.
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if seg == "." || seg == ".." {
			return nil, authzError("invalid_request", "client_id must not contain dot path segments")
		}
	}
	if u.Fragment != "" {
		return nil, authzError("invalid_request", "client_id must not contain a fragment component")
	}
	if u.User != nil {
		return nil, authzError("invalid_request", "client_id must not contain a username or a password")
	}
	host := whatwgHostname(u)
	if !domainRE.MatchString(host) && host != "localhost" && host != "127.0.0.1" && host != "[::1]" {
		return nil, authzError("invalid_request", "client_id must have a domain name as a host name")
	}
	return u, nil
}

// domainRE is validateClientId's /\.\w+$/.
var domainRE = regexp.MustCompile(`\.[A-Za-z0-9_]+$`)

// ---------------------------------------------------------------------
// Decision endpoint

func (s *Server) serveDecision(w http.ResponseWriter, r *http.Request) {
	// bodyParser.urlencoded({ extended: false }): other bodies leave
	// req.body empty.
	body, perr := parseFormBody(r)
	if perr != nil {
		writeOAuthError(w, perr)
		return
	}
	loc, err := s.decide(body["transaction_id"], body["login_token"], body["cancel"].truthy(), origin(r))
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	writeExpressRedirect(w, r, loc)
}

// decide is oauth2orize's decision middleware with Misskey's
// OAuth2Store and code grant: it answers the consent page's form and
// returns where to redirect the browser.
func (s *Server) decide(txnID, loginToken jsValue, cancel bool, issuer string) (string, *OAuthError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.st.now()
	// OAuth2Store.load.
	if !txnID.truthy() {
		return "", authzError("invalid_request", "Missing transaction ID")
	}
	var txn *oauthTxn
	if txnID.kind == jsString {
		txn = s.oauth.txn(txnID.s, now)
	}
	if txn == nil {
		return "", authzError("access_denied", "Invalid or expired transaction ID")
	}
	// The decision middleware removes the transaction when it answers,
	// whatever the answer.
	delete(s.oauth.txns, txnID.s)
	return s.grant(txn, loginToken, !cancel, issuer, now)
}

// grant is lib/grant/code.js response() with Misskey's issue callback.
// Server.mu must be held.
func (s *Server) grant(txn *oauthTxn, loginToken jsValue, allow bool, issuer string, now time.Time) (string, *OAuthError) {
	var params [][2]string
	withState := func() {
		if txn.state.truthy() {
			params = append(params, [2]string{"state", txn.state.String()})
		}
	}
	if !allow {
		params = append(params, [2]string{"error", "access_denied"})
		withState()
		return clientRedirect(txn.redirectURI, params, issuer), nil
	}
	if !loginToken.truthy() {
		return "", authzError("invalid_request", "No user")
	}
	var user *userRec
	if loginToken.kind == jsString {
		// usersRepository.findOneBy({ token }): a user's native token.
		if t := s.st.tokens[loginToken.s]; t != nil && t.native {
			user = t.user
		}
	}
	if user == nil {
		return "", authzError("invalid_request", "No such user")
	}
	s.oauth.gc(now)
	if s.oauth.codes == nil {
		s.oauth.codes = map[string]*oauthCode{}
	}
	code := s.oauth.rndstr(128)
	s.oauth.codes[code] = &oauthCode{
		clientID:    txn.client.id,
		user:        user,
		redirectURI: txn.redirectURI,
		challenge:   txn.challenge,
		scopes:      slices.Clone(txn.scopes),
		at:          now,
	}
	params = append(params, [2]string{"code", code})
	withState()
	return clientRedirect(txn.redirectURI, params, issuer), nil
}

// clientRedirect is Misskey's getQueryMode: params, then iss (RFC 9207),
// appended to redirectURI's search params.
func clientRedirect(redirectURI string, params [][2]string, issuer string) string {
	params = append(params, [2]string{"iss", issuer})
	base, frag, hasFrag := strings.Cut(redirectURI, "#")
	base, query, _ := strings.Cut(base, "?")
	var pairs [][2]string
	for _, seq := range strings.Split(query, "&") {
		if seq == "" {
			continue
		}
		k, v, _ := strings.Cut(seq, "=")
		pairs = append(pairs, [2]string{formDecode(k), formDecode(v)})
	}
	pairs = append(pairs, params...)
	var b strings.Builder
	b.WriteString(base)
	for i, p := range pairs {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(formEncode(p[0]))
		b.WriteByte('=')
		b.WriteString(formEncode(p[1]))
	}
	if hasFrag {
		b.WriteByte('#')
		b.WriteString(frag)
	}
	return b.String()
}

// writeExpressRedirect is express 4.21.2's res.redirect(url): 302, an
// encodeurl'd Location, and a body negotiated on Accept.
func writeExpressRedirect(w http.ResponseWriter, r *http.Request, location string) {
	loc := encodeURL(location)
	h := w.Header()
	h.Set("Location", loc)
	h.Add("Vary", "Accept")
	var body string
	switch acceptsTextOrHTML(r.Header.Values("Accept")) {
	case "text/plain":
		h.Set("Content-Type", "text/plain; charset=utf-8")
		body = "Found. Redirecting to " + loc
	case "text/html":
		h.Set("Content-Type", "text/html; charset=utf-8")
		body = "<p>Found. Redirecting to " + escapeHTML(loc) + "</p>"
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusFound)
	if r.Method != http.MethodHead {
		io.WriteString(w, body)
	}
}

// ---------------------------------------------------------------------
// Token endpoint

// serveTokenPreflight is @fastify/cors 10's preflight with its defaults
// (origin '*', strictPreflight).
func serveTokenPreflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	if r.Header.Get("Origin") == "" || r.Header.Get("Access-Control-Request-Method") == "" {
		h.Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "Invalid Preflight Request")
		return
	}
	h.Set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
	h.Add("Vary", "Access-Control-Request-Headers")
	if rh, ok := r.Header["Access-Control-Request-Headers"]; ok {
		h.Set("Access-Control-Allow-Headers", strings.Join(rh, ", "))
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	// @fastify/cors' onRequest hook runs before everything else.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	// bodyParser.urlencoded({ extended: false }), then
	// bodyParser.json({ strict: true }).
	var body map[string]jsValue
	var perr *OAuthError
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		body, perr = parseJSONBody(r)
	} else {
		body, perr = parseFormBody(r)
	}
	if perr != nil {
		writeOAuthError(w, perr)
		return
	}
	tok, err := s.exchange(body)
	if err != nil {
		writeOAuthError(w, err)
		return
	}
	// lib/exchange/authorizationCode.js issued().
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
		TokenType   string `json:"token_type"`
	}{tok.token, strings.Join(tok.perms, " "), "Bearer"})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(http.StatusOK)
	w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// exchange is the token middleware (lib/middleware/token.js), the
// authorization_code exchange (lib/exchange/authorizationCode.js) and
// Misskey's issue callback, in order.
func (s *Server) exchange(body map[string]jsValue) (*tokenRec, *OAuthError) {
	gt := body["grant_type"]
	if gt.kind != jsString || gt.s != "authorization_code" {
		return nil, tokenError("unsupported_grant_type", "Unsupported grant type: "+gt.String())
	}
	code := body["code"]
	if !code.truthy() {
		return nil, tokenError("invalid_request", "Missing required parameter: code")
	}
	invalid := tokenError("invalid_grant", "Invalid authorization code")
	if code.kind != jsString {
		return nil, invalid
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	granted := s.oauth.code(code.s, s.st.now())
	if granted == nil {
		return nil, invalid
	}
	// RFC 6749 4.1.2: a code used twice is revoked with its token.
	if granted.used {
		delete(s.oauth.codes, code.s)
		if granted.granted != "" {
			delete(s.st.tokens, granted.granted)
		}
		return nil, invalid
	}
	granted.used = true
	if cid := body["client_id"]; cid.kind != jsString || cid.s != granted.clientID {
		return nil, invalid
	}
	if ru := body["redirect_uri"]; ru.kind != jsString || ru.s != granted.redirectURI {
		return nil, invalid
	}
	verifier := body["code_verifier"]
	if !verifier.truthy() {
		return nil, invalid
	}
	// pkce-challenge 4.1.0 verifyChallenge: base64url(sha256(verifier))
	// without padding, compared as is (no length or charset rule).
	sum := sha256.Sum256([]byte(verifier.String()))
	if base64.RawURLEncoding.EncodeToString(sum[:]) != granted.challenge {
		return nil, invalid
	}
	// accessTokensRepository.insert({ name: clientId, permission: scopes }).
	tok := s.st.issueToken(granted.user, granted.clientID, "", granted.scopes)
	granted.granted = tok.token
	return tok, nil
}

// ---------------------------------------------------------------------
// Test helpers

// ApproveOAuth does what opening authorizeURL (a GET /oauth/authorize URL
// of this server, with response_type, client_id, redirect_uri, scope,
// state, code_challenge and code_challenge_method) in a browser and
// pressing "Allow" on the consent page does, as the signed-in user: every
// validation of the real server, in its order, including the fetch of the
// client_id page. It returns the URL the browser is then redirected to:
// redirect_uri with code, state and iss, or, for the errors the real
// server reports to the client, with error, error_description, state and
// iss (err is nil then too: the browser is redirected). When the server
// answers with an error instead (a bad client_id or redirect_uri, no
// signed-in user, ...), err is an *OAuthError with that status and body.
//
// Like Approve, it does not go through HTTP: Requests does not record the
// authorize and decision steps (the token request, made by the test,
// is).
func (s *Server) ApproveOAuth(authorizeURL string) (callbackURL string, err error) {
	return s.decideOAuth(authorizeURL, true)
}

// DenyOAuth is ApproveOAuth pressing "Deny": the URL returned carries
// error=access_denied (with state and iss) instead of a code. Denying
// needs no signed-in user.
func (s *Server) DenyOAuth(authorizeURL string) (callbackURL string, err error) {
	return s.decideOAuth(authorizeURL, false)
}

func (s *Server) decideOAuth(authorizeURL string, allow bool) (string, error) {
	u, perr := url.Parse(authorizeURL)
	if perr != nil || u.Host == "" {
		return "", fmt.Errorf("misskeytest: not an absolute authorize URL: %q", authorizeURL)
	}
	if s.DisableOAuth {
		return "", oauthErr(404, "Not Found", "Route GET:"+u.RequestURI()+" not found (the server has no OAuth 2.0: DisableOAuth)")
	}
	if u.Path != "/oauth/authorize" {
		return "", fmt.Errorf("misskeytest: not a /oauth/authorize URL: %q", authorizeURL)
	}
	issuer := strings.ToLower(u.Scheme) + "://" + u.Host
	ctx, cancel := context.WithCancel(s.closeCtx)
	defer cancel()
	res := s.authorize(ctx, parseQS(u.RawQuery), issuer)
	switch {
	case res.err != nil:
		return "", res.err
	case res.redirect != "":
		return encodeURL(res.redirect), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var login jsValue
	if s.st.signedIn != nil {
		login = jsStr(s.st.signedIn.pub.Token)
	}
	loc, gerr := s.grant(res.txn, login, allow, issuer, s.st.now())
	if gerr != nil {
		return "", gerr
	}
	return encodeURL(loc), nil
}

// ---------------------------------------------------------------------
// The consent page

var oauthPageTmpl = template.Must(template.New("oauth").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="misskey:oauth:transaction-id" content="{{.TransactionID}}">
<meta name="misskey:oauth:client-name" content="{{.Name}}">
{{- if .Logo}}
<meta name="misskey:oauth:client-logo" content="{{.Logo}}">
{{- end}}
<meta name="misskey:oauth:scope" content="{{.Scope}}">
<title>OAuth - misskeytest</title>
</head>
<body>
<main id="oauth">
<h1 id="title">Allow <span id="app-name">{{.Name}}</span> to access your account?</h1>
{{- if .Logo}}
<p><img id="app-icon" src="{{.Logo}}" alt="" width="64" height="64"></p>
{{- end}}
{{- if .User}}
<p id="signed-in">Signed in as <strong>{{.User.Name}}</strong> (@{{.User.Username}})</p>
{{- else}}
<p id="signed-in">Not signed in.</p>
{{- end}}
<h2>Permissions</h2>
<ul id="permissions">
{{- range .Perms}}
<li data-permission="{{.}}">{{.}}</li>
{{- end}}
</ul>
<form id="allow-form" method="post" action="/oauth/decision" accept-charset="utf-8">
<input type="hidden" name="login_token" value="{{.LoginToken}}">
<input type="hidden" name="transaction_id" value="{{.TransactionID}}">
<button id="allow" type="submit">Allow</button>
</form>
<form id="deny-form" method="post" action="/oauth/decision" accept-charset="utf-8">
<input type="hidden" name="login_token" value="{{.LoginToken}}">
<input type="hidden" name="transaction_id" value="{{.TransactionID}}">
<input type="hidden" name="cancel" value="cancel">
<button id="deny" type="submit">Deny</button>
</form>
</main>
</body>
</html>
`))

type oauthPageData struct {
	TransactionID string
	Name          string
	Logo          string
	Scope         string
	Perms         []string
	User          *User
	LoginToken    string
}

// ---------------------------------------------------------------------
// Client information discovery (discoverClientInformation)

// discoverClient fetches the client_id page as HttpRequestService.send
// does and reads its redirect URIs and h-app.
func discoverClient(ctx context.Context, id, instanceURL string, blockLocal bool) (oauthClient, *OAuthError) {
	fetchFailed := authzError("invalid_request", "Failed to fetch client information")
	parseFailed := authzError("server_error", "Failed to parse client information")
	ctx, cancel := context.WithTimeout(ctx, clientFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return oauthClient{}, parseFailed
	}
	// config.userAgent.
	req.Header.Set("User-Agent", "Misskey/"+Version+" ("+instanceURL+")")
	req.Header.Set("Accept", "*/*")
	res, err := clientFetcher(blockLocal).Do(req)
	if err != nil {
		return oauthClient{}, parseFailed
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		// StatusError: the only error reported as the client's.
		return oauthClient{}, fetchFailed
	}
	raw, err := io.ReadAll(io.LimitReader(res.Body, clientFetchMaxBody+1))
	if err != nil || len(raw) > clientFetchMaxBody {
		return oauthClient{}, parseFailed
	}
	text := strings.ToValidUTF8(string(raw), "\uFFFD")
	final := res.Request.URL // res.url, after redirects

	var uris []string
	if link := strings.Join(res.Header.Values("Link"), ", "); link != "" {
		refs, lerr := parseLinkHeader(link)
		if lerr != nil {
			return oauthClient{}, parseFailed
		}
		uris = append(uris, refs...)
	}
	doc := parseHTML(text)
	// JSDOM.fragment(text).querySelectorAll('link[rel=redirect_uri][href]')
	// (rel compared ASCII case-insensitively, as in HTML documents).
	doc.walk(func(n *hnode) {
		if n.tag == "link" && strings.EqualFold(n.attrOr("rel", "\x00"), "redirect_uri") {
			if href, ok := n.attr("href"); ok {
				uris = append(uris, href)
			}
		}
	})
	client := oauthClient{id: id, name: id}
	if text != "" {
		app, ok, merr := findHApp(doc, final, id)
		if merr != nil {
			return oauthClient{}, parseFailed
		}
		if ok {
			if v := app["name"]; len(v) > 0 && v[0].isString {
				client.name = v[0].s
			}
			if v := app["logo"]; len(v) > 0 && v[0].isString {
				client.logo = v[0].s
			}
		}
	}
	for _, uri := range uris {
		abs, uerr := parseURL(uri, final)
		if uerr != nil {
			return oauthClient{}, parseFailed
		}
		client.redirectURIs = append(client.redirectURIs, abs.String())
	}
	return client, nil
}

// clientFetcher is the HTTP client for client_id pages: no proxy, at
// most 20 redirects (node-fetch), and, outside the test environment
// (AllowLoopbackClientID), no connection to an address that is not
// unicast (HttpRequestServiceAgent's isPrivateIp in production).
func clientFetcher(blockLocal bool) *http.Client {
	dialer := &net.Dialer{Timeout: clientFetchTimeout}
	if blockLocal {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, _ := net.SplitHostPort(address)
			if a, err := netip.ParseAddr(host); err == nil && !isUnicast(a) {
				return fmt.Errorf("Blocked address: %s", host)
			}
			return nil
		}
	}
	return &http.Client{
		Transport: &http.Transport{
			DialContext:       dialer.DialContext,
			ForceAttemptHTTP2: true,
			DisableKeepAlives: true,
		},
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			if len(via) > 20 {
				return errors.New("maximum redirect reached")
			}
			return nil
		},
	}
}

// nonUnicast lists the ranges ipaddr.js 2.2.0 names (SpecialRanges);
// range() is 'unicast' for every other address.
var nonUnicast = func() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range []string{
		// IPv4: unspecified, broadcast, multicast, linkLocal, loopback,
		// carrierGradeNat, private, reserved, as112, amt.
		"0.0.0.0/8", "255.255.255.255/32", "224.0.0.0/4", "169.254.0.0/16", "127.0.0.0/8",
		"100.64.0.0/10", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "240.0.0.0/4", "192.175.48.0/24", "192.31.196.0/24", "192.52.193.0/24",
		// IPv6: unspecified, linkLocal, multicast, loopback, uniqueLocal,
		// ipv4Mapped, discard, rfc6145, rfc6052, 6to4, teredo,
		// benchmarking, amt, as112v6, deprecated, orchid2,
		// droneRemoteIdProtocolEntityTags, reserved.
		"::/128", "fe80::/10", "ff00::/8", "::1/128", "fc00::/7", "::ffff:0:0/96", "100::/64",
		"::ffff:0:0:0/96", "64:ff9b::/96", "2002::/16", "2001::/32", "2001:2::/48", "2001:3::/32",
		"2001:4:112::/48", "2620:4f:8000::/48", "2001:10::/28", "2001:20::/28", "2001:30::/28",
		"2001::/23", "2001:db8::/32",
	} {
		out = append(out, netip.MustParsePrefix(p))
	}
	return out
}()

// isUnicast is ipaddr.parse(a).range() === 'unicast' (an IPv4-mapped
// IPv6 address is 'ipv4Mapped').
func isUnicast(a netip.Addr) bool {
	a = a.WithZone("")
	for _, p := range nonUnicast {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------
// http-link-header 1.1.3

// parseLinkHeader returns the URI references of a Link header whose rel
// (one of its space-separated values) is redirect_uri, case-insensitively:
// httpLinkHeader.parse(v).get('rel', 'redirect_uri').map(r => r.uri). It
// fails where that parser throws.
func parseLinkHeader(v string) ([]string, error) {
	isWS := func(r rune) bool { return r == '\uFEFF' || r == '\u00A0' || jsSpace(r) }
	v = strings.TrimFunc(v, isWS)
	v = foldRE.ReplaceAllString(v, "")
	s := []rune(v)
	type ref struct {
		uri    string
		rel    string
		hasRel bool
	}
	var refs []ref
	var cur *ref
	flush := func() {
		if cur != nil {
			refs = append(refs, *cur)
		}
	}
	const (
		idle = iota
		inURI
		inAttr
	)
	state := idle
	at := func(i int) rune {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	indexFrom := func(r rune, from int) int {
		for i := from; i < len(s); i++ {
			if s[i] == r {
				return i
			}
		}
		return -1
	}
	for off := 0; off < len(s); {
		switch state {
		case idle:
			switch {
			case isWS(s[off]):
				off++
			case s[off] == '<':
				flush()
				end := indexFrom('>', off)
				if end < 0 {
					return nil, fmt.Errorf("expected end of URI delimiter at offset %d", off)
				}
				cur = &ref{uri: string(s[off+1 : end])}
				off = end + 1
				state = inURI
			default:
				return nil, fmt.Errorf("unexpected character %q at offset %d", s[off], off)
			}
		case inURI:
			switch {
			case isWS(s[off]):
				off++
			case s[off] == ';':
				state = inAttr
				off++
			case s[off] == ',':
				state = idle
				off++
			default:
				return nil, fmt.Errorf("unexpected character %q at offset %d", s[off], off)
			}
		case inAttr:
			if s[off] == ';' || isWS(s[off]) {
				off++
				continue
			}
			end := indexFrom('=', off)
			if end < 0 {
				end = indexFrom(';', off)
			}
			if end < 0 {
				end = len(s)
			}
			name := strings.ToLower(strings.TrimFunc(string(s[off:end]), isWS))
			var val strings.Builder
			off = end + 1
			for off < len(s) && isWS(s[off]) {
				off++
			}
			if at(off) == '"' {
				off++
				for off < len(s) {
					if s[off] == '"' {
						off++
						break
					}
					if s[off] == '\\' {
						off++
					}
					if off < len(s) {
						val.WriteRune(s[off])
					}
					off++
				}
			} else {
				end := off + 1
				for end < len(s) && !strings.ContainsRune(`;,"`, s[end]) {
					end++
				}
				if off < len(s) {
					val.WriteString(string(s[off:min(end, len(s))]))
				}
				off = end
			}
			if name == "rel" {
				switch {
				case !cur.hasRel:
					cur.rel, cur.hasRel = val.String(), true
				case cur.rel == "":
					// A second rel after an empty one makes rel an
					// array, on which expandRelations throws.
					return nil, errors.New("rel is not a string")
				}
				// A later rel is ignored (isSingleOccurenceAttr).
			}
			switch at(off) {
			case ',':
				state = idle
			case ';':
				state = inAttr
			}
			off++
		}
	}
	flush()
	var out []string
	for _, r := range refs {
		if !r.hasRel {
			continue
		}
		// Link.expandRelations: one reference per space-separated rel.
		for _, rel := range strings.Split(r.rel, " ") {
			if strings.EqualFold(rel, "redirect_uri") {
				out = append(out, r.uri)
			}
		}
	}
	return out, nil
}

var foldRE = regexp.MustCompile(`\r?\n[\x20\x09]+`)

// jsSpace is JavaScript's \s.
func jsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', '\u00A0', '\u1680', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000', '\uFEFF':
		return true
	}
	return '\u2000' <= r && r <= '\u200A'
}

// ---------------------------------------------------------------------
// A small HTML parser, enough for <link> elements and microformats: tags,
// attributes, text with character references, comments, raw text
// elements, void elements, and the usual implied end tags. html, head and
// body tags, and template contents, are left out (as JSDOM.fragment and
// microformats-parser do with template contents).

type hnode struct {
	tag      string // "" for a text node
	text     string
	attrs    [][2]string
	children []*hnode
}

func (n *hnode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a[0] == name {
			return a[1], true
		}
	}
	return "", false
}

func (n *hnode) attrOr(name, def string) string {
	if v, ok := n.attr(name); ok {
		return v
	}
	return def
}

// attrValue is microformats-parser's getAttributeValue: "" reads as
// absent.
func (n *hnode) attrValue(name string) (string, bool) {
	v, ok := n.attr(name)
	return v, ok && v != ""
}

func (n *hnode) setAttr(name, v string) {
	for i := range n.attrs {
		if n.attrs[i][0] == name {
			n.attrs[i][1] = v
			return
		}
	}
}

func (n *hnode) elements() []*hnode {
	var out []*hnode
	for _, c := range n.children {
		if c.tag != "" {
			out = append(out, c)
		}
	}
	return out
}

// walk calls f for every element under n, in document order.
func (n *hnode) walk(f func(*hnode)) {
	for _, c := range n.children {
		if c.tag != "" {
			f(c)
			c.walk(f)
		}
	}
}

var (
	voidElements   = set("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "keygen")
	rawTextTags    = set("script", "style", "xmp", "iframe", "noembed", "noframes")
	rcdataTags     = set("title", "textarea")
	ignoredTags    = set("html", "head", "body")
	closesP        = set("address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "dd", "dt", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "section", "summary", "table", "ul", "xmp")
	pScopeBoundary = set("applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button")
)

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func parseHTML(src string) *hnode {
	root := &hnode{tag: "#document"}
	stack := []*hnode{root}
	var template int // depth inside <template>
	add := func(n *hnode) {
		if template > 0 {
			return
		}
		p := stack[len(stack)-1]
		if n.tag == "" && len(p.children) > 0 && p.children[len(p.children)-1].tag == "" {
			p.children[len(p.children)-1].text += n.text
			return
		}
		p.children = append(p.children, n)
	}
	// popTo pops the stack up to and including the nearest open element
	// named tag, if there is one below stop (nil: anywhere).
	popTo := func(tag string, stop map[string]bool) bool {
		for i := len(stack) - 1; i > 0; i-- {
			if stack[i].tag == tag {
				stack = stack[:i]
				return true
			}
			if stop[stack[i].tag] {
				return false
			}
		}
		return false
	}
	text := func(t string) {
		if t != "" {
			add(&hnode{text: html.UnescapeString(t)})
		}
	}
	i := 0
	for i < len(src) {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			text(src[i:])
			break
		}
		text(src[i : i+lt])
		i += lt
		rest := src[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest[4:], "-->")
			if end < 0 {
				i = len(src)
			} else {
				i += 4 + end + 3
			}
		case strings.HasPrefix(rest, "<!") || strings.HasPrefix(rest, "<?"):
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				i = len(src)
			} else {
				i += end + 1
			}
		case strings.HasPrefix(rest, "</"):
			if len(rest) > 2 && isAlpha(rest[2]) {
				name, _ := readTagName(rest[2:])
				end := strings.IndexByte(rest, '>')
				if end < 0 {
					i = len(src)
					continue
				}
				i += end + 1
				switch {
				case name == "template":
					if template > 0 {
						template--
					}
				case template > 0, voidElements[name], ignoredTags[name]:
				case name == "p":
					popTo("p", pScopeBoundary)
				default:
					popTo(name, nil)
				}
			} else {
				end := strings.IndexByte(rest, '>')
				if end < 0 {
					i = len(src)
				} else {
					i += end + 1
				}
			}
		case len(rest) > 1 && isAlpha(rest[1]):
			n, size, ok := readStartTag(rest)
			if !ok {
				i = len(src) // EOF in a tag: nothing is emitted
				continue
			}
			i += size
			switch {
			case n.tag == "template":
				template++
				continue
			case ignoredTags[n.tag]:
				continue
			}
			if template == 0 {
				switch {
				case closesP[n.tag]:
					popTo("p", pScopeBoundary)
					if n.tag == "li" {
						popTo("li", set("ul", "ol"))
					}
					if n.tag == "dd" || n.tag == "dt" {
						if !popTo("dd", set("dl")) {
							popTo("dt", set("dl"))
						}
					}
				case n.tag == "a":
					popTo("a", nil)
				case n.tag == "option":
					if stack[len(stack)-1].tag == "option" {
						stack = stack[:len(stack)-1]
					}
				}
			}
			add(n)
			if voidElements[n.tag] {
				continue
			}
			if template == 0 {
				stack = append(stack, n)
			}
			if rawTextTags[n.tag] || rcdataTags[n.tag] || n.tag == "plaintext" {
				end := len(src)
				if n.tag != "plaintext" {
					end = indexEndTag(src, i, n.tag)
				}
				body := src[i:end]
				if rcdataTags[n.tag] {
					body = html.UnescapeString(body)
				}
				if body != "" && template == 0 {
					n.children = append(n.children, &hnode{text: body})
				}
				i = end
			}
		default:
			text("<")
			i++
		}
	}
	return root
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func readTagName(s string) (string, int) {
	j := 0
	for j < len(s) && !isHTMLSpace(s[j]) && s[j] != '/' && s[j] != '>' {
		j++
	}
	return strings.ToLower(s[:j]), j
}

// readStartTag reads "<name attr=value ...>" at the start of s.
func readStartTag(s string) (*hnode, int, bool) {
	name, j := readTagName(s[1:])
	n := &hnode{tag: name}
	i := 1 + j
	for {
		for i < len(s) && (isHTMLSpace(s[i]) || s[i] == '/') {
			i++
		}
		if i >= len(s) {
			return nil, 0, false
		}
		if s[i] == '>' {
			return n, i + 1, true
		}
		k := i + 1 // an attribute name may start with '='
		for k < len(s) && !isHTMLSpace(s[k]) && s[k] != '/' && s[k] != '>' && s[k] != '=' {
			k++
		}
		an := strings.ToLower(s[i:k])
		i = k
		for i < len(s) && isHTMLSpace(s[i]) {
			i++
		}
		var av string
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && isHTMLSpace(s[i]) {
				i++
			}
			if i >= len(s) {
				return nil, 0, false
			}
			if q := s[i]; q == '"' || q == '\'' {
				end := strings.IndexByte(s[i+1:], q)
				if end < 0 {
					return nil, 0, false
				}
				av = s[i+1 : i+1+end]
				i += end + 2
			} else {
				k := i
				for k < len(s) && !isHTMLSpace(s[k]) && s[k] != '>' {
					k++
				}
				av = s[i:k]
				i = k
			}
			av = html.UnescapeString(av)
		}
		if _, dup := n.attr(an); !dup {
			n.attrs = append(n.attrs, [2]string{an, av})
		}
	}
}

// indexEndTag finds "</tag" (case-insensitive) followed by a space, '/'
// or '>' at or after from; len(src) if none.
func indexEndTag(src string, from int, tag string) int {
	for i := from; i+2+len(tag) <= len(src); i++ {
		if src[i] == '<' && src[i+1] == '/' && strings.EqualFold(src[i+2:i+2+len(tag)], tag) {
			j := i + 2 + len(tag)
			if j == len(src) || isHTMLSpace(src[j]) || src[j] == '/' || src[j] == '>' {
				return i
			}
		}
	}
	return len(src)
}

// ---------------------------------------------------------------------
// microformats-parser 2.0.4, as far as Misskey reads it: mf2(text, {
// baseUrl: res.url }).items.find(item => item.type?.includes('h-app') &&
// item.properties.url.includes(id)), then its name and logo.

type mfValue struct {
	s        string
	isString bool // false: an object (a nested microformat, an image with alt, e-*)
}

var (
	mfRootRE  = regexp.MustCompile(`^h-([a-z0-9]+-)?([a-z]+-)*[a-z]+$`)
	mfPropRE  = regexp.MustCompile(`^(p|e|u|dt)-([a-z0-9]+-)?([a-z]+-)*[a-z]+$`)
	mfPropPre = regexp.MustCompile(`^(p|u|e|dt)-`)
	// backcompat roots (microformats v1).
	mfV1Roots = set("adr", "geo", "hentry", "hfeed", "hnews", "hproduct", "hreview", "vcard", "hresume", "vevent", "item", "hreview-aggregate")
)

// classNames is getClassNames: the class attribute split on single
// spaces.
func (n *hnode) classNames() []string {
	v, ok := n.attrValue("class")
	if !ok {
		return nil
	}
	return strings.Split(v, " ")
}

func (n *hnode) hasClass(match func(string) bool) bool {
	return slices.ContainsFunc(n.classNames(), match)
}

func mfIsV2Root(n *hnode) bool { return n.hasClass(mfRootRE.MatchString) }

func mfIsRoot(n *hnode) bool {
	return mfIsV2Root(n) || n.hasClass(func(c string) bool { return mfV1Roots[c] })
}

func mfIsProp(n *hnode) bool { return n.hasClass(mfPropRE.MatchString) }

// mfFind is findChildren: the elements under parent that match, not
// looking inside microformat roots (a matching root is kept).
func mfFind(parent *hnode, match func(*hnode) bool) []*hnode {
	var out []*hnode
	var visit func(n *hnode)
	visit = func(n *hnode) {
		m := match(n)
		if mfIsRoot(n) {
			if m {
				out = append(out, n)
			}
			return
		}
		if m {
			out = append(out, n)
		}
		for _, c := range n.elements() {
			visit(c)
		}
	}
	for _, c := range parent.elements() {
		visit(c)
	}
	return out
}

func isLocalLink(link string) bool {
	return !strings.Contains(link, "://") && !strings.HasPrefix(link, "#")
}

// mfSetup is documentSetup: the base URL (the first <base href>, taken
// as is, else baseURL), and every href and src (data for <object>) made
// absolute (local links) or trimmed.
func mfSetup(doc *hnode, baseURL string) (*url.URL, error) {
	var base string
	doc.walk(func(n *hnode) {
		if v, ok := n.attrValue("href"); base == "" && n.tag == "base" && ok {
			base = v
		}
	})
	if base == "" {
		base = baseURL
	}
	b, err := parseURL(base, nil)
	doc.walk(func(n *hnode) {
		names := []string{"href", "src"}
		if n.tag == "object" {
			names = []string{"data"}
		}
		for _, name := range names {
			v, ok := n.attr(name)
			if !ok {
				continue
			}
			if isLocalLink(v) {
				if err != nil {
					return // applyBaseUrl throws on a relative base
				}
				abs, aerr := parseURL(v, b)
				if aerr != nil {
					err = aerr
					return
				}
				n.setAttr(name, abs.String())
			} else {
				n.setAttr(name, strings.TrimSpace(v))
			}
		}
	})
	return b, err
}

func findHApp(doc *hnode, final *url.URL, id string) (map[string][]mfValue, bool, error) {
	base, err := mfSetup(doc, final.String())
	if err != nil {
		return nil, false, err
	}
	for _, root := range mfFind(doc, mfIsRoot) {
		isApp := false
		for _, c := range root.classNames() {
			if c == "h-app" {
				isApp = true
			}
		}
		if !isApp {
			continue
		}
		props, err := mfProperties(root, base)
		if err != nil {
			return nil, false, err
		}
		urls, ok := props["url"]
		if !ok {
			// item.properties.url.includes: a TypeError, caught as
			// "Failed to parse client information".
			return nil, false, errors.New("h-app without url")
		}
		for _, u := range urls {
			if u.isString && u.s == id {
				return props, true, nil
			}
		}
	}
	return nil, false, nil
}

// mfProperties is microformatProperties for a v2 root: its p-name,
// u-url, u-logo (and the other properties, by presence), then the
// implied name and url.
func mfProperties(root *hnode, base *url.URL) (map[string][]mfValue, error) {
	props := map[string][]mfValue{}
	nodes := mfFind(root, mfIsProp)
	for _, n := range nodes {
		for _, c := range n.classNames() {
			m := mfPropPre.FindString(c)
			if m == "" {
				continue
			}
			key := c[len(m):]
			typ := m[:len(m)-1]
			var v mfValue
			switch {
			case mfIsRoot(n), typ == "e":
				v = mfValue{}
			case typ == "p":
				v = mfValue{s: mfParseP(n), isString: true}
			case typ == "u":
				var err error
				if v, err = mfParseU(n, base); err != nil {
					return nil, err
				}
			default:
				v = mfValue{s: mfTextContent(n), isString: true}
			}
			props[key] = append(props[key], v)
		}
	}
	if len(mfFind(root, mfIsRoot)) > 0 {
		return props, nil // implyProperties is false
	}
	if _, ok := props["name"]; !ok {
		if name, ok := mfImpliedName(root, nodes); ok {
			props["name"] = []mfValue{{s: name, isString: true}}
		}
	}
	if _, ok := props["url"]; !ok {
		if u, ok := mfImpliedURL(root, nodes); ok {
			props["url"] = []mfValue{{s: u, isString: true}}
		}
	}
	return props, nil
}

func attrIfTag(n *hnode, tags []string, attr string) (string, bool) {
	if !slices.Contains(tags, n.tag) {
		return "", false
	}
	return n.attrValue(attr)
}

// mfValueClass is valueClassPattern (not for dates).
func mfValueClass(n *hnode) (string, bool) {
	vals := mfFind(n, func(c *hnode) bool {
		return c.hasClass(func(s string) bool { return s == "value" || s == "value-title" })
	})
	if len(vals) == 0 {
		return "", false
	}
	var b strings.Builder
	for _, v := range vals {
		if t, ok := v.attrValue("title"); ok && v.hasClass(func(s string) bool { return s == "value-title" }) {
			b.WriteString(t)
		} else {
			b.WriteString(mfTextContent(v))
		}
	}
	return strings.TrimSpace(b.String()), true
}

func mfParseP(n *hnode) string {
	if v, ok := mfValueClass(n); ok {
		return v
	}
	for _, c := range []struct {
		tags []string
		attr string
	}{{[]string{"abbr", "link"}, "title"}, {[]string{"data"}, "value"}, {[]string{"img", "area"}, "alt"}, {[]string{"meta"}, "content"}} {
		if v, ok := attrIfTag(n, c.tags, c.attr); ok {
			return v
		}
	}
	return mfImpliedText(n)
}

// mfParseU is parseU: the first of a list of attributes by tag, the
// value class pattern, then the text; a local link resolved against the
// document's base URL.
func mfParseU(n *hnode, base *url.URL) (mfValue, error) {
	finish := func(u string) (mfValue, error) {
		if isLocalLink(u) {
			abs, err := parseURL(u, base)
			if err != nil {
				return mfValue{}, err
			}
			return mfValue{s: abs.String(), isString: true}, nil
		}
		return mfValue{s: strings.TrimSpace(u), isString: true}, nil
	}
	if v, ok := attrIfTag(n, []string{"a", "area", "link"}, "href"); ok {
		return finish(v)
	}
	if n.tag == "img" {
		// parseImage: {alt, value} with an alt, else src.
		if _, ok := n.attrValue("alt"); ok {
			return mfValue{}, nil
		}
		if v, ok := n.attrValue("src"); ok {
			return finish(v)
		}
	}
	for _, c := range []struct {
		tags []string
		attr string
	}{{[]string{"audio", "source", "iframe", "video"}, "src"}, {[]string{"video"}, "poster"}, {[]string{"object"}, "data"}} {
		if v, ok := attrIfTag(n, c.tags, c.attr); ok {
			return finish(v)
		}
	}
	if v, ok := mfValueClass(n); ok {
		return finish(v)
	}
	for _, c := range []struct {
		tags []string
		attr string
	}{{[]string{"abbr"}, "title"}, {[]string{"data", "input"}, "value"}, {[]string{"meta"}, "content"}} {
		if v, ok := attrIfTag(n, c.tags, c.attr); ok {
			return finish(v)
		}
	}
	return finish(mfTextContent(n))
}

func mfImpliedName(root *hnode, props []*hnode) (string, bool) {
	for _, p := range props {
		if p.hasClass(func(c string) bool {
			return strings.HasPrefix(c, "p-") || strings.HasPrefix(c, "e-") || strings.HasPrefix(c, "h-")
		}) {
			return "", false
		}
	}
	node := func(n *hnode) (string, bool) {
		if v, ok := attrIfTag(n, []string{"img", "area"}, "alt"); ok {
			return v, true
		}
		return attrIfTag(n, []string{"abbr"}, "title")
	}
	child := func(n *hnode) (string, bool) {
		if els := n.elements(); len(els) > 0 {
			return node(els[0])
		}
		return "", false
	}
	if v, ok := node(root); ok {
		return v, true
	}
	if v, ok := child(root); ok {
		return v, true
	}
	if els := root.elements(); len(els) == 1 {
		if v, ok := child(els[0]); ok {
			return v, true
		}
	}
	return mfImpliedText(root), true
}

func mfImpliedURL(root *hnode, props []*hnode) (string, bool) {
	for _, p := range props {
		if p.hasClass(func(c string) bool { return strings.HasPrefix(c, "u-") }) {
			return "", false
		}
	}
	node := func(n *hnode) (string, bool) { return attrIfTag(n, []string{"a", "area"}, "href") }
	child := func(n *hnode) (string, bool) {
		var as, areas []*hnode
		for _, c := range n.elements() {
			switch c.tag {
			case "a":
				as = append(as, c)
			case "area":
				areas = append(areas, c)
			}
		}
		for _, list := range [][]*hnode{as, areas} {
			if len(list) == 1 && !mfIsV2Root(list[0]) {
				return node(list[0])
			}
		}
		return "", false
	}
	if v, ok := node(root); ok {
		return v, true
	}
	if v, ok := child(root); ok {
		return v, true
	}
	if els := root.elements(); len(els) == 1 {
		return child(els[0])
	}
	return "", false
}

// mfTextContent is textContent: text, images as " alt " (or src),
// scripts and styles left out, trimmed.
func mfTextContent(n *hnode) string {
	var b strings.Builder
	var walk func(n *hnode)
	walk = func(n *hnode) {
		for _, c := range n.children {
			switch {
			case c.tag == "":
				b.WriteString(c.text)
			case c.tag == "script" || c.tag == "style":
			case c.tag == "img":
				v, ok := c.attrValue("alt")
				if ok {
					v = strings.TrimSpace(v)
				} else if src, ok := c.attrValue("src"); ok {
					v = strings.TrimSpace(src)
				}
				if v != "" {
					b.WriteString(" " + v + " ")
				} else {
					walk(c)
				}
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return strings.TrimFunc(b.String(), jsSpace)
}

// mfImpliedText is impliedTextContent: images as their alt.
func mfImpliedText(n *hnode) string {
	var b strings.Builder
	var walk func(n *hnode)
	walk = func(n *hnode) {
		for _, c := range n.children {
			switch {
			case c.tag == "":
				b.WriteString(c.text)
			case c.tag == "script" || c.tag == "style":
			case c.tag == "img":
				v, _ := c.attrValue("alt")
				b.WriteString(v)
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return strings.TrimFunc(b.String(), jsSpace)
}

// ---------------------------------------------------------------------
// URLs

var specialPorts = map[string]string{"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21", "file": ""}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)

// parseURL is new URL(raw, base) as far as the fake needs it (base may
// be nil): leading and trailing C0 controls and spaces and inner tabs
// and newlines dropped, backslashes as slashes in special URLs, the
// scheme and a special URL's host lower-cased, its default port and dot
// segments removed, an empty path as "/", no userinfo when empty.
// Unlike new URL, it does not apply IDNA or rewrite IPv4 numbers.
func parseURL(raw string, base *url.URL) (*url.URL, error) {
	raw = strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	raw = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, raw)
	scheme := ""
	if m := schemeRE.FindString(raw); m != "" {
		scheme = strings.ToLower(m[:len(m)-1])
	}
	_, special := specialPorts[scheme]
	if scheme == "" && base != nil {
		_, special = specialPorts[base.Scheme]
	}
	if special {
		raw = strings.ReplaceAll(raw, `\`, "/")
		if scheme != "" && scheme != "file" {
			rest := raw[len(scheme)+1:]
			if base != nil && base.Scheme == scheme && !strings.HasPrefix(rest, "//") {
				// "https:x" against an https base is relative.
				raw = rest
			} else {
				// "https:host", "https:/host", "https:///host" name host.
				raw = scheme + "://" + strings.TrimLeft(rest, "/")
			}
		}
	}
	ref, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if ref.Scheme == "" && base == nil {
		return nil, errors.New("relative URL without a base")
	}
	var u *url.URL
	if base != nil {
		u = base.ResolveReference(ref)
	} else {
		u = (&url.URL{}).ResolveReference(ref)
	}
	if !strings.Contains(raw, "#") {
		u.Fragment, u.RawFragment = "", "" // never the base's fragment
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if port, ok := specialPorts[u.Scheme]; ok {
		u.Host = strings.ToLower(u.Host)
		if port != "" && strings.HasSuffix(u.Host, ":"+port) {
			u.Host = strings.TrimSuffix(u.Host, ":"+port)
		}
		u.Host = strings.TrimSuffix(u.Host, ":")
		if u.Host == "" && u.Scheme != "file" {
			return nil, errors.New("special URL without a host")
		}
		if u.Path == "" && u.Opaque == "" {
			u.Path, u.RawPath = "/", ""
		}
	}
	if pw, _ := u.User.Password(); u.User != nil && u.User.Username() == "" && pw == "" {
		u.User = nil // "https://@host/" has no userinfo
	}
	return u, nil
}

// whatwgHostname is URL.hostname: with brackets for IPv6.
func whatwgHostname(u *url.URL) string {
	h := u.Host
	if strings.HasPrefix(h, "[") {
		if end := strings.IndexByte(h, ']'); end >= 0 {
			return h[:end+1]
		}
	}
	return u.Hostname()
}

// encodeURL is encodeurl 2.0.0: every byte outside the URL code points
// allowed unencoded, and every '%' not starting an escape, percent-encoded.
func encodeURL(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c == 0x21 || (0x23 <= c && c <= 0x3B) || c == 0x3D || (0x3F <= c && c <= 0x5F) || (0x61 <= c && c <= 0x7A) || c == 0x7C || c == 0x7E
		if c == '%' && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])) {
			ok = false
		}
		if ok {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// escapeHTML is escape-html.
func escapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}

// acceptsTextOrHTML is req.accepts(['text', 'html']) (accepts 1.3 with
// negotiator 0.6): the preferred of text/plain and text/html, "" if the
// Accept header allows neither.
func acceptsTextOrHTML(accept []string) string {
	offered := []string{"text/plain", "text/html"}
	if len(accept) == 0 {
		return offered[0]
	}
	type spec struct {
		typ, sub string
		params   map[string]string
		q        float64
		o        int
	}
	var specs []spec
	for o, part := range splitAccept(strings.Join(accept, ",")) {
		fields := strings.Split(part, ";")
		mt := strings.TrimSpace(fields[0])
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok {
			continue
		}
		sp := spec{typ: typ, sub: sub, q: 1, o: o, params: map[string]string{}}
		for _, f := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
			v = strings.Trim(strings.TrimSpace(v), `"`)
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if q, err := strconv.ParseFloat(v, 64); err == nil {
					sp.q = q
				}
				break
			}
			sp.params[strings.ToLower(strings.TrimSpace(k))] = v
		}
		specs = append(specs, sp)
	}
	type prio struct {
		q    float64
		s, o int
		i    int
	}
	var prios []prio
	for i, off := range offered {
		typ, sub, _ := strings.Cut(off, "/")
		best := prio{q: 0, s: 0, o: -1, i: i}
		found := false
		for _, sp := range specs {
			s := 0
			switch {
			case strings.EqualFold(sp.typ, typ):
				s |= 4
			case sp.typ != "*":
				continue
			}
			switch {
			case strings.EqualFold(sp.sub, sub):
				s |= 2
			case sp.sub != "*":
				continue
			}
			if len(sp.params) > 0 {
				continue // text/plain and text/html carry no parameters
			}
			p := prio{q: sp.q, s: s, o: sp.o, i: i}
			if !found || best.s-p.s < 0 || (best.s == p.s && (best.q < p.q || (best.q == p.q && best.o > p.o))) {
				best, found = p, true
			}
		}
		if found && best.q > 0 {
			prios = append(prios, best)
		}
	}
	if len(prios) == 0 {
		return ""
	}
	sort.SliceStable(prios, func(a, b int) bool {
		x, y := prios[a], prios[b]
		if x.q != y.q {
			return x.q > y.q
		}
		if x.s != y.s {
			return x.s > y.s
		}
		if x.o != y.o {
			return x.o < y.o
		}
		return x.i < y.i
	})
	return offered[prios[0].i]
}

// splitAccept splits an Accept header on commas outside quotes.
func splitAccept(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// ---------------------------------------------------------------------
// Request parameters as the JavaScript side sees them

type jsKind int

const (
	jsUndefined jsKind = iota
	jsString
	jsArray // a repeated parameter, or a JSON array
	jsOther // a JSON number, boolean, null or object, a qs object
)

// jsValue is a request parameter as oauth2orize reads it.
type jsValue struct {
	kind  jsKind
	s     string   // the string; String(value) for the other kinds
	elems []string // the elements of an array, as strings
	falsy bool     // for jsOther: 0, false, null
}

func jsStr(s string) jsValue { return jsValue{kind: jsString, s: s} }

func (v jsValue) truthy() bool {
	switch v.kind {
	case jsString:
		return v.s != ""
	case jsArray:
		return true
	case jsOther:
		return !v.falsy
	}
	return false
}

// String is JavaScript's String(value).
func (v jsValue) String() string {
	if v.kind == jsUndefined {
		return "undefined"
	}
	return v.s
}

func jsArr(elems []string) jsValue {
	return jsValue{kind: jsArray, s: strings.Join(elems, ","), elems: elems}
}

// jsFromJSON converts a decoded JSON value.
func jsFromJSON(x any) jsValue {
	switch x := x.(type) {
	case string:
		return jsStr(x)
	case []any:
		elems := make([]string, len(x))
		for i, e := range x {
			if e != nil {
				elems[i] = jsFromJSON(e).String()
			}
		}
		return jsArr(elems)
	case float64:
		// Number.prototype.toString: exponents below 1e-6 and from 1e21.
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if x != 0 && (x >= 1e21 || x <= -1e21 || (x > -1e-6 && x < 1e-6)) {
			s = jsExponentRE.ReplaceAllString(strconv.FormatFloat(x, 'g', -1, 64), "e$1$2")
		}
		return jsValue{kind: jsOther, s: s, falsy: x == 0}
	case bool:
		return jsValue{kind: jsOther, s: strconv.FormatBool(x), falsy: !x}
	case nil:
		return jsValue{kind: jsOther, s: "null", falsy: true}
	default:
		return jsValue{kind: jsOther, s: "[object Object]"}
	}
}

var jsExponentRE = regexp.MustCompile(`e([+-])0*(\d)`)

// parseQS is Express's query parser (qs): a repeated key or "key[]" is
// an array, "key[name]" an object.
func parseQS(raw string) map[string]jsValue {
	type acc struct {
		vals   []string
		array  bool
		object bool
	}
	m := map[string]*acc{}
	var order []string
	for _, seq := range strings.Split(raw, "&") {
		if seq == "" {
			continue
		}
		k, v, _ := strings.Cut(seq, "=")
		k, v = formDecode(k), formDecode(v)
		array, object := false, false
		if i := strings.IndexByte(k, '['); i > 0 && strings.HasSuffix(k, "]") {
			sub := k[i+1 : len(k)-1]
			k = k[:i]
			if sub == "" || strings.Trim(sub, "0123456789") == "" {
				array = true
			} else {
				object = true
			}
		}
		a := m[k]
		if a == nil {
			a = &acc{}
			m[k] = a
			order = append(order, k)
		}
		a.vals = append(a.vals, v)
		a.array = a.array || array
		a.object = a.object || object
	}
	out := map[string]jsValue{}
	for _, k := range order {
		a := m[k]
		switch {
		case a.object:
			out[k] = jsValue{kind: jsOther, s: "[object Object]"}
		case a.array || len(a.vals) > 1:
			out[k] = jsArr(a.vals)
		default:
			out[k] = jsStr(a.vals[0])
		}
	}
	return out
}

// parseFormBody is bodyParser.urlencoded({ extended: false }) (Node's
// querystring: a repeated key is an array): other content types, and no
// body, give an empty body.
func parseFormBody(r *http.Request) (map[string]jsValue, *OAuthError) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return map[string]jsValue{}, nil
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, oauthErr(415, "server_error", `unsupported charset "`+strings.ToUpper(cs)+`"`)
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, oauthErr(400, "server_error", "request aborted")
	}
	if len(raw) > bodyParserLimit {
		return nil, oauthErr(413, "server_error", "request entity too large")
	}
	if strings.Count(string(raw), "&")+1 > 1000 {
		return nil, oauthErr(413, "server_error", "too many parameters")
	}
	vals := map[string][]string{}
	var order []string
	for _, seq := range strings.Split(string(raw), "&") {
		if seq == "" {
			continue
		}
		k, v, _ := strings.Cut(seq, "=")
		k = formDecode(k)
		if _, seen := vals[k]; !seen {
			order = append(order, k)
		}
		vals[k] = append(vals[k], formDecode(v))
	}
	out := map[string]jsValue{}
	for _, k := range order {
		if v := vals[k]; len(v) == 1 {
			out[k] = jsStr(v[0])
		} else {
			out[k] = jsArr(v)
		}
	}
	return out, nil
}

// parseJSONBody is bodyParser.json({ strict: true }): an empty body is
// {}, anything but an object or array a 400 (the description is close
// to, not exactly, V8's JSON.parse message).
func parseJSONBody(r *http.Request) (map[string]jsValue, *OAuthError) {
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if cs, ok := params["charset"]; ok && !strings.HasPrefix(strings.ToLower(cs), "utf-") {
		return nil, oauthErr(415, "server_error", `unsupported charset "`+strings.ToUpper(cs)+`"`)
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, oauthErr(400, "server_error", "request aborted")
	}
	if len(raw) > bodyParserLimit {
		return nil, oauthErr(413, "server_error", "request entity too large")
	}
	out := map[string]jsValue{}
	if len(raw) == 0 {
		return out, nil
	}
	trimmed := strings.TrimLeft(string(raw), " \t\n\r")
	if trimmed != "" && trimmed[0] != '{' && trimmed[0] != '[' {
		r, _ := utf8.DecodeRuneInString(trimmed)
		return nil, oauthErr(400, "server_error", fmt.Sprintf("Unexpected token '%c', %q is not valid JSON", r, string(raw)))
	}
	var x any
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&x); err != nil || dec.More() {
		msg := "Unexpected end of JSON input"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			msg = fmt.Sprintf("%s in JSON at position %d", se.Error(), se.Offset)
		} else if err == nil {
			msg = "Unexpected non-whitespace character after JSON"
		}
		return nil, oauthErr(400, "server_error", msg)
	}
	if obj, ok := x.(map[string]any); ok {
		for k, v := range obj {
			out[k] = jsFromJSON(v)
		}
	}
	return out, nil
}
