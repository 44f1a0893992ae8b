package misskey

import (
	"bufio"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func wantCode(t *testing.T, err error, code string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error with code %s", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("code = %q (%v), want %q", e.Code, err, code)
	}
	return e
}

func TestParseOrigin(t *testing.T) {
	good := []struct{ in, want string }{
		{"misskey.example", "https://misskey.example"},
		{"https://misskey.example", "https://misskey.example"},
		{"https://misskey.example/", "https://misskey.example"},
		{"  Misskey.Example  ", "https://misskey.example"},
		{"HTTPS://MISSKEY.EXAMPLE:443/", "https://misskey.example"},
		{"https://misskey.example:8443", "https://misskey.example:8443"},
		{"misskey.example:8443", "https://misskey.example:8443"},
		{"http://localhost:3000", "http://localhost:3000"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
		{"http://127.1.2.3", "http://127.1.2.3"},
		{"http://[::1]:3000", "http://[::1]:3000"},
		{"http://app.localhost", "http://app.localhost"},
		{"https://[2001:db8::1]", "https://[2001:db8::1]"},
		{"https://xn--r8jz45g.jp", "https://xn--r8jz45g.jp"},
		{"http://localhost:80", "http://localhost"},
	}
	for _, tc := range good {
		got, err := ParseOrigin(tc.in, false)
		if err != nil || got != tc.want {
			t.Errorf("ParseOrigin(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	bad := []string{
		"", " ", "http://misskey.example", "ftp://misskey.example", "javascript:alert(1)",
		"https://misskey.example/path", "https://misskey.example?x=1", "https://misskey.example/?",
		"https://misskey.example#top", "https://user:pw@misskey.example", "https://@misskey.example",
		"https://", "https://:443", "https://misskey.example:0", "https://misskey.example:65536",
		"https://misskey.example:abc", "https://misskey.example:", "https://mis key.example",
		"https://miss\nkey.example", "https://misskey.example\x00", "https://ミスキー.jp", "https://-bad-.example", "https://a..b",
		"https://[::1", "https://[zz::1]", "http://127.0.0.1.evil.example", "http://localhost.evil.example",
		"//misskey.example", "https:///misskey.example", "https://misskey.example\\@evil.example",
		strings.Repeat("a", 300) + ".example", "http://10.0.0.1", "https://x.example:+443",
	}
	for _, in := range bad {
		got, err := ParseOrigin(in, false)
		if err == nil {
			t.Errorf("ParseOrigin(%q) = %q, want an error", in, got)
			continue
		}
		e := wantCode(t, err, CodeInvalidArgument)
		if in != "" && len(in) < 100 && !strings.Contains(e.Message, strings.TrimSpace(quote(in)[1:len(quote(in))-1])) {
			t.Errorf("ParseOrigin(%q): message %q does not name the value", in, e.Message)
		}
	}
	if got, err := ParseOrigin("http://misskey.example", true); err != nil || got != "http://misskey.example" {
		t.Errorf("ParseOrigin(http, allowHTTP) = %q, %v", got, err)
	}
}

func TestValidEndpoint(t *testing.T) {
	for _, ok := range []string{"i", "meta", "notes/create", "i/registry/get-all", "admin/emoji/add", "i/2fa/register-key", "users/lists/create", "drive/files/create"} {
		if !ValidEndpoint(ok) {
			t.Errorf("ValidEndpoint(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "/", "/i", "i/", "notes//create", "../admin", "notes/../admin", "notes/create?x=1", "notes/create#x", "notes create", "notes/%2e%2e", "i\n", "ノート", "a.b", strings.Repeat("a", 257)} {
		if ValidEndpoint(bad) {
			t.Errorf("ValidEndpoint(%q) = true", bad)
		}
	}
}

func TestNormalizePermissions(t *testing.T) {
	got, err := NormalizePermissions([]string{" read:account", "write:notes", "read:account", "", "write:notes "}, nil)
	if err != nil || !reflect.DeepEqual(got, []string{"read:account", "write:notes"}) {
		t.Fatalf("got %q, %v", got, err)
	}
	_, err = NormalizePermissions([]string{"read:account", "write:note"}, nil)
	if e := wantCode(t, err, CodeInvalidArgument); !strings.Contains(e.Message, `"write:note"`) {
		t.Errorf("message %q does not name the permission", e.Message)
	}
	got, err = NormalizePermissions(SplitPermissions("read:account,write:fork-thing"), []string{"write:fork-thing"})
	if err != nil || !reflect.DeepEqual(got, []string{"read:account", "write:fork-thing"}) {
		t.Fatalf("extra: got %q, %v", got, err)
	}
	if SplitPermissions(" ") != nil {
		t.Error("SplitPermissions of blank is not empty")
	}
}

// The exported list must be the release's list, as observed.
func TestPermissionsMatchRelease(t *testing.T) {
	f, err := os.Open("testdata/permissions-2025.11.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			want = append(want, s)
		}
	}
	if !reflect.DeepEqual(Permissions, want) {
		t.Errorf("Permissions (%d names) differ from permissions.txt (%d names)", len(Permissions), len(want))
	}
}

func TestCheckCallback(t *testing.T) {
	for _, ok := range []string{"https://my.app/callback", "http://127.0.0.1:8080/cb?x=1#frag", "https://my.app", "http://localhost/a/b"} {
		if err := CheckCallback(ok); err != nil {
			t.Errorf("CheckCallback(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/callback", "my.app/callback", "javascript:alert(1)", "javascript://x/%0aalert(1)", "data:text/html,x", "file:///etc/passwd", "https://", "https:///path", "https://my.app/a b", "https://my.app/\n", "mailto:a@b"} {
		wantCode(t, CheckCallback(bad), CodeInvalidArgument)
	}
}
