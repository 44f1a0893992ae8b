//go:build js && wasm

// Package browser is the browser platform of the misskey core, for any Go
// program compiled with GOOS=js GOARCH=wasm: the fetch Transport (upload
// progress through XMLHttpRequest where asked), the WebSocket Dialer, and
// storage over localStorage, sessionStorage or memory.
//
// Importing it sets misskey.DefaultTransport and misskey.DefaultDialer, so
// that misskey.NewClient's clients and their streams work in the browser:
//
//	import (
//		"github.com/misskey-wasm/misskey-wasm/misskey"
//		_ "github.com/misskey-wasm/misskey-wasm/misskey/browser"
//	)
//
// A Go program that blocks on a call must do so on a goroutine of its own,
// never inside a js.Func callback (that deadlocks the event loop).
package browser

// The defaults are set in defaults.go, left out by the build tag
// misskey_nodefaults: a program that sets its own (as this module's
// misskey.wasm does) then does not carry this package's Transport.
