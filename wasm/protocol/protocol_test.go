package protocol

import (
	"github.com/vmihailenco/msgpack/v5"
)

func mustMarshalF(v any) []byte {
	b, err := msgpack.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
