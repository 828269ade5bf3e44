package service_test

import (
	"fmt"

	"github.com/dian-explorer/dian/wasm/worker/service"
)

func ExampleParseLink() {
	p := service.ParseLink(1, "#v=1&dataset=digits8&epochs=0&lock=seed")
	fmt.Println(p.Values["dataset"], p.Lock)
	for _, pr := range p.Problems {
		fmt.Println(pr.Message)
	}
	// Output:
	// digits8 [seed]
	// epochs: "0" is not accepted (accepted: a whole number from 1 to 200)
}
