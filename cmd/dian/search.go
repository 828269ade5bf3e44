package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/dian-explorer/dian/core/report"
	"github.com/dian-explorer/dian/core/search"
	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/supernet"
)

func init() {
	register(command{name: "search", summary: "run a co-search given the page's URL fragment", run: runSearch})
}

func runSearch(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("search", stderr)
	config := fs.String("config", "", "the search as a URL fragment, e.g. 'v=2&dataset=digits8&seed=2' (missing keys take their defaults)")
	asJSON := fs.Bool("json", false, "print the result as JSON (the page's window.dianResult)")
	assets := fs.String("assets", "assets", "the assets folder (datasets and snapshots)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	keys := fs.Bool("keys", false, "list the fragment's keys, their defaults and what they accept, and exit")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the search to this file (read it with go tool pprof)")
	checkpoint := fs.String("checkpoint", "", "keep the search's state in this file, every -checkpoint-every and on Ctrl-C, to continue it with -resume")
	every := fs.Duration("checkpoint-every", 30*time.Second, "how often -checkpoint saves (0: at every step)")
	onnxOut := fs.String("onnx-out", "", "write the found network with its trained weights to this ONNX file (opset 13; input: the dataset's pixels as stored, uint8 N×1×H×W; output: logits)")
	resume := fs.String("resume", "", "continue the search whose state this checkpoint file holds (its configuration comes from the file; it keeps saving there unless -checkpoint says elsewhere)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *keys {
		printKeys(stdout)
		return nil
	}
	if *every < 0 {
		return fmt.Errorf("%w: -checkpoint-every %v: want a duration ≥ 0, e.g. 30s", errUsage, *every)
	}
	var resumeState []byte
	var link share.Link
	if *resume != "" {
		cfg, b, err := readCheckpoint(*resume)
		if err != nil {
			return err
		}
		if *config != "" {
			given, err := share.Parse(*config)
			if err != nil {
				return fmt.Errorf("%w: -config: %v", errUsage, err)
			}
			if g, c := (share.Link{Config: given.Config}).Encode(), (share.Link{Config: cfg}).Encode(); g != c {
				return fmt.Errorf("%w: -config %s is not the search %s holds (%s); leave -config out to continue that search", errUsage, g, *resume, c)
			}
		}
		link, resumeState = share.Link{Config: cfg}, b
		if *checkpoint == "" {
			*checkpoint = *resume
		}
	} else {
		var err error
		if link, err = share.Parse(*config); err != nil {
			return fmt.Errorf("%w: -config: %v", errUsage, err)
		}
	}
	in, err := loadInput(*assets, link.Config)
	if err != nil {
		return err
	}
	in.Version = version()
	in.Resume = resumeState
	if *onnxOut != "" {
		ds := in.Data
		in.Trained = func(net *supernet.Supernet, path supernet.Path) error {
			b, err := search.ExportONNX(net, path, ds)
			if err != nil {
				return fmt.Errorf("-onnx-out: %w", err)
			}
			if err := writeAtomic(*onnxOut, b); err != nil {
				return fmt.Errorf("-onnx-out: %w", err)
			}
			return nil
		}
	}
	var saved checkpointFile
	if *checkpoint != "" {
		saved = checkpointFile{path: *checkpoint, every: *every, last: time.Now()}
		in.Checkpoints = saved.checkpoints()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	bar := newProgressBar(stderr, *quiet)
	var phase string
	start := time.Now()
	res, err := search.Run(ctx, link.Config, in, func(e report.Event) { phase = e.Phase; bar.observe(e) })
	bar.finish()
	if err != nil {
		if ctx.Err() != nil {
			if *checkpoint == "" {
				return fmt.Errorf("%w after %.1f s, in the %s phase: nothing was kept (run with -checkpoint FILE to keep the state)", errInterrupted, time.Since(start).Seconds(), phase)
			}
			if saved.step < 0 {
				return fmt.Errorf("%w after %.1f s, in the %s phase, and the state could not be kept: %v", errInterrupted, time.Since(start).Seconds(), phase, err)
			}
			return fmt.Errorf("%w after %.1f s, in the %s phase: the state at step %d of %d is in %s; continue with: dian search -resume %s",
				errInterrupted, time.Since(start).Seconds(), phase, saved.step, saved.steps, *checkpoint, *checkpoint)
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printSummary(stdout, res)
	return nil
}

// startCPUProfile profiles the process into path until the returned
// function is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile %s: %w", path, err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// printKeys lists the keys of a search fragment, the same table the page
// builds its controls from.
func printKeys(w io.Writer) {
	fmt.Fprintf(w, "v=%d, then any of (missing keys take the default):\n\n", share.Version)
	for _, k := range share.Keys {
		fmt.Fprintf(w, "  %-11s default %-10s %s\n  %11s accepts %s\n", k.Name, k.Default(), k.Doc, "", k.Accepts())
	}
	fmt.Fprintln(w, "\nfor the page: run=1, lock=KEYS, hide=KEYS, lesson=NAME, result=TEXT")
}

func printSummary(w io.Writer, r *report.Result) {
	m := r.Metrics
	fmt.Fprintf(w, "config      %s\n", r.Config)
	fmt.Fprintf(w, "network     %s  (%d MACs/image, %d weights)\n", report.DescribeNetwork(r.Network.Ops, r.Network.Bits), r.Network.MACs, r.Network.Params)
	fmt.Fprintf(w, "accuracy    %.2f %%\n", 100*m.Accuracy)
	fmt.Fprintf(w, "hardware    %.0f FPS, %.3f ms, energy %.4g, EDP %.4g, %.0f DSP, %d BRAM18, feasible %v\n",
		m.FPS, m.LatencyMs, m.Energy, m.EDP, m.DSP, m.BRAM18, m.Feasible)
	for _, b := range r.Baselines {
		fmt.Fprintf(w, "baseline    %-10s %s: %.2f %%, %.0f FPS, EDP %.4g\n", b.Name, report.DescribeNetwork(b.Network, b.Bits), 100*b.Metrics.Accuracy, b.Metrics.FPS, b.Metrics.EDP)
	}
	fmt.Fprintf(w, "time        %.1f s\n", r.Timing.TotalSeconds)
}

// progressBar draws one updating line on a terminal and nothing when the
// output is piped or -quiet is given.
type progressBar struct {
	w       io.Writer
	on      bool
	start   time.Time
	last    time.Time
	printed bool
}

func newProgressBar(w io.Writer, quiet bool) *progressBar {
	on := false
	if f, ok := w.(*os.File); ok && !quiet {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			on = true
		}
	}
	return &progressBar{w: w, on: on, start: time.Now()}
}

func (p *progressBar) observe(e report.Event) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond && e.Phase != report.PhaseDone {
		return
	}
	p.last = time.Now()
	frac := 0.0
	if e.Steps > 0 {
		frac = float64(e.Step) / float64(e.Steps)
	}
	const width = 30
	n := int(frac * width)
	bar := strings.Repeat("█", n) + strings.Repeat("·", width-n)
	eta := ""
	if frac > 0.02 && frac < 1 {
		el := time.Since(p.start)
		eta = fmt.Sprintf(" ETA %s", (time.Duration(float64(el)/frac) - el).Round(time.Second))
	}
	hw := ""
	if e.HW != nil {
		hw = fmt.Sprintf(" %.0f FPS", e.HW.FPS)
	}
	fmt.Fprintf(p.w, "\r%-9s %s %3.0f%% acc %.1f%% λ %.3g%s%s   ", e.Phase, bar, 100*frac, 100*e.Accuracy, e.Lambda, hw, eta)
	p.printed = true
}

func (p *progressBar) finish() {
	if p.printed {
		fmt.Fprintln(p.w)
	}
}

// version names this build by its VCS revision when the go command
// recorded one.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return s.Value[:12]
			}
		}
	}
	return "devel"
}

// loadInput loads what a search of c reads from the assets folder dir,
// saying which folder it looked in when that fails.
func loadInput(dir string, c share.Config) (search.Input, error) {
	in, err := search.LoadInput(os.DirFS(dir), c)
	if err != nil {
		return in, fmt.Errorf("%w (in the assets folder %q: run from the repository's root or pass -assets DIR)", err, dir)
	}
	return in, nil
}
