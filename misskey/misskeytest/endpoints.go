//go:build !js

package misskeytest

import (
	"net/http"
	"slices"
	"strings"
)

// Version is the Misskey version the fake instance claims to be.
const Version = "2025.11.1"

var visibilities = []string{"public", "home", "followers", "specified"}

var pagingProps = []prop{
	{name: "limit", typ: "integer", min: intp(1), max: intp(100)},
	{name: "sinceId", typ: "string", id: true},
	{name: "untilId", typ: "string", id: true},
}

// Domain errors, with the real servers' codes and ids.
var (
	errNoSuchNoteShow     = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "24fcbfc6-2e37-42b6-8388-c29b3861a08d"}
	errNoSuchNoteDelete   = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "490be23f-8c1f-4796-819f-94cb4f9d1630"}
	errDeleteAccessDenied = &apiError{message: "Access denied.", code: "ACCESS_DENIED", id: "fe8d7103-0ea8-4ec3-814d-f8b401dc69e9"}
	errNoSuchNoteReact    = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "033d0620-5bfe-4027-965d-980b0c85a3ea"}
	errAlreadyReacted     = &apiError{message: "You are already reacting to that note.", code: "ALREADY_REACTED", id: "71efcf98-86d6-4e2b-b2ad-9d032369366b"}
	errNoSuchNoteUnreact  = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "764d9fce-f9f2-4a0e-92b1-6ceac9a7ad37"}
	errNotReacted         = &apiError{message: "You are not reacting to that note.", code: "NOT_REACTED", id: "92f4426d-4196-4125-aa5b-02943e2ec8fc"}
	errNoSuchReplyTarget  = &apiError{message: "No such reply target.", code: "NO_SUCH_REPLY_TARGET", id: "749ee0f6-d3da-459a-bf02-282e2da4292c"}
	errNoSuchRenoteTarget = &apiError{message: "No such renote target.", code: "NO_SUCH_RENOTE_TARGET", id: "b5c90186-4ab0-49c8-9bba-a1f76c282ba4"}
	errNoSuchFile         = &apiError{message: "Some files are not found.", code: "NO_SUCH_FILE", id: "b6992544-63e7-67f0-fa7f-32444b1b5306"}
	errContentRequired    = &apiError{message: "Content required. You need to set text, fileIds, renoteId or poll.", code: "CONTENT_REQUIRED", id: "6f57e42b-c348-439b-bc45-993995cc515a"}
	errNoSuchUser         = &apiError{message: "No such user.", code: "NO_SUCH_USER", id: "fcd2eef9-a9b2-4c4f-8624-038099e90aa5"}
	errFolloweeIsYourself = &apiError{message: "Followee is yourself.", code: "FOLLOWEE_IS_YOURSELF", id: "26fbe7bb-a331-4857-af17-205b426669a9"}
	errAlreadyFollowing   = &apiError{message: "You are already following that user.", code: "ALREADY_FOLLOWING", id: "35387507-38c7-4cb9-9197-300b93783fa0"}
	errNoSuchFolder       = &apiError{message: "No such folder.", code: "NO_SUCH_FOLDER", id: "ea8fb7a5-af77-4a08-b608-c0218176cd73"}
)

var endpoints map[string]*endpoint

func init() {
	endpoints = map[string]*endpoint{
		"meta": {
			allowGet: true,
			params:   schema{props: []prop{{name: "detail", typ: "boolean"}}},
			fn:       epMeta,
		},
		"i": {
			requireCredential: true, kind: "read:account",
			fn: func(c *call) (any, *apiError) { return c.meDetailed(c.user, c.token.native), nil },
		},
		"notes/create": {
			requireCredential: true, kind: "write:notes",
			params: schema{
				props: []prop{
					{name: "visibility", typ: "string", enum: visibilities},
					{name: "visibleUserIds", typ: "array", itemsID: true, unique: true},
					{name: "cw", typ: "string", nullable: true, minLen: 1, maxLen: 100},
					{name: "localOnly", typ: "boolean"},
					{name: "replyId", typ: "string", id: true, nullable: true},
					{name: "renoteId", typ: "string", id: true, nullable: true},
					{name: "channelId", typ: "string", id: true, nullable: true},
					{name: "text", typ: "string", nullable: true, minLen: 1, maxLen: 3000},
					{name: "fileIds", typ: "array", itemsID: true, unique: true, minItems: 1, maxItems: 16},
					{name: "mediaIds", typ: "array", itemsID: true, unique: true, minItems: 1, maxItems: 16},
					{name: "poll", typ: "object", nullable: true},
				},
				anyOf: [][]string{{"text"}, {"renoteId"}, {"fileIds"}, {"mediaIds"}, {"poll"}},
			},
			fn: epNotesCreate,
		},
		"notes/show": {
			params: schema{required: []string{"noteId"}, props: []prop{{name: "noteId", typ: "string", id: true}}},
			fn: func(c *call) (any, *apiError) {
				n := c.st().noteByID[c.params["noteId"].(string)]
				if n == nil {
					return nil, errNoSuchNoteShow
				}
				return c.note(n), nil
			},
		},
		"notes/delete": {
			requireCredential: true, kind: "write:notes",
			params: schema{required: []string{"noteId"}, props: []prop{{name: "noteId", typ: "string", id: true}}},
			fn: func(c *call) (any, *apiError) {
				n := c.st().noteByID[c.params["noteId"].(string)]
				if n == nil {
					return nil, errNoSuchNoteDelete
				}
				if n.user != c.user {
					return nil, errDeleteAccessDenied
				}
				c.st().deleteNote(n)
				return nil, nil
			},
		},
		"notes/timeline": {
			requireCredential: true, kind: "read:account",
			params: schema{props: pagingProps},
			fn: func(c *call) (any, *apiError) {
				me := c.user
				return c.timeline(func(n *noteRec) bool {
					if n.user == me {
						return true
					}
					return me.following[n.user.id] && (n.visibility != "specified" || slices.Contains(n.visibleUserIDs, me.id))
				}), nil
			},
		},
		"notes/local-timeline": {
			params: schema{props: pagingProps},
			fn: func(c *call) (any, *apiError) {
				return c.timeline(func(n *noteRec) bool { return n.visibility == "public" }), nil
			},
		},
		"notes/reactions/create": {
			requireCredential: true, kind: "write:reactions",
			params: schema{required: []string{"noteId", "reaction"}, props: []prop{
				{name: "noteId", typ: "string", id: true},
				{name: "reaction", typ: "string"},
			}},
			fn: epReact,
		},
		"notes/reactions/delete": {
			requireCredential: true, kind: "write:reactions",
			params: schema{required: []string{"noteId"}, props: []prop{{name: "noteId", typ: "string", id: true}}},
			fn: func(c *call) (any, *apiError) {
				n := c.st().noteByID[c.params["noteId"].(string)]
				if n == nil {
					return nil, errNoSuchNoteUnreact
				}
				if !c.st().unreact(c.user, n) {
					return nil, errNotReacted
				}
				return nil, nil
			},
		},
		"i/notifications": {
			requireCredential: true, kind: "read:notifications",
			params: schema{props: append(slices.Clone(pagingProps),
				prop{name: "markAsRead", typ: "boolean"},
				prop{name: "includeTypes", typ: "array"},
				prop{name: "excludeTypes", typ: "array"},
			)},
			fn: epNotifications,
		},
		"drive/files/create": {
			requireCredential: true, kind: "write:drive", requireFile: true,
			params: schema{props: []prop{
				{name: "folderId", typ: "string", id: true, nullable: true},
				{name: "name", typ: "string", nullable: true},
				{name: "comment", typ: "string", nullable: true, maxLen: 512},
				{name: "isSensitive", typ: "boolean"},
				{name: "force", typ: "boolean"},
			}},
			fn: epDriveCreate,
		},
		"following/create": {
			requireCredential: true, kind: "write:following",
			params: schema{required: []string{"userId"}, props: []prop{{name: "userId", typ: "string", id: true}}},
			fn: func(c *call) (any, *apiError) {
				st := c.st()
				id := c.params["userId"].(string)
				if id == c.user.id {
					return nil, errFolloweeIsYourself
				}
				u := st.byID[id]
				if u == nil {
					return nil, errNoSuchUser
				}
				if c.user.following[id] {
					return nil, errAlreadyFollowing
				}
				c.user.following[id] = true
				st.notify(u, "follow", c.user, "", "")
				return c.userLite(u), nil
			},
		},
		"i/revoke-token": {
			requireCredential: true, secure: true,
			params: schema{
				props: []prop{{name: "tokenId", typ: "string", id: true}, {name: "token", typ: "string", nullable: true}},
				anyOf: [][]string{{"tokenId"}, {"token"}},
			},
			fn: func(c *call) (any, *apiError) {
				st := c.st()
				id, _ := str(c.params, "tokenId")
				tok, _ := str(c.params, "token")
				for k, t := range st.tokens {
					if !t.native && t.user == c.user && ((id != "" && t.id == id) || (id == "" && tok != "" && k == tok)) {
						delete(st.tokens, k)
					}
				}
				return nil, nil
			},
		},
		"miauth/gen-token": {
			requireCredential: true, secure: true,
			params: schema{
				required: []string{"session", "permission"},
				props: []prop{
					{name: "session", typ: "string", nullable: true},
					{name: "name", typ: "string", nullable: true},
					{name: "description", typ: "string", nullable: true},
					{name: "iconUrl", typ: "string", nullable: true},
					{name: "permission", typ: "array", unique: true},
				},
			},
			fn: func(c *call) (any, *apiError) {
				session, _ := str(c.params, "session")
				name, _ := str(c.params, "name")
				tok := c.s.genToken(c.user, session, name, strs(c.params, "permission"))
				return map[string]any{"token": tok.token}, nil
			},
		},
	}
}

func epMeta(c *call) (any, *apiError) {
	m := map[string]any{
		"maintainerName":               nil,
		"maintainerEmail":              nil,
		"version":                      Version,
		"providesTarball":              false,
		"name":                         "misskeytest",
		"shortName":                    nil,
		"uri":                          c.origin,
		"description":                  "A fake Misskey instance for tests.",
		"langs":                        []any{},
		"tosUrl":                       nil,
		"repositoryUrl":                "https://github.com/misskey-dev/misskey",
		"feedbackUrl":                  nil,
		"impressumUrl":                 nil,
		"privacyPolicyUrl":             nil,
		"disableRegistration":          true,
		"emailRequiredForSignup":       false,
		"enableHcaptcha":               false,
		"enableMcaptcha":               false,
		"enableRecaptcha":              false,
		"enableTurnstile":              false,
		"enableTestcaptcha":            false,
		"maxNoteTextLength":            3000,
		"iconUrl":                      nil,
		"backgroundImageUrl":           nil,
		"bannerUrl":                    nil,
		"logoImageUrl":                 nil,
		"defaultDarkTheme":             nil,
		"defaultLightTheme":            nil,
		"themeColor":                   nil,
		"enableEmail":                  false,
		"enableServiceWorker":          false,
		"translatorAvailable":          false,
		"mediaProxy":                   c.origin + "/proxy",
		"enableUrlPreview":             false,
		"noteSearchableScope":          "local",
		"maxFileSize":                  262144000,
		"federation":                   "none",
		"cacheRemoteFiles":             false,
		"cacheRemoteSensitiveFiles":    false,
		"ads":                          []any{},
		"notesPerOneAd":                0,
		"serverRules":                  []any{},
		"policies":                     defaultPolicies(),
		"sentryForFrontend":            nil,
		"mascotImageUrl":               "/assets/ai.png", // the server's default
		"clientOptions":                map[string]any{},
		"googleAnalyticsMeasurementId": nil,
		"hcaptchaSiteKey":              nil,
		"mcaptchaInstanceUrl":          nil,
		"mcaptchaSiteKey":              nil,
		"recaptchaSiteKey":             nil,
		"turnstileSiteKey":             nil,
		"inquiryUrl":                   nil,
		"proxyAccountName":             nil,
		"requireSetup":                 false,
		"swPublickey":                  nil,
		"infoImageUrl":                 nil,
		"notFoundImageUrl":             nil,
		"serverErrorImageUrl":          nil,
	}
	if boolOr(c.params, "detail", true) {
		m["cacheRemoteFiles"] = false
		m["features"] = map[string]any{
			"localTimeline":          true,
			"globalTimeline":         true,
			"registration":           false,
			"emailRequiredForSignup": false,
			"hcaptcha":               false,
			"recaptcha":              false,
			"turnstile":              false,
			"objectStorage":          false,
			"serviceWorker":          false,
			"miauth":                 true,
		}
	}
	return m, nil
}

func epNotesCreate(c *call) (any, *apiError) {
	st := c.st()
	p := c.params
	visibility, ok := str(p, "visibility")
	if !ok {
		visibility = "public"
	}
	fileIDs := strs(p, "fileIds")
	if _, ok := p["fileIds"]; !ok {
		fileIDs = strs(p, "mediaIds")
	}
	for _, id := range fileIDs {
		if f := st.files[id]; f == nil || f.user != c.user {
			return nil, errNoSuchFile
		}
	}
	replyID, renoteID := strPtr(p, "replyId"), strPtr(p, "renoteId")
	if renoteID != nil && st.noteByID[*renoteID] == nil {
		return nil, errNoSuchRenoteTarget
	}
	if replyID != nil && st.noteByID[*replyID] == nil {
		return nil, errNoSuchReplyTarget
	}
	text := strPtr(p, "text")
	if text != nil {
		t := strings.TrimSpace(*text)
		text = &t
		if t == "" {
			text = nil
		}
	}
	if text == nil && len(fileIDs) == 0 && renoteID == nil && p["poll"] == nil {
		return nil, errContentRequired
	}
	n := st.createNote(c.user, text, strPtr(p, "cw"), visibility, strs(p, "visibleUserIds"), fileIDs, replyID, renoteID)
	return map[string]any{"createdNote": c.note(n)}, nil
}

func (c *call) timeline(include func(*noteRec) bool) []any {
	var notes []*noteRec
	for _, n := range c.st().notes {
		if include(n) {
			notes = append(notes, n)
		}
	}
	since, _ := str(c.params, "sinceId")
	until, _ := str(c.params, "untilId")
	out := []any{}
	for _, n := range page(notes, func(n *noteRec) string { return n.id }, since, until, intOr(c.params, "limit", 10)) {
		out = append(out, c.note(n))
	}
	return out
}

func epReact(c *call) (any, *apiError) {
	st := c.st()
	n := st.noteByID[c.params["noteId"].(string)]
	if n == nil || !st.canSee(n, c.user) {
		return nil, errNoSuchNoteReact
	}
	if !st.react(c.user, n, c.params["reaction"].(string)) {
		return nil, errAlreadyReacted
	}
	return nil, nil
}

func epNotifications(c *call) (any, *apiError) {
	st := c.st()
	include, exclude := strs(c.params, "includeTypes"), strs(c.params, "excludeTypes")
	var mine []*notifRec
	for _, nf := range st.notifs {
		if nf.to != c.user {
			continue
		}
		if _, ok := c.params["includeTypes"]; ok && !slices.Contains(include, nf.typ) {
			continue
		}
		if slices.Contains(exclude, nf.typ) {
			continue
		}
		mine = append(mine, nf)
	}
	since, _ := str(c.params, "sinceId")
	until, _ := str(c.params, "untilId")
	limit := intOr(c.params, "limit", 10)
	// Notifications always come newest first.
	var sel []*notifRec
	for i := len(mine) - 1; i >= 0 && len(sel) < limit; i-- {
		nf := mine[i]
		if (until != "" && nf.id >= until) || (since != "" && nf.id <= since) {
			continue
		}
		sel = append(sel, nf)
	}
	out := []any{}
	for _, nf := range sel {
		out = append(out, c.notification(nf))
	}
	if boolOr(c.params, "markAsRead", true) {
		c.user.unreadNotes = 0
	}
	return out, nil
}

func epDriveCreate(c *call) (any, *apiError) {
	p := c.params
	if folder := strPtr(p, "folderId"); folder != nil {
		return nil, errNoSuchFolder
	}
	name := c.file.filename
	if n := strPtr(p, "name"); n != nil && *n != "" {
		name = *n
	}
	if name == "" || name == "blob" {
		name = "untitled"
	}
	typ := c.file.contentType
	if mt, _, _ := strings.Cut(typ, ";"); strings.TrimSpace(mt) == "" || strings.TrimSpace(mt) == "application/octet-stream" {
		typ = http.DetectContentType(c.file.data)
	}
	typ, _, _ = strings.Cut(typ, ";")
	typ = strings.ToLower(strings.TrimSpace(typ))
	f := c.st().addFile(c.user, name, typ, c.file.data, strPtr(p, "comment"), boolOr(p, "isSensitive", false))
	return c.packFile(f), nil
}
