//go:build js && wasm && !misskey_nodefaults

package browser

import "github.com/misskey-wasm/misskey-wasm/misskey"

func init() {
	misskey.DefaultTransport = Transport{}
	misskey.DefaultDialer = Dialer{}
}
