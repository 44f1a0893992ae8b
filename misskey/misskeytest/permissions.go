//go:build !js

package misskeytest

import (
	"slices"

	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// Permissions returns the permission names Misskey 2025.11.1 knows, in its
// own order (misskey.Permissions). The consent page silently drops every
// other name, as the real frontend does.
func Permissions() []string { return slices.Clone(permissions) }

var permissions = misskey.Permissions
