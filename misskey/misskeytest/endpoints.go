//go:build !js

package misskeytest

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"
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
	errNoSuchNoteShow      = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "24fcbfc6-2e37-42b6-8388-c29b3861a08d"}
	errNoSuchNoteDelete    = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "490be23f-8c1f-4796-819f-94cb4f9d1630"}
	errDeleteAccessDenied  = &apiError{message: "Access denied.", code: "ACCESS_DENIED", id: "fe8d7103-0ea8-4ec3-814d-f8b401dc69e9"}
	errNoSuchNoteReact     = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "033d0620-5bfe-4027-965d-980b0c85a3ea"}
	errAlreadyReacted      = &apiError{message: "You are already reacting to that note.", code: "ALREADY_REACTED", id: "71efcf98-86d6-4e2b-b2ad-9d032369366b"}
	errNoSuchNoteUnreact   = &apiError{message: "No such note.", code: "NO_SUCH_NOTE", id: "764d9fce-f9f2-4a0e-92b1-6ceac9a7ad37"}
	errCannotReactToRenote = &apiError{message: "You cannot react to Renote.", code: "CANNOT_REACT_TO_RENOTE", id: "eaccdc08-ddef-43fe-908f-d108faad57f5"}
	errNotReacted          = &apiError{message: "You are not reacting to that note.", code: "NOT_REACTED", id: "92f4426d-4196-4125-aa5b-02943e2ec8fc"}
	errNoSuchReplyTarget   = &apiError{message: "No such reply target.", code: "NO_SUCH_REPLY_TARGET", id: "749ee0f6-d3da-459a-bf02-282e2da4292c"}
	errNoSuchRenoteTarget  = &apiError{message: "No such renote target.", code: "NO_SUCH_RENOTE_TARGET", id: "b5c90186-4ab0-49c8-9bba-a1f76c282ba4"}
	errNoSuchFile          = &apiError{message: "Some files are not found.", code: "NO_SUCH_FILE", id: "b6992544-63e7-67f0-fa7f-32444b1b5306"}
	errContentRequired     = &apiError{message: "Content required. You need to set text, fileIds, renoteId or poll.", code: "CONTENT_REQUIRED", id: "6f57e42b-c348-439b-bc45-993995cc515a"}
	errNoSuchUser          = &apiError{message: "No such user.", code: "NO_SUCH_USER", id: "fcd2eef9-a9b2-4c4f-8624-038099e90aa5"}
	errFolloweeIsYourself  = &apiError{message: "Followee is yourself.", code: "FOLLOWEE_IS_YOURSELF", id: "26fbe7bb-a331-4857-af17-205b426669a9"}
	errAlreadyFollowing    = &apiError{message: "You are already following that user.", code: "ALREADY_FOLLOWING", id: "35387507-38c7-4cb9-9197-300b93783fa0"}
	errNoSuchFolder        = &apiError{message: "No such folder.", code: "NO_SUCH_FOLDER", id: "ea8fb7a5-af77-4a08-b608-c0218176cd73"}
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
					{name: "poll", typ: "object", nullable: true, fields: &schema{
						required: []string{"choices"},
						props: []prop{
							{name: "choices", typ: "array", unique: true, minItems: 2, maxItems: 10, items: &prop{minLen: 1, maxLen: 50}},
							{name: "multiple", typ: "boolean"},
							{name: "expiresAt", typ: "integer", nullable: true},
							{name: "expiredAfter", typ: "integer", nullable: true, min: intp(1)},
						},
					}},
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
		"notes/children": {
			params: schema{required: []string{"noteId"}, props: props([]prop{{name: "noteId", typ: "string", id: true}}, pagingProps, []prop{
				{name: "sinceDate", typ: "integer"},
				{name: "untilDate", typ: "integer"},
			})},
			fn: epNoteChildren,
		},
		"notes/conversation": {
			params: schema{required: []string{"noteId"}, props: []prop{
				{name: "noteId", typ: "string", id: true},
				{name: "limit", typ: "integer", min: intp(1), max: intp(100)},
				{name: "offset", typ: "integer"},
			}},
			fn: epNoteConversation,
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
			params: schema{props: props(timelineProps, homeProps)},
			fn:     epHomeTimeline,
		},
		"notes/local-timeline": {
			params: schema{props: props(timelineProps, []prop{{name: "withReplies", typ: "boolean"}})},
			fn:     epLocalTimeline,
		},
		"notes/hybrid-timeline": {
			requireCredential: true, kind: "read:account",
			params: schema{props: props(timelineProps, homeProps, []prop{{name: "withReplies", typ: "boolean"}})},
			fn:     epHybridTimeline,
		},
		"notes/global-timeline": {
			params: schema{props: timelineProps},
			fn:     epGlobalTimeline,
		},
		"notes/polls/vote": {
			requireCredential: true, kind: "write:votes",
			params: schema{required: []string{"noteId", "choice"}, props: []prop{
				{name: "noteId", typ: "string", id: true},
				{name: "choice", typ: "integer"},
			}},
			fn: func(c *call) (any, *apiError) {
				n := c.st().noteByID[c.params["noteId"].(string)]
				if n == nil {
					return nil, errNoSuchNoteVote
				}
				return nil, c.st().vote(c.user, n, intOr(c.params, "choice", 0))
			},
		},
		"emojis": {
			allowGet: true, cacheSec: 3600,
			fn: epEmojis,
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
				prop{name: "sinceDate", typ: "integer"},
				prop{name: "untilDate", typ: "integer"},
				prop{name: "markAsRead", typ: "boolean"},
				prop{name: "includeTypes", typ: "array", items: &prop{enum: notificationTypesParam}},
				prop{name: "excludeTypes", typ: "array", items: &prop{enum: notificationTypesParam}},
			)},
			fn: epNotifications,
		},
		"notifications/mark-all-as-read": {
			requireCredential: true, kind: "write:notifications",
			fn: func(c *call) (any, *apiError) {
				c.st().readAll(c.user, true)
				return nil, nil
			},
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
		"policies":                     c.st().policies(),
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
	in := noteInput{
		text: strPtr(p, "text"), cw: strPtr(p, "cw"),
		visibility: "public", visibleUserIDs: strs(p, "visibleUserIds"),
		replyID: strPtr(p, "replyId"), renoteID: strPtr(p, "renoteId"),
	}
	if v, ok := str(p, "visibility"); ok {
		in.visibility = v
	}
	in.fileIDs = strs(p, "fileIds")
	if _, ok := p["fileIds"]; !ok {
		in.fileIDs = strs(p, "mediaIds")
	}
	if poll, ok := p["poll"].(map[string]any); ok {
		in.poll = &pollInput{choices: strs(poll, "choices"), multiple: boolOr(poll, "multiple", false)}
		// expiredAfter (ms from now) wins over expiresAt (Unix ms); 0
		// means never, as both are tested for truth.
		if after := intOr(poll, "expiredAfter", 0); after != 0 {
			t := st.now().Add(time.Duration(after) * time.Millisecond)
			in.poll.expiresAt = &t
		} else if at := intOr(poll, "expiresAt", 0); at != 0 {
			t := time.UnixMilli(int64(at)).UTC()
			in.poll.expiresAt = &t
		}
	}
	n, aerr := st.postNote(c.user, in)
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"createdNote": c.note(n)}, nil
}

func epReact(c *call) (any, *apiError) {
	st := c.st()
	n := st.noteByID[c.params["noteId"].(string)]
	if n == nil || !st.canSee(n, c.user) {
		return nil, errNoSuchNoteReact
	}
	if isPureRenote(n) {
		return nil, errCannotReactToRenote
	}
	if !st.react(c.user, n, c.params["reaction"].(string)) {
		return nil, errAlreadyReacted
	}
	return nil, nil
}

// notificationTypes are the real notificationTypes; notificationTypesParam
// adds the obsolete ones i/notifications still accepts (and ignores).
var (
	notificationTypes = []string{"note", "follow", "mention", "reply", "renote", "quote", "reaction",
		"pollEnded", "scheduledNotePosted", "scheduledNotePostFailed", "receiveFollowRequest",
		"followRequestAccepted", "roleAssigned", "chatRoomInvitationReceived", "achievementEarned",
		"exportCompleted", "login", "createToken", "app", "test"}
	notificationTypesParam = append(slices.Clone(notificationTypes), "pollVote", "groupInvited")
)

// epNotifications answers i/notifications as the real endpoint and
// NotificationService.getNotifications: a page of limit notifications
// (with sinceId alone the oldest after it, oldest first; otherwise newest
// first) is read, then filtered by type; when nothing is left the next
// page is read. Notifications whose note was deleted are then left out,
// so a page may be short.
func epNotifications(c *call) (any, *apiError) {
	st := c.st()
	_, hasInclude := c.params["includeTypes"]
	include, exclude := strs(c.params, "includeTypes"), strs(c.params, "excludeTypes")
	if hasInclude && len(include) == 0 {
		return []any{}, nil
	}
	if !slices.ContainsFunc(notificationTypes, func(t string) bool { return !slices.Contains(exclude, t) }) {
		return []any{}, nil
	}
	obsolete := func(t string) bool { return !slices.Contains(notificationTypes, t) }
	include, exclude = slices.DeleteFunc(include, obsolete), slices.DeleteFunc(exclude, obsolete)
	var mine []*notifRec
	for _, nf := range st.notifs {
		if nf.to == c.user {
			mine = append(mine, nf)
		}
	}
	since, until, limit := c.timelineWindow()
	ascending := since != "" && until == ""
	id := func(nf *notifRec) string { return nf.id }
	var sel []*notifRec
	for {
		raw := page(mine, id, since, until, limit)
		if len(raw) == 0 {
			break
		}
		for _, nf := range raw {
			if len(include) > 0 && !slices.Contains(include, nf.typ) || len(include) == 0 && slices.Contains(exclude, nf.typ) {
				continue
			}
			sel = append(sel, nf)
		}
		if len(sel) > 0 {
			break
		}
		if ascending {
			since = raw[len(raw)-1].id
		} else {
			until = raw[len(raw)-1].id
		}
	}
	if boolOr(c.params, "markAsRead", true) {
		st.readAll(c.user, false)
	}
	out := []any{}
	for _, nf := range sel {
		if p := c.notification(nf); p != nil {
			out = append(out, p)
		}
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
		typ = detectType(c.file.data)
	}
	typ, _, _ = strings.Cut(typ, ";")
	typ = strings.ToLower(strings.TrimSpace(typ))
	if !boolOr(p, "force", false) {
		// The same bytes again: the real server answers the file it has.
		sum := md5.Sum(c.file.data)
		for _, f := range c.st().files {
			if f.user == c.user && f.md5 == hex.EncodeToString(sum[:]) {
				return c.packFile(f), nil
			}
		}
	}
	f := c.st().addFile(c.user, name, typ, c.file.data, strPtr(p, "comment"), boolOr(p, "isSensitive", false))
	return c.packFile(f), nil
}

// detectType sniffs the type of data, without parameters.
func detectType(data []byte) string {
	typ, _, _ := strings.Cut(http.DetectContentType(data), ";")
	return typ
}
