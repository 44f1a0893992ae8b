package misskey

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
)

// MiAuthOptions describe the app asking for access.
type MiAuthOptions struct {
	// Name is the app's name shown on the consent page.
	Name string
	// Icon is an absolute http(s) URL of the app's icon, or "".
	Icon string
	// Callback is an absolute http(s) URL the consent page redirects to
	// after "Allow", with ?session= added; "" for apps that poll instead.
	Callback string
	// Permission lists the permission names to ask for. Unknown names are
	// refused (the consent page would drop them silently); duplicates and
	// empty names are dropped.
	Permission []string
	// ExtraPermissions are further names to accept, for forks that know
	// permissions the upstream release does not.
	ExtraPermissions []string
	// AllowHTTP accepts an http:// origin for a host that is not loopback.
	AllowHTTP bool
	// PageOrigin is the origin of the page that starts the sign-in (a
	// browser's location.origin), or "". When set, a Callback on another
	// origin is refused, since the session would be read there, unless
	// AllowCrossOriginCallback.
	PageOrigin               string
	AllowCrossOriginCallback bool
}

// MiAuth is a started sign-in: send the user to URL, then read Session back
// (SessionFromCallback) and exchange it with Client.CheckMiAuth.
type MiAuth struct {
	Origin     string   // the normalized origin
	Session    string   // a fresh random (v4) UUID
	URL        string   // {Origin}/miauth/{Session}?name=…&icon=…&callback=…&permission=…
	Permission []string // the permissions asked for, normalized
}

// StartMiAuth checks everything the consent page would otherwise take
// silently, makes a fresh session id and builds the consent page's URL. It
// sends nothing.
func StartMiAuth(origin string, opts MiAuthOptions) (*MiAuth, error) {
	o, err := ParseOrigin(origin, opts.AllowHTTP)
	if err != nil {
		return nil, err
	}
	perms, err := NormalizePermissions(opts.Permission, opts.ExtraPermissions)
	if err != nil {
		return nil, err
	}
	if opts.Callback != "" {
		if err := CheckCallback(opts.Callback); err != nil {
			return nil, err
		}
		if cb := urlOrigin(opts.Callback); opts.PageOrigin != "" && !opts.AllowCrossOriginCallback && cb != urlOrigin(opts.PageOrigin) {
			return nil, &Error{Code: CodeInvalidArgument, Message: "callback " + quote(opts.Callback) + " is on another origin than this page (" +
				quote(opts.PageOrigin) + "): the session would be read there; set AllowCrossOriginCallback if that is meant"}
		}
	}
	if opts.Icon != "" {
		if err := CheckCallback(opts.Icon); err != nil {
			return nil, invalidArgument("icon %q must be an absolute http(s) URL", opts.Icon)
		}
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "no random source for a session id", Err: err}
	}
	session := id.String()
	q := make([]string, 0, 4)
	add := func(k, v string) {
		if v != "" {
			q = append(q, k+"="+queryEscape(v))
		}
	}
	add("name", opts.Name)
	add("icon", opts.Icon)
	add("callback", opts.Callback)
	add("permission", strings.Join(perms, ","))
	u := o + "/miauth/" + session
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return &MiAuth{Origin: o, Session: session, URL: u, Permission: perms}, nil
}

// SessionFromCallback reads the session id from the URL the consent page
// redirected to: the value of its "session" query parameter (other
// parameters and a fragment may be there too). A URL without one gives a
// NO_SESSION *Error; a value that cannot be a session id, INVALID_ARGUMENT.
func SessionFromCallback(callbackURL string) (string, error) {
	u, ok := splitURL(callbackURL)
	if !ok {
		return "", invalidArgument("callback URL %q is not an absolute URL", callbackURL)
	}
	s, _ := queryParam(u.query, "session")
	if s == "" {
		return "", &Error{Code: CodeNoSession, Message: "no session parameter in the callback URL"}
	}
	if err := checkSession(s); err != nil {
		return "", err
	}
	return s, nil
}

// StripSession returns callbackURL without its "session" query parameters,
// for putting back in the address bar; other parameters and the fragment
// stay as they were.
func StripSession(callbackURL string) string { return stripParams(callbackURL, "session") }

// StripCallback returns callbackURL without the parameters its sign-in's
// callback carries, OAuth's (code, state, iss, error, error_description)
// for an OAuth callback, else MiAuth's (session), for putting back in the
// address bar.
func StripCallback(callbackURL string) string {
	if IsOAuthCallback(callbackURL) {
		return stripParams(callbackURL, "code", "state", "iss", "error", "error_description")
	}
	return StripSession(callbackURL)
}

func stripParams(callbackURL string, names ...string) string {
	u, ok := splitURL(callbackURL)
	if !ok || u.query == "" {
		return callbackURL
	}
	parts := strings.Split(u.query, "&")
	kept := parts[:0]
	for _, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		if n, ok := queryUnescape(name); ok && has(names, n) {
			continue
		}
		kept = append(kept, p)
	}
	head, _, _ := strings.Cut(callbackURL, "?")
	out := head
	if len(kept) > 0 {
		out += "?" + strings.Join(kept, "&")
	}
	if u.hasFrag {
		out += "#" + u.fragment
	}
	return out
}

// Account is what a successful sign-in gives: the token and its user.
type Account struct {
	Origin string
	Token  string
	// User is the raw JSON of the user object check returned.
	User []byte
	// UserID and Username are read from User.
	UserID, Username string
}

// CheckMiAuth POSTs {Origin}/api/miauth/{session}/check, once. It returns
// the account on success; a NOT_APPROVED *Error when the server answers
// {"ok":false}, which it does alike for a session not approved yet, denied,
// already used (sessions are single-use) or unknown; and INVALID_RESPONSE for
// ok:true without a token or user. Never repeat a check that may have reached
// the server after approval: the token is handed out once.
func (c *Client) CheckMiAuth(ctx context.Context, session string) (*Account, error) {
	k, err := c.NewMiAuthCheck(session)
	if err != nil {
		return nil, err
	}
	out := k.sendContext(ctx)
	return out.Account, out.Err
}

func parseCheck(origin string, body []byte) (*Account, error) {
	bad := func(msg string) error {
		return &Error{Code: CodeInvalidResponse, Status: 200, Endpoint: "miauth/check", Message: msg}
	}
	fields, err := jsonObject(body)
	if err != nil {
		// Not quoted: an answer that fails to parse may still hold the token.
		return nil, bad("check answered something that is not a JSON object")
	}
	switch string(fields["ok"]) {
	case "false":
		return nil, &Error{Code: CodeNotApproved, Status: 200, Endpoint: "miauth/check",
			Message: "not approved: the session is not approved yet, was denied, was already used, or is unknown"}
	case "true":
	default:
		return nil, bad("check answered without ok:true or ok:false")
	}
	token, ok := jsonString(fields["token"])
	if !ok || token == "" {
		return nil, bad("check answered ok:true without a token")
	}
	user := fields["user"]
	uf, err := jsonObject(user)
	if err != nil {
		return nil, bad("check answered ok:true without a user object")
	}
	id, _ := jsonString(uf["id"])
	if id == "" {
		return nil, bad("check answered a user without an id")
	}
	name, _ := jsonString(uf["username"])
	return &Account{Origin: origin, Token: token, User: append([]byte(nil), user...), UserID: id, Username: name}, nil
}

// WaitOptions tune WaitMiAuth.
type WaitOptions struct {
	// Interval between checks; 0 means 2 s, and less than 500 ms is raised to it.
	Interval time.Duration
	// Timeout for the whole wait; 0 means 5 minutes.
	Timeout time.Duration
}

// WaitMiAuth polls CheckMiAuth until the session is approved, the timeout
// passes (TIMEOUT), or ctx ends (ABORTED, or TIMEOUT for its deadline). For
// apps with no callback. A NOT_APPROVED answer, a network error or one slow
// check are waited out; any other error (the server refusing check) ends the
// wait.
func (c *Client) WaitMiAuth(ctx context.Context, session string, opts WaitOptions) (*Account, error) {
	k, err := c.NewMiAuthCheck(session)
	if err != nil {
		return nil, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	cancel, release := watch(ctx)
	defer release()
	out := k.poll(cancel, ctx.Err, opts)
	return out.Account, out.Err
}
