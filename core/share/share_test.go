package share

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseDefaults(t *testing.T) {
	for _, frag := range []string{"", "#", "v=3", "#v=3&"} {
		l, err := Parse(frag)
		if err != nil {
			t.Fatalf("Parse(%q): %v", frag, err)
		}
		if l.Config.Encode() != Default().Encode() || l.Run || l.Result != "" {
			t.Errorf("Parse(%q) = %+v, want the defaults", frag, l)
		}
	}
}

// A link keeps the search it was made with: a version 1 link without lra
// gets version 1's 0.05, one that sets it keeps its value, links before
// version 3 train unsharded, and all encode as today's version with those
// keys written out.
func TestParseOldVersionKeepsItsDefaults(t *testing.T) {
	for _, tt := range []struct {
		frag   string
		lra    float64
		shards int
	}{
		{"v=1", 0.05, 1},
		{"v=1&seed=7", 0.05, 1},
		{"seed=7&v=1", 0.05, 1}, // v anywhere in the link
		{"v=1&lra=0.3", 0.3, 1},
		{"v=2", 2, 1},
		{"v=2&shards=2", 2, 2},
		{"v=3", 2, 4},
		{"seed=7", 2, 4},
	} {
		l, err := Parse(tt.frag)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.frag, err)
		}
		if l.Config.LRArch != tt.lra || l.Config.Shards != tt.shards {
			t.Errorf("Parse(%q): lra %v, shards %d; want %v, %d", tt.frag, l.Config.LRArch, l.Config.Shards, tt.lra, tt.shards)
		}
		again, err := Parse(l.Config.Encode())
		if err != nil || again.Config.LRArch != tt.lra || again.Config.Shards != tt.shards || !strings.HasPrefix(l.Config.Encode(), fmt.Sprintf("v=%d&", Version)) {
			t.Errorf("Parse(%q) encodes as %q, which reads back lra %v (%v)", tt.frag, l.Config.Encode(), again.Config.LRArch, err)
		}
	}
	for v, keys := range OldDefaults {
		for _, kv := range keys {
			if _, ok := KeyByName(kv[0]); !ok {
				t.Errorf("OldDefaults[%d] names %q, which is no key", v, kv[0])
			}
		}
	}
}

func TestParseValues(t *testing.T) {
	l, err := Parse("#v=1&dataset=digits8&platform=eyeriss&engine=random&seed=4294967295&epochs=3&searchset=1000&finetune=0.25" +
		"&lambda=1e-3&adapt=0&target=100-400&baselines=random,sequential&run=1&lock=dataset,seed&lesson=dataflow")
	if err != nil {
		t.Fatal(err)
	}
	c := l.Config
	if c.Dataset != "digits8" || c.Platform != "eyeriss" || c.Engine != "random" || c.Seed != 4294967295 ||
		c.Epochs != 3 || c.SearchSet != 1000 || c.Finetune != 0.25 || c.Lambda != 1e-3 || c.Adapt || c.TargetLo != 100 || c.TargetHi != 400 {
		t.Errorf("config = %+v", c)
	}
	if got := strings.Join(c.Baselines, ","); got != "sequential,random" {
		t.Errorf("baselines = %q, want canonical order sequential,random", got)
	}
	if !l.Run || strings.Join(l.Lock, ",") != "dataset,seed" || l.Lesson != "dataflow" {
		t.Errorf("link = %+v", l)
	}
}

func TestParseErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		frag, key, want string
	}{
		{"v=4", "v", "not supported"},
		{"v=0", "v", "not supported"},
		{"dataset=cifar10", "dataset", "mnist14, fashion14, digits8, mnist28, fashion28"},
		{"epochs=0", "epochs", "from 1 to 200"},
		{"epochs=2.5", "epochs", "whole number"},
		{"searchset=50", "searchset", "from 100 to 1000000"},
		{"finetune=-0.5", "finetune", "number from 0 to 100"},
		{"seed=-1", "seed", "not accepted"},
		{"seed=4294967296", "seed", "not accepted"},
		{"lambda=NaN", "lambda", "number from 0"},
		{"lambda=inf", "lambda", "number from 0"},
		{"lambda=0x10", "lambda", "number from 0"},
		{"tau0=0", "tau0", "from 0.01 to 100"},
		{"adapt=yes", "adapt", "0 or 1"},
		{"target=400-100", "target", "lo < hi"},
		{"target=100", "target", "auto, or lo-hi"},
		{"baselines=sequential,sequential", "baselines", "comma-separated"},
		{"baselines=magic", "baselines", "sequential, fixednet"},
		{"colour=red", "colour", "unknown key"},
		{"dataset=digits8&dataset=mnist14", "dataset", "more than once"},
		{"seed", "seed", "no value"},
		{"dataset=%zz", "dataset", "escaped"},
		{"run=yes", "run", "0 or 1"},
		{"lock=seed,colour", "lock", "configuration keys"},
		{"lesson=magic", "lesson", "dataflow, tradeoff, cosearch"},
		{"result=not*base64", "result", "base64url"},
		{strings.Repeat("x", MaxFragmentBytes+1), "fragment", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.frag[:min(len(tt.frag), 40)], func(t *testing.T) {
			_, err := Parse(tt.frag)
			var ke *KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("Parse(%q) = %v, want a *KeyError", tt.frag, err)
			}
			if ke.Key != tt.key || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), tt.key+":") {
				t.Errorf("Parse(%q) error %q: want key %q and %q", tt.frag, err, tt.key, tt.want)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse("dataset=x&epochs=999&colour=red")
	for _, key := range []string{"dataset:", "epochs:", "colour:"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error %v does not report %s", err, key)
		}
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	l := Link{Config: Default(), Run: true, Hide: []string{"engine"}, Lesson: "tradeoff", Result: "AbC-_9"}
	l.Config.Lambda = 1.5e-7
	l.Config.Baselines = []string{"fixednet", "random"}
	l.Config.TargetLo, l.Config.TargetHi = 1e-05, 1e9
	frag := l.Encode()
	back, err := Parse(frag)
	if err != nil {
		t.Fatalf("Parse(Encode()) = %v for %q", err, frag)
	}
	if back.Encode() != frag {
		t.Errorf("round trip changed the fragment:\n%s\n%s", frag, back.Encode())
	}
	if !strings.HasPrefix(frag, "v=3&dataset=mnist14&platform=zc706&") {
		t.Errorf("fragment %q is not in canonical order", frag)
	}
}

// Every key's default is accepted by its own parser, and every key is
// documented: the page builds its controls and help from this table.
func TestKeysTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys {
		if seen[k.Name] || k.Doc == "" || k.Accepts() == "" {
			t.Errorf("key %q is repeated or undocumented", k.Name)
		}
		seen[k.Name] = true
		c := Default()
		if err := k.set(&c, k.Default()); err != nil {
			t.Errorf("key %q rejects its own default %q", k.Name, k.Default())
		}
	}
	if err := Default().Validate(); err != nil {
		t.Errorf("the default configuration does not validate: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Default().Encode())
	f.Add("#v=1&dataset=digits8&run=1&result=abc")
	f.Add("epochs=%41&&seed=")
	f.Add("target=1e9-1e10&baselines=all&lock=all")
	f.Fuzz(func(t *testing.T, frag string) {
		l, err := Parse(frag)
		if err != nil {
			return
		}
		// Whatever parses encodes canonically and parses back to itself.
		enc := l.Encode()
		back, err := Parse(enc)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its encoding %q fails: %v", frag, enc, err)
		}
		if back.Encode() != enc {
			t.Fatalf("not canonical: %q → %q", enc, back.Encode())
		}
	})
}

func ExampleParse() {
	l, err := Parse("#v=1&dataset=digits8&platform=eyeriss&seed=7&run=1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.Config.Dataset, l.Config.Platform, l.Config.Seed, l.Run)
	_, err = Parse("#v=1&epochs=1000")
	fmt.Println(err)
	// Output:
	// digits8 eyeriss 7 true
	// epochs: "1000" is not accepted (accepted: a whole number from 1 to 200)
}

// Keys added after version 1 (method) are written only when set, so the
// canonical form of every earlier link is unchanged; a baseline run alone
// cannot also run baselines beside it.
func TestMethodKey(t *testing.T) {
	l, err := Parse("v=1&dataset=digits8&method=cosearch")
	if err != nil || strings.Contains(l.Encode(), "method") {
		t.Errorf("method=cosearch: %q, %v; want it left out of the canonical form", l.Encode(), err)
	}
	l, err = Parse("v=1&dataset=digits8&method=fixedhw")
	if err != nil || !strings.HasSuffix(l.Config.Encode(), "&method=fixedhw") {
		t.Errorf("method=fixedhw: %q, %v", l.Config.Encode(), err)
	}
	if again, err := Parse(l.Encode()); err != nil || again.Config.Method != "fixedhw" {
		t.Errorf("the canonical form does not read back: %+v, %v", again.Config, err)
	}
	_, err = Parse("v=1&method=random&baselines=sequential")
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Key != "baselines" || !strings.Contains(err.Error(), "method=random") {
		t.Errorf("method=random with baselines: %v; want an error naming baselines", err)
	}
	if _, err := Parse("v=1&method=nas"); err == nil || !strings.Contains(err.Error(), "cosearch, sequential") {
		t.Errorf("method=nas: %v", err)
	}
}

// A comparison's keys (seeds, lambdas, targets) read and write back in
// canonical form, and go together only as a comparison can use them.
func TestComparisonKeys(t *testing.T) {
	l, err := Parse("v=1&dataset=digits8&baselines=sequential&lambdas=0.01,1&seeds=1-3,7,8")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.Seeds, []uint32{1, 2, 3, 7, 8}) || !slices.Equal(l.Lambdas, []float64{0.01, 1}) {
		t.Fatalf("seeds %v, lambdas %v", l.Seeds, l.Lambdas)
	}
	if enc := l.Encode(); !strings.HasSuffix(enc, "&seeds=1-3,7-8&lambdas=0.01,1") {
		t.Errorf("canonical form %q", enc)
	}
	if again, err := Parse(l.Encode()); err != nil || !slices.Equal(again.Seeds, l.Seeds) {
		t.Errorf("the canonical form does not read back: %v", err)
	}
	l, err = Parse("v=1&seeds=4&targets=1e-05-0.002,100-200")
	if err != nil || len(l.Targets) != 2 || l.Targets[0] != [2]float64{1e-05, 0.002} {
		t.Errorf("targets: %+v, %v", l.Targets, err)
	}
	for _, tt := range []struct{ frag, key string }{
		{"v=1&seeds=3-1", "seeds"},
		{"v=1&seeds=1,1", "seeds"},
		{"v=1&seeds=1-2000", "seeds"},
		{"v=1&lambdas=0.1", "seeds"},
		{"v=1&seeds=1&lambdas=0", "lambdas"},
		{"v=1&seeds=1&targets=5-2", "targets"},
		{"v=1&seeds=1&lambdas=1&targets=1-2", "targets"},
		{"v=1&seeds=1&method=random", "seeds"},
	} {
		_, err := Parse(tt.frag)
		var ke *KeyError
		if !errors.As(err, &ke) || !strings.Contains(err.Error(), tt.key+":") {
			t.Errorf("Parse(%q) = %v; want an error naming %s", tt.frag, err, tt.key)
		}
	}
}

func TestEnginesKey(t *testing.T) {
	l, err := Parse("v=1&engine=reinforce&engines=random,gumbel&seeds=1-2")
	if err != nil || !slices.Equal(l.Engines, []string{"random", "gumbel"}) || !strings.HasSuffix(l.Encode(), "&seeds=1-2&engines=random,gumbel") {
		t.Errorf("engines: %v, %q, %v", l.Engines, l.Encode(), err)
	}
	for _, frag := range []string{"v=1&seeds=1&engines=annealing", "v=1&seeds=1&engines=random,random", "v=1&seeds=1&engine=random&engines=random", "v=1&engines=random"} {
		if _, err := Parse(frag); err == nil {
			t.Errorf("Parse(%q) accepted", frag)
		}
	}
}
