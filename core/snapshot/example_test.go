package snapshot_test

import (
	"errors"
	"fmt"

	"github.com/dian-explorer/dian/core/snapshot"
	"github.com/vmihailenco/msgpack/v5"
)

// A supernet snapshot is written once by `dian pretrain` and read by every
// search on the same dataset and configuration.
func Example() {
	warm := &snapshot.Snapshot{
		Kind:    snapshot.KindSupernet,
		Dataset: "mnist14",
		Config:  "blocks=4&ops=fbnet",
		Seed:    1,
		Epochs:  3,
		Build:   "dian example",
		Tensors: []snapshot.Tensor{
			{Name: "stem.w", Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}},
			{Name: "stem.bn.mean", Shape: []int{2}, Data: []float32{0.25, -0.5}},
		},
	}
	b, err := snapshot.Encode(warm)
	if err != nil {
		fmt.Println(err)
		return
	}
	want := snapshot.Expect{Kind: snapshot.KindSupernet, Dataset: "mnist14", Config: "blocks=4&ops=fbnet"}
	s, err := snapshot.Decode(b, want)
	if err != nil {
		fmt.Println(err)
		return
	}
	w, err := s.Lookup("stem.w", 2, 2)
	fmt.Println(s.Epochs, w, err)

	_, err = snapshot.Decode(b, snapshot.Expect{Kind: snapshot.KindSupernet, Dataset: "fashion14"})
	fmt.Println(err)
	_, err = snapshot.Decode(b[:len(b)-1], want)
	fmt.Println(err)
	b[len(b)-1] ^= 1
	_, err = snapshot.Decode(b, want)
	fmt.Println(errors.Is(err, snapshot.ErrCorrupted))
	// Output:
	// 3 [1 2 3 4] <nil>
	// snapshot: does not match: dataset is "mnist14", want "fashion14"
	// snapshot: truncated: body: 144 bytes declared, 143 present
	// true
}

// The search keeps its own state in the payload, in whatever msgpack form it
// likes; this package only carries it.
func ExampleSnapshot_payload() {
	type state struct {
		Step  int
		Alpha []float64
	}
	p, err := msgpack.Marshal(state{Step: 40, Alpha: []float64{0.5, 1.5}})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := snapshot.Encode(&snapshot.Snapshot{Kind: snapshot.KindSearchState, Dataset: "digits8", Payload: p})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := snapshot.Decode(b, snapshot.Expect{Kind: snapshot.KindSearchState})
	if err != nil {
		fmt.Println(err)
		return
	}
	var got state
	err = msgpack.Unmarshal(s.Payload, &got)
	fmt.Println(got, err)
	// Output:
	// {40 [0.5 1.5]} <nil>
}
