package misskey

// The few URL operations the core needs, written out here: net/url (with
// net/netip) would add ~55 KB gzip to the wasm build for them. The tests
// compare these with net/url.

import "strings"

// urlParts is an absolute URL split into its parts, undecoded.
type urlParts struct {
	scheme    string // lower-case
	authority string // user info, host and port
	path      string
	query     string
	fragment  string
	hasQuery  bool // a '?' was present (the query may be empty)
	hasFrag   bool // a '#' was present
}

// splitURL splits an absolute hierarchical URL ("scheme://authority/path?query#fragment").
func splitURL(raw string) (urlParts, bool) {
	var p urlParts
	colon := strings.IndexByte(raw, ':')
	if colon < 1 || !validScheme(raw[:colon]) || !strings.HasPrefix(raw[colon+1:], "//") {
		return p, false
	}
	p.scheme = lowerASCII(raw[:colon])
	rest := raw[colon+3:]
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		p.fragment, p.hasFrag = rest[i+1:], true
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		p.query, p.hasQuery = rest[i+1:], true
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		p.authority, p.path = rest[:i], rest[i:]
	} else {
		p.authority = rest
	}
	return p, true
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// splitHostPort splits an authority without user info into host and port.
// An IPv6 host comes back without its brackets.
func splitHostPort(authority string) (host, port string, hasPort bool) {
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return "", "", false
		}
		host, rest := authority[1:end], authority[end+1:]
		if rest == "" {
			return host, "", false
		}
		if rest[0] != ':' {
			return "", "", false
		}
		return host, rest[1:], true
	}
	if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		return authority[:i], authority[i+1:], true
	}
	return authority, "", false
}

// queryEscape escapes s for a query component as url.QueryEscape does:
// letters, digits and "-_.~" stay, a space becomes '+', the rest %XX.
func queryEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// queryUnescape decodes a query component: '+' is a space and %XX a byte.
// ok is false for a malformed escape.
func queryUnescape(s string) (string, bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return "", false
			}
			b = append(b, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), true
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}

// queryParam returns the first value of name in a raw query, as
// URLSearchParams.get does. Pairs that do not decode are skipped.
func queryParam(query, name string) (string, bool) {
	for _, pair := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if key, ok := queryUnescape(k); ok && key == name {
			if val, ok := queryUnescape(v); ok {
				return val, true
			}
		}
	}
	return "", false
}

// urlOrigin is the normalized origin of an absolute http(s) URL
// ("https://a.example:443/x?y" → "https://a.example"), "" when it has none.
func urlOrigin(raw string) string {
	u, ok := splitURL(raw)
	if !ok {
		return ""
	}
	auth := u.authority
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	o, err := ParseOrigin(u.scheme+"://"+auth, true)
	if err != nil {
		return ""
	}
	return o
}

// lowerASCII is strings.ToLower for ASCII text (origins and schemes are
// checked to be ASCII), without the Unicode tables.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// normalURL writes an absolute http(s) URL as a browser's URL parser does
// for the parts that matter to a server comparing URLs as strings: the
// scheme and the host in lower case, and "/" for an empty path.
func normalURL(raw string) string {
	u, ok := splitURL(raw)
	if !ok {
		return raw
	}
	if u.path == "" {
		u.path = "/"
	}
	out := u.scheme + "://" + lowerASCII(u.authority) + u.path
	if u.hasQuery {
		out += "?" + u.query
	}
	if u.hasFrag {
		out += "#" + u.fragment
	}
	return out
}
