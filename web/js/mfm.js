// MFM (Misskey Flavored Markdown) for the demo: a parser that gives the
// same trees as mfm-js 0.26.0, and a DOM renderer that follows Misskey's web
// client (2025.11). Plain browser ES module: no dependencies, no innerHTML,
// no eval; styles come from classes in ../mfm.css, and the few validated
// values ($[fg.color=…], $[position …], speeds…) are set with
// element.style.setProperty, which a strict CSP (style-src 'self') allows.
//
// Interface (keep it: the note views call exactly this):
//
//   import { parse, parseSimple, render } from "./js/mfm.js";
//
//   parse(text, { nestLimit } = {})  -> MfmNode[]
//       Every MFM syntax, as mfm-js's parse() (nestLimit defaults to 20).
//   parseSimple(text)                -> MfmNode[]
//       Text, unicode emoji, :emoji: codes and <plain> only, as mfm-js's
//       parseSimple() (for names and other one-line fields).
//   render(nodes, ctx)               -> DocumentFragment
//       ctx = {
//         origin,         // the instance's URL ("https://misskey.example"):
//                         //   mentions link to {origin}/@user[@host],
//                         //   hashtags to {origin}/tags/{tag}
//         host,           // the instance's host: a mention of it shows no host
//         emojis,         // name -> image URL (object or Map): the note's
//                         //   emojis and the instance's custom emoji merged
//         reducedMotion,  // true: no animation (Misskey shows them still);
//                         //   pass matchMedia("(prefers-reduced-motion: reduce)").matches
//         onHashtag,      // optional (tag, clickEvent) => void
//         onMention,      // optional ({ username, host, acct }, clickEvent) => void
//       }
//       The fragment holds one <span class="mfm"> (white-space: pre-wrap)
//       with the rendered nodes. Only http(s) URLs become links (rel
//       "nofollow noopener noreferrer", target _blank) or images.
//
// A node is { type, props?, children? } exactly as mfm-js makes it: text,
// bold, italic, strike, small, center, quote, inlineCode, blockCode,
// mathInline, mathBlock, mention, hashtag, url, link, emojiCode,
// unicodeEmoji, search, plain, fn. The grammar is mfm-js's (MIT,
// github.com/misskey-dev/mfm.js); web/mfm_test.go checks this parser against
// mfm-js itself on mfm-js's own test inputs and thousands of random ones.
//
// Trees: no deliberate difference from mfm-js 0.26.0 (the test's list of
// allowed differences is empty). Rendering, where it differs from Misskey
// 2025.11's MkMfm, on purpose:
//   - mathInline/mathBlock show their TeX source as code (Misskey renders
//     it with KaTeX: a 280 KB dependency);
//   - blockCode is not syntax-highlighted (Misskey loads Shiki), and it can
//     be focused, so that a keyboard can scroll a long line;
//   - unicodeEmoji is the system's own glyph (Misskey's default draws
//     Twemoji or Fluent images from a CDN the strict CSP would refuse);
//   - search links to Google's results (Misskey's default engine) in a new
//     tab, with no text field;
//   - $[clickable] is only its content (Misskey sends its click to Play
//     scripts, which the demo has not);
//   - links and images are http(s) only and open in a new tab with
//     rel="nofollow noopener noreferrer"; a url's text (decoded, as
//     Misskey shows it) is cut in its middle past URL_LABEL_MAX characters;
//   - mentions and hashtags are underlined (dotted): Misskey tells them from
//     text by colour alone, which the dark theme's contrast does not allow
//     (WCAG 1.4.1).

// ---------------------------------------------------------------------------
// Parsing: a small PEG toolkit. A parser is (src, i, state) => { i, v } or
// null, where i is the index after the match and v its value.

const ok = (i, v) => ({ i, v });

const str = (lit) => (s, i) => (s.startsWith(lit, i) ? ok(i + lit.length, lit) : null);

/** A regex matched at i exactly (sticky), without the "u" flag: code units. */
function re(pattern) {
  const r = new RegExp(pattern.source, pattern.flags + "y");
  return (s, i) => {
    r.lastIndex = i;
    const m = r.exec(s);
    return m ? ok(i + m[0].length, m[0]) : null;
  };
}

const seq = (...ps) => (s, i, st) => {
  const vs = [];
  for (const p of ps) {
    const r = p(s, i, st);
    if (!r) return null;
    i = r.i;
    vs.push(r.v);
  }
  return ok(i, vs);
};

const alt = (...ps) => (s, i, st) => {
  for (const p of ps) {
    const r = p(s, i, st);
    if (r) return r;
  }
  return null;
};

/** p repeated while it matches and input is left; at least min times. */
const many = (p, min = 0) => (s, i, st) => {
  const vs = [];
  while (i < s.length) {
    const r = p(s, i, st);
    if (!r) break;
    i = r.i;
    vs.push(r.v);
  }
  return vs.length < min ? null : ok(i, vs);
};

const opt = (p) => (s, i, st) => p(s, i, st) || ok(i, null);
const not = (p) => (s, i, st) => (p(s, i, st) ? null : ok(i, null));
const map = (p, f) => (s, i, st) => {
  const r = p(s, i, st);
  return r && ok(r.i, f(r.v));
};
const pick = (p, k) => map(p, (v) => v[k]);
const text = (p) => (s, i, st) => {
  const r = p(s, i, st);
  return r && ok(r.i, s.slice(i, r.i));
};
const sepBy1 = (p, sep) => map(seq(p, many(pick(seq(sep, p), 1))), ([first, rest]) => [first, ...rest]);

const anyChar = (s, i) => (i < s.length ? ok(i + 1, s.charAt(i)) : null);
const isNl = (c) => c === "\r" || c === "\n";
const lineBegin = (s, i) => (i === 0 || isNl(s[i - 1]) ? ok(i, null) : null);
const lineEnd = (s, i) => (i === s.length || isNl(s[i]) ? ok(i, null) : null);
const newLine = alt(str("\r\n"), str("\r"), str("\n"));
const space = re(/[\u0020\u3000\t]/);
const alnum = re(/[a-z0-9]/i);
const lineChar = pick(seq(not(newLine), anyChar), 1);
const notLinkLabel = (s, i, st) => (st.linkLabel ? null : ok(i, null));
const afterAlnum = (s, i) => i > 0 && /[a-z0-9]/i.test(s[i - 1]);

/**
 * The parsers in order; if one fails after the first matched, the text
 * matched so far (a string) instead of failing: an unclosed "**abc" is text.
 */
const seqOrText = (...ps) => (s, i, st) => {
  const vs = [];
  let j = i;
  for (const p of ps) {
    const r = p(s, j, st);
    if (!r) return j === i ? null : ok(j, s.slice(i, j));
    vs.push(r.v);
    j = r.i;
  }
  return ok(j, vs);
};

/** One level deeper: p while under the nesting limit, else fallback (a character). */
const nest = (p, fallback = anyChar) => (s, i, st) => {
  st.depth++;
  const r = (st.depth < st.nestLimit && p(s, i, st)) || fallback(s, i, st);
  st.depth--;
  return r;
};

// Nodes, built with mfm-js's keys in mfm-js's order.
const TEXT = (t) => ({ type: "text", props: { text: t } });
const withChildren = (type) => (children) => ({ type, children });
const QUOTE = withChildren("quote");
const CENTER = withChildren("center");
const BOLD = withChildren("bold");
const SMALL = withChildren("small");
const ITALIC = withChildren("italic");
const STRIKE = withChildren("strike");
const SEARCH = (query, content) => ({ type: "search", props: { query, content } });
const CODE_BLOCK = (code, lang) => ({ type: "blockCode", props: { code, lang } });
const MATH_BLOCK = (formula) => ({ type: "mathBlock", props: { formula } });
const UNI_EMOJI = (emoji) => ({ type: "unicodeEmoji", props: { emoji } });
const EMOJI_CODE = (name) => ({ type: "emojiCode", props: { name } });
const INLINE_CODE = (code) => ({ type: "inlineCode", props: { code } });
const MATH_INLINE = (formula) => ({ type: "mathInline", props: { formula } });
const MENTION = (username, host, acct) => ({ type: "mention", props: { username, host, acct } });
const HASHTAG = (hashtag) => ({ type: "hashtag", props: { hashtag } });
const URL_NODE = (url, brackets) => (brackets ? { type: "url", props: { url, brackets } } : { type: "url", props: { url } });
const LINK = (silent, url, children) => ({ type: "link", props: { silent, url }, children });
const FN = (name, args, children) => ({ type: "fn", props: { name, args }, children });
const PLAIN = (t) => ({ type: "plain", children: [TEXT(t)] });

/** Strings and text nodes next to each other become one text node. */
function mergeText(values) {
  const out = [];
  let pending = [];
  const flush = () => {
    if (pending.length > 0) {
      out.push(TEXT(pending.join("")));
      pending = [];
    }
  };
  for (const v of values.flat(1)) {
    if (typeof v === "string") pending.push(v);
    else if (!Array.isArray(v) && v.type === "text") pending.push(v.props.text);
    else {
      flush();
      out.push(v);
    }
  }
  flush();
  return out;
}

// BEGIN generated emoji pattern: node web/testdata/mfm-diff.mjs emoji-regex dist/npm-tools
// (from @misskey-dev/emoji-data 17.0.0, as mfm-js 0.26.0 uses it; checked by web/mfm_test.go)
const EMOJI_RE = /(?:[#*0-9](?:\u20e3|\ufe0f\u20e3)|[\u00a9\u00ae\u2122\u265f]\ufe0f|[\u203c\u2049\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf\u23ed-\u23ef\u23f1\u23f2\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u2604\u260e\u2611\u2614\u2615\u2618\u2620\u2622\u2623\u2626\u262a\u262e\u262f\u2638-\u263a\u2640\u2642\u2648-\u2653\u2660\u2663\u2665\u2666\u2668\u267b\u267f\u2692-\u2697\u2699\u269b\u269c\u26a0\u26a1\u26a7\u26aa\u26ab\u26b0\u26b1\u26bd\u26be\u26c4\u26c5\u26c8\u26cf\u26d1\u26d4\u26e9\u26ea\u26f0-\u26f5\u26f8\u26fa\u26fd\u2702\u2708\u2709\u270f\u2712\u2714\u2716\u271d\u2721\u2733\u2734\u2744\u2747\u2757\u2763\u27a1\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299](?:\ufe0f|(?!\ufe0e))|[\u23e9-\u23ec\u23f0\u23f3\u267e\u26ce\u2705\u2728\u274c\u274e\u2753-\u2755\u2795-\u2797\u27b0\u27bf\ue50a\ufe0f]|[\u261d\u26f7\u270c\u270d](?:\ud83c[\udffb-\udfff]|\ufe0f(?:\ud83c[\udffb-\udfff])?|(?!\ufe0e))|\u26d3(?:\ufe0f(?:\u200d\ud83d\udca5)?|(?!\ufe0e))|\u26f9(?:\ud83c[\udffb-\udfff](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?)?|\ufe0f(?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\ud83c[\udffb-\udfff])?|(?!\ufe0e))|[\u270a\u270b](?:\ud83c[\udffb-\udfff])?|\u2764(?:\ufe0f(?:\u200d(?:\ud83d\udd25|\ud83e\ude79))?|(?!\ufe0e))|\ud83c(?:[\udc04\udd70\udd71\udd7e\udd7f\ude02\ude1a\ude2f\ude37\udf21\udf24-\udf2c\udf36\udf7d\udf96\udf97\udf99-\udf9b\udf9e\udf9f\udfcd\udfce\udfd4-\udfdf\udff5\udff7](?:\ufe0f|(?!\ufe0e))|[\udccf\udd8e\udd91-\udd9a\ude01\ude32-\ude36\ude38-\ude3a\ude50\ude51\udf00-\udf20\udf2d-\udf35\udf37-\udf43\udf45-\udf4a\udf4c-\udf7c\udf7e-\udf84\udf86-\udf93\udfa0-\udfc1\udfc5\udfc6\udfc8\udfc9\udfcf-\udfd3\udfe0-\udff0\udff8-\udfff]|\udde6(?:\ud83c[\udde8-\uddec\uddee\uddf1\uddf2\uddf4\uddf6-\uddfa\uddfc\uddfd\uddff])?|\udde7(?:\ud83c[\udde6\udde7\udde9-\uddef\uddf1-\uddf4\uddf6-\uddf9\uddfb\uddfc\uddfe\uddff])?|\udde8(?:\ud83c[\udde6\udde8\udde9\uddeb-\uddee\uddf0-\uddf7\uddfa-\uddff])?|\udde9(?:\ud83c[\uddea\uddec\uddef\uddf0\uddf2\uddf4\uddff])?|\uddea(?:\ud83c[\udde6\udde8\uddea\uddec\udded\uddf7-\uddfa])?|\uddeb(?:\ud83c[\uddee-\uddf0\uddf2\uddf4\uddf7])?|\uddec(?:\ud83c[\udde6\udde7\udde9-\uddee\uddf1-\uddf3\uddf5-\uddfa\uddfc\uddfe])?|\udded(?:\ud83c[\uddf0\uddf2\uddf3\uddf7\uddf9\uddfa])?|\uddee(?:\ud83c[\udde8-\uddea\uddf1-\uddf4\uddf6-\uddf9])?|\uddef(?:\ud83c[\uddea\uddf2\uddf4\uddf5])?|\uddf0(?:\ud83c[\uddea\uddec-\uddee\uddf2\uddf3\uddf5\uddf7\uddfc\uddfe\uddff])?|\uddf1(?:\ud83c[\udde6-\udde8\uddee\uddf0\uddf7-\uddfb\uddfe])?|\uddf2(?:\ud83c[\udde6\udde8-\udded\uddf0-\uddff])?|\uddf3(?:\ud83c[\udde6\udde8\uddea-\uddec\uddee\uddf1\uddf4\uddf5\uddf7\uddfa\uddff])?|\uddf4(?:\ud83c\uddf2)?|\uddf5(?:\ud83c[\udde6\uddea-\udded\uddf0-\uddf3\uddf7-\uddf9\uddfc\uddfe])?|\uddf6(?:\ud83c\udde6)?|\uddf7(?:\ud83c[\uddea\uddf4\uddf8\uddfa\uddfc])?|\uddf8(?:\ud83c[\udde6-\uddea\uddec-\uddf4\uddf7-\uddf9\uddfb\uddfd-\uddff])?|\uddf9(?:\ud83c[\udde6\udde8\udde9\uddeb-\udded\uddef-\uddf4\uddf7\uddf9\uddfb\uddfc\uddff])?|\uddfa(?:\ud83c[\udde6\uddec\uddf2\uddf3\uddf8\uddfe\uddff])?|\uddfb(?:\ud83c[\udde6\udde8\uddea\uddec\uddee\uddf3\uddfa])?|\uddfc(?:\ud83c[\uddeb\uddf8])?|\uddfd(?:\ud83c\uddf0)?|\uddfe(?:\ud83c[\uddea\uddf9])?|\uddff(?:\ud83c[\udde6\uddf2\uddfc])?|\udf44(?:\u200d\ud83d\udfeb)?|\udf4b(?:\u200d\ud83d\udfe9)?|[\udf85\udfc2\udfc7](?:\ud83c[\udffb-\udfff])?|\udfc3(?:\u200d(?:[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u27a1\ufe0f(?:\ud83c[\udffb-\udfff])?)|\ud83c[\udffb-\udfff](?:\u200d(?:[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u27a1\ufe0f(?:\ud83c[\udffb-\udfff])?)|\ud83c[\udffb-\udfff])?)?|[\udfc4\udfca](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\ud83c[\udffb-\udfff](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?)?)?|[\udfcb\udfcc](?:\ud83c[\udffb-\udfff](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?)?|\ufe0f(?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\ud83c[\udffb-\udfff])?|(?!\ufe0e))|\udff3(?:\ufe0f(?:\u200d(?:\u26a7\ufe0f|\ud83c\udf08))?|(?!\ufe0e))|\udff4(?:\u200d\u2620\ufe0f|\udb40\udc67\udb40\udc62\udb40(?:\udc65\udb40\udc6e\udb40\udc67\udb40\udc7f|\udc73\udb40\udc63\udb40\udc74\udb40\udc7f|\udc77\udb40\udc6c\udb40\udc73\udb40\udc7f))?)|\ud83d(?:[\udc00-\udc07\udc09-\udc14\udc16-\udc25\udc27-\udc3a\udc3c-\udc3e\udc40\udc44\udc45\udc51-\udc65\udc6a\udc79-\udc7b\udc7d-\udc80\udc84\udc88-\udc8e\udc90\udc92-\udca9\udcab-\udcfc\udcff-\udd3d\udd4b-\udd4e\udd50-\udd67\udda4\uddfb-\ude2d\ude2f-\ude34\ude37-\ude41\ude43\ude44\ude48-\ude4a\ude80-\udea2\udea4-\udeb3\udeb7-\udebf\udec1-\udec5\uded0-\uded2\uded5-\uded8\udedc-\udedf\udeeb\udeec\udef4-\udefc\udfe0-\udfeb\udff0]|\udc08(?:\u200d\u2b1b)?|\udc15(?:\u200d\ud83e\uddba)?|\udc26(?:\u200d(?:\u2b1b|\ud83d\udd25))?|\udc3b(?:\u200d\u2744\ufe0f)?|[\udc3f\udcfd\udd49\udd4a\udd6f\udd70\udd73\udd76-\udd79\udd87\udd8a-\udd8d\udda5\udda8\uddb1\uddb2\uddbc\uddc2-\uddc4\uddd1-\uddd3\udddc-\uddde\udde1\udde3\udde8\uddef\uddf3\uddfa\udecb\udecd-\udecf\udee0-\udee5\udee9\udef0\udef3](?:\ufe0f|(?!\ufe0e))|\udc41(?:\u200d\ud83d\udde8|\ufe0f|(?!\ufe0e))|[\udc42\udc43\udc46-\udc50\udc66\udc67\udc6b-\udc6d\udc72\udc74-\udc76\udc78\udc7c\udc83\udc85\udc8f\udc91\udcaa\udd7a\udd95\udd96\ude4c\ude4f\udec0\udecc](?:\ud83c[\udffb-\udfff])?|\udc68(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:\udc68|\udc8b\u200d\ud83d\udc68)|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc66(?:\u200d\ud83d\udc66)?|\udc67(?:\u200d\ud83d[\udc66\udc67])?|[\udc68\udc69]\u200d\ud83d(?:\udc66(?:\u200d\ud83d\udc66)?|\udc67(?:\u200d\ud83d[\udc66\udc67])?)|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?)|\ud83c(?:\udffb(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:\udc68\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d\udc68\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc68\ud83c[\udffc-\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:[\udd1d\udeef]\u200d\ud83d\udc68\ud83c[\udffc-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?)))?|\udffc(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:\udc68\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d\udc68\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc68\ud83c[\udffb\udffd-\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:[\udd1d\udeef]\u200d\ud83d\udc68\ud83c[\udffb\udffd-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?)))?|\udffd(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:\udc68\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d\udc68\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc68\ud83c[\udffb\udffc\udffe\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:[\udd1d\udeef]\u200d\ud83d\udc68\ud83c[\udffb\udffc\udffe\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?)))?|\udffe(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:\udc68\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d\udc68\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc68\ud83c[\udffb-\udffd\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:[\udd1d\udeef]\u200d\ud83d\udc68\ud83c[\udffb-\udffd\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?)))?|\udfff(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:\udc68\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d\udc68\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc68\ud83c[\udffb-\udffe]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:[\udd1d\udeef]\u200d\ud83d\udc68\ud83c[\udffb-\udffe]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?)))?))?|\udc69(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:[\udc68\udc69]|\udc8b\u200d\ud83d[\udc68\udc69])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc66(?:\u200d\ud83d\udc66)?|\udc67(?:\u200d\ud83d[\udc66\udc67])?|\udc69\u200d\ud83d(?:\udc66(?:\u200d\ud83d\udc66)?|\udc67(?:\u200d\ud83d[\udc66\udc67])?)|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?)|\ud83c(?:\udffb(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:[\udc68\udc69]\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d[\udc68\udc69]\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc69\ud83c[\udffc-\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83d[\udc68\udc69]\ud83c[\udffc-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83d\udc69\ud83c[\udffc-\udfff])))?|\udffc(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:[\udc68\udc69]\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d[\udc68\udc69]\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc69\ud83c[\udffb\udffd-\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83d[\udc68\udc69]\ud83c[\udffb\udffd-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83d\udc69\ud83c[\udffb\udffd-\udfff])))?|\udffd(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:[\udc68\udc69]\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d[\udc68\udc69]\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc69\ud83c[\udffb\udffc\udffe\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83d[\udc68\udc69]\ud83c[\udffb\udffc\udffe\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83d\udc69\ud83c[\udffb\udffc\udffe\udfff])))?|\udffe(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:[\udc68\udc69]\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d[\udc68\udc69]\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc69\ud83c[\udffb-\udffd\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83d[\udc68\udc69]\ud83c[\udffb-\udffd\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83d\udc69\ud83c[\udffb-\udffd\udfff])))?|\udfff(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d\ud83d(?:[\udc68\udc69]\ud83c[\udffb-\udfff]|\udc8b\u200d\ud83d[\udc68\udc69]\ud83c[\udffb-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83d\udc69\ud83c[\udffb-\udffe]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83d[\udc68\udc69]\ud83c[\udffb-\udffe]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83d\udc69\ud83c[\udffb-\udffe])))?))?|[\udc6e\udc70\udc71\udc73\udc77\udc81\udc82\udc86\udc87\ude45-\ude47\ude4b\ude4d\ude4e\udea3\udeb4\udeb5](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\ud83c[\udffb-\udfff](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?)?)?|\udc6f(?:\u200d[\u2640\u2642]\ufe0f|\ud83c[\udffb-\udfff](?:\u200d[\u2640\u2642]\ufe0f)?)?|[\udd74\udd75](?:\ud83c[\udffb-\udfff](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?)?|\ufe0f(?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\ud83c[\udffb-\udfff])?|(?!\ufe0e))|\udd90(?:\ud83c[\udffb-\udfff]|\ufe0f(?:\ud83c[\udffb-\udfff])?|(?!\ufe0e))|\ude2e(?:\u200d\ud83d\udca8)?|\ude35(?:\u200d\ud83d\udcab)?|\ude36(?:\u200d\ud83c\udf2b\ufe0f)?|\ude42(?:\u200d[\u2194\u2195]\ufe0f)?|\udeb6(?:\u200d(?:[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u27a1\ufe0f(?:\ud83c[\udffb-\udfff])?)|\ud83c[\udffb-\udfff](?:\u200d(?:[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u27a1\ufe0f(?:\ud83c[\udffb-\udfff])?)|\ud83c[\udffb-\udfff])?)?)|\ud83e(?:[\udd0c\udd0f\udd18-\udd1f\udd30-\udd34\udd36\udd77\uddb5\uddb6\uddbb\uddd2\uddd3\uddd5\udec3-\udec5\udef2-\udef8](?:\ud83c[\udffb-\udfff])?|[\udd0d\udd0e\udd10-\udd17\udd20-\udd25\udd27-\udd2f\udd3a\udd3f-\udd45\udd47-\udd76\udd78-\uddb4\uddb7\uddba\uddbc-\uddcc\uddd0\udde0-\uddff\ude70-\ude7c\ude80-\ude8a\ude8e-\udec2\udec6\udec8\udecd-\udedc\udedf-\udeea\udeef]|[\udd26\udd35\udd37-\udd39\udd3d\udd3e\uddb8\uddb9\uddcd\uddcf\uddd4\uddd6-\udddd](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\ud83c[\udffb-\udfff](?:\u200d[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?)?)?|\udd3c(?:\u200d[\u2640\u2642]\ufe0f|\ud83c[\udffb-\udfff](?:\u200d[\u2640\u2642]\ufe0f)?)?|\uddce(?:\u200d(?:[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u27a1\ufe0f(?:\ud83c[\udffb-\udfff])?)|\ud83c[\udffb-\udfff](?:\u200d(?:[\u2640\u2642]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u27a1\ufe0f(?:\ud83c[\udffb-\udfff])?)|\ud83c[\udffb-\udfff])?)?|\uddd1(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?|\ud83e(?:\udd1d\u200d\ud83e\uddd1|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\uddd1\u200d\ud83e\uddd2(?:\u200d\ud83e\uddd2)?|\uddd2(?:\u200d\ud83e\uddd2)?))|\ud83c(?:\udffb(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d(?:\ud83d\udc8b\u200d\ud83e\uddd1\ud83c[\udffc-\udfff]|\ud83e\uddd1\ud83c[\udffc-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83e\uddd1\ud83c[\udffc-\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83e\uddd1\ud83c[\udffb-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83e\uddd1\ud83c[\udffc-\udfff])))?|\udffc(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d(?:\ud83d\udc8b\u200d\ud83e\uddd1\ud83c[\udffb\udffd-\udfff]|\ud83e\uddd1\ud83c[\udffb\udffd-\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83e\uddd1\ud83c[\udffb\udffd-\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83e\uddd1\ud83c[\udffb-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83e\uddd1\ud83c[\udffb\udffd-\udfff])))?|\udffd(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d(?:\ud83d\udc8b\u200d\ud83e\uddd1\ud83c[\udffb\udffc\udffe\udfff]|\ud83e\uddd1\ud83c[\udffb\udffc\udffe\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83e\uddd1\ud83c[\udffb\udffc\udffe\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83e\uddd1\ud83c[\udffb-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83e\uddd1\ud83c[\udffb\udffc\udffe\udfff])))?|\udffe(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d(?:\ud83d\udc8b\u200d\ud83e\uddd1\ud83c[\udffb-\udffd\udfff]|\ud83e\uddd1\ud83c[\udffb-\udffd\udfff])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83e\uddd1\ud83c[\udffb-\udffd\udfff]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83e\uddd1\ud83c[\udffb-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83e\uddd1\ud83c[\udffb-\udffd\udfff])))?|\udfff(?:\u200d(?:[\u2695\u2696\u2708]\ufe0f(?:\u200d\u27a1\ufe0f)?|\u2764\ufe0f\u200d(?:\ud83d\udc8b\u200d\ud83e\uddd1\ud83c[\udffb-\udffe]|\ud83e\uddd1\ud83c[\udffb-\udffe])|\ud83c[\udf3e\udf73\udf7c\udf84\udf93\udfa4\udfa8\udfeb\udfed](?:\u200d\u27a1\ufe0f)?|\ud83d(?:\udc30\u200d\ud83e\uddd1\ud83c[\udffb-\udffe]|[\udcbb\udcbc\udd27\udd2c\ude80\ude92](?:\u200d\u27a1\ufe0f)?)|\ud83e(?:\udd1d\u200d\ud83e\uddd1\ud83c[\udffb-\udfff]|[\uddaf-\uddb3\uddbc\uddbd\ude70](?:\u200d\u27a1\ufe0f)?|\udeef\u200d\ud83e\uddd1\ud83c[\udffb-\udffe])))?))?|[\uddde\udddf](?:\u200d[\u2640\u2642]\ufe0f)?|\udef0(?:\ud83c[\udffb-\udfff]|\ufe0f(?:\ud83c[\udffb-\udfff])?|(?!\ufe0e))|\udef1(?:\ud83c(?:\udffb(?:\u200d\ud83e\udef2\ud83c[\udffc-\udfff])?|\udffc(?:\u200d\ud83e\udef2\ud83c[\udffb\udffd-\udfff])?|\udffd(?:\u200d\ud83e\udef2\ud83c[\udffb\udffc\udffe\udfff])?|\udffe(?:\u200d\ud83e\udef2\ud83c[\udffb-\udffd\udfff])?|\udfff(?:\u200d\ud83e\udef2\ud83c[\udffb-\udffe])?))?))/y;
// END generated emoji pattern

function unicodeEmoji(s, i) {
  EMOJI_RE.lastIndex = i;
  const m = EMOJI_RE.exec(s);
  if (!m) return null;
  // A lone U+FE0F (variation selector) is text, as in mfm-js.
  return ok(i + m[0].length, m[0] === "\uFE0F" ? m[0] : UNI_EMOJI(m[0]));
}

// The rules, in mfm-js's order of preference (full and inline are functions
// so that the rules before them can use them).

function full(s, i, st) {
  return fullAlt(s, i, st);
}
function inline(s, i, st) {
  return inlineAlt(s, i, st);
}
const fullParser = many(full);

const quoteLines = sepBy1(pick(seq(str(">"), opt(space), text(many(lineChar))), 2), newLine);
const quoteBlock = pick(seq(opt(newLine), opt(newLine), lineBegin, quoteLines, opt(newLine), opt(newLine)), 3);
const quoteBody = many(nest(fullParser));
function quote(s, i, st) {
  const r = quoteBlock(s, i, st);
  if (!r) return null;
  const lines = r.v;
  if (lines.length === 1 && lines[0].length === 0) return null;
  // The lines without their ">" are parsed again as a document of their own.
  const body = quoteBody(lines.join("\n"), 0, st);
  return ok(r.i, QUOTE(mergeText(body.v)));
}

const fence = str("```");
const codeBlock = map(
  seq(opt(newLine), lineBegin, fence, many(lineChar), newLine,
    many(pick(seq(not(seq(newLine, fence, lineEnd)), anyChar), 1), 1), newLine, fence, lineEnd, opt(newLine)),
  (v) => {
    const lang = v[3].join("").trim();
    return CODE_BLOCK(v[5].join(""), lang.length > 0 ? lang : null);
  },
);

const mathBlockClose = str("\\]");
const mathBlock = map(
  seq(opt(newLine), lineBegin, str("\\["), opt(newLine),
    many(pick(seq(not(seq(opt(newLine), mathBlockClose)), anyChar), 1), 1), opt(newLine), mathBlockClose, lineEnd, opt(newLine)),
  (v) => MATH_BLOCK(v[4].join("")),
);

const centerClose = str("</center>");
const centerTag = map(
  seq(opt(newLine), lineBegin, str("<center>"), opt(newLine),
    many(pick(seq(not(seq(opt(newLine), centerClose)), nest(inline)), 1), 1), opt(newLine), centerClose, lineEnd, opt(newLine)),
  (v) => CENTER(mergeText(v[4])),
);

/** open, inline content up to close, close: an unclosed one is text. */
function enclosed(open, close, make) {
  const closeP = str(close);
  return map(seqOrText(str(open), many(pick(seq(not(closeP), nest(inline)), 1), 1), closeP), (v) =>
    typeof v === "string" ? v : make(mergeText(v[1])),
  );
}
const big = enclosed("***", "***", (children) => FN("tada", {}, children));
const boldAsta = enclosed("**", "**", BOLD);
const boldTag = enclosed("<b>", "</b>", BOLD);
const smallTag = enclosed("<small>", "</small>", SMALL);
const italicTag = enclosed("<i>", "</i>", ITALIC);
const strikeTag = enclosed("<s>", "</s>", STRIKE);
const wave = str("~~");
const strikeWave = map(seqOrText(wave, many(pick(seq(not(alt(wave, newLine)), nest(inline)), 1), 1), wave), (v) =>
  typeof v === "string" ? v : STRIKE(mergeText(v[1])),
);

const boldUnder = map(seq(str("__"), many(alt(alnum, space), 1), str("__")), (v) => BOLD(mergeText(v[1])));

/** *abc* and _abc_: letters, digits and spaces only, not right after a letter or digit. */
function italicAlt(mark) {
  const p = seq(str(mark), many(alt(alnum, space), 1), str(mark));
  return (s, i, st) => {
    const r = p(s, i, st);
    if (!r || afterAlnum(s, i)) return null;
    return ok(r.i, ITALIC(mergeText(r.v[1])));
  };
}
const italicAsta = italicAlt("*");
const italicUnder = italicAlt("_");

const plainClose = str("</plain>");
const plainTag = map(
  pick(seq(str("<plain>"), opt(newLine), text(many(pick(seq(not(seq(opt(newLine), plainClose)), anyChar), 1), 1)),
    opt(newLine), plainClose), 2),
  PLAIN,
);

const fnWord = re(/[a-z0-9_]+/i);
const fnArg = map(seq(fnWord, opt(pick(seq(str("="), re(/[a-z0-9_.-]+/i)), 1))), (v) => ({ k: v[0], v: v[1] != null ? v[1] : true }));
const fnArgs = map(pick(seq(str("."), sepBy1(fnArg, str(","))), 1), (pairs) => {
  const args = {};
  for (const pair of pairs) args[pair.k] = pair.v;
  return args;
});
const fnClose = str("]");
const fn = map(
  seqOrText(str("$["), fnWord, opt(fnArgs), str(" "), many(pick(seq(not(fnClose), nest(inline)), 1), 1), fnClose),
  (v) => (typeof v === "string" ? v : FN(v[1], v[2] || {}, mergeText(v[4]))),
);

const backtick = str("`");
const inlineCode = map(
  seq(backtick, many(pick(seq(not(alt(backtick, str("´"), newLine)), anyChar), 1), 1), backtick),
  (v) => INLINE_CODE(v[1].join("")),
);

const mathInlineClose = str("\\)");
const mathInline = map(
  seq(str("\\("), many(pick(seq(not(alt(mathInlineClose, newLine)), anyChar), 1), 1), mathInlineClose),
  (v) => MATH_INLINE(v[1].join("")),
);

const acctPart = re(/[a-z0-9_.-]+/i);
const mentionSyntax = seq(notLinkLabel, str("@"), acctPart, opt(pick(seq(str("@"), acctPart), 1)));
function mention(s, i, st) {
  const r = mentionSyntax(s, i, st);
  if (!r || afterAlnum(s, i)) return null;
  const [, , username, hostname] = r.v;
  // Trailing dots and hyphens are not part of a name or host; leading ones
  // make it no mention (then all of it is text).
  let invalid = false;
  let host = hostname;
  if (hostname != null) {
    const tail = /[.-]+$/.exec(hostname);
    if (tail) {
      host = hostname.slice(0, -tail[0].length);
      if (host.length === 0) {
        invalid = true;
        host = null;
      }
    }
  }
  let name = username;
  const tail = /[.-]+$/.exec(username);
  if (tail) {
    if (host == null) name = username.slice(0, -tail[0].length);
    else invalid = true;
  }
  if (name.length === 0 || /^[.-]/.test(name)) invalid = true;
  if (host != null && /^[.-]/.test(host)) invalid = true;
  if (invalid) return ok(r.i, s.slice(i, r.i));
  const acct = host != null ? `@${name}@${host}` : `@${name}`;
  return ok(i + acct.length, MENTION(name, host, acct));
}

const hashtagChar = pick(seq(not(alt(re(/[ \u3000\t.,!?'"#:/[\]【】()「」（）<>]/), space, newLine)), anyChar), 1);
const hashtagItem = alt(
  ...[["(", ")"], ["[", "]"], ["「", "」"], ["（", "）"]].map(([open, close]) =>
    seq(str(open), many(nest((s, i, st) => hashtagItem(s, i, st), hashtagChar)), str(close)),
  ),
  hashtagChar,
);
const hashtagSyntax = pick(seq(notLinkLabel, str("#"), text(many(hashtagItem, 1))), 2);
function hashtag(s, i, st) {
  const r = hashtagSyntax(s, i, st);
  if (!r || afterAlnum(s, i) || /^[0-9]+$/.test(r.v)) return null;
  return ok(r.i, HASHTAG(r.v));
}

const notAlnum = not(alnum);
const emojiCode = map(
  pick(seq(alt(lineBegin, notAlnum), str(":"), re(/[a-z0-9_+-]+/i), str(":"), alt(lineEnd, notAlnum)), 2),
  EMOJI_CODE,
);

/** The label's inline content: no links, mentions, hashtags or URLs in it. */
function linkLabelInline(s, i, st) {
  st.linkLabel = true;
  const r = inline(s, i, st);
  st.linkLabel = false;
  return r;
}
const linkClose = str("]");
const linkSyntax = seq(
  notLinkLabel, alt(str("?["), str("[")), many(pick(seq(not(alt(linkClose, newLine)), nest(linkLabelInline)), 1), 1),
  linkClose, str("("), alt(urlAlt, url), str(")"),
);
function link(s, i, st) {
  const r = linkSyntax(s, i, st);
  if (!r) return null;
  const [, prefix, label, , , target] = r.v;
  if (typeof target === "string") return null;
  return ok(r.i, LINK(prefix === "?[", target.props.url, mergeText(label)));
}

const urlChar = re(/[.,a-z0-9_/:%#@$&?!~=+-]/i);
const urlItem = alt(
  seq(str("("), many(nest((s, i, st) => urlItem(s, i, st), urlChar)), str(")")),
  seq(str("["), many(nest((s, i, st) => urlItem(s, i, st), urlChar)), str("]")),
  urlChar,
);
const scheme = re(/https?:\/\//);
const urlSyntax = seq(notLinkLabel, scheme, text(many(urlItem, 1)));
function url(s, i, st) {
  const r = urlSyntax(s, i, st);
  if (!r) return null;
  let end = r.i;
  let rest = r.v[2];
  // Trailing periods and commas end the sentence, not the URL.
  const tail = /[.,]+$/.exec(rest);
  if (tail) {
    end -= tail[0].length;
    rest = rest.slice(0, -tail[0].length);
    if (rest.length === 0) return ok(r.i, s.slice(i, r.i));
  }
  return ok(end, URL_NODE(r.v[1] + rest, false));
}

const urlAltSyntax = text(seq(notLinkLabel, str("<"), scheme, many(pick(seq(not(alt(str(">"), space)), anyChar), 1), 1), str(">")));
function urlAlt(s, i, st) {
  const r = urlAltSyntax(s, i, st);
  return r && ok(r.i, URL_NODE(r.v.slice(1, r.v.length - 1), true));
}

const searchButton = alt(re(/\[(検索|search)\]/i), re(/(検索|search)/i));
const search = map(
  seq(opt(newLine), lineBegin, many(pick(seq(not(alt(newLine, seq(space, searchButton, lineEnd))), anyChar), 1), 1),
    space, searchButton, lineEnd, opt(newLine)),
  (v) => {
    const query = v[2].join("");
    return SEARCH(query, `${query}${v[3]}${v[4]}`);
  },
);

const fullAlt = alt(
  unicodeEmoji, centerTag, smallTag, plainTag, boldTag, italicTag, strikeTag, urlAlt, big, boldAsta, italicAsta,
  boldUnder, italicUnder, codeBlock, inlineCode, quote, mathBlock, mathInline, strikeWave, fn, mention, hashtag,
  emojiCode, link, url, search, anyChar,
);
const inlineAlt = alt(
  unicodeEmoji, smallTag, plainTag, boldTag, italicTag, strikeTag, urlAlt, big, boldAsta, italicAsta, boldUnder,
  italicUnder, inlineCode, mathInline, strikeWave, fn, mention, hashtag, emojiCode, link, url, anyChar,
);
const simpleParser = many(alt(unicodeEmoji, emojiCode, plainTag, anyChar));

function checkText(text) {
  if (typeof text !== "string") throw new TypeError("MFM text must be a string");
}

/**
 * Parses MFM text into the node tree mfm-js 0.26.0's parse() gives.
 * @param {string} text
 * @param {{ nestLimit?: number }} [options] nestLimit: how deep syntax may nest (default 20);
 *   deeper, the rest is text, so deep input cannot exhaust the stack.
 * @returns {object[]} the nodes ({ type, props?, children? })
 */
export function parse(text, { nestLimit } = {}) {
  checkText(text);
  const state = { nestLimit: nestLimit != null ? nestLimit : 20, depth: 0, linkLabel: false };
  return mergeText(fullParser(text, 0, state).v);
}

/**
 * Parses text with only unicode emoji, :emoji: codes and <plain> (as
 * mfm-js's parseSimple()): for user names and other one-line fields.
 * @param {string} text
 * @returns {object[]} text, unicodeEmoji, emojiCode and plain nodes
 */
export function parseSimple(text) {
  checkText(text);
  return mergeText(simpleParser(text, 0, { nestLimit: Infinity, depth: 0, linkLabel: false }).v);
}

// ---------------------------------------------------------------------------
// Rendering, after Misskey's MkMfm.ts (2025.11.1).

const LINK_REL = "nofollow noopener noreferrer";
/** Deeper than this (only hand-made trees get there) the rest is plain text. */
const MAX_RENDER_DEPTH = 100;
const URL_LABEL_MAX = 64;

/** The URL if it is absolute http(s), else null. */
function httpURL(value) {
  if (typeof value !== "string" || value === "") return null;
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}

/** Misskey's validTime: "1s", "0.5s", "-2s"… */
const validTime = (t) => (typeof t === "string" && /^-?[0-9.]+s$/.test(t) ? t : null);
/** Misskey's validColor: 3 to 6 hex digits (without "#"). */
const validColor = (c) => (typeof c === "string" && /^[0-9a-f]{3,6}$/i.test(c) ? c : null);
/** Misskey's safeParseFloat: a number or null. */
function safeParseFloat(v) {
  if (typeof v !== "string" || v === "") return null;
  const n = parseFloat(v);
  return Number.isNaN(n) ? null : n;
}
const BORDER_STYLES = ["hidden", "dotted", "dashed", "solid", "double", "groove", "ridge", "inset", "outset"];
const FONTS = ["serif", "monospace", "cursive", "fantasy", "emoji", "math"];

function el(tag, className, ...children) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  for (const c of children) e.append(c);
  return e;
}

function externalLink(href, className, title) {
  const a = el("a", className);
  a.href = href;
  a.rel = LINK_REL;
  a.target = "_blank";
  if (title) a.title = title;
  return a;
}

/** Text with its line breaks as <br>. */
function textNodes(parent, t) {
  const lines = String(t).split(/\r\n|\n|\r/);
  lines.forEach((line, k) => {
    if (k > 0) parent.append(document.createElement("br"));
    if (line !== "") parent.append(line);
  });
}

/** A URL's visible text: decoded (unless that shows control or bidi characters), shortened in the middle. */
function urlLabel(u) {
  let rest = u.pathname + u.search + u.hash;
  try {
    const decoded = decodeURI(rest);
    if (!/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(decoded)) rest = decoded;
  } catch {
    // keep it encoded
  }
  const label = [...`${u.protocol}//${u.host}${rest}`];
  if (label.length <= URL_LABEL_MAX) return label.join("");
  return label.slice(0, URL_LABEL_MAX - 21).join("") + "…" + label.slice(-20).join("");
}

/** The flattened text of a node, without recursion (for trees past MAX_RENDER_DEPTH). */
function flatText(node) {
  let out = "";
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n == null || typeof n !== "object") continue;
    const p = n.props || {};
    for (const key of ["text", "code", "formula", "acct", "emoji", "content", ...(n.type === "url" ? ["url"] : [])]) {
      if (typeof p[key] === "string") {
        out += p[key];
        break;
      }
    }
    if (typeof p.name === "string" && n.type === "emojiCode") out += `:${p.name}:`;
    if (typeof p.hashtag === "string") out += `#${p.hashtag}`;
    if (Array.isArray(n.children)) for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }
  return out;
}

function context(ctx) {
  ctx = ctx && typeof ctx === "object" ? ctx : {};
  const origin = httpURL(ctx.origin);
  const emojis = ctx.emojis;
  return {
    origin: origin ? origin.origin : null,
    host: typeof ctx.host === "string" ? ctx.host.toLowerCase() : origin ? origin.host.toLowerCase() : null,
    emoji(name) {
      let v;
      if (emojis instanceof Map) v = emojis.get(name);
      else if (emojis && typeof emojis === "object" && Object.hasOwn(emojis, name)) v = emojis[name];
      return httpURL(v);
    },
    anim: !ctx.reducedMotion,
    onHashtag: typeof ctx.onHashtag === "function" ? ctx.onHashtag : null,
    onMention: typeof ctx.onMention === "function" ? ctx.onMention : null,
  };
}

/**
 * Renders MFM nodes (from parse or parseSimple) as DOM, the way Misskey's
 * web client shows them.
 * @param {object[]} nodes
 * @param {{ origin?: string, host?: string, emojis?: Record<string, string> | Map<string, string>,
 *   reducedMotion?: boolean, onHashtag?: (tag: string, ev: MouseEvent) => void,
 *   onMention?: (mention: { username: string, host: string | null, acct: string }, ev: MouseEvent) => void }} ctx
 * @returns {DocumentFragment} one <span class="mfm"> holding the rendered nodes
 */
export function render(nodes, ctx) {
  const c = context(ctx);
  const root = el("span", "mfm");
  renderAll(root, Array.isArray(nodes) ? nodes : [], c, 0);
  const frag = document.createDocumentFragment();
  frag.append(root);
  return frag;
}

function renderAll(parent, nodes, c, depth) {
  for (const node of nodes) {
    if (node == null || typeof node !== "object") continue;
    if (depth >= MAX_RENDER_DEPTH) textNodes(parent, flatText(node));
    else renderNode(parent, node, c, depth);
  }
}

function renderNode(parent, node, c, depth) {
  const p = node.props || {};
  const kids = Array.isArray(node.children) ? node.children : [];
  const into = (e) => {
    renderAll(e, kids, c, depth + 1);
    parent.append(e);
    return e;
  };
  switch (node.type) {
    case "text":
      textNodes(parent, p.text ?? "");
      return;
    case "bold":
      into(el("b"));
      return;
    case "italic":
      into(el("i"));
      return;
    case "strike":
      into(el("del"));
      return;
    case "small":
      into(el("small", "mfm-small"));
      return;
    case "center":
      into(el("div", "mfm-center"));
      return;
    case "quote":
      into(el("blockquote", "mfm-quote"));
      return;
    case "plain":
      into(el("span", "mfm-plain"));
      return;
    case "inlineCode":
      parent.append(el("code", "mfm-code", String(p.code ?? "")));
      return;
    case "blockCode": {
      const pre = el("pre", "mfm-code-block", el("code", "", String(p.code ?? "")));
      if (typeof p.lang === "string" && p.lang !== "") pre.dataset.lang = p.lang;
      pre.tabIndex = 0; // a long line scrolls: the keyboard must reach it
      parent.append(pre);
      return;
    }
    case "mathInline":
      parent.append(el("code", "mfm-math", String(p.formula ?? "")));
      return;
    case "mathBlock":
      parent.append(el("code", "mfm-math mfm-math-block", String(p.formula ?? "")));
      return;
    case "unicodeEmoji":
      parent.append(String(p.emoji ?? ""));
      return;
    case "emojiCode": {
      const name = String(p.name ?? "");
      const src = c.emoji(name);
      if (!src) {
        parent.append(`:${name}:`);
        return;
      }
      const img = el("img", "mfm-emoji");
      img.src = src.href;
      img.alt = img.title = `:${name}:`;
      img.loading = "lazy";
      img.decoding = "async";
      img.referrerPolicy = "no-referrer";
      parent.append(img);
      return;
    }
    case "mention":
      parent.append(mentionEl(p, c));
      return;
    case "hashtag": {
      const tag = String(p.hashtag ?? "");
      if (!c.origin) {
        parent.append(el("span", "mfm-hashtag", `#${tag}`));
        return;
      }
      const a = externalLink(`${c.origin}/tags/${encodeURIComponent(tag)}`, "mfm-hashtag");
      a.append(`#${tag}`);
      if (c.onHashtag) a.addEventListener("click", (ev) => c.onHashtag(tag, ev));
      parent.append(a);
      return;
    }
    case "url": {
      const raw = String(p.url ?? "");
      const u = httpURL(raw);
      if (!u) {
        parent.append(raw);
        return;
      }
      const a = externalLink(u.href, "mfm-url", raw);
      a.append(urlLabel(u));
      parent.append(a);
      return;
    }
    case "link": {
      const u = httpURL(p.url);
      if (!u) {
        into(el("span", "mfm-link-text"));
        return;
      }
      into(externalLink(u.href, "mfm-link", String(p.url)));
      return;
    }
    case "search": {
      const query = String(p.query ?? "");
      const box = el("div", "mfm-search", el("span", "mfm-search-query", query));
      const a = externalLink(`https://www.google.com/search?${new URLSearchParams({ q: query })}`, "mfm-search-button");
      a.append("Search");
      box.append(a);
      parent.append(box);
      return;
    }
    case "fn":
      renderFn(parent, node, p, kids, c, depth);
      return;
    default:
      // An unknown node: its children, if any.
      renderAll(parent, kids, c, depth + 1);
  }
}

function mentionEl(p, c) {
  const username = String(p.username ?? "");
  const host = typeof p.host === "string" && p.host !== "" ? p.host : null;
  const remote = host != null && host.toLowerCase() !== c.host;
  const label = [`@${username}`];
  if (remote) label.push(el("span", "mfm-mention-host", `@${host}`));
  if (!c.origin) return el("span", "mfm-mention", ...label);
  const a = externalLink(`${c.origin}/@${encodeURIComponent(username)}${remote ? "@" + encodeURIComponent(host) : ""}`, "mfm-mention");
  a.append(...label);
  if (c.onMention) {
    const who = { username, host, acct: String(p.acct ?? `@${username}${host ? "@" + host : ""}`) };
    a.addEventListener("click", (ev) => c.onMention(who, ev));
  }
  return a;
}

/** An animation: its class (with its keyframes in mfm.css), and a validated speed and delay. */
function animate(e, c, name, args) {
  if (!c.anim) return;
  e.classList.add("mfm-anim", `mfm-anim-${name}`);
  const speed = validTime(args.speed);
  const delay = validTime(args.delay);
  if (speed) e.style.setProperty("animation-duration", speed);
  if (delay) e.style.setProperty("animation-delay", delay);
}

function renderFn(parent, node, p, kids, c, depth) {
  const name = String(p.name ?? "");
  const args = p.args && typeof p.args === "object" ? p.args : {};
  const children = (e) => {
    renderAll(e, kids, c, depth + 1);
    return e;
  };
  // Most functions are an inline block with their effect.
  const box = (...classes) => el("span", ["mfm-fn", ...classes].join(" "));
  let e = null;
  switch (name) {
    case "tada":
      e = box("mfm-tada");
      animate(e, c, "tada", args);
      break;
    case "jelly":
    case "twitch":
    case "shake":
    case "jump":
    case "bounce":
      e = box();
      animate(e, c, name, args);
      break;
    case "spin": {
      e = box();
      const variant = args.x ? "spinX" : args.y ? "spinY" : "spin";
      animate(e, c, variant, args);
      if (c.anim && args.left) e.classList.add("mfm-anim-reverse");
      else if (c.anim && args.alternate) e.classList.add("mfm-anim-alternate");
      break;
    }
    case "flip":
      e = box(args.h && args.v ? "mfm-flip-hv" : args.v ? "mfm-flip-v" : "mfm-flip-h");
      break;
    case "x2":
    case "x3":
    case "x4":
      parent.append(children(el("span", `mfm-${name}`)));
      return;
    case "font": {
      const family = FONTS.find((f) => args[f]);
      if (family) e = box(`mfm-font-${family}`);
      break;
    }
    case "blur":
      parent.append(children(el("span", "mfm-blur")));
      return;
    case "rainbow":
      if (!c.anim) {
        parent.append(children(el("span", "mfm-rainbow-fallback")));
        return;
      }
      e = box();
      animate(e, c, "rainbow", args);
      break;
    case "sparkle":
      if (!c.anim) {
        renderAll(parent, kids, c, depth + 1);
        return;
      }
      parent.append(children(el("span", "mfm-sparkle mfm-anim mfm-anim-sparkle")));
      return;
    case "rotate": {
      const deg = safeParseFloat(args.deg) ?? 90;
      e = box("mfm-rotate");
      e.style.setProperty("transform", `rotate(${deg}deg)`);
      break;
    }
    case "position": {
      const x = safeParseFloat(args.x) ?? 0;
      const y = safeParseFloat(args.y) ?? 0;
      e = box();
      e.style.setProperty("transform", `translateX(${x}em) translateY(${y}em)`);
      break;
    }
    case "scale": {
      const x = Math.min(safeParseFloat(args.x) ?? 1, 5);
      const y = Math.min(safeParseFloat(args.y) ?? 1, 5);
      e = box();
      e.style.setProperty("transform", `scale(${x}, ${y})`);
      break;
    }
    case "fg":
      e = box("mfm-fg");
      e.style.setProperty("color", `#${validColor(args.color) ?? "f00"}`);
      break;
    case "bg":
      e = box("mfm-bg");
      e.style.setProperty("background-color", `#${validColor(args.color) ?? "f00"}`);
      break;
    case "border": {
      const color = validColor(args.color);
      const style = typeof args.style === "string" && BORDER_STYLES.includes(args.style) ? args.style : "solid";
      e = box("mfm-border", args.noclip ? "" : "mfm-border-clip");
      e.style.setProperty("border-width", `${safeParseFloat(args.width) ?? 1}px`);
      e.style.setProperty("border-style", style);
      if (color) e.style.setProperty("border-color", `#${color}`);
      e.style.setProperty("border-radius", `${safeParseFloat(args.radius) ?? 0}px`);
      break;
    }
    case "ruby":
      parent.append(ruby(kids, c, depth));
      return;
    case "unixtime":
      parent.append(unixtime(kids));
      return;
    case "clickable":
      // Misskey sends a click event to Play scripts; here it is only its content.
      parent.append(children(el("span", "mfm-clickable")));
      return;
  }
  if (e) {
    parent.append(children(e));
    return;
  }
  // An unknown function (or one without a usable argument) shows as written, without its arguments.
  const span = el("span", "mfm-fn-unknown", `$[${name} `);
  children(span).append("]");
  parent.append(span);
}

function ruby(kids, c, depth) {
  const r = el("ruby");
  const textOf = (n) => (n && n.type === "text" ? String(n.props?.text ?? "") : "");
  if (kids.length === 1) {
    const words = textOf(kids[0]).split(" ");
    r.append(words[0], el("rt", "", words[1] ?? ""));
    return r;
  }
  renderAll(r, kids.slice(0, -1), c, depth + 1);
  r.append(el("rt", "", textOf(kids.at(-1)).trim()));
  return r;
}

function unixtime(kids) {
  const first = kids[0];
  const raw = first && first.type === "text" ? String(first.props?.text ?? "") : "";
  const seconds = parseInt(raw); // no radix, as Misskey
  const date = new Date(seconds * 1000);
  const span = el("span", "mfm-unixtime");
  if (Number.isNaN(date.getTime())) {
    span.append(raw);
    return span;
  }
  const time = el("time", "", date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }));
  time.dateTime = date.toISOString();
  time.title = date.toISOString();
  span.append(time);
  return span;
}
