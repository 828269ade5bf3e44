package wire_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/wire"
)

func ExampleCheck() {
	// A string header claiming 4 GB, followed by one byte.
	fmt.Println(wire.Check([]byte{0xdb, 0xff, 0xff, 0xff, 0xff, 'a'}, wire.MaxDepth))
	// {"id": 1}
	fmt.Println(wire.Check([]byte{0x81, 0xa2, 'i', 'd', 0x01}, wire.MaxDepth))
	// Output:
	// msgpack: at byte 5: a value declares 4294967295 bytes but 1 remain
	// <nil>
}
