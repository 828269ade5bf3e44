package viz

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/search"
)

// engineDist is what a search event carries for platform's space: a
// reinforce engine's distribution after a short search on a cost that
// prefers the first options, with a best design when best is set.
func engineDist(t *testing.T, platform string, best bool) *report.HWDist {
	t.Helper()
	hw, err := search.NewHardware(platform, "corrected", "fps", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := search.NewEngine("reinforce", hw.Space, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	tr := e.Search(context.Background(), 300, func(c []int) (float64, bool) {
		s := 1.0
		for _, v := range c {
			s += float64(v)
		}
		return s, true
	})
	d := &report.HWDist{Engine: e.Name(), Options: report.OptionLabels(hw.Space)}
	for _, dec := range hw.Space.Decisions {
		d.Decisions = append(d.Decisions, dec.Name)
	}
	d.Probs = e.Distribution()
	if best {
		d.Best = tr.Best
	}
	return d
}

func TestLayoutHWDist(t *testing.T) {
	for _, platform := range []string{"zc706", "eyeriss", "systolic16"} {
		for _, sz := range [][2]float64{{1280, 720}, {950, 400}, {768, 1024}} {
			d := engineDist(t, platform, true)
			area := LayoutSearch(sz[0], sz[1], 13).HWDist
			p := LayoutHWDist(area, 13, d)
			if len(p.Charts) != len(d.Probs) {
				t.Fatalf("%s %v: %d charts for %d decisions", platform, sz, len(p.Charts), len(d.Probs))
			}
			for i, c := range p.Charts {
				if !inside(c.Frame, area) || c.Frame.Y+c.Frame.H > p.Legend.Y || c.Plot.H <= 0 {
					t.Errorf("%s %v: chart %d %+v is outside %+v, over the legend or flat", platform, sz, i, c.Frame, area)
				}
				for j := range i {
					if overlap(c.Frame, p.Charts[j].Frame) {
						t.Errorf("%s %v: charts %d and %d overlap", platform, sz, j, i)
					}
				}
				// A bar's height is its probability of the plot's height,
				// so the bars of one decision add up to the plot height.
				var heights, probs float64
				for j, b := range c.Bars {
					heights += b.H
					probs += float64(d.Probs[i][j])
					if !inside(b, c.Plot) || math.Abs(b.Y+b.H-(c.Plot.Y+c.Plot.H)) > 1e-9 {
						t.Errorf("%s %v: decision %d option %d: bar %+v not standing in the plot %+v", platform, sz, i, j, b, c.Plot)
					}
					if j > 0 && b.X < c.Bars[j-1].X+c.Bars[j-1].W {
						t.Errorf("%s %v: decision %d: bars %d and %d overlap", platform, sz, i, j-1, j)
					}
					if want := float64(d.Probs[i][j]) * c.Plot.H; math.Abs(b.H-want) > 1e-9 {
						t.Errorf("%s %v: decision %d option %d: bar %v high for p = %v of %v", platform, sz, i, j, b.H, d.Probs[i][j], c.Plot.H)
					}
				}
				if math.Abs(probs-1) > 1e-6 || math.Abs(heights-c.Plot.H) > 1e-6*c.Plot.H {
					t.Errorf("%s %v: decision %d: bars add up to %v of a %v plot (probabilities sum to %v)", platform, sz, i, heights, c.Plot.H, probs)
				}
				if c.Best != d.Best[i] {
					t.Errorf("%s %v: decision %d highlights option %d, the best design has %d", platform, sz, i, c.Best, d.Best[i])
				}
				if di, oi, ok := p.BarAt(c.Bars[c.Best].X+c.Bars[c.Best].W/2, c.Plot.Y+1); !ok || di != i || oi != c.Best {
					t.Errorf("%s %v: pointing at decision %d's best bar finds %d, %d, %v", platform, sz, i, di, oi, ok)
				}
			}
			t.Logf("%s %v: %d charts of %.0f × %.0f px", platform, sz, len(p.Charts), p.Charts[0].Frame.W, p.Charts[0].Frame.H)
			if w := p.Charts[0].Frame.W; sz[1] >= 720 && (w < 13*2.2 || !(p.Titles || len(p.Columns) > 0) || !p.OptionLabels) { // readable at 1280×720 and on a tablet
				t.Errorf("%s %v: charts %v wide are too small to read", platform, sz, w)
			}
		}
	}
	// No best design yet: nothing is highlighted.
	p := LayoutHWDist(Rect{0, 0, 400, 300}, 13, engineDist(t, "eyeriss", false))
	for i, c := range p.Charts {
		if c.Best != -1 {
			t.Errorf("decision %d highlights option %d before there is a best design", i, c.Best)
		}
	}
	if p := LayoutHWDist(Rect{0, 0, 400, 300}, 13, nil); len(p.Charts) != 0 {
		t.Errorf("no distribution: %d charts", len(p.Charts))
	}
	if _, _, ok := p.BarAt(-5, -5); ok {
		t.Error("BarAt outside every chart found a bar")
	}
}

func inside(r, in Rect) bool {
	const eps = 1e-6
	return r.W >= 0 && r.H >= 0 && r.X >= in.X-eps && r.Y >= in.Y-eps && r.X+r.W <= in.X+in.W+eps && r.Y+r.H <= in.Y+in.H+eps
}

func overlap(a, b Rect) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

func TestShortLabelAndPrefix(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"16", 3, "16"}, {"ws K·C", 6, "ws K·C"}, {"ws K·C", 4, "KC"}, {"ws K·C", 1, "K"},
		{"os P", 2, "P"}, {"NKCPQRS", 3, "NKC"}, {"os", 0, "o"},
	} {
		if got := ShortLabel(tt.in, tt.n); got != tt.want {
			t.Errorf("ShortLabel(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{[]string{"array.dataflow", "array.gb.K"}, "array."},
		{[]string{"a0q8.mode", "a1q8.mode"}, ""},
		{[]string{"array.dataflow"}, ""},
		{[]string{"array.x", "array."}, ""},
	} {
		if got := commonPrefix(tt.names); got != tt.want {
			t.Errorf("commonPrefix(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
}

// TestHWDistRowsPerChunk: the FPGA space's decisions get a row per chunk,
// titled without the chunk; a one-chunk space drops the shared prefix.
func TestHWDistRowsPerChunk(t *testing.T) {
	p := LayoutHWDist(Rect{0, 0, 400, 300}, 13, engineDist(t, "zc706", true))
	var rows []string
	for _, r := range p.Rows {
		rows = append(rows, r.Text)
	}
	if want := []string{"a0q8", "a1q8", "dwa0q8", "dwa1q8"}; !slices.Equal(rows, want) {
		t.Fatalf("zc706 rows %q, want %q", rows, want)
	}
	if c := p.Charts[0]; c.Title != "mode" || p.Charts[1].Title != "gb.P" {
		t.Errorf("zc706 titles %q, %q; want mode, gb.P", c.Title, p.Charts[1].Title)
	}
	for i, c := range p.Charts {
		if r := rows[chunkOf(i, p)]; c.Frame.Y > p.Rows[chunkOf(i, p)].At.Y || c.Frame.Y+c.Frame.H < p.Rows[chunkOf(i, p)].At.Y {
			t.Errorf("chart %d (%s) is not on its chunk %s's row", i, c.Title, r)
		}
	}
	q := LayoutHWDist(Rect{0, 0, 400, 300}, 13, engineDist(t, "eyeriss", true))
	if len(q.Rows) != 0 || q.Prefix != "array." || q.Charts[0].Title != "dataflow" {
		t.Errorf("eyeriss: rows %v, prefix %q, first title %q; want no rows, array., dataflow", q.Rows, q.Prefix, q.Charts[0].Title)
	}
}

// chunkOf is the row of chart i, from its title's place in the FPGA space.
func chunkOf(i int, p HWPanel) int {
	n := 0
	for r := range p.Rows {
		size := 9
		if r >= 2 {
			size = 7 // depthwise chunks have no C tiles
		}
		if i < n+size {
			return r
		}
		n += size
	}
	return len(p.Rows) - 1
}

func TestSearchViewKeepsTheSearchDistribution(t *testing.T) {
	var v SearchView
	mine, theirs := engineDist(t, "eyeriss", true), engineDist(t, "systolic16", true)
	v.push(SearchPoint{Step: 5, Phase: "search"}, nil, nil)
	v.PushHW("search", mine)
	v.PushHW("search", nil) // an event without one keeps the last
	if v.State().HW != mine {
		t.Fatal("the search's distribution is not kept")
	}
	v.push(SearchPoint{Step: 9, Phase: "baselines"}, nil, nil)
	v.PushHW("baselines", theirs)
	if v.State().HW != mine {
		t.Error("a baseline's distribution replaced the search's")
	}
	v.push(SearchPoint{Step: 1, Phase: "warmup"}, nil, nil) // a new search
	if v.State().HW != nil {
		t.Error("a new search still shows the last one's distribution")
	}
}
