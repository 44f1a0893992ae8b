package misskey

import (
	"strconv"
	"strings"
)

// ParseOrigin checks and normalizes an instance's origin: "misskey.example",
// "https://misskey.example/", "https://Misskey.Example:443" all give
// "https://misskey.example". A bare host means https. http:// is accepted for
// loopback hosts (localhost, 127.0.0.0/8, [::1]) only, unless allowHTTP is
// set. A path, query, fragment, user info or any other scheme is refused with
// an INVALID_ARGUMENT *Error that names the value. Non-ASCII host names must
// be given in their punycode form (xn--…).
func ParseOrigin(raw string, allowHTTP bool) (string, error) {
	s := strings.Trim(raw, " \t\r\n")
	if s == "" {
		return "", invalidArgument("origin is empty", "")
	}
	for _, r := range s {
		if r < 0x21 || r == 0x7f {
			return "", invalidArgument("origin %q has a space or control character", raw)
		}
		if r >= 0x80 {
			return "", invalidArgument("origin %q is not ASCII: give the host in punycode (xn--…)", raw)
		}
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, ok := splitURL(s)
	if !ok {
		return "", invalidArgument("origin %q is not a URL", raw)
	}
	scheme := u.scheme
	if scheme != "https" && scheme != "http" {
		return "", invalidArgument("origin %q must be https:// (or http:// for a loopback host)", raw)
	}
	if strings.Contains(u.authority, "@") || (u.path != "" && u.path != "/") || u.hasQuery || u.hasFrag {
		return "", invalidArgument("origin %q must be scheme://host[:port] with no path, query, fragment or user info", raw)
	}
	host, port, hasPort := splitHostPort(u.authority)
	host = lowerASCII(host)
	if !validHost(host) || (strings.Contains(host, ":") && !strings.HasPrefix(u.authority, "[")) {
		return "", invalidArgument("origin %q has no valid host name", raw)
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' || port[0] == '+' {
			return "", invalidArgument("origin %q has a bad port", raw)
		}
		if (scheme == "https" && n == 443) || (scheme == "http" && n == 80) {
			port = ""
		}
	}
	if scheme == "http" && !allowHTTP && !isLoopback(host) {
		return "", invalidArgument("origin %q uses http:// for a host that is not loopback: use https://", raw)
	}
	out := scheme + "://"
	if strings.Contains(host, ":") {
		out += "[" + host + "]"
	} else {
		out += host
	}
	if port != "" {
		out += ":" + port
	}
	return out, nil
}

// validHost accepts DNS names of letters, digits, '-' and '.', and IP
// literals (IPv6 as given inside brackets).
func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if strings.Contains(h, ":") {
		return validIPv6(h)
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
				return false
			}
		}
	}
	return true
}

// validIPv6 accepts an IPv6 address in its colon-hex forms ("::1",
// "2001:db8::1"); embedded IPv4 and zones are not accepted.
func validIPv6(h string) bool {
	halves := strings.Split(h, "::")
	if len(halves) > 2 {
		return false
	}
	groups := 0
	for _, half := range halves {
		if half == "" {
			continue
		}
		for _, g := range strings.Split(half, ":") {
			if len(g) == 0 || len(g) > 4 {
				return false
			}
			for _, c := range g {
				if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
					return false
				}
			}
			groups++
		}
	}
	if len(halves) == 2 {
		return groups < 8
	}
	return groups == 8
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "::1" {
		return true
	}
	if strings.HasPrefix(host, "127.") {
		parts := strings.Split(host, ".")
		if len(parts) != 4 {
			return false
		}
		for _, p := range parts {
			if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 255 {
				return false
			}
		}
		return true
	}
	return false
}

// ValidEndpoint reports whether name is an API endpoint name such as
// "notes/create" or "i/registry/get-all": segments of letters, digits, '-'
// and '_' joined by single slashes, at most 256 bytes. It refuses "", "..",
// leading or trailing slashes, and anything with a query or fragment.
func ValidEndpoint(name string) bool {
	if name == "" || len(name) > 256 {
		return false
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" {
			return false
		}
		for _, c := range seg {
			if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

func checkEndpoint(name string) error {
	if !ValidEndpoint(name) {
		return invalidArgument("endpoint %q is not an API endpoint name like \"notes/create\"", name)
	}
	return nil
}

// validSession accepts the session ids this package makes (UUIDs) and any
// other id made of letters, digits, '-' and '_', up to 128 bytes: the id
// goes into URL paths.
func validSession(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func checkSession(s string) error {
	if !validSession(s) {
		return invalidArgument("session %q is not a MiAuth session id", s)
	}
	return nil
}

// CheckCallback checks that callback is an absolute http(s) URL with a
// host, and no white space or control character.
func CheckCallback(callback string) error {
	for _, r := range callback {
		if r <= 0x20 || r == 0x7f {
			return invalidArgument("callback %q has a space or control character", callback)
		}
	}
	u, ok := splitURL(callback)
	if !ok || (u.scheme != "https" && u.scheme != "http") {
		return invalidArgument("callback %q must be an absolute http(s) URL", callback)
	}
	if i := strings.LastIndexByte(u.authority, '@'); i >= 0 {
		u.authority = u.authority[i+1:]
	}
	if host, _, _ := splitHostPort(u.authority); !validHost(lowerASCII(host)) {
		return invalidArgument("callback %q has no valid host", callback)
	}
	return nil
}

// NormalizePermissions checks permission names against Permissions (and
// extra, for forks that know more names), trims them, and drops empty names
// and duplicates (the server refuses duplicates only after the user clicked
// Allow). An unknown name is an INVALID_ARGUMENT *Error that names it: the
// real consent page would silently drop it.
func NormalizePermissions(names []string, extra []string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || has(out, n) {
			continue
		}
		if !has(Permissions, n) && !hasTrimmed(extra, n) {
			return nil, invalidArgument("unknown permission %q (the consent page would drop it silently)", n)
		}
		out = append(out, n)
	}
	return out, nil
}

// hasTrimmed reports whether list holds s once trimmed of space, and
// without a comma or space inside (an extra permission name).
func hasTrimmed(list []string, s string) bool {
	for _, p := range list {
		if strings.TrimSpace(p) == s && !strings.ContainsAny(s, ", \t\r\n") {
			return true
		}
	}
	return false
}

// SplitPermissions splits a comma-separated permission list.
func SplitPermissions(list string) []string {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	return strings.Split(list, ",")
}
