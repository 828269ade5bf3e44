package loopnest

import (
	"fmt"
	"math"
	"strings"

	"github.com/dian-explorer/dian/core/accel"
	"github.com/dian-explorer/dian/core/detmath"
)

// Arch is the hardware side of the loop-nest model: the storage levels a
// mapping's levels run on (matched by name), with what an access costs, and
// the MAC units.
type Arch struct {
	Name       string
	Technology string      // e.g. "45nm", "65nm", "40nm"
	Levels     []ArchLevel // storage levels, outermost (DRAM) first
	MAC        ArchCompute // the arithmetic units
	// Containers are the architecture file's containers; After is how many
	// storage levels precede each (a mapping file may target a container
	// with spatial factors, which fan out from the level above it).
	Containers []ArchContainer
	Table      *EnergyTable // the table the energies came from (nil: given explicitly)
	// Unpriced, when not empty, says why the architecture has no energies
	// (a component no table prices); Energy then fails with it.
	Unpriced string
}

// ArchContainer is a container node of an architecture file.
type ArchContainer struct {
	Name         string
	After        int
	MeshX, MeshY int
}

// ArchLevel is one storage level of an Arch.
type ArchLevel struct {
	Name  string
	Class string // "DRAM", "SRAM", "regfile"
	// Instances is how many copies the architecture has; MeshX × MeshY
	// is their layout (MeshY = 1 for a row).
	Instances    int
	MeshX, MeshY int
	// Depth is the capacity in vectors of Width bits (0: unbounded);
	// DataWidth is the bits of one word. BlockSize = Width / DataWidth
	// words move per access.
	Depth            int64
	Width, DataWidth int
	// ReadPJ and WritePJ are the energies of one access of BlockSize words.
	ReadPJ, WritePJ float64
	// NetworkPJ is the energy of moving one word into this level from its
	// parent over the on-chip network (the Eyeriss "NoC" cost); 0 ignores it.
	NetworkPJ float64
	// Bandwidth bounds the words per cycle one instance moves (reads,
	// fills and updates together); 0 is unbounded.
	Bandwidth float64
}

// BlockSize returns the words one access moves (at least 1).
func (l *ArchLevel) BlockSize() int {
	if l.DataWidth <= 0 || l.Width < l.DataWidth {
		return 1
	}
	return l.Width / l.DataWidth
}

// CapacityWords returns the level's capacity in words (0: unbounded).
func (l *ArchLevel) CapacityWords() int64 { return l.Depth * int64(l.BlockSize()) }

// ArchCompute describes the MAC units.
type ArchCompute struct {
	Name      string
	Class     string
	Instances int
	Width     int     // operand bits
	EnergyPJ  float64 // per MAC
}

// Level returns the storage level with the given name, or nil.
func (a *Arch) Level(name string) *ArchLevel {
	for i := range a.Levels {
		if a.Levels[i].Name == name {
			return &a.Levels[i]
		}
	}
	return nil
}

// EnergyBreakdown is the energy of a mapping on an Arch, in pJ.
type EnergyBreakdown struct {
	MAC float64
	// Levels[i].DS[d] is level i's access energy for data space d over all
	// its instances; Network is what moving words into the level costs.
	Levels  []LevelEnergy
	TotalPJ float64
}

// LevelEnergy is one level's share of EnergyBreakdown.
type LevelEnergy struct {
	Name    string
	DS      [MaxDataSpaces]float64
	Network float64
}

func ceilDiv(a, b int64) int64 {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

// Energy prices the counts in st (from a mapping whose levels the arch names)
// with the arch's per-access energies. Like Timeloop, each level is charged
// per access of BlockSize words: ceil(count / BlockSize) accesses per
// instance, reads at ReadPJ and fills and updates at WritePJ, times the
// level's instances. Levels of st that keep nothing (pure fan-outs) need no
// arch level. The sum runs in a fixed order, so the result is bit-identical
// everywhere.
func (a *Arch) Energy(p *Problem, st *Stats, eb *EnergyBreakdown) error {
	if a.Unpriced != "" {
		return fmt.Errorf("loopnest: energy: arch %q is not priced: %s", a.Name, a.Unpriced)
	}
	if cap(eb.Levels) < len(st.Levels) {
		eb.Levels = make([]LevelEnergy, len(st.Levels))
	}
	eb.Levels = eb.Levels[:len(st.Levels)]
	eb.MAC = float64(float64(st.MACs) * a.MAC.EnergyPJ)
	total := eb.MAC
	for i := range st.Levels {
		ls := &st.Levels[i]
		le := &eb.Levels[i]
		*le = LevelEnergy{Name: ls.Name}
		var al *ArchLevel
		for d := range p.DataSpaces {
			s := &ls.DS[d]
			if !s.Kept {
				continue
			}
			if al == nil {
				if al = a.Level(ls.Name); al == nil {
					return fmt.Errorf("loopnest: energy: mapping level %q is not a storage level of arch %q (it has %s)", ls.Name, a.Name, LevelNames(a))
				}
			}
			b := int64(al.BlockSize())
			// Explicit float64() conversions round each product, so no
			// platform fuses them into an FMA.
			perInst := float64(float64(ceilDiv(s.Reads, b))*al.ReadPJ) +
				float64(float64(ceilDiv(s.Fills, b))*al.WritePJ) +
				float64(float64(ceilDiv(s.Updates, b))*al.WritePJ)
			le.DS[d] = float64(perInst * float64(ls.Instances))
			total += le.DS[d]
			if al.NetworkPJ != 0 {
				words := s.Fills
				if p.DataSpaces[d].ReadWrite && i > 0 {
					words += s.Fills + s.PartitionSize // partial sums sent back up
				}
				n := float64(float64(float64(words)*float64(ls.Instances)) * al.NetworkPJ)
				le.Network += n
				total += n
			}
		}
	}
	eb.TotalPJ = total
	return nil
}

func LevelNames(a *Arch) string {
	names := make([]string, len(a.Levels))
	for i := range a.Levels {
		names[i] = a.Levels[i].Name
	}
	return strings.Join(names, ", ")
}

// Cycles returns the run time of st on the arch: the compute-bound cycles,
// or longer if a level with a finite bandwidth cannot move its words in time
// (Timeloop's bandwidth throttling, simplified to one shared port).
func (a *Arch) Cycles(p *Problem, st *Stats) int64 {
	c := st.Cycles
	for i := range st.Levels {
		ls := &st.Levels[i]
		al := a.Level(ls.Name)
		if al == nil || al.Bandwidth <= 0 {
			continue
		}
		var words int64
		for d := range p.DataSpaces {
			s := &ls.DS[d]
			words += s.Reads + s.Fills + s.Updates
		}
		if need := int64(math.Ceil(float64(words) / al.Bandwidth)); need > c {
			c = need
		}
	}
	return c
}

// EnergyTable gives per-word access energies by memory class, so that an
// Arch can be priced from its classes and sizes alone. All energies are pJ
// for one word of WordBits.
type EnergyTable struct {
	Name     string
	Source   string
	WordBits int
	// MAC is one multiply-accumulate of WordBits operands.
	MAC float64
	// DRAM, RF and NoC are per word; SRAM gives the energy of a buffer of
	// the given size in bytes.
	DRAM float64
	RF   float64
	NoC  float64
	SRAM func(bytes int64) float64
}

// Energy tables.
//
// Horowitz45 is M. Horowitz, "Computing's energy problem (and what we can do
// about it)", ISSCC 2014, 45 nm at 0.9 V: an 8-bit integer multiply costs
// 0.2 pJ and an 8-bit add 0.03 pJ; 64-bit SRAM reads cost 10 pJ (8 KB),
// 20 pJ (32 KB) and 100 pJ (1 MB); a 64-bit DRAM access 1.3–2.6 nJ. We take
// 16-bit words: a 16-bit multiply scales the 8-bit one quadratically
// (0.8 pJ, consistent with 3.1 pJ at 32 bits) and the add linearly
// (0.06 pJ); SRAM and DRAM are a quarter of the 64-bit figures (DRAM at the
// 1.95 nJ midpoint); between the SRAM points we interpolate in log(size)
// and below 8 KB scale with √size. The talk gives no register-file figure:
// RF uses the SRAM curve at 512 B, and NoC uses Eyeriss' NoC:RF ratio of 2.
//
// DNA65 is the 65 nm table of the DNA authors' Eyeriss-style simulator
// (tilmto/InstantNet, InstantNet_base/hw_diff_final/test_for_eyeriss.py;
// see docs/METHOD.md §4.4): per 16-bit
// word DRAM→GB 200, GB→NoC 3.78, NoC→RF 1.19, RF→ALU 0.89 and a 16-bit MAC
// 1.6 (the code leaves the unit unstated; it reads as pJ).
//
// EyerissNormalized is Eyeriss' normalised cost per 16-bit word relative
// to a MAC (Y.-H. Chen, J. Emer, V. Sze, "Eyeriss: a spatial architecture
// for energy-efficient dataflow for CNNs", ISCA 2016, Fig. 1, from a 65 nm
// process): DRAM 200, global buffer 6, NoC (PE array) 2, RF 1, MAC 1. Its
// "pJ" are MAC units.
var (
	Horowitz45 = &EnergyTable{
		Name: "45nm", WordBits: 16,
		Source: "Horowitz, ISSCC 2014 (45 nm, 0.9 V), scaled to 16-bit words",
		MAC:    0.8 + 0.06, DRAM: 1950.0 / 4, NoC: 2 * horowitzSRAM(512),
		RF: horowitzSRAM(512), SRAM: horowitzSRAM,
	}
	DNA65 = &EnergyTable{
		Name: "65nm", WordBits: 16,
		Source: "DNA simulator constants (InstantNet_base/hw_diff_final/test_for_eyeriss.py), 65 nm, 16-bit",
		MAC:    1.6, DRAM: 200, NoC: 1.19, RF: 0.89,
		SRAM: func(int64) float64 { return 3.78 },
	}
	EyerissNormalized = &EnergyTable{
		Name: "eyeriss", WordBits: 16,
		Source: "Chen, Emer, Sze, ISCA 2016, Fig. 1: DRAM 200 : buffer 6 : NoC 2 : RF 1 : MAC 1",
		MAC:    1, DRAM: 200, NoC: 2, RF: 1,
		SRAM: func(int64) float64 { return 6 },
	}
)

// horowitzSRAM returns the 45 nm energy of one 16-bit word read from an SRAM
// of the given size (see Horowitz45).
func horowitzSRAM(bytes int64) float64 {
	const kb = 1024
	s := float64(bytes)
	var e64 float64
	switch {
	case s <= 8*kb:
		e64 = 10 * math.Sqrt(s/(8*kb))
	case s <= 32*kb:
		e64 = 10 + float64(float64(10*detmath.Log2(s/(8*kb)))/2)
	case s <= 1024*kb:
		e64 = 20 + float64(float64(80*detmath.Log2(s/(32*kb)))/5)
	default:
		e64 = 100 * math.Sqrt(s/(1024*kb))
	}
	return e64 / 4
}

// EnergyTables returns the built-in tables keyed by name.
func EnergyTables() []*EnergyTable { return []*EnergyTable{Horowitz45, DNA65, EyerissNormalized} }

// EnergyTableFor returns the table for a technology key ("45nm", "65nm",
// "eyeriss").
func EnergyTableFor(tech string) (*EnergyTable, error) {
	for _, t := range EnergyTables() {
		if t.Name == tech {
			return t, nil
		}
	}
	return nil, fmt.Errorf("loopnest: no energy table for technology %q (accepted: 45nm, 65nm, eyeriss)", tech)
}

// TableFor is the energy table a platform's layers are priced with by
// default: the DNA simulator's 65 nm table on a 65 nm platform, Horowitz'
// 45 nm figures otherwise (FPGAs included: the loop-nest model has no FPGA
// energies, so their figures are a 45 nm ASIC's).
func TableFor(p accel.Platform) *EnergyTable {
	if p.TechNM == 65 {
		return DNA65
	}
	return Horowitz45
}

// Price fills the arch's per-access energies from the table, by class and
// size, scaling per-word energies to each level's data width and block.
func (t *EnergyTable) Price(a *Arch) error {
	for i := range a.Levels {
		l := &a.Levels[i]
		bits := l.DataWidth
		if bits <= 0 {
			bits = t.WordBits
		}
		scale := float64(bits) / float64(t.WordBits) * float64(l.BlockSize())
		var word float64
		switch strings.ToLower(l.Class) {
		case "dram":
			word = t.DRAM
		case "regfile", "rf", "register":
			word = t.RF
			l.NetworkPJ = t.NoC * float64(bits) / float64(t.WordBits)
		case "sram", "smartbuffer", "buffer", "storage":
			word = t.SRAM(l.CapacityWords() * int64(bits) / 8)
		default:
			return fmt.Errorf("loopnest: level %q: memory class %q has no entry in table %s (accepted: DRAM, SRAM, regfile)", l.Name, l.Class, t.Name)
		}
		l.ReadPJ = float64(word * scale)
		l.WritePJ = l.ReadPJ
	}
	w := a.MAC.Width
	if w <= 0 {
		w = t.WordBits
	}
	r := float64(w) / float64(t.WordBits)
	a.MAC.EnergyPJ = t.MAC * r * r
	a.Table = t
	return nil
}
