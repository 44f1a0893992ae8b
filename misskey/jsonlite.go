package misskey

// A small JSON reader of our own. The core only needs a few fields out of
// Misskey's answers (an error's code, check's token); everything else is passed
// on as raw bytes for the caller (or the browser's JSON.parse) to decode.
// Keeping encoding/json out of the paths the wasm build links saves ~150 KB.

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxJSONDepth = 512

var errBadJSON = errors.New("malformed JSON")

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && isJSONSpace(b[i]) {
		i++
	}
	return i
}

// validJSON reports whether b is exactly one JSON value, with optional
// surrounding white space.
func validJSON(b []byte) bool {
	end, err := skipJSONValue(b, skipJSONSpace(b, 0), 0)
	return err == nil && skipJSONSpace(b, end) == len(b)
}

// skipJSONValue returns the index just past the value starting at b[i].
func skipJSONValue(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return 0, errBadJSON
	}
	switch c := b[i]; {
	case c == '{':
		return walkJSONObject(b, i, depth, nil)
	case c == '[':
		return walkJSONArray(b, i, depth, nil)
	case c == '"':
		return skipJSONString(b, i)
	case c == 't':
		return skipJSONLiteral(b, i, "true")
	case c == 'f':
		return skipJSONLiteral(b, i, "false")
	case c == 'n':
		return skipJSONLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return skipJSONNumber(b, i)
	}
	return 0, errBadJSON
}

// walkJSONArray checks the array starting at b[i] and calls item (when not
// nil) with each element's raw value.
func walkJSONArray(b []byte, i, depth int, item func(value []byte)) (int, error) {
	if i >= len(b) || b[i] != '[' || depth >= maxJSONDepth {
		return 0, errBadJSON
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		end, err := skipJSONValue(b, i, depth+1)
		if err != nil {
			return 0, err
		}
		if item != nil {
			item(b[i:end])
		}
		i = skipJSONSpace(b, end)
		if i >= len(b) {
			return 0, errBadJSON
		}
		if b[i] == ']' {
			return i + 1, nil
		}
		if b[i] != ',' {
			return 0, errBadJSON
		}
		i = skipJSONSpace(b, i+1)
	}
}

// jsonArray parses b as a JSON array and returns its elements as raw values.
func jsonArray(b []byte) ([][]byte, error) {
	var items [][]byte
	end, err := walkJSONArray(b, skipJSONSpace(b, 0), 0, func(v []byte) { items = append(items, v) })
	if err != nil || skipJSONSpace(b, end) != len(b) {
		return nil, errBadJSON
	}
	return items, nil
}

// walkJSONObject checks the object starting at b[i] and calls field (when not
// nil) with each member's raw name token and raw value.
func walkJSONObject(b []byte, i, depth int, field func(name, value []byte)) (int, error) {
	if i >= len(b) || b[i] != '{' || depth >= maxJSONDepth {
		return 0, errBadJSON
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, errBadJSON
		}
		nameEnd, err := skipJSONString(b, i)
		if err != nil {
			return 0, err
		}
		name := b[i:nameEnd]
		i = skipJSONSpace(b, nameEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, errBadJSON
		}
		i = skipJSONSpace(b, i+1)
		end, err := skipJSONValue(b, i, depth+1)
		if err != nil {
			return 0, err
		}
		if field != nil {
			field(name, b[i:end])
		}
		i = skipJSONSpace(b, end)
		if i >= len(b) {
			return 0, errBadJSON
		}
		if b[i] == '}' {
			return i + 1, nil
		}
		if b[i] != ',' {
			return 0, errBadJSON
		}
		i = skipJSONSpace(b, i+1)
	}
}

func skipJSONLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, errBadJSON
	}
	return i + len(lit), nil
}

func skipJSONNumber(b []byte, i int) (int, error) {
	if b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return 0, errBadJSON
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return 0, errBadJSON
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0, errBadJSON
		}
	}
	return i, nil
}

func skipJSONString(b []byte, i int) (int, error) {
	i++ // opening quote
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(b) {
				return 0, errBadJSON
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 || !isHex4(b[i+2:i+6]) {
					return 0, errBadJSON
				}
				i += 6
			default:
				return 0, errBadJSON
			}
		case c < 0x20:
			return 0, errBadJSON
		default:
			i++
		}
	}
	return 0, errBadJSON
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// jsonObject parses b as a JSON object and returns its members as raw values.
// A repeated name keeps its last value, as JSON.parse does.
func jsonObject(b []byte) (map[string][]byte, error) {
	i := skipJSONSpace(b, 0)
	fields := map[string][]byte{}
	end, err := walkJSONObject(b, i, 0, func(name, value []byte) {
		if s, ok := jsonString(name); ok {
			fields[s] = value
		}
	})
	if err != nil || skipJSONSpace(b, end) != len(b) {
		return nil, errBadJSON
	}
	return fields, nil
}

// isJSONObject reports whether b is a single valid JSON object.
func isJSONObject(b []byte) bool {
	i := skipJSONSpace(b, 0)
	end, err := walkJSONObject(b, i, 0, nil)
	return err == nil && skipJSONSpace(b, end) == len(b)
}

// jsonString decodes a raw JSON string token; ok is false for any other value.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	plain := true
	for _, c := range body {
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(body), true
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			if c < 0x20 || c == '"' {
				return "", false
			}
			if c < utf8.RuneSelf {
				out = append(out, c)
				i++
				continue
			}
			r, size := utf8.DecodeRune(body[i:])
			out = utf8.AppendRune(out, r) // invalid bytes become U+FFFD
			i += size
			continue
		}
		if i+1 >= len(body) {
			return "", false
		}
		switch body[i+1] {
		case '"', '\\', '/':
			out = append(out, body[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(body[i+2:])
			if !ok {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := lowSurrogate(body[i:]); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						out = utf8.AppendRune(out, d)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return string(out), true
}

func lowSurrogate(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	return hex4(b[2:])
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 || !isHex4(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:4]), 16, 32)
	return rune(n), err == nil
}

// appendJSONString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD, as JSON.stringify would produce for lone surrogates.
func appendJSONString(dst []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return append(dst, '"')
}

// jsonMember is one member of a JSON object: its decoded name and raw value.
type jsonMember struct {
	name  string
	value []byte
}

// jsonMembers parses b as a JSON object and returns its members in order
// (a repeated name keeps its last value, in the place of its first).
func jsonMembers(b []byte) ([]jsonMember, error) {
	var out []jsonMember
	end, err := walkJSONObject(b, skipJSONSpace(b, 0), 0, func(name, value []byte) {
		n, ok := jsonString(name)
		if !ok {
			return
		}
		for i := range out {
			if out[i].name == n {
				out[i].value = value
				return
			}
		}
		out = append(out, jsonMember{n, value})
	})
	if err != nil || skipJSONSpace(b, end) != len(b) {
		return nil, errBadJSON
	}
	return out, nil
}

// appendJSONMembers writes members as a JSON object.
func appendJSONMembers(dst []byte, members []jsonMember) []byte {
	dst = append(dst, '{')
	for i, m := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, m.name)
		dst = append(dst, ':')
		dst = append(dst, m.value...)
	}
	return append(dst, '}')
}

// jsonWith returns the object obj with the member name set to value (raw
// JSON), replaced in place or added last; obj unchanged when it is not an
// object.
func jsonWith(obj []byte, name string, value []byte) []byte {
	members, err := jsonMembers(obj)
	if err != nil {
		return obj
	}
	found := false
	for i := range members {
		if members[i].name == name {
			members[i].value, found = value, true
		}
	}
	if !found {
		members = append(members, jsonMember{name, value})
	}
	return appendJSONMembers(make([]byte, 0, len(obj)+len(value)+len(name)+4), members)
}

// jsonInt reads a JSON integer (0 for anything else).
func jsonInt(raw []byte) int {
	n, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0
	}
	return n
}
