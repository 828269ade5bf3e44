package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dian-explorer/dian/core/stats"
	"github.com/dian-explorer/dian/core/sweep"
)

// A textTable is one of the summary's tables, printed aligned for a
// terminal or as Markdown.
type textTable struct {
	title  string
	header []string
	rows   [][]string
}

// printSweep writes a sweep's summary: what was swept, then per method the
// means with their 95% intervals over all points and at each point, then
// the paired comparisons with the co-search.
func printSweep(w io.Writer, r *sweep.Result, markdown bool) {
	h := r.Sweep
	shard := ""
	if h.Shard != "" {
		shard = fmt.Sprintf(" (shard %s)", h.Shard)
	}
	intro := []string{
		fmt.Sprintf("sweep    %s", h.Config),
		fmt.Sprintf("         seeds %v, points %s, %d of %d runs%s", h.Seeds, strings.Join(h.Points, " "), len(r.Runs), h.Units, shard),
		fmt.Sprintf("         hypervolume: (accuracy − %g) × %s above 0, one value per seed over the points", h.Reference.Accuracy, h.Reference.Axis),
	}
	if markdown {
		intro = []string{fmt.Sprintf("`%s`, seeds %v, points %s, %d of %d runs%s; hypervolume: (accuracy − %g) × %s above 0, one value per seed over the points.",
			h.Config, h.Seeds, strings.Join(h.Points, " "), len(r.Runs), h.Units, shard, h.Reference.Accuracy, h.Reference.Axis)}
	}
	for _, l := range intro {
		fmt.Fprintln(w, l)
	}
	for _, t := range sweepTables(r) {
		fmt.Fprintln(w)
		if t.title != "" {
			fmt.Fprintln(w, t.title)
			if markdown {
				fmt.Fprintln(w)
			}
		}
		if markdown {
			fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(t.header, " | "), strings.Repeat("---|", len(t.header)))
			for _, row := range t.rows {
				fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
			}
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(t.header, "\t"))
		for _, row := range t.rows {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		tw.Flush()
	}
}

// sweepTables are the tables printSweep writes.
func sweepTables(r *sweep.Result) []textTable {
	h := r.Sweep
	methods := textTable{header: []string{"method", "searches", "accuracy %", "FPS", "hypervolume", "budget: train steps, evaluations"}}
	for _, m := range h.Methods {
		s := r.Summary[m]
		methods.rows = append(methods.rows, []string{m, fmt.Sprintf("%d/%d feasible", s.Feasible, s.Runs),
			percent(s.Accuracy), ci(s.FPS, 1), ci(s.Hypervolume, 1), fmt.Sprintf("%d, %d", s.TrainSteps[1], s.HWEvaluations[1])})
	}
	tables := []textTable{methods}
	if len(h.Points) > 1 {
		points := textTable{title: fmt.Sprintf("at each point (accuracy %%, then %s):", h.Reference.Axis), header: append([]string{"method"}, h.Points...)}
		for _, m := range h.Methods {
			row := []string{m}
			for _, p := range r.Summary[m].Points {
				row = append(row, percent(p.Accuracy)+"  "+ci(p.Objective, 1))
			}
			points.rows = append(points.rows, row)
		}
		tables = append(tables, points)
	}
	versus := textTable{title: "co-search against each method, seed by seed (hypervolume, co-search minus the method):",
		header: []string{"method", "wins", "mean difference [95%]", "p_sign", "p_t"}}
	for _, m := range h.Methods {
		if v := r.Summary[m].VsCosearch; v != nil {
			p := v.Hypervolume
			versus.rows = append(versus.rows, []string{m, fmt.Sprintf("%d/%d", p.Wins, p.N),
				fmt.Sprintf("%s [%s, %s]", num(p.Diff.Mean), num(p.Diff.CI95[0]), num(p.Diff.CI95[1])),
				fmt.Sprintf("%.2g", p.PSign), fmt.Sprintf("%.2g", p.PT)})
		}
	}
	if len(versus.rows) > 0 {
		tables = append(tables, versus)
	}
	return tables
}

// ci writes a mean and its 95% interval, scaled.
func ci(s stats.Summary, scale float64) string {
	if s.N == 0 {
		return "—"
	}
	return fmt.Sprintf("%s [%s, %s]", num(s.Mean*scale), num(s.CI95[0]*scale), num(s.CI95[1]*scale))
}

// percent writes an accuracy's mean and 95% interval in percent, to
// two decimals (one test image in 10,000 is 0.01).
func percent(s stats.Summary) string {
	if s.N == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f [%.2f, %.2f]", 100*s.Mean, 100*s.CI95[0], 100*s.CI95[1])
}

// num writes a table's number: whole above 1000, four significant digits
// below (objectives like 1/energy are small).
func num(v float64) string {
	if math.Abs(v) >= 1000 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
