package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dian-explorer/dian/core/share"
	"github.com/dian-explorer/dian/core/sweep"
)

func init() {
	register(command{name: "sweep", summary: "run a configuration over seeds, methods and trade-off points, with statistics", run: runSweep})
	register(command{name: "merge", summary: "join the results of a sweep's shards into the whole sweep's", run: runMerge})
}

const sweepUsage = `dian sweep -config FRAGMENT [-seeds 1-5] [-baselines all] [-lambdas 0.01,0.1,1 | -targets LO-HI,...]
           [-engines random,gumbel] [-workers N] [-shard I/N] [-out FILE] [-json]

Runs the configuration once per seed, method and trade-off point; each run
is a URL configuration (with method= naming a baseline run alone on the
co-search's budgets). Prints means with 95% intervals, hypervolumes and
paired comparisons with the co-search; -json prints the whole result.
-out FILE keeps the result there as runs finish, and a sweep started again
with the same -out keeps what finished and runs the rest. -shard I/N runs
every N-th unit from the I-th, for separate processes; dian merge joins them.`

func runSweep(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep", stderr)
	config := fs.String("config", "v="+strconv.Itoa(share.Version), "the search `fragment` every run starts from")
	seedsFlag := fs.String("seeds", "", "seeds: a `list` of numbers and ranges, e.g. 1-5 or 1,4,9 (default: the configuration's seed)")
	baselines := fs.String("baselines", "", "baselines to run beside the co-search, each alone: a `list` of sequential, fixednet, fixedhw, random, or all or none (default: the configuration's)")
	lambdas := fs.String("lambdas", "", "trade-off points: fixed values of λ, e.g. 0.01,0.1,1 (adapt=0)")
	targets := fs.String("targets", "", "trade-off points: target bands of the objective, e.g. 10000-15000,20000-30000 (adapt=1)")
	engines := fs.String("engines", "", "also run the co-search with these accelerator search engines, a `list` (each is compared with the configuration's engine like a baseline)")
	workers := fs.Int("workers", 0, "searches at once (default: one per CPU); the result does not depend on it")
	shardFlag := fs.String("shard", "", "run only shard `I/N` of the units (dian merge joins the shards)")
	out := fs.String("out", "", "keep the result in `FILE` as runs finish, and resume from it")
	asJSON := fs.Bool("json", false, "print the result as JSON instead of tables")
	markdown := fs.Bool("markdown", false, "print the tables as Markdown (as the README's are)")
	assets := fs.String("assets", "assets", "the assets folder (datasets and snapshots)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\nflags:\n", sweepUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	spec, err := sweepSpec(*config, *seedsFlag, *baselines, *lambdas, *targets, *engines)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	var shard sweep.Shard
	if *shardFlag != "" {
		if shard, err = sweep.ParseShard(*shardFlag); err != nil {
			return fmt.Errorf("%w: -shard: %v", errUsage, err)
		}
	}
	if *workers < 0 {
		return fmt.Errorf("%w: -workers %d; accepted 0 (one per CPU) or more", errUsage, *workers)
	}
	var skip []sweep.RunResult
	if *out != "" {
		if data, err := os.ReadFile(*out); err == nil {
			prev, err := sweep.Decode(data, *out)
			if err != nil {
				return fmt.Errorf("-out %s holds no sweep to resume (%v); name a new file", *out, err)
			}
			if prev.Sweep.Config != spec.Base.Encode() {
				return fmt.Errorf("-out %s holds another sweep (%s); name a new file", *out, prev.Sweep.Config)
			}
			skip = prev.Runs
			fmt.Fprintf(stderr, "resuming %s: %d runs done\n", *out, len(skip))
		} else if !os.IsNotExist(err) {
			return err
		}
	}
	in, err := loadInput(*assets, spec.Base)
	if err != nil {
		return err
	}
	in.Version = version()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newCountBar(stderr, *quiet)
	var saveMu sync.Mutex
	save := func(r *sweep.Result) error {
		if *out == "" {
			return nil
		}
		saveMu.Lock()
		defer saveMu.Unlock()
		return writeJSONAtomic(*out, r)
	}
	var partial []sweep.RunResult
	res, runErr := sweep.Run(ctx, spec, in, sweep.Options{Workers: *workers, Shard: shard, Skip: skip,
		Done: func(r sweep.RunResult, done, total int) {
			bar.update(done, total, r)
			if *out != "" {
				partial = append(partial, r)
				save(sweep.NewResult(spec, shard, append(append([]sweep.RunResult(nil), skip...), partial...)))
			}
		}})
	bar.finish()
	if res != nil {
		if err := save(res); err != nil {
			return err
		}
	}
	if runErr != nil {
		if ctx.Err() != nil {
			runErr = fmt.Errorf("%w: %v", errInterrupted, runErr)
		}
		if res != nil && *out != "" {
			return fmt.Errorf("%w (%d runs kept in %s; run the same command again to resume)", runErr, len(res.Runs), *out)
		}
		return runErr
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printSweep(stdout, res, *markdown)
	return nil
}

// writeJSONAtomic writes v to path through a temporary file, so an
// interrupted write never leaves a half-written result.
func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sweep-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// sweepSpec builds a sweep from the command line's flags: they are the
// comparison keys of a link (seeds=, lambdas=, targets=, baselines=), added
// to the configuration, so a sweep and the page's Compare mode read one
// syntax.
func sweepSpec(config, seeds, baselines, lambdas, targets, engines string) (sweep.Spec, error) {
	link, err := share.Parse(config)
	if err != nil {
		return sweep.Spec{}, fmt.Errorf("-config: %v", err)
	}
	if link.Config.Method != "cosearch" {
		return sweep.Spec{}, fmt.Errorf("-config names method=%s; a sweep runs every method itself (-baselines)", link.Config.Method)
	}
	frag := config
	var errs []error
	add := func(flag, key, value string) {
		if value == "" {
			return
		}
		check := "seeds=1&" + key + "=" + value // seeds make the other keys legal
		if key == "seeds" {
			check = "seeds=" + value
		}
		if _, err := share.Parse(check); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %v", flag, value, err))
			return
		}
		frag += "&" + key + "=" + value
	}
	if seeds == "" && len(link.Seeds) == 0 {
		seeds = strconv.FormatUint(uint64(link.Config.Seed), 10)
	}
	add("-seeds", "seeds", seeds)
	add("-lambdas", "lambdas", lambdas)
	add("-targets", "targets", targets)
	add("-engines", "engines", engines)
	if baselines != "" {
		if link.Config.Baselines != nil {
			return sweep.Spec{}, fmt.Errorf("-baselines and the configuration's baselines=: give one")
		}
		add("-baselines", "baselines", baselines)
	}
	if err := errors.Join(errs...); err != nil {
		return sweep.Spec{}, err
	}
	link, err = share.Parse(frag)
	if err != nil {
		return sweep.Spec{}, err
	}
	return sweep.SpecOfLink(link)
}

func runMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", stderr)
	asJSON := fs.Bool("json", false, "print the merged result as JSON instead of tables")
	markdown := fs.Bool("markdown", false, "print the tables as Markdown (as the README's are)")
	out := fs.String("out", "", "also write the merged result to `FILE`")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: dian merge [-json | -markdown] [-out FILE] SHARD.json...\n\nJoins the results of one sweep's shards into what one process running it all gives.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: name the shards' result files", errUsage)
	}
	var parts []*sweep.Result
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		r, err := sweep.Decode(data, name)
		if err != nil {
			return err
		}
		parts = append(parts, r)
	}
	res, err := sweep.Merge(parts...)
	if err != nil {
		return err
	}
	if m := res.Missing(); len(m) > 0 {
		fmt.Fprintf(stderr, "dian merge: %d of %d units have no run yet (the first: %d); the summary covers the rest\n", len(m), res.Sweep.Units, m[0])
	}
	if *out != "" {
		if err := writeJSONAtomic(*out, res); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printSweep(stdout, res, *markdown)
	return nil
}

// countBar is a progress bar of finished runs on a terminal.
type countBar struct {
	p     *progressBar
	start time.Time
}

func newCountBar(w io.Writer, quiet bool) *countBar {
	return &countBar{p: newProgressBar(w, quiet), start: time.Now()}
}

func (b *countBar) update(done, total int, last sweep.RunResult) {
	if !b.p.on {
		return
	}
	const width = 30
	n := width * done / max(total, 1)
	eta := ""
	if done > 0 && done < total {
		el := time.Since(b.start)
		eta = " ETA " + (time.Duration(float64(el)/float64(done)*float64(total)) - el).Round(time.Second).String()
	}
	fmt.Fprintf(b.p.w, "\rsweep %s %d/%d runs%s  last: %s seed %d %s %.1f%% %.0f FPS   ",
		strings.Repeat("█", n)+strings.Repeat("·", width-n), done, total, eta, last.Method, last.Seed, last.Point, 100*last.Accuracy, last.FPS)
	b.p.printed = true
}

func (b *countBar) finish() { b.p.finish() }
