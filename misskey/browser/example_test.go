//go:build js && wasm

package browser_test

import (
	"context"
	"fmt"

	"github.com/misskey-wasm/misskey-wasm/misskey"
	_ "github.com/misskey-wasm/misskey-wasm/misskey/browser"
)

// A Go program compiled for the browser calls a Misskey server through the
// browser's fetch: importing misskey/browser is all it takes. Block on calls
// only on a goroutine of your own, never inside a js.Func callback.
func Example() {
	c, err := misskey.NewClient("misskey.example", "")
	if err != nil {
		fmt.Println(err)
		return
	}
	go func() {
		meta, err := c.Request(context.Background(), "meta", nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(string(meta))
	}()
}
