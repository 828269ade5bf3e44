package tlyaml

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that keep a hostile file from costing much.
const (
	maxYAMLBytes = 1 << 20 // a file with its includes pasted in
	maxYAMLDepth = 64      // nesting of maps and lists
	maxYAMLNodes = 1 << 18 // nodes after aliases and merges are expanded
	maxIncludes  = 16      // include_text directives followed, in all
)

// Include returns the text of a file that an {{include_text('name')}} in
// file names (name is relative to the including file's folder). It returns
// the included file's own name, for errors and for its own includes.
type Include func(from, name string) (file string, src []byte, err error)

type yKind uint8

const (
	yScalar yKind = iota
	yMap
	ySeq
)

// yNode is one YAML node, aliases and merge keys resolved, with the line
// it started on: the tree the schema readers walk.
type yNode struct {
	kind   yKind
	tag    string // "Component" for !Component; "" for YAML's own tags
	value  string // scalar text
	quoted bool
	keys   []string // map keys in file order
	vals   []*yNode
	items  []*yNode // sequence items
	line   int
}

// get returns the map value for key, or nil.
func (n *yNode) get(key string) *yNode {
	if n == nil || n.kind != yMap {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

func (n *yNode) kindName() string {
	switch n.kind {
	case yMap:
		return "a map"
	case ySeq:
		return "a list"
	}
	return fmt.Sprintf("the value %q", n.value)
}

// yamlError is a parse or schema error at a line of a named file.
type yamlError struct {
	file string
	line int
	msg  string
}

func (e *yamlError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg)
	}
	return fmt.Sprintf("%s: %s", e.file, e.msg)
}

// jinja matches a Jinja2 expression or statement, which Timeloop's Python
// front end expands before it reads the YAML.
var (
	jinja       = regexp.MustCompile(`\{\{.*?\}\}|\{%.*?%\}`)
	includeText = regexp.MustCompile(`^\{\{\s*include_text\(\s*(?:'([^']*)'|"([^"]*)")\s*\)\s*\}\}$`)
)

// srcLine is where a line of the expanded text came from.
type srcLine struct {
	file string
	line int
}

// expanded is a file's text with its includes pasted in, and the origin
// of each of its lines, so errors name the file and line a person wrote.
type expanded struct {
	text    []byte
	origins []srcLine // origins[i] is line i+1's
}

// add appends seg, whose lines come from origins.
func (e *expanded) add(seg []byte, origins []srcLine) {
	if len(seg) == 0 {
		return
	}
	if len(e.text) > 0 && e.text[len(e.text)-1] != '\n' {
		origins = origins[1:] // seg's first line continues the current one
	}
	e.text = append(e.text, seg...)
	e.origins = append(e.origins, origins...)
}

// linesOf is the origins of seg's lines, seg starting at line first of file.
func linesOf(file string, first int, seg []byte) []srcLine {
	n := 1 + bytes.Count(seg, []byte("\n"))
	if len(seg) > 0 && seg[len(seg)-1] == '\n' {
		n--
	}
	out := make([]srcLine, n)
	for i := range out {
		out[i] = srcLine{file, first + i}
	}
	return out
}

// origin maps a line of the expanded text back to its file and line.
func (e *expanded) origin(file string, line int) (string, int) {
	if line >= 1 && line <= len(e.origins) {
		o := e.origins[line-1]
		return o.file, o.line
	}
	return file, line
}

// expandIncludes pastes in the files that {{include_text('…')}} names, as
// Timeloop's front end does, and refuses any other Jinja2 template.
func expandIncludes(file string, src []byte, include Include, budget *int) (*expanded, error) {
	out := &expanded{}
	last, line := 0, 1
	for _, loc := range jinja.FindAllIndex(src, -1) {
		m := src[loc[0]:loc[1]]
		seg := src[last:loc[0]]
		out.add(seg, linesOf(file, line, seg))
		line += bytes.Count(seg, []byte("\n"))
		sub := includeText.FindSubmatch(m)
		if sub == nil {
			return nil, &yamlError{file: file, line: line, msg: fmt.Sprintf("the template %q is not supported (only {{include_text('file')}} is expanded)", m)}
		}
		name := string(sub[1]) + string(sub[2])
		if include == nil {
			return nil, &yamlError{file: file, line: line, msg: fmt.Sprintf("{{include_text('%s')}}: includes are read only from files (dian eval reads them beside the including file)", name)}
		}
		if *budget--; *budget < 0 {
			return nil, &yamlError{file: file, line: line, msg: fmt.Sprintf("more than %d includes", maxIncludes)}
		}
		inc, text, err := include(file, name)
		if err != nil {
			return nil, &yamlError{file: file, line: line, msg: fmt.Sprintf("include_text(%q): %v", name, err)}
		}
		sub2, err := expandIncludes(inc, text, include, budget)
		if err != nil {
			return nil, err
		}
		out.add(sub2.text, sub2.origins)
		line += bytes.Count(m, []byte("\n"))
		last = loc[1]
		if len(out.text) > maxYAMLBytes {
			break
		}
	}
	seg := src[last:]
	out.add(seg, linesOf(file, line, seg))
	if len(out.text) > maxYAMLBytes {
		return nil, &yamlError{file: file, msg: fmt.Sprintf("%d bytes or more with its includes; accepted up to %d", len(out.text), maxYAMLBytes)}
	}
	return out, nil
}

// parseYAML parses src (named file in errors) with go.yaml.in/yaml/v3 into
// a node tree: includes pasted in, aliases followed, "<<" merged (one
// level, as YAML does) and "<<<" merged recursively (Timeloop's front end:
// the map's own keys win, maps under the same key are merged in turn).
func parseYAML(file string, src []byte, include Include) (*yNode, *expanded, error) {
	if len(src) > maxYAMLBytes {
		return nil, nil, &yamlError{file: file, msg: fmt.Sprintf("file is %d bytes; accepted up to %d", len(src), maxYAMLBytes)}
	}
	budget := maxIncludes
	ex, err := expandIncludes(file, src, include, &budget)
	if err != nil {
		return nil, nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(ex.text, &doc); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, nil, &yamlError{file: file, msg: strings.Join(te.Errors, "; ")}
		}
		return nil, nil, syntaxError(file, ex, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil, &yamlError{file: file, msg: "empty file"}
	}
	c := converter{file: file, ex: ex}
	n, err := c.node(doc.Content[0], 0)
	return n, ex, err
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns the parser's "yaml: line N: …" into file:N: …, with
// a hint for the commonest mistake, a tab in the indentation.
func syntaxError(file string, ex *expanded, err error) error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return &yamlError{file: file, msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	msg := m[2]
	if lines := strings.Split(string(ex.text), "\n"); line >= 1 && line <= len(lines) && strings.Contains(lines[line-1], "\t") {
		msg += " (a tab in the indentation? YAML indents with spaces)"
	}
	f, l := ex.origin(file, line)
	return &yamlError{file: f, line: l, msg: msg}
}

type converter struct {
	file  string
	ex    *expanded
	nodes int
}

func (c *converter) errf(n *yaml.Node, format string, args ...any) error {
	f, l := c.ex.origin(c.file, n.Line)
	return &yamlError{file: f, line: l, msg: fmt.Sprintf(format, args...)}
}

func (c *converter) node(n *yaml.Node, depth int) (*yNode, error) {
	if depth > maxYAMLDepth {
		return nil, c.errf(n, "nested more than %d deep", maxYAMLDepth)
	}
	if c.nodes++; c.nodes > maxYAMLNodes {
		return nil, c.errf(n, "more than %d nodes (with aliases expanded)", maxYAMLNodes)
	}
	if n.Kind == yaml.AliasNode {
		return c.node(n.Alias, depth+1)
	}
	out := &yNode{line: n.Line}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		out.tag = n.Tag[1:]
	}
	switch n.Kind {
	case yaml.ScalarNode:
		out.kind, out.value = yScalar, n.Value
		out.quoted = n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
		if n.Tag == "!!null" {
			out.value = ""
		}
	case yaml.SequenceNode:
		out.kind = ySeq
		for _, it := range n.Content {
			v, err := c.node(it, depth+1)
			if err != nil {
				return nil, err
			}
			out.items = append(out.items, v)
		}
	case yaml.MappingNode:
		out.kind = yMap
		var merges []*yNode
		var deep []bool
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, c.errf(k, "a map key must be a plain name")
			}
			val, err := c.node(v, depth+1)
			if err != nil {
				return nil, err
			}
			switch k.Value {
			case "<<", "<<<":
				// "<<" may merge a list of maps; "<<<" one map.
				list := []*yNode{val}
				if val.kind == ySeq && k.Value == "<<" {
					list = val.items
				}
				for _, m := range list {
					if m.kind != yMap {
						return nil, c.errf(v, "%s merges a map, got %s", k.Value, m.kindName())
					}
					merges = append(merges, m)
					deep = append(deep, k.Value == "<<<")
				}
				continue
			}
			if out.get(k.Value) != nil {
				return nil, c.errf(k, "key %q appears twice", k.Value)
			}
			out.keys = append(out.keys, k.Value)
			out.vals = append(out.vals, val)
		}
		for i, m := range merges {
			merge(out, m, deep[i])
		}
	default:
		return nil, c.errf(n, "unexpected YAML node")
	}
	return out, nil
}

// merge adds to dst the keys of src it lacks; with deep, a key both hold
// as maps is merged in turn (dst's values win everywhere).
func merge(dst, src *yNode, deep bool) {
	for i, k := range src.keys {
		have := dst.get(k)
		switch {
		case have == nil:
			dst.keys = append(dst.keys, k)
			dst.vals = append(dst.vals, src.vals[i])
		case deep && have.kind == yMap && src.vals[i].kind == yMap:
			merged := &yNode{kind: yMap, tag: have.tag, line: have.line,
				keys: append([]string(nil), have.keys...), vals: append([]*yNode(nil), have.vals...)}
			merge(merged, src.vals[i], true)
			for j := range dst.keys {
				if dst.keys[j] == k {
					dst.vals[j] = merged
				}
			}
		}
	}
}
