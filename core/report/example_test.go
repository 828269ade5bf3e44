package report_test

import (
	"fmt"

	"github.com/dian-explorer/dian/core/report"
)

func ExampleDecodeCompact() {
	text, err := report.EncodeCompact(report.Compact{Ops: []string{"k3_e1", "skip"}, Metrics: report.Metrics{Accuracy: 0.9, FPS: 1200}})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := report.DecodeCompact(text)
	fmt.Println(c.Ops, c.Accuracy, c.FPS, err)
	_, err = report.DecodeCompact("not*base64")
	fmt.Println(err)
	// Output:
	// [k3_e1 skip] 0.9 1200 <nil>
	// not unpadded base64url text
}
