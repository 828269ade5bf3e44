package share

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dian-explorer/dian/core/report"
)

// MaxFragmentBytes bounds a fragment; longer ones are refused unread.
const MaxFragmentBytes = 16 << 10

// MaxResultBytes bounds the compact result a link may carry
// (report.Compact's text).
const MaxResultBytes = report.MaxCompactBytes

// Link is everything a fragment says: the search configuration and how the
// page should present it.
type Link struct {
	Config Config
	// Run starts the search as soon as the page has loaded (run=1).
	Run bool
	// Lock and Hide name configuration keys whose controls the page shows
	// read-only or not at all (classroom presets).
	Lock, Hide []string
	// Lesson names a guided lesson to show beside the controls.
	Lesson string
	// Result is the compact result the link carries (base64url), so the
	// recipient sees it before re-running; empty when there is none.
	Result string
	// Seeds, when set, make the link a comparison (the page's Compare
	// mode, `dian sweep`): the configuration run for every seed, by the
	// co-search and each baseline it lists, at every trade-off point of
	// Lambdas (fixed λ) or Targets (target bands); with neither, at the
	// configuration's own setting.
	Seeds   []uint32
	Lambdas []float64
	Targets [][2]float64
	// Engines are accelerator search engines to run the co-search with
	// too, besides the configuration's (a comparison of engines inside
	// the co-search).
	Engines []string
}

// MaxSeeds bounds a comparison's seeds.
const MaxSeeds = 1000

// MaxPoints bounds a comparison's trade-off points.
const MaxPoints = 64

// Lessons are the named lessons a link may open.
var Lessons = []string{"dataflow", "tradeoff", "cosearch"}

// uiKeys are the keys that shape the page rather than the search, in
// canonical order after the configuration keys.
var uiKeys = []string{"run", "lock", "hide", "lesson", "seeds", "lambdas", "targets", "engines", "result"}

// KeyError is a problem with one key of a fragment.
type KeyError struct {
	Key, Value string
	Problem    string // what is wrong
	Accepted   string // what the key accepts
}

func (e *KeyError) Error() string {
	msg := e.Key + ": " + e.Problem
	if e.Accepted != "" {
		msg += " (accepted: " + e.Accepted + ")"
	}
	return msg
}

var errNotAccepted = errors.New("value not accepted")

// Parse reads a fragment (with or without the leading #). Missing keys take
// their defaults; every problem is reported, each as a *KeyError, joined
// into one error.
func Parse(fragment string) (Link, error) {
	fragment = strings.TrimPrefix(fragment, "#")
	link := Link{Config: Default()}
	if len(fragment) > MaxFragmentBytes {
		return link, &KeyError{Key: "fragment", Problem: fmt.Sprintf("%d bytes is too long", len(fragment)),
			Accepted: fmt.Sprintf("at most %d bytes", MaxFragmentBytes)}
	}
	var errs []error
	bad := func(key, value, problem, accepted string) {
		errs = append(errs, &KeyError{Key: key, Value: value, Problem: problem, Accepted: accepted})
	}
	seen := map[string]bool{}
	version := Version // a link without v is read as this build's
	for part := range strings.SplitSeq(fragment, "&") {
		if part == "" {
			continue
		}
		key, raw, hasValue := strings.Cut(part, "=")
		value, err := url.PathUnescape(raw)
		switch {
		case !hasValue:
			bad(key, "", "has no value (write "+key+"=…)", "")
			continue
		case err != nil:
			bad(key, raw, "the value is not properly %-escaped", "")
			continue
		case seen[key]:
			bad(key, value, "appears more than once", "")
			continue
		}
		seen[key] = true
		if key == "v" {
			v, err := strconv.Atoi(value)
			if err != nil || v < 1 || v > Version {
				bad("v", value, fmt.Sprintf("link version %q is not supported by this build", value), "1 to "+strconv.Itoa(Version))
				continue
			}
			version = v
			continue
		}
		if k, ok := KeyByName(key); ok {
			if err := k.set(&link.Config, value); err != nil {
				bad(key, value, fmt.Sprintf("%q is not accepted", value), k.Accepts())
			}
			continue
		}
		if err := link.setUI(key, value); err != nil {
			if errors.Is(err, errUnknownKey) {
				bad(key, value, "unknown key", "v, "+strings.Join(keyNames(), ", ")+", "+strings.Join(uiKeys, ", "))
			} else {
				bad(key, value, fmt.Sprintf("%q is not accepted", value), err.Error())
			}
		}
	}
	// A key the link leaves out takes its version's default.
	for v := version; v < Version; v++ {
		for _, kv := range OldDefaults[v] {
			if k, ok := KeyByName(kv[0]); ok && !seen[kv[0]] {
				if err := k.set(&link.Config, kv[1]); err != nil {
					panic("share: bad old default " + kv[0] + "=" + kv[1]) // a defect of the table above
				}
				seen[kv[0]] = true // a later version's older default must not override it
			}
		}
	}
	if len(link.Lambdas) > 0 && len(link.Targets) > 0 {
		bad("targets", "", "cannot go with lambdas: a comparison has one kind of trade-off point", "lambdas or targets")
	}
	if slices.Contains(link.Engines, link.Config.Engine) {
		bad("engines", strings.Join(link.Engines, ","), "lists the configuration's own engine ("+link.Config.Engine+"), which the co-search runs anyway", "the other engines")
	}
	if (len(link.Lambdas) > 0 || len(link.Targets) > 0 || len(link.Engines) > 0) && len(link.Seeds) == 0 {
		bad("seeds", "", "is needed with lambdas or targets: they are a comparison's trade-off points", "a list of seeds, e.g. 1-5")
	}
	if len(link.Seeds) > 0 && link.Config.Method != "cosearch" {
		bad("seeds", "", "compares the co-search with its baselines; method="+link.Config.Method+" runs one baseline alone", "no seeds with this method")
	}
	if c := link.Config; c.Method != "cosearch" && len(c.Baselines) > 0 {
		bad("baselines", strings.Join(c.Baselines, ","), "runs beside the co-search only, and method="+c.Method+" runs a baseline alone", "none, with this method")
	}
	return link, errors.Join(errs...)
}

var errUnknownKey = errors.New("unknown key")

func keyNames() []string {
	names := make([]string, len(Keys))
	for i, k := range Keys {
		names[i] = k.Name
	}
	return names
}

// setUI sets a presentation key; its error says what the key accepts.
func (l *Link) setUI(key, value string) error {
	switch key {
	case "run":
		if value != "0" && value != "1" {
			return errors.New("0 or 1")
		}
		l.Run = value == "1"
	case "lock", "hide":
		list, err := parseKeyList(value)
		if err != nil {
			return errors.New("a comma-separated list of configuration keys, or all")
		}
		if key == "lock" {
			l.Lock = list
		} else {
			l.Hide = list
		}
	case "lesson":
		if !slices.Contains(Lessons, value) {
			return errors.New("one of " + strings.Join(Lessons, ", "))
		}
		l.Lesson = value
	case "seeds":
		seeds, err := ParseSeeds(value)
		if err != nil {
			return err
		}
		l.Seeds = seeds
	case "lambdas":
		l.Lambdas = nil
		for _, v := range strings.Split(value, ",") {
			f, err := parseFloat(v)
			if err != nil || !(f > 0 && f <= 1e6) || len(l.Lambdas) == MaxPoints {
				return fmt.Errorf("a comma-separated list of at most %d values of λ in (0, 1e6]", MaxPoints)
			}
			l.Lambdas = append(l.Lambdas, f)
		}
	case "targets":
		l.Targets = nil
		for _, v := range strings.Split(value, ",") {
			lo, hi, ok := cutBand(v)
			a, err1 := parseFloat(lo)
			b, err2 := parseFloat(hi)
			if !ok || err1 != nil || err2 != nil || !(a >= 0 && a < b && b <= 1e12) || len(l.Targets) == MaxPoints {
				return fmt.Errorf("a comma-separated list of at most %d bands lo-hi with 0 ≤ lo < hi ≤ 1e12", MaxPoints)
			}
			l.Targets = append(l.Targets, [2]float64{a, b})
		}
	case "engines":
		engine, _ := KeyByName("engine")
		l.Engines = nil
		for e := range strings.SplitSeq(value, ",") {
			if !slices.Contains(engine.Accepted, e) || slices.Contains(l.Engines, e) {
				return errors.New("a comma-separated list of " + strings.Join(engine.Accepted, ", ") + ", each once")
			}
			l.Engines = append(l.Engines, e)
		}
	case "result":
		if len(value) > MaxResultBytes || strings.Trim(value, base64URLAlphabet) != "" || value == "" {
			return fmt.Errorf("base64url text of at most %d bytes", MaxResultBytes)
		}
		l.Result = value
	default:
		return errUnknownKey
	}
	return nil
}

const base64URLAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// parseKeyList reads a list of configuration key names in canonical order.
func parseKeyList(v string) ([]string, error) {
	if v == "all" {
		return keyNames(), nil
	}
	seen := map[string]bool{}
	for name := range strings.SplitSeq(v, ",") {
		if _, ok := KeyByName(name); !ok || seen[name] {
			return nil, errNotAccepted
		}
		seen[name] = true
	}
	var out []string
	for _, k := range Keys {
		if seen[k.Name] {
			out = append(out, k.Name)
		}
	}
	return out, nil
}

// Encode returns the canonical fragment of the link (without the #): the
// configuration's, then the presentation keys that differ from their
// defaults.
func (l Link) Encode() string {
	var b strings.Builder
	b.WriteString(l.Config.Encode())
	if l.Run {
		b.WriteString("&run=1")
	}
	if len(l.Lock) > 0 {
		b.WriteString("&lock=" + strings.Join(l.Lock, ","))
	}
	if len(l.Hide) > 0 {
		b.WriteString("&hide=" + strings.Join(l.Hide, ","))
	}
	if l.Lesson != "" {
		b.WriteString("&lesson=" + l.Lesson)
	}
	if len(l.Seeds) > 0 {
		b.WriteString("&seeds=" + FormatSeeds(l.Seeds))
	}
	if len(l.Lambdas) > 0 {
		parts := make([]string, len(l.Lambdas))
		for i, f := range l.Lambdas {
			parts[i] = formatFloat(f)
		}
		b.WriteString("&lambdas=" + strings.Join(parts, ","))
	}
	if len(l.Targets) > 0 {
		parts := make([]string, len(l.Targets))
		for i, t := range l.Targets {
			parts[i] = formatFloat(t[0]) + "-" + formatFloat(t[1])
		}
		b.WriteString("&targets=" + strings.Join(parts, ","))
	}
	if len(l.Engines) > 0 {
		b.WriteString("&engines=" + strings.Join(l.Engines, ","))
	}
	if l.Result != "" {
		b.WriteString("&result=" + l.Result)
	}
	return b.String()
}

// escape percent-encodes what a fragment value may not hold literally.
func escape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~,+", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ParseSeeds reads a list of seeds: numbers and ranges separated by
// commas ("1-5", "1,4,9", "1-3,7"), each seed once, at most MaxSeeds.
func ParseSeeds(s string) ([]uint32, error) {
	bad := fmt.Errorf("numbers and ranges separated by commas, e.g. 1-5 or 1,4,9, each seed once, at most %d", MaxSeeds)
	var out []uint32
	seen := map[uint32]bool{}
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseUint(lo, 10, 32)
		if err != nil {
			return nil, bad
		}
		b := a
		if isRange {
			if b, err = strconv.ParseUint(hi, 10, 32); err != nil || b < a || b-a >= MaxSeeds {
				return nil, bad
			}
		}
		for v := a; v <= b; v++ {
			if seen[uint32(v)] || len(out) == MaxSeeds {
				return nil, bad
			}
			seen[uint32(v)] = true
			out = append(out, uint32(v))
		}
	}
	return out, nil
}

// FormatSeeds writes seeds as ParseSeeds reads them, runs of consecutive
// seeds as ranges.
func FormatSeeds(seeds []uint32) string {
	var parts []string
	for i := 0; i < len(seeds); {
		j := i
		for j+1 < len(seeds) && seeds[j+1] == seeds[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, strconv.FormatUint(uint64(seeds[i]), 10)+"-"+strconv.FormatUint(uint64(seeds[j]), 10))
		} else {
			parts = append(parts, strconv.FormatUint(uint64(seeds[i]), 10))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
