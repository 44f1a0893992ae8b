//go:build !js

package misskeytest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

func Example() {
	srv := misskeytest.NewServer()
	defer srv.Close()

	alice := srv.User("alice")
	srv.PostNote(alice, "Hello, fediverse!")

	// A MiAuth-like token with only the permissions an app asked for.
	token := srv.IssueToken(alice, "read:account")

	req, _ := http.NewRequest("POST", srv.URL+"/api/notes/timeline", strings.NewReader(`{"limit":1}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var notes []struct {
		Text string `json:"text"`
		User struct {
			Username string `json:"username"`
		} `json:"user"`
	}
	json.NewDecoder(resp.Body).Decode(&notes)
	fmt.Println(resp.StatusCode, notes[0].User.Username, notes[0].Text)

	// The same token cannot post.
	resp2, err := http.Post(srv.URL+"/api/notes/create", "application/json",
		strings.NewReader(`{"i":"`+token+`","text":"hi"}`))
	if err != nil {
		panic(err)
	}
	defer resp2.Body.Close()
	fmt.Println(resp2.StatusCode, resp2.Header.Get("WWW-Authenticate") != "")
	// Output:
	// 200 alice Hello, fediverse!
	// 403 true
}
