//go:build js && wasm

package main

import (
	"strings"

	"github.com/hack-pad/safejs"
	"github.com/misskey-wasm/misskey-wasm/misskey"
)

// OAuth 2.0 sign-in (the core's oauth.go), and mk.signIn, which picks OAuth
// or MiAuth.

func (b *bindings) oauthFuncs() []any {
	g := b.g
	return []any{
		// oauthDiscover(origin, allowHttp, signal|undefined) → a Promise of
		// the metadata's JSON text, or null (an older server).
		"oauthDiscover", g.export(func(args []safejs.Value) (any, error) {
			o, err := misskey.ParseOrigin(str(args, 0), flag(args, 1))
			if err != nil {
				return nil, err
			}
			k, err := (&misskey.Client{Origin: o}).NewOAuthDiscovery()
			if err != nil {
				return nil, err
			}
			cancel, release := b.g.cancelOf(args[2])
			return newPromise(func() (any, error) {
				defer release()
				out := k.Send(cancel)
				if out.Err != nil || out.Body == nil {
					return nil, out.Err
				}
				return string(out.Body), nil
			})
		}),
		// signIn(origin, allowHttp, clientId, redirectUri, name, icon,
		// callback, permission, extraPermissions, allowCrossOriginCallback,
		// pageOrigin, signal|undefined, oauthOnly) → [method, url, id, origin,
		// permission], comma-separated; a Promise of it with a clientId (the
		// server's metadata is read first). mk.miauth.start is signIn
		// without a clientId, mk.oauth.start with one that must end in OAuth.
		"signIn", g.export(func(args []safejs.Value) (any, error) {
			mi := misskey.MiAuthOptions{AllowHTTP: flag(args, 1), Name: str(args, 4), Icon: str(args, 5), Callback: str(args, 6),
				Permission: misskey.SplitPermissions(str(args, 7)), ExtraPermissions: misskey.SplitPermissions(str(args, 8)),
				AllowCrossOriginCallback: flag(args, 9), PageOrigin: str(args, 10)}
			oa := misskey.OAuthOptions{ClientID: str(args, 2), RedirectURI: str(args, 3),
				AllowCrossOriginCallback: mi.AllowCrossOriginCallback, PageOrigin: mi.PageOrigin}
			origin := str(args, 0)
			cancel, release := b.g.cancelOf(arg(args, 11))
			run := func() (any, error) {
				defer release()
				s, err := misskey.StartSignIn(nil, origin, mi, oa, cancel)
				if err != nil {
					return nil, err
				}
				if s.Method != "oauth" && flag(args, 12) {
					return nil, &misskey.Error{Code: misskey.CodeOAuthUnsupported, Origin: s.Origin,
						Message: "the server offers no OAuth 2.0 with PKCE S256 (Misskey before 2023.9): use MiAuth (mk.signIn falls back to it)"}
				}
				if err := b.pending.Add(s.Pending); err != nil {
					return nil, err
				}
				return []any{s.Method, s.URL, s.ID, s.Origin, strings.Join(s.Permission, ",")}, nil
			}
			if oa.ClientID == "" { // MiAuth: nothing to ask the server first
				return run()
			}
			return newPromise(run)
		}),
		// oauthClientPage(clientId, redirectUri, name, logo) → the markup.
		"oauthClientPage", g.export(func(args []safejs.Value) (any, error) {
			return misskey.OAuthClientPage(str(args, 0), str(args, 1), str(args, 2), str(args, 3))
		}),
	}
}
