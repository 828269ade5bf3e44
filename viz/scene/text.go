//go:build js

package scene

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"sync"

	"github.com/dian-explorer/dian/viz"
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

// goRegular is the Go font, parsed once. The view draws its text through
// x/image/font faces (text.GoXFace) rather than text/v2's shaping faces:
// labels and numbers need no shaping, and the HarfBuzz port those bring
// (with the image decoders it links) made up megabytes of the page's
// binary.
var goRegular = sync.OnceValue(func() *opentype.Font {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic("viz: embedded Go font does not parse: " + err.Error()) // a build defect, not input
	}
	return f
})

// fade mixes c halfway to the background: a wire at rest.
func fade(c color.RGBA) color.RGBA {
	m := func(a, b uint8) uint8 { return uint8((int(a) + int(b)*2) / 3) }
	return color.RGBA{m(c.R, viz.Background.R), m(c.G, viz.Background.G), m(c.B, viz.Background.B), 0xff}
}

// human prints a count compactly: 950, 12.3k, 4.56M.
func human(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', 2, 64) + "G"
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 2, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

func bytesText(b int64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// faces keeps one face per size: text/v2 caches glyphs per face.
var faces = map[float64]*text.GoXFace{}

// face returns the face of the Go font at size (rounded to half points).
func face(size float64) *text.GoXFace {
	size = math.Round(size*2) / 2
	f := faces[size]
	if f == nil {
		ff, err := opentype.NewFace(goRegular(), &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingVertical})
		if err != nil {
			panic("viz: a face of the Go font: " + err.Error()) // sizes are ours, not input
		}
		f = text.NewGoXFace(ff)
		faces[size] = f
	}
	return f
}

// textWidth is how wide drawText draws str at size.
func textWidth(str string, size float64) float64 {
	w, _ := text.Measure(str, face(size), 0)
	return w
}

func drawText(dst *ebiten.Image, str string, x, y, size float64, clr color.Color, align text.Align) {
	f := face(size)
	op := &text.DrawOptions{}
	op.GeoM.Translate(math.Round(x), math.Round(y))
	op.ColorScale.ScaleWithColor(clr)
	op.PrimaryAlign = align
	text.Draw(dst, str, f, op)
}
