//go:build !js

package misskey_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// Sign in with MiAuth: start, let the user approve, read the session back
// from the callback, and exchange it for the token.
func Example_signIn() {
	srv := misskeytest.NewServer() // a fake instance; use "misskey.example" for a real one
	defer srv.Close()

	auth, err := misskey.StartMiAuth(srv.URL, misskey.MiAuthOptions{
		Name:       "My app",
		Callback:   "https://my.app/callback",
		Permission: []string{"read:account", "write:notes"},
	})
	if err != nil {
		log.Fatal(err)
	}
	// Send the user to auth.URL. Here the fake instance's user approves directly.
	if _, err := srv.Approve(auth.Session, srv.SignedIn(), "My app", auth.Permission); err != nil {
		log.Fatal(err)
	}
	// The instance redirects to the callback with ?session=.
	session, err := misskey.SessionFromCallback("https://my.app/callback?session=" + auth.Session)
	if err != nil {
		log.Fatal(err)
	}
	c, err := misskey.NewClient(srv.URL, "")
	if err != nil {
		log.Fatal(err)
	}
	acct, err := c.CheckMiAuth(context.Background(), session)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", acct.Username)
	// Output: signed in as alice
}

// Call the API with a token and decode the answer.
func ExampleClient_Call() {
	srv := misskeytest.NewServer()
	defer srv.Close()
	c, err := misskey.NewClient(srv.URL, srv.SignedIn().Token)
	if err != nil {
		log.Fatal(err)
	}
	var res struct {
		CreatedNote struct{ Text string }
	}
	if err := c.Call(context.Background(), "notes/create", map[string]any{"text": "hello"}, &res); err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.CreatedNote.Text)
	// Output: hello
}

// Errors carry the server's code; errors.As finds them.
func ExampleError() {
	srv := misskeytest.NewServer()
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, "") // no token
	_, err := c.Request(context.Background(), "i", nil)
	var e *misskey.Error
	if errors.As(err, &e) {
		fmt.Println(e.Status, e.Code)
	}
	// Output: 401 CREDENTIAL_REQUIRED
}

// Validation happens before anything is sent.
func ExampleParseOrigin() {
	o, _ := misskey.ParseOrigin("Misskey.Example/", false)
	fmt.Println(o)
	_, err := misskey.ParseOrigin("http://misskey.example", false)
	fmt.Println(err)
	// Output:
	// https://misskey.example
	// misskey: INVALID_ARGUMENT: origin "http://misskey.example" uses http:// for a host that is not loopback: use https://
}

// Follow a timeline live over the streaming API.
func ExampleClient_Stream() {
	srv := misskeytest.NewServer()
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, srv.SignedIn().Token)

	notes := make(chan string, 10)
	connected := make(chan bool, 1)
	s, err := c.Stream(misskey.StreamOptions{}, misskey.StreamHandler{
		// The server confirms each channel it accepts with "connected".
		Message: func(typ string, body []byte) {
			if typ == "connected" {
				connected <- true
			}
		},
		Channel: func(id, typ string, body []byte) { notes <- typ },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Connect("localTimeline", nil); err != nil {
		log.Fatal(err)
	}
	<-connected
	srv.PostNote(srv.SignedIn(), "hello, stream")
	fmt.Println(<-notes)
	// Output: note
}

// Drive a call without a context: prepare it, send it, read its Outcome.
// (An event-loop driver sends k.Request() itself and hands the answer to
// k.Finish.)
func ExampleClient_NewCall() {
	srv := misskeytest.NewServer()
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, srv.SignedIn().Token)
	k, err := c.NewCall("notes/create", []byte(`{"text":"hello"}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(k.Request().URL == srv.URL+"/api/notes/create")
	out := k.Send(nil) // nil: never cancelled
	fmt.Println(out.Err == nil, len(out.Body) > 0)
	// Output:
	// true
	// true true
}

// Upload a file to the drive.
func ExampleClient_Upload() {
	srv := misskeytest.NewServer()
	defer srv.Close()
	c, _ := misskey.NewClient(srv.URL, srv.SignedIn().Token)
	raw, err := c.Upload(context.Background(), strings.NewReader("hello"), misskey.UploadOptions{Name: "hello.txt", Comment: "a greeting"})
	if err != nil {
		log.Fatal(err)
	}
	var file struct{ Name, Comment string }
	json.Unmarshal(raw, &file)
	fmt.Println(file.Name, "/", file.Comment)
	// Output: hello.txt / a greeting
}

// Keep accounts, one storage entry each (a browser's localStorage through
// misskey/browser, or memory).
func ExampleAccountStore() {
	store := &misskey.AccountStore{Storage: misskey.NewMemoryStorage()}
	a, _ := misskey.NewAccount("https://misskey.example", "token1", []byte(`{"id":"9abc","username":"alice"}`))
	store.Put(a)
	b, _ := misskey.NewAccount("https://misskey.example", "token2", []byte(`{"id":"9abc","username":"alice"}`))
	store.Put(b) // the same user again: replaces the entry
	for _, acct := range store.List() {
		fmt.Println(acct.Username, acct.Token)
	}
	// Output: alice token2
}

// Sign in with OAuth 2.0 where the server offers it (Misskey 2023.9 and
// later), else with MiAuth: StartSignIn picks, CompleteOAuth ends an OAuth
// sign-in from its callback URL.
func ExampleStartSignIn() {
	srv := misskeytest.NewUnstartedServer() // a fake instance; use "misskey.example" for a real one
	srv.AllowLoopbackClientID = true        // a real server wants a public https client_id
	srv.Start()
	defer srv.Close()
	// The app's client_id page, which declares the redirect URI.
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := misskey.OAuthClientPage("http://"+r.Host+"/", "http://"+r.Host+"/callback", "My app", "")
		fmt.Fprint(w, "<!DOCTYPE html>"+page)
	}))
	defer app.Close()

	pending := &misskey.PendingSignIns{Storage: misskey.NewMemoryStorage()}
	s, err := misskey.StartSignIn(nil, srv.URL, misskey.MiAuthOptions{Permission: []string{"read:account", "write:notes"}},
		misskey.OAuthOptions{ClientID: app.URL + "/", RedirectURI: app.URL + "/callback"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := pending.Add(s.Pending); err != nil {
		log.Fatal(err)
	}
	fmt.Println("method:", s.Method)
	// Send the user to s.URL. Here the fake instance's user approves directly,
	// and the browser would come back to this callback URL.
	callback, err := srv.ApproveOAuth(s.URL)
	if err != nil {
		log.Fatal(err)
	}
	out := misskey.CompleteOAuth(nil, pending, callback, nil)
	if out.Err != nil {
		log.Fatal(out.Err)
	}
	fmt.Println("signed in as", out.Account.Username)
	// Output:
	// method: oauth
	// signed in as alice
}
