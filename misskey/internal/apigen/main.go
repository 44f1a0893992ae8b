// Command apigen writes the library's types of the Misskey API from the
// server's own OpenAPI document: the TypeScript types of every endpoint and
// entity (wasm/misskey-api.d.ts), and the Go tables the core needs
// (misskey/endpoints_gen.go: the secure endpoints; misskey/permissions_list.go).
//
// Its input, openapi-2025.11.1.json beside this file, is the document a
// Misskey 2025.11.1 server serves at /api.json (copied from the project's
// shared/misskey folder, where it was saved from a real 2025.11.1 server); the
// permission list is misskey/testdata/permissions-2025.11.1.txt. Run it with
// `go generate ./misskey` (or `make generate`); a test regenerates into a
// temporary folder and fails when the committed files differ.
//
// It reads the document with github.com/getkin/kin-openapi: a typed model
// of OpenAPI 3 (3.1's type arrays included) whose references keep their
// names, so that entities are written once and referred to by name; the
// other choice, pb33f/libopenapi, offers more (low-level models, diffs) than
// a generator of types needs.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	root := flag.String("root", ".", "the module's root folder: outputs are written below it")
	doc := flag.String("doc", "misskey/internal/apigen/openapi-2025.11.1.json", "the OpenAPI document, relative to -root")
	perms := flag.String("permissions", "misskey/testdata/permissions-2025.11.1.txt", "the permission list, relative to -root")
	flag.Parse()
	files, err := Generate(filepath.Join(*root, *doc), filepath.Join(*root, *perms))
	if err != nil {
		fmt.Fprintln(os.Stderr, "apigen:", err)
		os.Exit(1)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*root, name), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "apigen:", err)
			os.Exit(1)
		}
	}
}

// Outputs, relative to the module's root.
const (
	TSFile          = "wasm/misskey-api.d.ts"
	GoFile          = "misskey/endpoints_gen.go"
	PermissionsFile = "misskey/permissions_list.go"
)

// Endpoint is what the generator knows of one endpoint.
type Endpoint struct {
	Name        string
	Summary     string
	Description string
	Credential  bool
	Permission  string
	Secure      bool
	Multipart   bool
	Req         *openapi3.SchemaRef // nil: no parameters
	Res         *openapi3.SchemaRef // nil: 204 only
	NoContent   bool                // it may answer 204 No Content
	Errors      []string
}

// Model is the document read for generating.
type Model struct {
	Version     string
	Entities    []string // component schema names, in the document's order of names sorted
	Schemas     openapi3.Schemas
	Endpoints   []Endpoint
	Permissions []string
	ErrorCodes  []string // every error code, sorted
}

var (
	credentialRE = regexp.MustCompile(`\*\*Credential required\*\*: \*(Yes|No)\*`)
	permissionRE = regexp.MustCompile(`\*\*Permission\*\*: \*([a-z0-9:\-]+)\*`)
)

// Load reads the document and the permission list.
func Load(docPath, permsPath string) (*Model, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(docPath)
	if err != nil {
		return nil, err
	}
	m := &Model{Version: doc.Info.Version, Schemas: doc.Components.Schemas}
	for name := range doc.Components.Schemas {
		m.Entities = append(m.Entities, name)
	}
	slices.Sort(m.Entities)
	codes := map[string]bool{}
	paths := doc.Paths.Map()
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	slices.Sort(names)
	for _, p := range names {
		op := paths[p].Post
		if op == nil {
			return nil, fmt.Errorf("%s has no POST", p)
		}
		e := Endpoint{Name: strings.TrimPrefix(p, "/"), Summary: op.Summary}
		desc := op.Description
		if c := credentialRE.FindStringSubmatch(desc); c != nil {
			e.Credential = c[1] == "Yes"
		} else {
			return nil, fmt.Errorf("%s: no credential line in its description", p)
		}
		if pm := permissionRE.FindStringSubmatch(desc); pm != nil {
			e.Permission = pm[1]
		}
		e.Secure = strings.Contains(desc, "**Internal Endpoint**")
		e.Description = cleanDescription(desc)
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			for ct, mt := range op.RequestBody.Value.Content {
				e.Req = mt.Schema
				e.Multipart = ct == "multipart/form-data"
			}
		}
		for status, r := range op.Responses.Map() {
			if r.Value == nil {
				continue
			}
			if status == "200" {
				if mt := r.Value.Content["application/json"]; mt != nil {
					e.Res = mt.Schema
				}
			}
			for _, mt := range r.Value.Content {
				for _, ex := range mt.Examples {
					if ex.Value == nil {
						continue
					}
					if v, ok := ex.Value.Value.(map[string]any); ok {
						if er, ok := v["error"].(map[string]any); ok {
							if code, ok := er["code"].(string); ok && !slices.Contains(e.Errors, code) {
								e.Errors = append(e.Errors, code)
								codes[code] = true
							}
						}
					}
				}
			}
		}
		_, e.NoContent = op.Responses.Map()["204"]
		if e.Res == nil && !e.NoContent {
			return nil, fmt.Errorf("%s answers neither 200 JSON nor 204", p)
		}
		slices.Sort(e.Errors)
		m.Endpoints = append(m.Endpoints, e)
	}
	for c := range codes {
		m.ErrorCodes = append(m.ErrorCodes, c)
	}
	slices.Sort(m.ErrorCodes)
	raw, err := os.ReadFile(permsPath)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if s := strings.TrimSpace(line); s != "" {
			m.Permissions = append(m.Permissions, s)
		}
	}
	return m, nil
}

// cleanDescription drops the credential, permission and internal-endpoint
// lines (the types say them) and "No description provided.".
func cleanDescription(desc string) string {
	var keep []string
	for _, line := range strings.Split(desc, "\n") {
		switch {
		case strings.HasPrefix(line, "**Credential required**"), strings.HasPrefix(line, "**Internal Endpoint**"),
			strings.TrimSpace(line) == "No description provided.":
			continue
		}
		keep = append(keep, line)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// Generate reads the inputs and returns every output file by its path.
func Generate(docPath, permsPath string) (map[string][]byte, error) {
	m, err := Load(docPath, permsPath)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		TSFile:          m.TypeScript(),
		GoFile:          m.GoTables(),
		PermissionsFile: m.GoPermissions(),
	}, nil
}

func (m *Model) header(comment string) string {
	return comment + " Code generated by misskey/internal/apigen from the OpenAPI document of Misskey " + m.Version +
		" (misskey/internal/apigen/openapi-" + m.Version + ".json, as served at /api.json). DO NOT EDIT.\n"
}

// GoTables writes the core's table of secure endpoints.
func (m *Model) GoTables() []byte {
	var b bytes.Buffer
	b.WriteString(m.header("//"))
	b.WriteString("\npackage misskey\n\nimport \"strings\"\n\n")
	b.WriteString("// secureEndpoints are the endpoints the server describes as \"Internal\n// Endpoint\": it refuses every app token there (MiAuth and OAuth alike). One\n// string, each name between newlines: no map to build at start-up.\n")
	b.WriteString("const secureEndpoints = \"\\n\" +\n")
	for _, e := range m.Endpoints {
		if e.Secure {
			fmt.Fprintf(&b, "\t%q +\n", e.Name+"\n")
		}
	}
	b.WriteString("\t\"\"\n\n")
	b.WriteString("// isSecureEndpoint reports whether name is one of secureEndpoints.\n")
	b.WriteString("func isSecureEndpoint(name string) bool {\n\treturn name != \"\" && !strings.Contains(name, \"\\n\") && strings.Contains(secureEndpoints, \"\\n\"+name+\"\\n\")\n}\n")
	return b.Bytes()
}

// GoPermissions writes misskey.Permissions.
func (m *Model) GoPermissions() []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated by misskey/internal/apigen from Misskey " + m.Version + "'s permission list\n// (misskey/testdata/permissions-" + m.Version + ".txt, packages/misskey-js/src/consts.ts). DO NOT EDIT.\n")
	b.WriteString("\npackage misskey\n\n")
	b.WriteString("// Permissions lists the permission names a Misskey " + m.Version + " server knows, in\n// the order of its own list. The consent page silently drops any other name,\n// so MiAuth sign-in refuses unknown names before the user leaves the app.\n// Treat it as read-only.\n")
	b.WriteString("var Permissions = []string{\n")
	for _, p := range m.Permissions {
		fmt.Fprintf(&b, "\t%q,\n", p)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// pascal is an endpoint's name as a type name: "notes/create" → NotesCreate.
func pascal(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		switch {
		case r == '/' || r == '-' || r == '_':
			up = true
		case up:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TypeScript writes wasm/misskey-api.d.ts.
func (m *Model) TypeScript() []byte {
	w := &tsWriter{m: m}
	w.line(m.header("//"))
	w.line("// The request and answer of every endpoint (Endpoints), every entity the document")
	w.line("// names (Note, UserLite, …), the error codes each endpoint documents, whether it needs a")
	w.line("// credential, and its permission. Ids (format misskey:id) are plain strings.")
	w.line("")
	w.line("/** A permission name a Misskey " + m.Version + " server knows. */")
	w.line("export type Permission =")
	for i, p := range m.Permissions {
		end := ""
		if i == len(m.Permissions)-1 {
			end = ";"
		}
		w.line("  | " + strconv.Quote(p) + end)
	}
	w.line("")
	w.line("/** Every error code an endpoint of Misskey " + m.Version + " documents. */")
	w.line("export type ServerErrorCode =")
	for i, c := range m.ErrorCodes {
		end := ""
		if i == len(m.ErrorCodes)-1 {
			end = ";"
		}
		w.line("  | " + strconv.Quote(c) + end)
	}
	w.line("")
	w.line("// ─── Entities ─────────────────────────────────────────────────────────")
	w.line("")
	for _, name := range m.Entities {
		s := m.Schemas[name]
		w.b.WriteString(doc("", s.Value))
		if obj, ok := w.interfaceBody(s.Value); ok {
			w.line("export interface " + name + " " + obj)
		} else {
			w.line("export type " + name + " = " + w.typeOf(s, "", false) + ";")
		}
		w.line("")
	}
	w.line("// ─── Endpoints ────────────────────────────────────────────────────────")
	w.line("")
	for _, e := range m.Endpoints {
		p := pascal(e.Name)
		req := "Record<string, never>"
		if e.Req != nil {
			req = w.typeOf(e.Req, "", false)
		}
		res, note := "null", " (204 No Content: null)"
		if e.Res != nil {
			res, note = w.typeOf(e.Res, "", false), ""
			if e.NoContent {
				note = " (null when it answers 204 No Content)"
				if !strings.HasSuffix(res, " | null") {
					res = w.typeOf(e.Res, "", true) + " | null"
				}
			}
		}
		w.line("/** The parameters of " + e.Name + ". */")
		w.line("export type " + p + "Request = " + req + ";")
		w.line("/** The answer of " + e.Name + note + ". */")
		w.line("export type " + p + "Response = " + res + ";")
		w.line("")
	}
	w.line("/** What each endpoint takes, answers and can fail with. */")
	w.line("export interface Endpoints {")
	for _, e := range m.Endpoints {
		p := pascal(e.Name)
		var notes []string
		if e.Description != "" {
			notes = append(notes, e.Description, "")
		}
		cred := "Credential required: no."
		if e.Credential {
			cred = "Credential required: yes."
		}
		if e.Permission != "" {
			cred += " Permission: " + e.Permission + "."
		}
		notes = append(notes, cred)
		if e.Secure {
			notes = append(notes, "Secure (the server's \"Internal Endpoint\"): it refuses every app token; the library refuses the call with INVALID_ARGUMENT unless the client allows secure endpoints.")
		}
		if e.Multipart {
			notes = append(notes, "A multipart upload: use client.upload.")
		}
		w.b.WriteString(comment("  ", strings.Join(notes, "\n")))
		w.line("  " + strconv.Quote(e.Name) + ": {")
		w.line("    req: " + p + "Request;")
		w.line("    res: " + p + "Response;")
		errs := "never"
		if len(e.Errors) > 0 {
			q := make([]string, len(e.Errors))
			for i, c := range e.Errors {
				q[i] = strconv.Quote(c)
			}
			errs = strings.Join(q, " | ")
		}
		w.line("    errors: " + errs + ";")
		w.line("    credential: " + strconv.FormatBool(e.Credential) + ";")
		perm := "null"
		if e.Permission != "" {
			perm = strconv.Quote(e.Permission)
		}
		w.line("    permission: " + perm + ";")
		w.line("    secure: " + strconv.FormatBool(e.Secure) + ";")
		w.line("  };")
	}
	w.line("}")
	w.line("")
	w.line("/** An endpoint name of Misskey " + m.Version + ". */")
	w.line("export type Endpoint = keyof Endpoints;")
	return w.b.Bytes()
}

type tsWriter struct {
	m *Model
	b bytes.Buffer
}

func (w *tsWriter) line(s string) { w.b.WriteString(s + "\n") }

// comment is text as a /** */ comment at indent, with its newline.
func comment(indent, text string) string {
	text = strings.ReplaceAll(strings.TrimSpace(text), "*/", "*\\/")
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	if len(lines) == 1 {
		return indent + "/** " + lines[0] + " */\n"
	}
	var b strings.Builder
	b.WriteString(indent + "/**\n")
	for _, l := range lines {
		b.WriteString(strings.TrimRight(indent+" * "+l, " ") + "\n")
	}
	b.WriteString(indent + " */\n")
	return b.String()
}

// doc is a schema's description and notable constraints as a comment.
func doc(indent string, s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	var parts []string
	if d := strings.TrimSpace(s.Description); d != "" {
		parts = append(parts, d)
	}
	var notes []string
	if s.Format != "" && s.Format != "misskey:id" && s.Format != "id" {
		notes = append(notes, "format "+s.Format)
	}
	if s.MinLength > 0 {
		notes = append(notes, "minLength "+strconv.FormatUint(s.MinLength, 10))
	}
	if s.MaxLength != nil {
		notes = append(notes, "maxLength "+strconv.FormatUint(*s.MaxLength, 10))
	}
	if s.Min != nil {
		notes = append(notes, "minimum "+strconv.FormatFloat(*s.Min, 'g', -1, 64))
	}
	if s.Max != nil {
		notes = append(notes, "maximum "+strconv.FormatFloat(*s.Max, 'g', -1, 64))
	}
	if s.MaxItems != nil {
		notes = append(notes, "maxItems "+strconv.FormatUint(*s.MaxItems, 10))
	}
	if s.Pattern != "" {
		notes = append(notes, "pattern "+s.Pattern)
	}
	if len(notes) > 0 {
		parts = append(parts, strings.Join(notes, "; ")+".")
	}
	if s.Default != nil {
		if d, err := jsonLiteral(s.Default); err == nil {
			parts = append(parts, "@default "+d)
		}
	}
	return comment(indent, strings.Join(parts, "\n"))
}

// refName is the entity a reference names, "" for none.
func refName(r *openapi3.SchemaRef) string {
	if r == nil {
		return ""
	}
	return strings.TrimPrefix(r.Ref, "#/components/schemas/")
}

// interfaceBody is an object schema (with properties, no composition) as
// an interface body; ok is false for any other schema.
func (w *tsWriter) interfaceBody(s *openapi3.Schema) (string, bool) {
	if s == nil || len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 || len(s.Enum) > 0 {
		return "", false
	}
	types := typeList(s)
	if len(types) != 1 || types[0] != "object" {
		return "", false
	}
	return w.object(s, ""), true
}

func typeList(s *openapi3.Schema) []string {
	if s.Type == nil {
		return nil
	}
	return []string(*s.Type)
}

// typeOf is a schema as a TypeScript type. top is false inside unions and
// arrays that need parentheses (the caller wraps).
func (w *tsWriter) typeOf(r *openapi3.SchemaRef, indent string, paren bool) string {
	if name := refName(r); name != "" {
		return name
	}
	if r == nil || r.Value == nil {
		return "unknown"
	}
	s := r.Value
	var t string
	switch {
	case len(s.Enum) > 0:
		var lits []string
		for _, v := range s.Enum {
			if l, err := jsonLiteral(v); err == nil && !slices.Contains(lits, l) {
				lits = append(lits, l)
			}
		}
		t = strings.Join(lits, " | ")
		if s.Nullable && !slices.Contains(lits, "null") {
			t += " | null"
		}
	case len(s.AllOf) > 0:
		var parts []string
		for _, a := range s.AllOf {
			parts = append(parts, w.typeOf(a, indent, true))
		}
		if len(s.Properties) > 0 {
			parts = append(parts, w.object(s, indent))
		}
		t = strings.Join(parts, " & ")
	case len(s.OneOf)+len(s.AnyOf) > 0:
		var parts []string
		for _, a := range append(append([]*openapi3.SchemaRef{}, s.OneOf...), s.AnyOf...) {
			p := w.typeOf(a, indent, true)
			if !slices.Contains(parts, p) {
				parts = append(parts, p)
			}
		}
		t = strings.Join(parts, " | ")
		if len(s.Properties) > 0 {
			t = w.object(s, indent) + " & (" + t + ")"
		}
		if hasType(s, "null") || s.Nullable {
			t += " | null"
		}
	default:
		types := typeList(s)
		if len(types) == 0 {
			if len(s.Properties) > 0 {
				types = []string{"object"}
			} else {
				return "unknown"
			}
		}
		var parts []string
		for _, ty := range types {
			parts = append(parts, w.simple(s, ty, indent))
		}
		if s.Nullable && !slices.Contains(types, "null") {
			parts = append(parts, "null")
		}
		t = strings.Join(parts, " | ")
	}
	if paren && (strings.Contains(t, " | ") || strings.Contains(t, " & ")) {
		return "(" + t + ")"
	}
	return t
}

func hasType(s *openapi3.Schema, t string) bool { return slices.Contains(typeList(s), t) }

// simple is one of a schema's types.
func (w *tsWriter) simple(s *openapi3.Schema, ty, indent string) string {
	switch ty {
	case "string":
		return "string"
	case "integer", "number":
		return "number"
	case "boolean":
		return "boolean"
	case "null":
		return "null"
	case "array":
		if s.Items == nil {
			return "unknown[]"
		}
		return w.typeOf(s.Items, indent, true) + "[]"
	case "object":
		return w.object(s, indent)
	}
	return "unknown"
}

// object is an object schema's properties as a type literal.
func (w *tsWriter) object(s *openapi3.Schema, indent string) string {
	if len(s.Properties) == 0 {
		if ap := s.AdditionalProperties.Schema; ap != nil {
			return "Record<string, " + w.typeOf(ap, indent, false) + ">"
		}
		if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			return "Record<string, never>"
		}
		return "Record<string, unknown>"
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	slices.Sort(names)
	inner := indent + "  "
	var b strings.Builder
	b.WriteString("{\n")
	for _, n := range names {
		p := s.Properties[n]
		if p.Value != nil && refName(p) == "" {
			b.WriteString(doc(inner, p.Value))
		}
		opt := "?"
		if slices.Contains(s.Required, n) {
			opt = ""
		}
		key := n
		if !identRE.MatchString(n) {
			key = strconv.Quote(n)
		}
		b.WriteString(inner + key + opt + ": " + w.typeOf(p, inner, false) + ";\n")
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		b.WriteString(inner + "[key: string]: " + w.typeOf(ap, inner, false) + " | undefined;\n")
	}
	b.WriteString(indent + "}")
	return b.String()
}

var identRE = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// jsonLiteral writes an enum or default value as a TypeScript literal.
func jsonLiteral(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		return strconv.Quote(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	}
	return "", fmt.Errorf("not a literal: %T", v)
}
