package protocol_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/wasm/protocol"
)

func ExampleParseLink() {
	p := protocol.ParseLink(1, "#v=1&dataset=digits8&epochs=0&lock=seed")
	fmt.Println(p.Values["dataset"], p.Lock)
	for _, pr := range p.Problems {
		fmt.Println(pr.Message)
	}
	// Output:
	// digits8 [seed]
	// epochs: "0" is not accepted (accepted: a whole number from 1 to 200)
}

func ExampleDecodeCompact() {
	text, err := protocol.EncodeCompact(protocol.CompactResult{Ops: []string{"k3_e1", "skip"}, Metrics: report.Metrics{Accuracy: 0.9, FPS: 1200}})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := protocol.DecodeCompact(text)
	fmt.Println(c.Ops, c.Accuracy, c.FPS, err)
	_, err = protocol.DecodeCompact("not*base64")
	fmt.Println(err)
	// Output:
	// [k3_e1 skip] 0.9 1200 <nil>
	// not unpadded base64url text
}
