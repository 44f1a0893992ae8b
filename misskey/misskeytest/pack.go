//go:build !js

package misskeytest

import (
	"slices"
	"strings"
	"time"
)

const timeFormat = "2006-01-02T15:04:05.000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func (c *call) st() *state { return c.s.st }

// avatarURL is the user's avatar (SetAvatar), else the identicon.
func (c *call) avatarURL(u *userRec) string {
	if f := c.st().files[u.avatarID]; f != nil {
		return c.origin + "/files/" + f.id
	}
	return c.origin + "/identicon/" + u.id
}

// userLite packs u like the real "UserLite" schema.
func (c *call) userLite(u *userRec) map[string]any {
	return map[string]any{
		"id":                u.id,
		"name":              u.name,
		"username":          u.username,
		"host":              nil,
		"avatarUrl":         c.avatarURL(u),
		"avatarBlurhash":    nil,
		"avatarDecorations": []any{},
		"isBot":             false,
		"isCat":             false,
		"emojis":            map[string]any{},
		"onlineStatus":      "unknown",
		"badgeRoles":        []any{},
	}
}

// userDetailed packs u like "UserDetailedNotMe" (no email, no secrets).
func (c *call) userDetailed(u *userRec) map[string]any {
	m := c.userLite(u)
	st := c.st()
	for k, v := range map[string]any{
		"url": nil, "uri": nil, "movedTo": nil, "alsoKnownAs": nil,
		"createdAt": fmtTime(u.createdAt), "updatedAt": nil, "lastFetchedAt": nil,
		"bannerUrl": nil, "bannerBlurhash": nil, "isLocked": false, "isSilenced": false,
		"isSuspended": false, "description": nil, "location": nil, "birthday": nil,
		"lang": nil, "fields": []any{}, "verifiedLinks": []any{},
		"followersCount": st.followersCount(u), "followingCount": len(u.following),
		"notesCount": st.notesCount(u), "pinnedNoteIds": []any{}, "pinnedNotes": []any{},
		"pinnedPageId": nil, "pinnedPage": nil, "publicReactions": true,
		"followersVisibility": "public", "followingVisibility": "public",
		"roles": []any{}, "memo": nil, // moderationNote: only for moderators
		"canChat": true, "chatScope": "everyone", "followedMessage": nil,
		"twoFactorEnabled": false, "usePasswordLessLogin": false, "securityKeys": false,
	} {
		m[k] = v
	}
	if me := c.user; me != nil && me != u {
		m["isFollowing"] = me.following[u.id]
		m["isFollowed"] = u.following[me.id]
		m["hasPendingFollowRequestFromYou"] = false
		m["hasPendingFollowRequestToYou"] = false
		m["isBlocking"] = false
		m["isBlocked"] = false
		m["isMuted"] = false
		m["isRenoteMuted"] = false
		m["notify"] = "none"
		m["withReplies"] = false
	}
	return m
}

// meDetailed packs u like "MeDetailed", for "i". secrets adds what a
// native token (not an app token) sees.
func (c *call) meDetailed(u *userRec, secrets bool) map[string]any {
	m := c.userDetailed(u)
	unread := c.st().unread(u)
	for k, v := range map[string]any{
		"avatarId": avatarID(c.st(), u), "bannerId": nil, "isModerator": false, "isAdmin": false,
		"injectFeaturedNote": true, "receiveAnnouncementEmail": true,
		"alwaysMarkNsfw": false, "autoSensitive": false, "carefulBot": false,
		"autoAcceptFollowed": true, "noCrawle": false, "preventAiLearning": true,
		"isExplorable": true, "isDeleted": false, "twoFactorBackupCodesStock": "none",
		"hideOnlineStatus": false, "hasUnreadSpecifiedNotes": false,
		"hasUnreadMentions": false, "hasUnreadAnnouncement": false,
		"unreadAnnouncements": []any{}, "hasUnreadAntenna": false,
		"hasUnreadChannel": false, "hasUnreadNotification": unread > 0,
		"hasPendingReceivedFollowRequest": false, "unreadNotificationsCount": unread,
		"mutedWords": []any{}, "hardMutedWords": []any{}, "mutedInstances": []any{},
		"notificationRecieveConfig": map[string]any{},
		"emailNotificationTypes":    []any{}, "achievements": []any{}, "loggedInDays": 1,
		"policies": c.st().policies(), "hasUnreadChatMessages": false,
	} {
		m[k] = v
	}
	if secrets {
		m["email"] = nil
		m["emailVerified"] = false
		m["securityKeysList"] = []any{}
	}
	return m
}

func (c *call) packFile(f *fileRec) map[string]any {
	url := c.origin + "/files/" + f.id
	var thumb any
	if strings.HasPrefix(f.typ, "image/") {
		thumb = url
	}
	return map[string]any{
		"id":           f.id,
		"createdAt":    fmtTime(f.createdAt),
		"name":         f.name,
		"type":         f.typ,
		"md5":          f.md5,
		"size":         len(f.data),
		"isSensitive":  f.isSensitive,
		"blurhash":     nil,
		"properties":   map[string]any{},
		"url":          url,
		"thumbnailUrl": thumb,
		"comment":      f.comment,
		"folderId":     nil,
		"folder":       nil,
		"userId":       f.user.id,
		"user":         nil,
	}
}

// packOpts are NoteEntityService.pack's options.
type packOpts struct {
	viewer   *userRec // nil: anonymous
	detail   bool     // reply, renote, poll, myReaction, clippedCount
	skipHide bool     // do not hide what viewer may not see
	pairs    bool     // reactionAndUserPairCache
}

// note packs n as the API answers it to the caller (c.user, nil when
// anonymous): with detail.
func (c *call) note(n *noteRec) map[string]any {
	return c.packNote(n, packOpts{viewer: c.user, detail: true})
}

// streamNote packs n as the real server packs a note it streams: for no
// viewer, nothing hidden, with reactionAndUserPairCache.
func (c *call) streamNote(n *noteRec) map[string]any {
	return c.packNote(n, packOpts{detail: true, skipHide: true, pairs: true})
}

// packNote packs n as the real NoteEntityService.pack does for a note of
// a local user: the packed parent as "reply" (without detail, so one
// level deep) and the packed renoted note as "renote" (with detail),
// null when they were deleted; "poll" and "myReaction" (present only
// when the viewer reacted) with detail; no "emojis" (local notes carry
// none: clients resolve :name: from /api/emojis) and an empty
// "reactionEmojis" (only remote custom emoji go there).
func (c *call) packNote(n *noteRec, o packOpts) map[string]any {
	st := c.st()
	files := []any{}
	for _, id := range n.fileIDs {
		if f := st.files[id]; f != nil {
			files = append(files, c.packFile(f))
		}
	}
	reactions := map[string]any{}
	total := 0
	for _, k := range n.reactionOrder {
		if v := n.reactions[k]; v > 0 {
			reactions[decodeReaction(k)] = v
			total += v
		}
	}
	m := map[string]any{
		"id":                 n.id,
		"createdAt":          fmtTime(n.createdAt),
		"userId":             n.user.id,
		"user":               c.userLite(n.user),
		"text":               n.text,
		"cw":                 n.cw,
		"visibility":         n.visibility,
		"localOnly":          false,
		"reactionAcceptance": nil,
		"renoteCount":        n.renoteCount,
		"repliesCount":       n.repliesCount,
		"reactionCount":      total,
		"reactions":          reactions,
		"reactionEmojis":     map[string]any{},
		"fileIds":            slices.Clone(n.fileIDs),
		"files":              files,
		"replyId":            n.replyID,
		"renoteId":           n.renoteID,
	}
	if n.visibility == "specified" {
		m["visibleUserIds"] = slices.Clone(n.visibleUserIDs)
	}
	if o.pairs {
		m["reactionAndUserPairCache"] = slices.Clone(n.pairs)
		if n.pairs == nil {
			m["reactionAndUserPairCache"] = []string{}
		}
	}
	if len(n.tags) > 0 {
		m["tags"] = slices.Clone(n.tags)
	}
	if len(n.mentions) > 0 {
		m["mentions"] = slices.Clone(n.mentions)
	}
	if n.poll != nil {
		m["hasPoll"] = true
	}
	if o.detail {
		m["clippedCount"] = 0
		if n.replyID != nil {
			if p := st.noteByID[*n.replyID]; p != nil {
				m["reply"] = c.packNote(p, packOpts{viewer: o.viewer, skipHide: o.skipHide, pairs: o.pairs})
			} else {
				m["reply"] = nil
			}
		}
		if n.renoteID != nil {
			if p := st.noteByID[*n.renoteID]; p != nil {
				m["renote"] = c.packNote(p, packOpts{viewer: o.viewer, detail: true, skipHide: o.skipHide, pairs: o.pairs})
			} else {
				m["renote"] = nil
			}
		}
		if p := n.poll; p != nil {
			choices := []any{}
			var mine []int
			if o.viewer != nil {
				mine = p.voted[o.viewer.id]
			}
			for i, text := range p.choices {
				choices = append(choices, map[string]any{"text": text, "votes": p.votes[i], "isVoted": slices.Contains(mine, i)})
			}
			var exp any
			if p.expiresAt != nil {
				exp = fmtTime(*p.expiresAt)
			}
			m["poll"] = map[string]any{"multiple": p.multiple, "expiresAt": exp, "choices": choices}
		}
		if o.viewer != nil && len(reactions) > 0 {
			if r, ok := n.reactedBy[o.viewer.id]; ok {
				m["myReaction"] = decodeReaction(r)
			}
		}
	}
	if !o.skipHide && o.viewer != n.user && !st.canSee(n, o.viewer) {
		m["isHidden"] = true
		m["text"] = nil
		m["cw"] = nil
		m["fileIds"] = []any{}
		m["files"] = []any{}
		delete(m, "visibleUserIds")
		delete(m, "poll")
	}
	return m
}

// notification packs nf as NotificationEntityService does, or returns
// nil when its note has been deleted (the real server then leaves the
// notification out).
func (c *call) notification(nf *notifRec) map[string]any {
	m := map[string]any{
		"id":        nf.id,
		"createdAt": fmtTime(nf.createdAt),
		"type":      nf.typ,
	}
	if nf.from != nil {
		m["userId"] = nf.from.id
		m["user"] = c.userLite(nf.from)
	}
	if nf.noteID != "" {
		n := c.st().noteByID[nf.noteID]
		if n == nil {
			return nil
		}
		m["note"] = c.note(n)
	}
	if nf.typ == "reaction" {
		m["reaction"] = nf.reaction
	}
	return m
}

// page applies Misskey's id paging to items (in ascending id order):
// with untilId (with or without sinceId) the newest matching items come
// first; with sinceId alone the oldest items after sinceId come first, in
// ascending order, as the real timelines answer.
func page[T any](items []T, id func(T) string, sinceID, untilID string, limit int) []T {
	var out []T
	if sinceID != "" && untilID == "" {
		for _, it := range items {
			if id(it) > sinceID {
				out = append(out, it)
				if len(out) == limit {
					break
				}
			}
		}
		return out
	}
	for i := len(items) - 1; i >= 0 && len(out) < limit; i-- {
		it := items[i]
		if untilID != "" && id(it) >= untilID {
			continue
		}
		if sinceID != "" && id(it) <= sinceID {
			continue
		}
		out = append(out, it)
	}
	return out
}

// defaultPolicies are Misskey 2025.11.1's DEFAULT_POLICIES
// (packages/backend/src/core/RoleService.ts): what a user without roles may do.
func defaultPolicies() map[string]any {
	return map[string]any{
		"gtlAvailable": true, "ltlAvailable": true, "canPublicNote": true, "mentionLimit": 20,
		"canInvite": false, "inviteLimit": 0, "inviteLimitCycle": 60 * 24 * 7, "inviteExpirationTime": 0,
		"canManageCustomEmojis": false, "canManageAvatarDecorations": false, "canSearchNotes": false,
		"canSearchUsers": true, "canUseTranslator": true, "canHideAds": false, "driveCapacityMb": 100,
		"maxFileSizeMb": 30, "alwaysMarkNsfw": false, "canUpdateBioMedia": true, "pinLimit": 5,
		"antennaLimit": 5, "wordMuteLimit": 200, "webhookLimit": 3, "clipLimit": 10,
		"noteEachClipsLimit": 200, "userListLimit": 10, "userEachUserListsLimit": 50,
		"rateLimitFactor": 1, "avatarDecorationLimit": 1, "canImportAntennas": false,
		"canImportBlocking": false, "canImportFollowing": false, "canImportMuting": false,
		"canImportUserLists": false, "chatAvailability": "available",
		"uploadableFileTypes": []any{"text/*", "application/json", "image/*", "video/*", "audio/*"},
		"noteDraftLimit":      10, "scheduledNoteLimit": 1, "watermarkAvailable": true,
	}
}
