package timeloop

import (
	"fmt"
	"strconv"
	"strings"
)

// A purpose-built reader for the subset of YAML that Timeloop's problem,
// architecture and mapping files use: block maps and sequences by
// indentation (spaces only), "- " items that open a map, flow sequences
// ([a, [b, c]]) and flow maps ({meshX: 16}), plain and quoted scalars,
// "#" comments and "!Tag" node tags. Anchors, aliases, multi-line scalars
// and multi-line flow collections are refused with an error naming the
// line. The project takes no YAML dependency: the core must stay small in
// wasm, and these files need nothing more.

// Limits that keep a hostile file from costing much.
const (
	maxYAMLBytes = 1 << 20
	maxYAMLDepth = 64
)

type yKind uint8

const (
	yScalar yKind = iota
	yMap
	ySeq
)

// yNode is one parsed YAML node with the line it started on.
type yNode struct {
	kind   yKind
	tag    string // "!Component" etc., without the "!"
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

type yLine struct {
	indent int
	text   string
	num    int
}

type yParser struct {
	file  string
	lines []yLine
	pos   int
	depth int
}

func (p *yParser) errf(line int, format string, args ...any) error {
	return &yamlError{file: p.file, line: line, msg: fmt.Sprintf(format, args...)}
}

// parseYAML parses src (named file in errors) into a node tree.
func parseYAML(file string, src []byte) (*yNode, error) {
	if len(src) > maxYAMLBytes {
		return nil, &yamlError{file: file, msg: fmt.Sprintf("file is %d bytes; accepted up to %d", len(src), maxYAMLBytes)}
	}
	p := &yParser{file: file}
	for i, raw := range strings.Split(string(src), "\n") {
		raw = strings.TrimRight(raw, "\r")
		text := stripComment(raw)
		trimmed := strings.TrimLeft(text, " ")
		if strings.TrimSpace(trimmed) == "" {
			continue
		}
		if strings.HasPrefix(trimmed, "\t") || strings.Contains(text[:len(text)-len(trimmed)], "\t") {
			return nil, p.errf(i+1, "tab in indentation; YAML indents with spaces")
		}
		if trimmed == "---" || trimmed == "..." {
			continue
		}
		p.lines = append(p.lines, yLine{indent: len(text) - len(trimmed), text: strings.TrimRight(trimmed, " \t"), num: i + 1})
	}
	if len(p.lines) == 0 {
		return nil, &yamlError{file: file, msg: "empty file"}
	}
	n, err := p.block(p.lines[0].indent)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.lines) {
		l := p.lines[p.pos]
		return nil, p.errf(l.num, "unexpected indentation (%d spaces) after the top-level block", l.indent)
	}
	return n, nil
}

// stripComment removes a "#" comment that is outside quotes and starts the
// line or follows a space.
func stripComment(s string) string {
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		}
	}
	return s
}

// block parses the map or sequence whose lines sit at exactly indent.
func (p *yParser) block(indent int) (*yNode, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxYAMLDepth {
		return nil, p.errf(p.lines[p.pos].num, "nesting deeper than %d", maxYAMLDepth)
	}
	first := p.lines[p.pos]
	if isSeqItem(first.text) {
		return p.sequence(indent)
	}
	return p.mapping(indent)
}

func isSeqItem(t string) bool { return t == "-" || strings.HasPrefix(t, "- ") }

// nextAt returns the next line when it sits at indent; ok is false at the
// end or at a line indented less. A line indented more is an error: the
// block above it (a list or map, named by what) has no place for it.
func (p *yParser) nextAt(indent int, what string) (l yLine, ok bool, err error) {
	if p.pos >= len(p.lines) {
		return l, false, nil
	}
	l = p.lines[p.pos]
	if l.indent < indent {
		return l, false, nil
	}
	if l.indent > indent {
		return l, false, p.errf(l.num, "unexpected indentation (%d spaces; the %s above is at %d)", l.indent, what, indent)
	}
	return l, true, nil
}

func (p *yParser) sequence(indent int) (*yNode, error) {
	n := &yNode{kind: ySeq, line: p.lines[p.pos].num}
	for {
		l, ok, err := p.nextAt(indent, "list")
		if err != nil {
			return nil, err
		}
		if !ok || !isSeqItem(l.text) {
			break
		}
		rest := strings.TrimLeft(strings.TrimPrefix(l.text, "-"), " ")
		col := l.indent + (len(l.text) - len(rest))
		var tag string
		if strings.HasPrefix(rest, "!") {
			end := strings.IndexByte(rest, ' ')
			if end < 0 {
				end = len(rest)
			}
			tag = rest[1:end]
			rest = strings.TrimLeft(rest[end:], " ")
			col = l.indent + (len(l.text) - len(rest))
		}
		var item *yNode
		switch {
		case rest == "":
			p.pos++
			if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
				item, err = p.block(p.lines[p.pos].indent)
			} else {
				item = &yNode{kind: yScalar, line: l.num}
			}
		case isMapLine(rest):
			// "- key: value" opens a map whose keys sit at the column of key.
			p.lines[p.pos] = yLine{indent: col, text: rest, num: l.num}
			item, err = p.block(col)
		default:
			item, err = p.scalarOrFlow(rest, l.num)
			p.pos++
		}
		if err != nil {
			return nil, err
		}
		if tag != "" {
			item.tag = tag
		}
		n.items = append(n.items, item)
	}
	return n, nil
}

// isMapLine reports whether t is "key:" or "key: value" (outside flow
// collections and quotes).
func isMapLine(t string) bool {
	if t == "" || t[0] == '[' || t[0] == '{' || t[0] == '"' || t[0] == '\'' {
		return false
	}
	i := strings.Index(t, ":")
	return i > 0 && (i == len(t)-1 || t[i+1] == ' ')
}

func (p *yParser) mapping(indent int) (*yNode, error) {
	n := &yNode{kind: yMap, line: p.lines[p.pos].num}
	for {
		l, ok, err := p.nextAt(indent, "map")
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if isSeqItem(l.text) {
			return nil, p.errf(l.num, "a list item where a key was expected")
		}
		if !isMapLine(l.text) {
			return nil, p.errf(l.num, "expected \"key: value\", got %q", clip(l.text))
		}
		i := strings.Index(l.text, ":")
		key := strings.TrimSpace(l.text[:i])
		if k, err := unquote(key); err == nil {
			key = k
		}
		for _, k := range n.keys {
			if k == key {
				return nil, p.errf(l.num, "key %q appears twice", key)
			}
		}
		rest := strings.TrimSpace(l.text[i+1:])
		var tag string
		if strings.HasPrefix(rest, "!") {
			end := strings.IndexByte(rest, ' ')
			if end < 0 {
				end = len(rest)
			}
			tag = rest[1:end]
			rest = strings.TrimSpace(rest[end:])
		}
		p.pos++
		var val *yNode
		if rest == "" {
			switch {
			case p.pos < len(p.lines) && p.lines[p.pos].indent > indent:
				val, err = p.block(p.lines[p.pos].indent)
			case p.pos < len(p.lines) && p.lines[p.pos].indent == indent && isSeqItem(p.lines[p.pos].text):
				val, err = p.sequence(indent)
			default:
				val = &yNode{kind: yScalar, line: l.num}
			}
		} else {
			if rest == "|" || rest == ">" || strings.HasPrefix(rest, "&") || strings.HasPrefix(rest, "*") {
				return nil, p.errf(l.num, "key %q: block scalars, anchors and aliases are not supported", key)
			}
			val, err = p.scalarOrFlow(rest, l.num)
		}
		if err != nil {
			return nil, err
		}
		if tag != "" {
			val.tag = tag
		}
		n.keys = append(n.keys, key)
		n.vals = append(n.vals, val)
	}
	return n, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func unquote(s string) (string, error) {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strconv.Unquote(s)
	}
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	}
	return s, fmt.Errorf("not quoted")
}

// scalarOrFlow parses a one-line value: a flow collection or a scalar.
func (p *yParser) scalarOrFlow(s string, line int) (*yNode, error) {
	if s[0] == '[' || s[0] == '{' {
		f := flowParser{p: p, s: s, line: line}
		n, err := f.value(0)
		if err != nil {
			return nil, err
		}
		f.skip()
		if f.i != len(f.s) {
			return nil, p.errf(line, "unexpected %q after the closing bracket", clip(f.s[f.i:]))
		}
		return n, nil
	}
	if s[0] == '"' || s[0] == '\'' {
		v, err := unquote(s)
		if err != nil {
			return nil, p.errf(line, "bad quoted string %s", clip(s))
		}
		return &yNode{kind: yScalar, value: v, quoted: true, line: line}, nil
	}
	return &yNode{kind: yScalar, value: s, line: line}, nil
}

type flowParser struct {
	p    *yParser
	s    string
	i    int
	line int
}

func (f *flowParser) skip() {
	for f.i < len(f.s) && f.s[f.i] == ' ' {
		f.i++
	}
}

// commaOr consumes the separator after a flow item: a comma (more items
// follow) or the closing bracket (done).
func (f *flowParser) commaOr(closing byte, what string) (done bool, err error) {
	f.skip()
	switch {
	case f.i >= len(f.s):
		return false, f.p.errf(f.line, "unterminated flow %s (it must close on the same line)", what)
	case f.s[f.i] == ',':
		f.i++
		return false, nil
	case f.s[f.i] == closing:
		f.i++
		return true, nil
	}
	return false, f.p.errf(f.line, "expected ',' or '%c' in a flow %s", closing, what)
}

func (f *flowParser) value(depth int) (*yNode, error) {
	if depth > maxYAMLDepth {
		return nil, f.p.errf(f.line, "nesting deeper than %d", maxYAMLDepth)
	}
	f.skip()
	if f.i >= len(f.s) {
		return nil, f.p.errf(f.line, "unterminated flow collection (it must close on the same line)")
	}
	switch f.s[f.i] {
	case '[':
		f.i++
		n := &yNode{kind: ySeq, line: f.line}
		for {
			f.skip()
			if f.i < len(f.s) && f.s[f.i] == ']' {
				f.i++
				return n, nil
			}
			v, err := f.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, v)
			if done, err := f.commaOr(']', "list"); done || err != nil {
				return n, err
			}
		}
	case '{':
		f.i++
		n := &yNode{kind: yMap, line: f.line}
		for {
			f.skip()
			if f.i < len(f.s) && f.s[f.i] == '}' {
				f.i++
				return n, nil
			}
			start := f.i
			for f.i < len(f.s) && f.s[f.i] != ':' && f.s[f.i] != ',' && f.s[f.i] != '}' {
				f.i++
			}
			if f.i >= len(f.s) || f.s[f.i] != ':' {
				return nil, f.p.errf(f.line, "expected 'key: value' in a flow map")
			}
			key := strings.TrimSpace(f.s[start:f.i])
			f.i++
			v, err := f.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, key)
			n.vals = append(n.vals, v)
			if done, err := f.commaOr('}', "map"); done || err != nil {
				return n, err
			}
		}
	case '"', '\'':
		q := f.s[f.i]
		start := f.i
		f.i++
		for f.i < len(f.s) && f.s[f.i] != q {
			if f.s[f.i] == '\\' && q == '"' {
				f.i++
			}
			f.i++
		}
		if f.i >= len(f.s) {
			return nil, f.p.errf(f.line, "unterminated quoted string")
		}
		f.i++
		v, err := unquote(f.s[start:f.i])
		if err != nil {
			return nil, f.p.errf(f.line, "bad quoted string %s", clip(f.s[start:f.i]))
		}
		return &yNode{kind: yScalar, value: v, quoted: true, line: f.line}, nil
	}
	start := f.i
	for f.i < len(f.s) && f.s[f.i] != ',' && f.s[f.i] != ']' && f.s[f.i] != '}' {
		f.i++
	}
	return &yNode{kind: yScalar, value: strings.TrimSpace(f.s[start:f.i]), line: f.line}, nil
}
