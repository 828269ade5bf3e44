package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// MaxDepth bounds the nesting of arrays and maps in a message: the deepest
// message of ours (a progress event's probabilities) nests three levels.
const MaxDepth = 32

// Error is what Check found wrong, with the byte offset where it found it.
type Error struct {
	Offset  int
	Problem string
}

func (e *Error) Error() string {
	return fmt.Sprintf("msgpack: at byte %d: %s", e.Offset, e.Problem)
}

// Check reports whether b holds exactly one well-formed MessagePack value
// whose declared lengths fit in b and whose arrays and maps nest at most
// maxDepth deep. It allocates nothing beyond a stack of maxDepth counts.
func Check(b []byte, maxDepth int) error {
	// pending[i] counts the values still expected at depth i; the top
	// level expects one.
	var stack [MaxDepth + 1]int
	pending := stack[:1]
	if maxDepth > MaxDepth {
		pending = make([]int, 1, maxDepth+1)
	}
	pending[0] = 1
	p := 0
	for len(pending) > 0 {
		if pending[len(pending)-1] == 0 {
			pending = pending[:len(pending)-1]
			continue
		}
		pending[len(pending)-1]--
		if p >= len(b) {
			return &Error{p, "the message ends inside a value"}
		}
		c := b[p]
		p++
		var body, count int // bytes of payload to skip; elements that follow
		var err error
		switch {
		case c <= 0x7f || c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3: // fixints, nil, booleans
		case c&0xf0 == 0x80: // fixmap
			count = 2 * int(c&0x0f)
		case c&0xf0 == 0x90: // fixarray
			count = int(c & 0x0f)
		case c&0xe0 == 0xa0: // fixstr
			body = int(c & 0x1f)
		case c == 0xc4 || c == 0xd9: // bin 8, str 8
			body, p, err = length(b, p, 1)
		case c == 0xc5 || c == 0xda: // bin 16, str 16
			body, p, err = length(b, p, 2)
		case c == 0xc6 || c == 0xdb: // bin 32, str 32
			body, p, err = length(b, p, 4)
		case c == 0xc7, c == 0xc8, c == 0xc9: // ext 8/16/32: length, type, data
			body, p, err = length(b, p, 1<<(c-0xc7))
			body++
		case c == 0xca, c == 0xcb: // float 32/64
			body = 4 << (c - 0xca)
		case c >= 0xcc && c <= 0xcf: // uint 8..64
			body = 1 << (c - 0xcc)
		case c >= 0xd0 && c <= 0xd3: // int 8..64
			body = 1 << (c - 0xd0)
		case c >= 0xd4 && c <= 0xd8: // fixext 1..16: type, data
			body = 1 + 1<<(c-0xd4)
		case c == 0xdc, c == 0xdd: // array 16/32
			count, p, err = length(b, p, 2<<(c-0xdc))
		case c == 0xde, c == 0xdf: // map 16/32
			count, p, err = length(b, p, 2<<(c-0xde))
			count *= 2
		default: // 0xc1 is never used
			return &Error{p - 1, fmt.Sprintf("byte 0x%02x starts no MessagePack value", c)}
		}
		if err != nil {
			return err
		}
		if body > len(b)-p {
			return &Error{p, fmt.Sprintf("a value declares %d bytes but %d remain", body, len(b)-p)}
		}
		p += body
		if count > 0 {
			if count > len(b)-p { // every element takes at least a byte
				return &Error{p, fmt.Sprintf("a container declares %d elements but %d bytes remain", count, len(b)-p)}
			}
			if len(pending) > maxDepth {
				return &Error{p, fmt.Sprintf("arrays and maps nest more than %d deep", maxDepth)}
			}
			pending = append(pending, count)
		}
	}
	if p != len(b) {
		return &Error{p, fmt.Sprintf("%d bytes follow the message", len(b)-p)}
	}
	return nil
}

// length reads an n-byte big-endian length at b[p:].
func length(b []byte, p, n int) (int, int, error) {
	if len(b)-p < n {
		return 0, p, &Error{p, "the message ends inside a length"}
	}
	switch n {
	case 1:
		return int(b[p]), p + 1, nil
	case 2:
		return int(binary.BigEndian.Uint16(b[p:])), p + 2, nil
	default:
		return int(binary.BigEndian.Uint32(b[p:])), p + 4, nil
	}
}

// Unmarshal checks b (Check, MaxDepth) and decodes it into v with a
// decoder of its own.
func Unmarshal(b []byte, v any) error {
	if err := Check(b, MaxDepth); err != nil {
		return err
	}
	return msgpack.NewDecoder(bytes.NewReader(b)).Decode(v)
}
