package misskey

// OAuth 2.0 sign-in (Misskey 2023.9.0 and later): the authorization code
// grant with PKCE (S256 only), RFC 6749, 7636, 8414 and 9207 as Misskey's
// OAuth2ProviderService implements them.
//
//  1. NewOAuthDiscovery (or Client.DiscoverOAuth) reads the server's
//     metadata, /.well-known/oauth-authorization-server; an older server
//     answers 404, and the caller falls back to MiAuth.
//  2. StartOAuth makes a state and a PKCE verifier and builds the
//     authorization URL; keep its Pending in a PendingSignIns.
//  3. The server redirects the browser to the redirect URI with code, state
//     and iss. CompleteOAuth finds the pending sign-in by state, checks iss,
//     sends the code and the verifier once to the token endpoint of the
//     same origin, reads the user (i) and consumes the pending sign-in.
//
// The client_id is the URL of a public https page on a domain name; the
// server fetches it and reads the redirect URIs it allows from
// <link rel="redirect_uri" href="…"> (OAuthClientPage writes that markup).
// Tokens never expire and there is no refresh grant.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"strings"
)

// Error codes of OAuth sign-in. An OAuth error the server sends, in the
// callback or from the token endpoint (invalid_grant, access_denied,
// invalid_request, invalid_scope, server_error…), is passed on as its Code,
// as RFC 6749 names it.
const (
	// CodeOAuthUnsupported: the server offers no usable OAuth 2.0 (it is
	// older than 2023.9, or its metadata lacks the code grant with S256).
	CodeOAuthUnsupported = "OAUTH_UNSUPPORTED"
	// CodeStateMismatch: the callback's state names no sign-in started in
	// this browser (or one that expired or was completed). Nothing was sent.
	CodeStateMismatch = "STATE_MISMATCH"
	// CodeIssuerMismatch: the callback's iss is not the issuer the sign-in
	// was started with (RFC 9207: a mix-up attack, or a wrong server).
	// Nothing was sent.
	CodeIssuerMismatch = "ISS_MISMATCH"
)

// oauthKind marks a pending OAuth sign-in's Data.
const oauthKind = "oauth"

// OAuthServer is what an instance's metadata says, the part a client needs.
type OAuthServer struct {
	// Origin is the instance's normalized origin.
	Origin string
	// Issuer is the metadata's issuer, compared with a callback's iss.
	Issuer string
	// AuthorizationEndpoint and TokenEndpoint are on Origin.
	AuthorizationEndpoint, TokenEndpoint string
	// Scopes are the scopes the server knows (its permission names).
	Scopes []string
	// IssParameter tells that callbacks carry iss (RFC 9207): a callback
	// without one is then refused.
	IssParameter bool
	// Raw is the metadata document.
	Raw []byte
}

// NewOAuthDiscovery prepares the GET of {Origin}/.well-known/oauth-authorization-server.
// Its Outcome's Body is the metadata document (read it with
// ParseOAuthServer), or nil when the server has none (404: older than
// 2023.9).
func (c *Client) NewOAuthDiscovery() (*Call, error) {
	const endpoint = "oauth/metadata"
	if c.Origin == "" {
		return nil, c.fail(endpoint, errNoOrigin())
	}
	k := c.newCall(endpoint, kindOAuthMeta, c.Origin+"/.well-known/oauth-authorization-server", nil)
	k.req.Method = "GET"
	k.req.Header = nil
	return k, nil
}

// ParseOAuthServer reads the metadata document of origin. It refuses
// (OAUTH_UNSUPPORTED) metadata without the code grant and S256, and
// (INVALID_RESPONSE) one whose issuer or endpoints are not on origin: the
// code and the verifier go only to the origin the user chose.
func ParseOAuthServer(origin string, doc []byte) (*OAuthServer, error) {
	f, err := jsonObject(doc)
	s := &OAuthServer{Origin: origin, Raw: append([]byte(nil), doc...), Scopes: jsonStrings(f["scopes_supported"]),
		IssParameter: string(f["authorization_response_iss_parameter_supported"]) == "true"}
	s.Issuer, _ = jsonString(f["issuer"])
	s.AuthorizationEndpoint, _ = jsonString(f["authorization_endpoint"])
	s.TokenEndpoint, _ = jsonString(f["token_endpoint"])
	if err != nil || urlOrigin(s.Issuer) != origin || urlOrigin(s.AuthorizationEndpoint) != origin || urlOrigin(s.TokenEndpoint) != origin {
		return nil, &Error{Code: CodeInvalidResponse, Endpoint: "oauth/metadata", Origin: origin,
			Message: "the OAuth metadata is not a JSON object whose issuer, authorization_endpoint and token_endpoint are on " + origin}
	}
	types := jsonStrings(f["response_types_supported"])
	if !has(jsonStrings(f["code_challenge_methods_supported"]), "S256") || types != nil && !has(types, "code") {
		return nil, &Error{Code: CodeOAuthUnsupported, Origin: origin, Endpoint: "oauth/metadata",
			Message: "the server's OAuth 2.0 lacks the code grant with PKCE S256: use MiAuth"}
	}
	return s, nil
}

func has(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// jsonStrings reads a JSON array's string items (nil for no array).
func jsonStrings(raw []byte) []string {
	var out []string
	_, _ = walkJSONArray(raw, 0, 0, func(item []byte) {
		s, _ := jsonString(item)
		out = append(out, s)
	})
	return out
}

// OAuthOptions describe the app asking for access.
type OAuthOptions struct {
	// ClientID is the URL of the app's public page (https, on a domain
	// name), which declares RedirectURI (see OAuthClientPage). Both are
	// sent as a URL parser writes them (scheme and host in lower case, "/"
	// for an empty path), as the server compares them.
	ClientID string
	// RedirectURI is where the server sends the browser back, exactly as
	// the client page declares it.
	RedirectURI string
	// Scope lists the permissions asked for, checked like MiAuth's.
	Scope []string
	// ExtraScopes are further names to accept, for forks.
	ExtraScopes []string
	// PageOrigin, when set, refuses a RedirectURI on another origin (the
	// verifier is kept in this origin's storage), unless
	// AllowCrossOriginCallback.
	PageOrigin               string
	AllowCrossOriginCallback bool
}

// OAuthStart is a started sign-in: send the user to URL, keep Pending.
type OAuthStart struct {
	Origin string
	// URL is the authorization endpoint with the request's parameters.
	URL string
	// State is the random state in URL; Pending.ID too.
	State string
	// Scope is the normalized scope asked for.
	Scope []string
	// Pending is the sign-in to remember (PendingSignIns.Add): it holds the
	// PKCE verifier, which must go nowhere but the token endpoint.
	Pending PendingSignIn
}

// StartOAuth checks the options, makes a state and a PKCE verifier, and
// builds the authorization URL of server. It sends nothing.
func StartOAuth(server *OAuthServer, opts OAuthOptions) (*OAuthStart, error) {
	if server == nil {
		return nil, &Error{Code: CodeOAuthUnsupported, Message: "no OAuth metadata: the server is older than 2023.9, use MiAuth"}
	}
	scope, err := NormalizePermissions(opts.Scope, opts.ExtraScopes)
	if err != nil {
		return nil, err
	}
	if len(scope) == 0 {
		return nil, &Error{Code: CodeInvalidArgument, Message: "OAuth needs at least one scope (the server refuses an empty one)"}
	}
	if err := checkClientURLs(opts.ClientID, opts.RedirectURI); err != nil {
		return nil, err
	}
	// The server compares both as its URL parser writes them.
	opts.ClientID, opts.RedirectURI = normalURL(opts.ClientID), normalURL(opts.RedirectURI)
	if cb := urlOrigin(opts.RedirectURI); opts.PageOrigin != "" && !opts.AllowCrossOriginCallback && cb != urlOrigin(opts.PageOrigin) {
		return nil, &Error{Code: CodeInvalidArgument, Message: "redirectUri " + quote(opts.RedirectURI) + " is on another origin than this page (" +
			quote(opts.PageOrigin) + "), whose storage keeps the sign-in; set AllowCrossOriginCallback if that is meant"}
	}
	state, err := randomString(16)
	if err != nil {
		return nil, err
	}
	verifier, err := NewPKCEVerifier()
	if err != nil {
		return nil, err
	}
	sep := "?"
	if strings.ContainsRune(server.AuthorizationEndpoint, '?') {
		sep = "&"
	}
	u := server.AuthorizationEndpoint + sep + "response_type=code&client_id=" + queryEscape(opts.ClientID) +
		"&redirect_uri=" + queryEscape(opts.RedirectURI) + "&scope=" + queryEscape(strings.Join(scope, " ")) +
		"&state=" + state + "&code_challenge=" + PKCEChallenge(verifier) + "&code_challenge_method=S256"
	data := []byte(`{"kind":"oauth"`)
	for i, kv := range [...]string{"verifier", verifier, "clientId", opts.ClientID, "redirectUri", opts.RedirectURI,
		"tokenEndpoint", server.TokenEndpoint, "issuer", server.Issuer} {
		data = appendJSONString(append(data, ",:"[i%2]), kv)
	}
	if server.IssParameter {
		data = append(data, `,"iss":true`...)
	}
	data = append(data, '}')
	return &OAuthStart{Origin: server.Origin, URL: u, State: state, Scope: scope,
		Pending: PendingSignIn{ID: state, Origin: server.Origin, Data: string(data)}}, nil
}

// NewPKCEVerifier makes a PKCE code verifier (RFC 7636 §4.1): 32 random
// bytes, base64url without padding (43 characters).
func NewPKCEVerifier() (string, error) { return randomString(32) }

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", &Error{Code: CodeInvalidArgument, Message: "no random source", Err: err}
	}
	return base64URL(b), nil
}

// base64URL is b in base64url without padding (RFC 4648 §5), as PKCE
// writes verifiers and challenges.
func base64URL(b []byte) string {
	const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	out := make([]byte, 0, (len(b)*8+5)/6)
	for i := 0; i < len(b); i += 3 {
		var v uint32
		n := min(len(b)-i, 3)
		for k := range 3 {
			v <<= 8
			if k < n {
				v |= uint32(b[i+k])
			}
		}
		for k := range n + 1 {
			out = append(out, digits[v>>(18-6*k)&63])
		}
	}
	return string(out)
}

// PKCEChallenge is the S256 code challenge of verifier (RFC 7636 §4.2):
// base64url(SHA-256(verifier)) without padding.
func PKCEChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64URL(sum[:])
}

// OAuthCallback is what the server put in the redirect URI's query.
type OAuthCallback struct {
	Code, State string
	// Issuer is iss (RFC 9207); HasIssuer tells whether it was there.
	Issuer    string
	HasIssuer bool
	// Error and ErrorDescription are an error response's (access_denied…).
	Error, ErrorDescription string
}

// ParseOAuthCallback reads a redirect URI the server sent the browser to.
// One without state is NO_SESSION (not an OAuth callback).
func ParseOAuthCallback(callbackURL string) (OAuthCallback, error) {
	u, ok := splitURL(callbackURL)
	if !ok {
		return OAuthCallback{}, invalidArgument("callback URL %q is not an absolute URL", callbackURL)
	}
	var cb OAuthCallback
	cb.Code, _ = queryParam(u.query, "code")
	cb.State, _ = queryParam(u.query, "state")
	cb.Issuer, cb.HasIssuer = queryParam(u.query, "iss")
	cb.Error, _ = queryParam(u.query, "error")
	cb.ErrorDescription, _ = queryParam(u.query, "error_description")
	if cb.State == "" {
		return cb, &Error{Code: CodeNoSession, Message: "no state parameter in the callback URL: not an OAuth callback"}
	}
	return cb, nil
}

// IsOAuthCallback tells whether a URL is an OAuth callback (it has state,
// and code or error) rather than MiAuth's (session).
func IsOAuthCallback(callbackURL string) bool {
	cb, err := ParseOAuthCallback(callbackURL)
	return err == nil && (cb.Code != "" || cb.Error != "")
}

// oauthPending is a pending OAuth sign-in's Data.
type oauthPending struct {
	verifier, clientID, redirectURI, tokenEndpoint, issuer string
	iss                                                    bool
}

func readOAuthPending(p PendingSignIn) (oauthPending, bool) {
	f, err := jsonObject([]byte(p.Data))
	if err != nil {
		return oauthPending{}, false
	}
	var o oauthPending
	kind, _ := jsonString(f["kind"])
	o.verifier, _ = jsonString(f["verifier"])
	o.clientID, _ = jsonString(f["clientId"])
	o.redirectURI, _ = jsonString(f["redirectUri"])
	o.tokenEndpoint, _ = jsonString(f["tokenEndpoint"])
	o.issuer, _ = jsonString(f["issuer"])
	o.iss = string(f["iss"]) == "true"
	// The token endpoint is on the sign-in's origin (ParseOAuthServer checked;
	// checked again here, as storage can be changed by anything on the page).
	return o, kind == oauthKind && o.verifier != "" && urlOrigin(o.tokenEndpoint) == p.Origin
}

// NewOAuthExchange checks a callback against its pending sign-in and
// prepares the token request: a POST of the code and the verifier to the
// sign-in's token endpoint. An error callback gives its error (code
// access_denied…), a wrong iss ISS_MISMATCH; nothing is sent then. The
// Outcome's Account has the token and no user.
func (c *Client) NewOAuthExchange(p PendingSignIn, cb OAuthCallback) (*Call, error) {
	const endpoint = "oauth/token"
	c2 := *c
	c2.Origin = p.Origin
	o, ok := readOAuthPending(p)
	if !ok || cb.State != p.ID {
		return nil, c2.fail(endpoint, &Error{Code: CodeStateMismatch, Message: "the callback's state names no OAuth sign-in started in this browser"})
	}
	if (o.iss || cb.HasIssuer) && cb.Issuer != o.issuer {
		return nil, c2.fail(endpoint, &Error{Code: CodeIssuerMismatch,
			Message: "the callback's iss " + quote(cb.Issuer) + " is not the issuer the sign-in started with (" + quote(o.issuer) + ")"})
	}
	if cb.Error != "" {
		msg := cb.ErrorDescription
		if msg == "" {
			msg = "the server refused the sign-in"
			if cb.Error == "access_denied" {
				msg = "the user denied access"
			}
		}
		return nil, c2.fail(endpoint, &Error{Code: cb.Error, Message: msg})
	}
	if cb.Code == "" {
		return nil, c2.fail(endpoint, &Error{Code: CodeNoSession, Message: "no code in the callback URL"})
	}
	body := "grant_type=authorization_code&code=" + queryEscape(cb.Code) +
		"&redirect_uri=" + queryEscape(o.redirectURI) +
		"&client_id=" + queryEscape(o.clientID) +
		"&code_verifier=" + queryEscape(o.verifier)
	k := c2.newCall(endpoint, kindOAuthToken, o.tokenEndpoint, []byte(body))
	k.req.Header = map[string]string{"content-type": "application/x-www-form-urlencoded"}
	k.once = true // a code is single-use: never sent twice
	return k, nil
}

// parseToken reads a token endpoint's success.
func parseToken(origin string, body []byte) (*Account, error) {
	f, err := jsonObject(body)
	token, _ := jsonString(f["access_token"])
	if err != nil || token == "" {
		// Not quoted: the answer may hold a token.
		return nil, &Error{Code: CodeInvalidResponse, Status: 200, Message: "the token endpoint answered without an access_token"}
	}
	return &Account{Origin: origin, Token: token}, nil
}

// CompleteOAuth completes the sign-in a callback URL ends: it finds the
// pending sign-in by state (STATE_MISMATCH when none), checks the callback
// (NewOAuthExchange), sends the code once, reads the user with i, and
// consumes the pending sign-in. A failure leaves it pending (the server
// refuses a reused code anyway). c gives the Transport and timeouts (nil:
// the defaults); its Origin and Token are not used. When i fails (a token
// without read:account), the account comes without its user.
func CompleteOAuth(c *Client, pending *PendingSignIns, callbackURL string, cancel Canceler) Outcome {
	if c == nil {
		c = &Client{}
	}
	cb, err := ParseOAuthCallback(callbackURL)
	if err != nil {
		return Outcome{Err: err}
	}
	p, err := pending.Begin(cb.State)
	if err != nil {
		e := err.(*Error)
		if e.Code == CodeUnknownSession {
			e.Code = CodeStateMismatch
		}
		return Outcome{Err: e}
	}
	k, err := c.NewOAuthExchange(p, cb)
	if err != nil {
		pending.End(cb.State, false)
		return Outcome{Err: err}
	}
	out := k.Send(cancel)
	pending.End(cb.State, out.Err == nil)
	if out.Err != nil {
		return out
	}
	acct := out.Account
	me := &Client{Origin: p.Origin, Token: acct.Token, Transport: c.Transport, Timeout: c.Timeout}
	if ik, err := me.NewCall("i", nil); err == nil {
		if r := ik.Send(cancel); r.Err == nil {
			if a, err := NewAccount(p.Origin, acct.Token, r.Body); err == nil {
				acct = &a
			}
		}
	}
	return Outcome{Account: acct}
}

// checkClientURLs checks an OAuth client's client_id and redirect URI:
// absolute http(s) URLs without a fragment.
func checkClientURLs(clientID, redirectURI string) error {
	for i, v := range [2]string{clientID, redirectURI} {
		if CheckCallback(v) != nil || strings.ContainsRune(v, '#') {
			return invalidArgument([2]string{"clientId", "redirectUri"}[i]+" %q must be an absolute http(s) URL without a fragment", v)
		}
	}
	return nil
}

// OAuthClientPage is the markup the client_id page must carry, for its
// author to paste into its <head> and <body>: the redirect URI the server
// accepts, and the IndieAuth h-app naming the app (and its logo, an
// absolute URL or "") on the consent page.
func OAuthClientPage(clientID, redirectURI, name, logo string) (string, error) {
	if err := checkClientURLs(clientID, redirectURI); err != nil {
		return "", err
	}
	if logo != "" && CheckCallback(logo) != nil {
		return "", invalidArgument("logo %q must be an absolute http(s) URL", logo)
	}
	if name == "" {
		name = clientID
	}
	out := `<link rel="redirect_uri" href="` + htmlEscape(redirectURI) + "\">\n<div class=\"h-app\">"
	if logo != "" {
		out += `<img class="u-logo" src="` + htmlEscape(logo) + `" alt="">`
	}
	return out + `<a class="u-url p-name" href="` + htmlEscape(clientID) + `">` + htmlEscape(name) + "</a></div>\n", nil
}

// htmlEscape escapes s for HTML text and quoted attribute values.
func htmlEscape(s string) string {
	var b []byte
	for _, c := range []byte(s) {
		if c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' {
			b = append(b, '&', '#', '0'+c/10, '0'+c%10, ';')
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

// DiscoverOAuth reads the server's OAuth metadata: nil (and no error) when
// it has none, an older server's answer.
func (c *Client) DiscoverOAuth(ctx context.Context) (*OAuthServer, error) {
	k, err := c.NewOAuthDiscovery()
	if err != nil {
		return nil, err
	}
	out := k.sendContext(ctx)
	if out.Err != nil || out.Body == nil {
		return nil, out.Err
	}
	return ParseOAuthServer(c.Origin, out.Body)
}

// SignIn is a started sign-in of either method.
type SignIn struct {
	// Method is "oauth" or "miauth".
	Method string
	Origin string
	// URL is where to send the user.
	URL string
	// ID is the OAuth state or the MiAuth session.
	ID string
	// Permission is the normalized permission (scope) asked for.
	Permission []string
	// Pending is the sign-in to remember (PendingSignIns.Add).
	Pending PendingSignIn
}

// StartSignIn starts an OAuth sign-in where the server and the app allow
// it, else MiAuth: OAuth when opts.ClientID is set and the server's
// metadata offers the code grant with S256 (c's Transport reads it; a
// server without metadata, 404, or without S256 gets MiAuth); MiAuth
// otherwise, with mi (whose Callback defaults to opts.RedirectURI, so that
// one callback page handles both). opts.Scope defaults to mi.Permission.
// A discovery that gets no answer or no JSON is followed by a meta call: a
// server that answers it gets MiAuth (an older one may answer the metadata
// URL without CORS headers, or with its web page); otherwise the
// discovery's error is returned, since MiAuth would fail too.
func StartSignIn(c *Client, origin string, mi MiAuthOptions, opts OAuthOptions, cancel Canceler) (*SignIn, error) {
	o, err := ParseOrigin(origin, mi.AllowHTTP)
	if err != nil {
		return nil, err
	}
	if len(opts.Scope) == 0 {
		opts.Scope = mi.Permission
	}
	if len(opts.ExtraScopes) == 0 {
		opts.ExtraScopes = mi.ExtraPermissions
	}
	if opts.ClientID != "" {
		cl := Client{Origin: o}
		if c != nil {
			cl.Transport, cl.Timeout = c.Transport, c.Timeout
		}
		k, err := cl.NewOAuthDiscovery()
		if err != nil {
			return nil, err
		}
		out := k.Send(cancel)
		if e, _ := out.Err.(*Error); e != nil {
			// A server without OAuth may answer without CORS headers (a
			// browser hides such an answer: NETWORK_ERROR) or with its web
			// client's page (INVALID_RESPONSE): if meta answers, it is there,
			// without OAuth.
			if e.Code != CodeNetworkError && e.Code != CodeInvalidResponse {
				return nil, e
			}
			mk, _ := cl.NewCall("meta", nil)
			if mk.Send(cancel).Err != nil {
				return nil, e
			}
		}
		if out.Body != nil {
			server, err := ParseOAuthServer(o, out.Body)
			if err == nil {
				s, err := StartOAuth(server, opts)
				if err != nil {
					return nil, err
				}
				return &SignIn{Method: oauthKind, Origin: o, URL: s.URL, ID: s.State, Permission: s.Scope, Pending: s.Pending}, nil
			}
			if err.(*Error).Code != CodeOAuthUnsupported {
				return nil, err
			}
		}
	}
	if mi.Callback == "" {
		mi.Callback = opts.RedirectURI
	}
	if mi.PageOrigin == "" {
		mi.PageOrigin, mi.AllowCrossOriginCallback = opts.PageOrigin, opts.AllowCrossOriginCallback
	}
	m, err := StartMiAuth(o, mi)
	if err != nil {
		return nil, err
	}
	return &SignIn{Method: "miauth", Origin: m.Origin, URL: m.URL, ID: m.Session, Permission: m.Permission,
		Pending: PendingSignIn{ID: m.Session, Origin: m.Origin}}, nil
}
