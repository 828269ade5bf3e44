//go:build js

package scene

import (
	"image"
	"image/color"
	"math"
	"sync"

	"github.com/dian-explorer/dian/viz"
	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
)

// rectBatch collects filled rectangles and line segments and draws them
// in one DrawTriangles call: hundreds of separate fills a frame cost more
// in wasm than the drawing itself. It also keeps the footprint of what it
// drew, so the next frame can restore just those pixels. The buffers are
// kept between frames.
type rectBatch struct {
	vs   []ebiten.Vertex
	is   []uint16
	foot []image.Rectangle // what was drawn since the footprint was last taken
}

func (b *rectBatch) add(r viz.Rect, clr color.RGBA) {
	b.quad([4][2]float64{{r.X, r.Y}, {r.X + r.W, r.Y}, {r.X, r.Y + r.H}, {r.X + r.W, r.Y + r.H}}, clr)
}

// addLine adds segment w drawn w wide with square ends, as line draws it.
func (b *rectBatch) addLine(seg viz.Wire, w float64, clr color.RGBA) {
	dx, dy := seg.X1-seg.X0, seg.Y1-seg.Y0
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	nx, ny := -dy/n*w/2, dx/n*w/2
	b.quad([4][2]float64{{seg.X0 + nx, seg.Y0 + ny}, {seg.X1 + nx, seg.Y1 + ny}, {seg.X0 - nx, seg.Y0 - ny}, {seg.X1 - nx, seg.Y1 - ny}}, clr)
}

// addDisc adds a disc of radius r around (x, y), as a 16-gon: a vector
// circle is a path of its own, built and drawn apart from the batch.
func (b *rectBatch) addDisc(x, y, r float64, clr color.RGBA) {
	const n = 16
	if len(b.vs)+n > 1<<16 {
		return
	}
	c := uint16(len(b.vs))
	for k := range n {
		sin, cos := math.Sincos(2 * math.Pi * float64(k) / n)
		b.vs = append(b.vs, solidVertex(x+r*cos, y+r*sin, clr))
	}
	for k := uint16(1); k+1 < n; k++ {
		b.is = append(b.is, c, c+k, c+k+1)
	}
	b.foot = append(b.foot, viz.Rect{X: x - r, Y: y - r, W: 2 * r, H: 2 * r}.Bounds().Inset(-1))
}

// quad adds the quadrilateral p0 p1 p3 p2 (two triangles: p0 p1 p2 and
// p1 p3 p2).
func (b *rectBatch) quad(p [4][2]float64, clr color.RGBA) {
	if len(b.vs)+4 > 1<<16 {
		return // beyond uint16 indices; never reached by an array's overlay
	}
	n := uint16(len(b.vs))
	x0, y0, x1, y1 := p[0][0], p[0][1], p[0][0], p[0][1]
	for _, q := range p {
		b.vs = append(b.vs, solidVertex(q[0], q[1], clr))
		x0, y0, x1, y1 = math.Min(x0, q[0]), math.Min(y0, q[1]), math.Max(x1, q[0]), math.Max(y1, q[1])
	}
	b.is = append(b.is, n, n+1, n+2, n+1, n+3, n+2)
	// A pixel more on each side: the rasteriser's rounding.
	b.foot = append(b.foot, viz.Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}.Bounds().Inset(-1))
}

// solidVertex is a vertex at (x, y) filled with clr: it samples the
// middle of the 3 × 3 white image draw uses.
func solidVertex(x, y float64, clr color.RGBA) ebiten.Vertex {
	return ebiten.Vertex{DstX: float32(x), DstY: float32(y), SrcX: 1.5, SrcY: 1.5,
		ColorR: float32(clr.R) / 255, ColorG: float32(clr.G) / 255, ColorB: float32(clr.B) / 255, ColorA: 1}
}

// draw draws the collected shapes onto dst and empties the batch (not the
// footprint).
func (b *rectBatch) draw(dst *ebiten.Image) {
	if len(b.is) > 0 {
		dst.DrawTriangles(b.vs, b.is, whitePixel(), &ebiten.DrawTrianglesOptions{})
	}
	b.vs, b.is = b.vs[:0], b.is[:0]
}

// restore copies the rectangles rs of src onto the same place of dst in
// one call.
func (b *rectBatch) restore(dst, src *ebiten.Image, rs ...image.Rectangle) {
	for _, r := range rs {
		if len(b.vs)+4 > 1<<16 {
			b.flush(dst, src)
		}
		n := uint16(len(b.vs))
		for _, q := range [4]image.Point{r.Min, {r.Max.X, r.Min.Y}, {r.Min.X, r.Max.Y}, r.Max} {
			x, y := float32(q.X), float32(q.Y)
			b.vs = append(b.vs, ebiten.Vertex{DstX: x, DstY: y, SrcX: x, SrcY: y, ColorR: 1, ColorG: 1, ColorB: 1, ColorA: 1})
		}
		b.is = append(b.is, n, n+1, n+2, n+1, n+3, n+2)
	}
	b.flush(dst, src)
}

func (b *rectBatch) flush(dst, src *ebiten.Image) {
	if len(b.is) > 0 {
		dst.DrawTriangles(b.vs, b.is, src, &ebiten.DrawTrianglesOptions{Blend: ebiten.BlendCopy})
	}
	b.vs, b.is = b.vs[:0], b.is[:0]
}

// triangle fills a downward triangle of half-width w whose tip is at (x, y).
func triangle(dst *ebiten.Image, x, y, w float64, clr color.RGBA) {
	var path vector.Path
	path.MoveTo(float32(x), float32(y))
	path.LineTo(float32(x-w), float32(y-w*1.2))
	path.LineTo(float32(x+w), float32(y-w*1.2))
	path.Close()
	fillPath(dst, &path, clr)
}

// fillPath fills a closed path in one colour.
func fillPath(dst *ebiten.Image, path *vector.Path, clr color.RGBA) {
	vs, is := path.AppendVerticesAndIndicesForFilling(nil, nil)
	for i := range vs {
		vs[i].ColorR, vs[i].ColorG, vs[i].ColorB, vs[i].ColorA = float32(clr.R)/255, float32(clr.G)/255, float32(clr.B)/255, 1
	}
	dst.DrawTriangles(vs, is, whitePixel(), &ebiten.DrawTrianglesOptions{})
}

var whitePixel = sync.OnceValue(func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
})

func fillRect(dst *ebiten.Image, r viz.Rect, clr color.Color) {
	vector.DrawFilledRect(dst, float32(r.X), float32(r.Y), float32(r.W), float32(r.H), clr, false)
}

func strokeRect(dst *ebiten.Image, r viz.Rect, w float64, clr color.Color) {
	vector.StrokeRect(dst, float32(r.X), float32(r.Y), float32(r.W), float32(r.H), float32(w), clr, false)
}

// strokeInside draws a frame of width w inside r, leaving r's centre as it
// was.
func strokeInside(dst *ebiten.Image, r viz.Rect, w float64, clr color.Color) {
	fillRect(dst, viz.Rect{X: r.X, Y: r.Y, W: r.W, H: w}, clr)
	fillRect(dst, viz.Rect{X: r.X, Y: r.Y + r.H - w, W: r.W, H: w}, clr)
	fillRect(dst, viz.Rect{X: r.X, Y: r.Y, W: w, H: r.H}, clr)
	fillRect(dst, viz.Rect{X: r.X + r.W - w, Y: r.Y, W: w, H: r.H}, clr)
}

// line draws a segment without anti-aliasing: anti-aliased vector drawing
// breaks Ebiten's batching, and software WebGL (headless Chromium, many
// classroom laptops) then falls well below 30 frames per second.
func line(dst *ebiten.Image, x0, y0, x1, y1, w float64, clr color.Color) {
	vector.StrokeLine(dst, float32(x0), float32(y0), float32(x1), float32(y1), float32(w), clr, false)
}

func dot(dst *ebiten.Image, x, y, r float64, clr color.Color) {
	vector.DrawFilledCircle(dst, float32(x), float32(y), float32(r), clr, false)
}
