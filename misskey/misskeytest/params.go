//go:build !js

package misskeytest

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"unicode/utf8"
)

// prop is one property of an endpoint's parameter schema (a small subset
// of JSON Schema, with ajv's error paths and messages).
type prop struct {
	name     string
	typ      string // "string", "boolean", "integer", "array", "object"
	nullable bool
	enum     []string
	id       bool // format "misskey:id"
	minLen   int  // strings; 0: unchecked
	maxLen   int  // strings; 0: unchecked
	min, max *int // integers
	itemsID  bool // arrays of misskey:id strings (else arrays of strings)
	minItems int
	maxItems int // 0: unchecked
	unique   bool
	// items constrains the strings of an array (minLen, maxLen, enum).
	items *prop
	// fields is the schema of an object's properties.
	fields *schema
}

type schema struct {
	required []string
	props    []prop
	anyOf    [][]string // alternatives, each a list of required names
}

func intp(i int) *int { return &i }

var idRE = regexp.MustCompile(`^[a-zA-Z0-9]+$`)

// cast converts string values of boolean/integer properties with
// JSON.parse, as the real server does for multipart and GET parameters.
func (sc schema) cast(m map[string]any) *apiError {
	for _, p := range sc.props {
		if p.typ != "boolean" && p.typ != "integer" {
			continue
		}
		s, ok := m[p.name].(string)
		if !ok {
			continue
		}
		var x any
		if err := json.Unmarshal([]byte(s), &x); err != nil {
			return errCastParam.withInfo(map[string]any{"param": p.name, "reason": "cannot cast to " + p.typ})
		}
		m[p.name] = x
	}
	return nil
}

// validate checks body against the schema and returns it as a map. Errors
// are INVALID_PARAM with ajv's schema path and message, as the real server
// reports the first one.
func (sc schema) validate(body any) (map[string]any, *apiError) {
	m, ok := body.(map[string]any)
	if !ok {
		return nil, invalidParam("#/type", "must be object")
	}
	if err := sc.checkFields("#", m); err != nil {
		return nil, err
	}
	if len(sc.anyOf) > 0 {
		var first *apiError
		matched := false
		for i, alt := range sc.anyOf {
			missing := ""
			for _, r := range alt {
				if _, ok := m[r]; !ok {
					missing = r
					break
				}
			}
			if missing == "" {
				matched = true
				break
			}
			if first == nil {
				first = invalidParam(fmt.Sprintf("#/anyOf/%d/required", i), fmt.Sprintf("must have required property '%s'", missing))
			}
		}
		if !matched {
			return nil, first
		}
	}
	return m, nil
}

// checkFields checks the required and known properties of m, the object
// at the schema path base.
func (sc schema) checkFields(base string, m map[string]any) *apiError {
	for _, r := range sc.required {
		if _, ok := m[r]; !ok {
			return invalidParam(base+"/required", fmt.Sprintf("must have required property '%s'", r))
		}
	}
	for _, p := range sc.props {
		v, present := m[p.name]
		if !present {
			continue
		}
		if err := p.check(base, v); err != nil {
			return err
		}
	}
	return nil
}

func (p prop) check(base string, v any) *apiError {
	path := base + "/properties/" + p.name
	if v == nil {
		if p.nullable {
			return nil
		}
		return invalidParam(path+"/type", "must be "+p.typ)
	}
	switch p.typ {
	case "string":
		s, ok := v.(string)
		if !ok {
			return invalidParam(path+"/type", "must be string")
		}
		return p.checkString(path, s)
	case "boolean":
		if _, ok := v.(bool); !ok {
			return invalidParam(path+"/type", "must be boolean")
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) || math.IsInf(f, 0) {
			return invalidParam(path+"/type", "must be integer")
		}
		if p.min != nil && f < float64(*p.min) {
			return invalidParam(path+"/minimum", fmt.Sprintf("must be >= %d", *p.min))
		}
		if p.max != nil && f > float64(*p.max) {
			return invalidParam(path+"/maximum", fmt.Sprintf("must be <= %d", *p.max))
		}
	case "object":
		o, ok := v.(map[string]any)
		if !ok {
			return invalidParam(path+"/type", "must be object")
		}
		if p.fields != nil {
			return p.fields.checkFields(path, o)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return invalidParam(path+"/type", "must be array")
		}
		if p.maxItems > 0 && len(a) > p.maxItems {
			return invalidParam(path+"/maxItems", fmt.Sprintf("must NOT have more than %d items", p.maxItems))
		}
		if len(a) < p.minItems {
			return invalidParam(path+"/minItems", fmt.Sprintf("must NOT have fewer than %d items", p.minItems))
		}
		for _, it := range a {
			s, ok := it.(string)
			if !ok {
				return invalidParam(path+"/items/type", "must be string")
			}
			if p.itemsID && !idRE.MatchString(s) {
				return invalidParam(path+"/items/format", `must match format "misskey:id"`)
			}
			if p.items != nil {
				if err := p.items.checkString(path+"/items", s); err != nil {
					return err
				}
			}
		}
		if p.unique {
			// ajv scans from the end and names the later index first.
			for i := len(a) - 1; i >= 0; i-- {
				for j := len(a) - 1; j > i; j-- {
					if a[i] == a[j] {
						return invalidParam(path+"/uniqueItems", fmt.Sprintf("must NOT have duplicate items (items ## %d and %d are identical)", j, i))
					}
				}
			}
		}
	}
	return nil
}

func (p prop) checkString(path, s string) *apiError {
	n := utf8.RuneCountInString(s)
	if p.maxLen > 0 && n > p.maxLen {
		return invalidParam(path+"/maxLength", fmt.Sprintf("must NOT have more than %d characters", p.maxLen))
	}
	if n < p.minLen {
		return invalidParam(path+"/minLength", fmt.Sprintf("must NOT have fewer than %d characters", p.minLen))
	}
	if p.id && !idRE.MatchString(s) {
		return invalidParam(path+"/format", `must match format "misskey:id"`)
	}
	if len(p.enum) > 0 && !slices.Contains(p.enum, s) {
		return invalidParam(path+"/enum", "must be equal to one of the allowed values")
	}
	return nil
}

// Helpers for reading validated parameters.

func str(m map[string]any, k string) (string, bool) {
	s, ok := m[k].(string)
	return s, ok
}

func strPtr(m map[string]any, k string) *string {
	if s, ok := m[k].(string); ok {
		return &s
	}
	return nil
}

func boolOr(m map[string]any, k string, def bool) bool {
	if b, ok := m[k].(bool); ok {
		return b
	}
	return def
}

func intOr(m map[string]any, k string, def int) int {
	if f, ok := m[k].(float64); ok {
		return int(f)
	}
	return def
}

func strs(m map[string]any, k string) []string {
	a, _ := m[k].([]any)
	out := make([]string, 0, len(a))
	for _, v := range a {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
