package main

// The fake instance's content, so that the demo looks like a real
// instance: five users with avatars, a day of notes dated in the past
// (MFM, custom emoji, pictures with captions, a sensitive one, a poll, a
// content warning, a long note with a long link, code, replies, a
// thread, renotes and quotes), reactions by several users, and
// notifications for @alice, who signs in.

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"time"

	"github.com/misskey-wasm/misskey-wasm/misskey/misskeytest"
)

// seedStart is how long before now the fake's users were created.
const seedStart = 30 * 24 * time.Hour

// newFake is a fake instance (not started) whose seeded user @alice was
// created seedStart ago, for seedFake.
func newFake() *misskeytest.Server {
	start := time.Now().Add(-seedStart)
	return misskeytest.NewUnstartedServerAt(func() time.Time { return start })
}

// seedFake writes the demo's content into fake, each note, reaction and
// follow at its time in the past day, then puts the fake back on the
// real clock. On a fake made by newFake the users are a month old; on
// one made now (misskeytest.NewServer) everything is dated now, as ids
// never go backwards.
func seedFake(fake *misskeytest.Server) {
	now := time.Now()
	at := now.Add(-seedStart)
	fake.SetClock(func() time.Time { return at })
	defer fake.SetClock(nil)
	ago := func(d time.Duration) { at = now.Add(-d) }

	alice := fake.SignedIn()
	bob := fake.AddUser("bob", "Bob")
	chiaki := fake.AddUser("chiaki", "Chiaki :blobcat:")
	dana := fake.AddUser("dana", "Dana 🌿")
	eiko := fake.AddUser("eiko", "Eiko")
	fake.AddEmoji("tada_ai", "Fun", "party")
	fake.AddEmoji("coffee_mk", "Fun", "coffee")
	for name, svg := range emojiArt {
		fake.SetEmojiImage(name, []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">`+svg+`</svg>`))
	}
	for _, a := range []struct {
		u *misskeytest.User
		p avatarLook
	}{
		{alice, avatarLook{"#ffb86b", "#ff6f91", "#f6d3b3", "#5b3a29", 0}},
		{bob, avatarLook{"#6bc4ff", "#4a6cf7", "#e8b894", "#2d2d2d", 1}},
		{chiaki, avatarLook{"#c3f584", "#53c28b", "#ffe0c2", "#f2f2f2", 2}},
		{dana, avatarLook{"#ffe36b", "#f7a64a", "#a8714f", "#1f1410", 3}},
		{eiko, avatarLook{"#d9a6ff", "#7b61ff", "#f3c9a6", "#c2410c", 0}},
	} {
		id := fake.AddFileWith(a.u, misskeytest.FileOptions{Name: a.u.Username + ".svg", ContentType: "image/svg+xml", Data: avatarSVG(a.p)})
		fake.SetAvatar(a.u, id)
	}
	fake.Follow(alice, bob)
	fake.Follow(alice, chiaki)
	fake.Follow(alice, eiko)
	fake.Follow(bob, alice)
	fake.Follow(chiaki, dana)

	post := func(u *misskeytest.User, d time.Duration, o misskeytest.NoteOptions) string {
		ago(d)
		return fake.PostNoteWith(u, o)
	}
	text := func(u *misskeytest.User, d time.Duration, t string) string {
		return post(u, d, misskeytest.NoteOptions{Text: t})
	}
	react := func(d time.Duration, note, reaction string, users ...*misskeytest.User) {
		for i, u := range users {
			ago(d - time.Duration(i)*time.Minute)
			fake.React(u, note, reaction)
		}
	}

	text(eiko, 40*time.Hour, "New week, new notes ✨ Good morning, everyone!")
	text(chiaki, 38*time.Hour, "Made onigiri for lunch 🍙 Salmon and umeboshi. #lunch")
	text(bob, 36*time.Hour, "Reading the Misskey docs on streaming. Channels, subNote, noteUpdated: it all clicks now.")
	text(dana, 34*time.Hour, "Planted tomatoes on the balcony 🍅🌱 Wish them luck.")
	text(eiko, 31*time.Hour, "Tip: a note's visibility can be Public, Home or Followers. Home keeps it off the local timeline.")
	text(chiaki, 29*time.Hour, "The cat decided the keyboard is the warmest place in the house 🐈⌨️")
	text(bob, 27*time.Hour, "Rainy day, good day for refactoring ☔")
	text(bob, 25*time.Hour, "Hello from the fake instance! Everything here runs on your machine.")
	first := text(alice, 24*time.Hour, "My first note on misskey-wasm.")
	text(bob, 23*time.Hour, "Misskey's MiAuth sign-in, API calls and timelines all work offline in this demo.")
	mfm := text(chiaki, 20*time.Hour, "Good morning, **fediverse**! :blobcat:\n"+
		"Today's tip: Misskey notes speak MFM, so you can write $[tada party], $[x2 big] text, ~~strike~~, <small>small print</small> and `code`. #misskey #mfm")
	ago(19*time.Hour + 30*time.Minute)
	poll := fake.PostNoteWith(eiko, misskeytest.NoteOptions{Text: "Which timeline do you read most? 📊",
		Poll: &misskeytest.Poll{Choices: []string{"Home", "Local", "Social", "Global"}}})
	react(19*time.Hour, mfm, "👍", bob, eiko)
	react(18*time.Hour+50*time.Minute, mfm, ":blobcat:", dana)
	ago(18*time.Hour + 40*time.Minute)
	fake.Vote(bob, poll, 0)
	fake.Vote(chiaki, poll, 2)
	fake.Vote(dana, poll, 1)
	fake.Vote(eiko, poll, 2)

	ago(18 * time.Hour)
	sunsetFile := fake.AddFileWith(dana, misskeytest.FileOptions{Name: "sunset.png", ContentType: "image/png",
		Data: landscapePNG(640, 360, sunsetSky), Comment: "The sun going down behind green hills, under an orange and violet sky"})
	hillsFile := fake.AddFileWith(dana, misskeytest.FileOptions{Name: "hills.png", ContentType: "image/png",
		Data: landscapePNG(640, 360, duskSky), Comment: "The same hills a little later, at dusk"})
	sunset := post(dana, 18*time.Hour, misskeytest.NoteOptions{Text: "Evening walk 🌇 The hills were glowing tonight.", FileIDs: []string{sunsetFile, hillsFile}})
	react(17*time.Hour+30*time.Minute, sunset, "❤", bob, chiaki, eiko)
	reply := post(chiaki, 17*time.Hour, misskeytest.NoteOptions{Text: "@dana Gorgeous! Where is this?", ReplyID: sunset})
	react(16*time.Hour+45*time.Minute, sunset, "🎉", alice)
	post(dana, 16*time.Hour+30*time.Minute, misskeytest.NoteOptions{Text: "@chiaki Just behind the station, ten minutes up the hill 🥾", ReplyID: reply})
	quote := post(bob, 15*time.Hour, misskeytest.NoteOptions{Text: "The best short intro to MFM I have seen :awesome:", RenoteID: mfm})
	react(14*time.Hour+30*time.Minute, quote, "👍", chiaki)
	post(eiko, 14*time.Hour, misskeytest.NoteOptions{RenoteID: sunset})
	post(chiaki, 12*time.Hour, misskeytest.NoteOptions{CW: "Spoilers: the season finale",
		Text: "I can't believe the fake instance was the server all along. 🤯"})

	ago(10 * time.Hour)
	ramenFile := fake.AddFileWith(chiaki, misskeytest.FileOptions{Name: "ramen.png", ContentType: "image/png",
		Data: ramenPNG(480, 360), Comment: "A bowl of very red, very spicy ramen", Sensitive: true})
	ramen := post(chiaki, 10*time.Hour, misskeytest.NoteOptions{Text: "Tried the extra-spicy ramen 🌶️🔥 (marked sensitive: not for the faint of heart)", FileIDs: []string{ramenFile}})
	react(9*time.Hour, ramen, "🔥", dana, eiko)

	long := text(eiko, 8*time.Hour, "My reading list for the weekend 📚\n\n"+
		"1. How Misskey's streaming API keeps timelines live, and what a client must do after a reconnect.\n"+
		"2. MiAuth and OAuth 2.0 side by side: which one an app gets, and why a page on 127.0.0.1 cannot use OAuth with a real instance.\n"+
		"3. MFM from the ground up: bold, small, quotes, code, $[x2 functions], and custom emoji like :misskey:.\n"+
		"4. Accessibility basics for timelines: headings, focus, names that match what you see.\n"+
		"5. Why ids sort by time, and how a timeline stays in order.\n"+
		"6. Drive files: captions are alt text, and sensitive pictures stay covered until you ask.\n"+
		"7. Reactions: unicode emoji, custom emoji, and how counts stay current.\n"+
		"8. Long links get shortened in the middle, like this one:\n"+
		"https://misskey-hub.net/en/docs/for-users/features/mfm/?utm_source=fake-instance&utm_medium=demo&utm_campaign=a-very-long-link-that-goes-on-and-on\n\n"+
		"That should keep me busy until Monday. What are you reading?")
	react(7*time.Hour, long, "📚", alice, bob)

	code := text(bob, 6*time.Hour, "How the demo loads the library:\n```js\nimport { load } from \"./dist/misskey.js\";\nconst mk = await load();\nconst me = await mk.client(account).request(\"i\");\n```\nNo build step, no bundler.")
	react(5*time.Hour+30*time.Minute, code, ":misskey:", chiaki)

	// @alice's notifications.
	text(chiaki, 5*time.Hour, "@alice Welcome to the fake instance! Try reacting with :blobcat:")
	post(bob, 4*time.Hour, misskeytest.NoteOptions{Text: "@alice Nice to see you here! 👋", ReplyID: first})
	ago(3 * time.Hour)
	fake.Follow(dana, alice)
	post(eiko, 2*time.Hour, misskeytest.NoteOptions{RenoteID: first})
	post(chiaki, 2*time.Hour-10*time.Minute, misskeytest.NoteOptions{Text: "Everyone, say hi to Alice :tada_ai:", RenoteID: first})
	react(time.Hour, first, "👍", bob)
	react(55*time.Minute, first, ":blobcat:", chiaki)
	react(50*time.Minute, first, "🎉", eiko)

	text(dana, 40*time.Minute, "Local timeline regulars, good evening 🌙 #misskey")
	coffee := text(eiko, 20*time.Minute, "Coffee break :coffee_mk: Anyone else reading the local timeline?")
	react(15*time.Minute, coffee, ":coffee_mk:", bob, chiaki)
	text(bob, 5*time.Minute, "Anyone up for a walk later? 🚶 The weather looks good.")
}

// emojiArt draws the fake's custom emoji (64×64 SVG bodies), so that
// they look like an instance's rather than the fake's lettered discs.
var emojiArt = map[string]string{
	// A yellow blob cat.
	"blobcat": `<path d="M10 30 L8 8 L24 20 Q32 17 40 20 L56 8 L54 30 Q60 40 56 50 Q48 60 32 60 Q16 60 8 50 Q4 40 10 30Z" fill="#ffcc4d" stroke="#e0a526" stroke-width="2"/>` +
		`<path d="M13 13 L22 21 L15 24Z M51 13 L42 21 L49 24Z" fill="#f4a6b0"/>` +
		`<ellipse cx="23" cy="38" rx="3.5" ry="5" fill="#3b2a14"/><ellipse cx="41" cy="38" rx="3.5" ry="5" fill="#3b2a14"/>` +
		`<path d="M27 47 Q29.5 50 32 47 Q34.5 50 37 47" fill="none" stroke="#3b2a14" stroke-width="2" stroke-linecap="round"/>` +
		`<path d="M4 42 L16 44 M4 48 L16 47 M60 42 L48 44 M60 48 L48 47" stroke="#c98a1a" stroke-width="1.5" stroke-linecap="round"/>`,
	// Misskey's green rounded square with an M.
	"misskey": `<rect x="4" y="4" width="56" height="56" rx="14" fill="#86b300"/>` +
		`<path d="M16 46 V20 Q16 16 20 17 Q22 18 24 21 L32 33 L40 21 Q42 18 44 17 Q48 16 48 20 V46" fill="none" stroke="#fff" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>`,
	// A star with a spark.
	"awesome": `<path d="M32 4 L40 23 L60 24 L44 37 L50 58 L32 46 L14 58 L20 37 L4 24 L24 23Z" fill="#ffac33" stroke="#e8891b" stroke-width="2" stroke-linejoin="round"/>` +
		`<circle cx="26" cy="30" r="3" fill="#fff" opacity="0.7"/>`,
	// A party popper with confetti.
	"tada_ai": `<path d="M8 58 L22 18 L46 42Z" fill="#dd2e44"/><path d="M14 41 L30 54 M18 29 L38 47" stroke="#ffcc4d" stroke-width="4"/>` +
		`<circle cx="44" cy="12" r="4" fill="#55acee"/><circle cx="56" cy="26" r="3.5" fill="#77b255"/><rect x="30" y="6" width="6" height="6" fill="#ffcc4d" transform="rotate(20 33 9)"/>` +
		`<path d="M38 28 Q44 18 54 16 M42 34 Q50 30 58 36" fill="none" stroke="#aa8dd8" stroke-width="3" stroke-linecap="round"/>`,
	// A cup of coffee, steaming.
	"coffee_mk": `<path d="M12 28 H46 V42 Q46 56 29 56 Q12 56 12 42Z" fill="#f5f5f5" stroke="#8a5a3b" stroke-width="2.5"/>` +
		`<path d="M46 32 Q56 32 56 40 Q56 48 45 48" fill="none" stroke="#8a5a3b" stroke-width="4"/>` +
		`<ellipse cx="29" cy="29" rx="15" ry="3" fill="#6f4126"/>` +
		`<path d="M22 22 Q18 16 22 11 Q26 6 22 2 M32 22 Q28 16 32 11 Q36 6 32 2" fill="none" stroke="#b0b0b0" stroke-width="2.5" stroke-linecap="round"/>`,
}

// keepNews are what @bob posts now and then (keepPosting), in turn.
var keepNews = []string{
	"Just pushed a fix, and the tests are green ✅",
	"Tea or coffee this afternoon? ☕🍵",
	"The streaming API delivered this one live: no refresh needed.",
	"Reminder: Ctrl+Enter posts from the composer.",
	"Watching the clouds go by ☁️",
	"Who else reacts with :blobcat: to everything?",
}

// keepNote is @bob's note number n (from 1) for keepPosting.
func keepNote(n int, now time.Time) string {
	return fmt.Sprintf("%s (%s)", keepNews[(n-1)%len(keepNews)], now.Format("15:04"))
}

// avatarLook is a generated avatar: a gradient, skin, hair and its style.
type avatarLook struct {
	bg1, bg2, skin, hair string
	style                int
}

// avatarSVG draws a friendly flat portrait.
func avatarSVG(a avatarLook) []byte {
	hair := []string{
		// 0: long hair
		`<path d="M30 66c0-24 14-38 34-38s34 14 34 38v40H82V70c-6 4-22 4-36 0v36H30z" fill="` + a.hair + `"/>`,
		// 1: short hair
		`<path d="M36 60c0-20 12-30 28-30s28 10 28 30c-8-10-18-13-28-13S44 50 36 60z" fill="` + a.hair + `"/>`,
		// 2: cat ears and a cap
		`<path d="M36 34l10 22h-14zM92 34l-10 22h14z" fill="` + a.hair + `"/><path d="M36 58c2-18 14-26 28-26s26 8 28 26c-10-6-18-8-28-8s-18 2-28 8z" fill="` + a.hair + `"/>`,
		// 3: curly hair
		`<g fill="` + a.hair + `"><circle cx="42" cy="48" r="12"/><circle cx="56" cy="38" r="13"/><circle cx="72" cy="38" r="13"/><circle cx="86" cy="48" r="12"/><circle cx="36" cy="62" r="9"/><circle cx="92" cy="62" r="9"/></g>`,
	}[a.style%4]
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">` +
		`<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="` + a.bg1 + `"/><stop offset="1" stop-color="` + a.bg2 + `"/></linearGradient></defs>` +
		`<rect width="128" height="128" fill="url(#g)"/>` +
		`<path d="M22 128c4-24 20-34 42-34s38 10 42 34z" fill="#ffffff" fill-opacity="0.85"/>` +
		`<rect x="56" y="80" width="16" height="16" rx="6" fill="` + a.skin + `"/>` +
		`<ellipse cx="64" cy="62" rx="26" ry="28" fill="` + a.skin + `"/>` +
		hair +
		`<circle cx="54" cy="64" r="3.2" fill="#2b2b2b"/><circle cx="74" cy="64" r="3.2" fill="#2b2b2b"/>` +
		`<circle cx="48" cy="72" r="4" fill="#ff7a8a" fill-opacity="0.45"/><circle cx="80" cy="72" r="4" fill="#ff7a8a" fill-opacity="0.45"/>` +
		`<path d="M56 75q8 7 16 0" stroke="#2b2b2b" stroke-width="2.6" fill="none" stroke-linecap="round"/>` +
		`</svg>`
	return []byte(svg)
}

// sky is a landscape's palette: the sky's top and bottom, the sun, the
// hills' near and far colours.
type sky struct{ top, bottom, sun, far, near color.RGBA }

var (
	sunsetSky = sky{color.RGBA{92, 60, 150, 255}, color.RGBA{255, 170, 90, 255}, color.RGBA{255, 226, 120, 255}, color.RGBA{70, 110, 70, 255}, color.RGBA{40, 90, 40, 255}}
	duskSky   = sky{color.RGBA{30, 36, 90, 255}, color.RGBA{200, 110, 140, 255}, color.RGBA{255, 200, 170, 255}, color.RGBA{40, 60, 70, 255}, color.RGBA{20, 40, 35, 255}}
)

func lerp(a, b color.RGBA, f float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(float64(x)*(1-f) + float64(y)*f) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// landscapePNG draws a sun over two rows of hills.
func landscapePNG(w, h int, s sky) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fw, fh := float64(w), float64(h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			c := lerp(s.top, s.bottom, fy/fh)
			dx, dy := fx-0.68*fw, fy-0.55*fh
			if d := math.Hypot(dx, dy); d < 0.09*fh {
				c = s.sun
			} else if d < 0.16*fh {
				c = lerp(s.sun, c, (d-0.09*fh)/(0.07*fh))
			}
			if fy > 0.6*fh+0.07*fh*math.Sin(fx/fw*5+1) {
				c = s.far
			}
			if fy > 0.72*fh+0.09*fh*math.Sin(fx/fw*3.3+2.4) {
				c = lerp(s.near, s.far, 0.3*(fh-fy)/fh)
			}
			img.SetRGBA(x, y, c)
		}
	}
	return encodePNG(img)
}

// ramenPNG draws a bowl of red soup with noodles, an egg and spring onion.
func ramenPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fw, fh := float64(w), float64(h)
	cx, cy, r := fw/2, fh/2, math.Min(fw, fh)*0.44
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x), float64(y)
			c := lerp(color.RGBA{60, 40, 30, 255}, color.RGBA{110, 70, 45, 255}, (fx+fy)/(fw+fh)) // the table
			d := math.Hypot(fx-cx, fy-cy)
			switch {
			case d < r*0.82:
				c = lerp(color.RGBA{200, 30, 20, 255}, color.RGBA{150, 20, 10, 255}, d/r) // soup
				if math.Sin((fx+2*fy)/9) > 0.55 && d < r*0.7 {
					c = color.RGBA{245, 215, 130, 255} // noodles
				}
				if math.Hypot(fx-cx-r*0.3, fy-cy+r*0.2) < r*0.16 {
					c = color.RGBA{255, 250, 240, 255} // egg white
					if math.Hypot(fx-cx-r*0.3, fy-cy+r*0.2) < r*0.08 {
						c = color.RGBA{255, 170, 30, 255}
					}
				}
				if math.Mod(fx*0.7+fy*0.3, 37) < 4 && math.Hypot(fx-cx+r*0.35, fy-cy-r*0.1) < r*0.2 {
					c = color.RGBA{90, 190, 70, 255} // spring onion
				}
			case d < r:
				c = lerp(color.RGBA{245, 245, 240, 255}, color.RGBA{200, 200, 195, 255}, (d-r*0.82)/(r*0.18)) // the bowl
			}
			img.SetRGBA(x, y, c)
		}
	}
	return encodePNG(img)
}
