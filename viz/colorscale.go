package viz

import (
	"image/color"
	"math"
)

// Sequential maps t in [0, 1] to a colour on a sequential scale for the
// probability heatmap: from the page background through Okabe–Ito's sky
// blue to its blue and a dark navy. Lightness falls monotonically with t,
// so the scale reads the same in greyscale and under colour-vision
// deficiencies (it uses one hue family). Values outside [0, 1] and NaN are
// clamped (NaN to 0).
func Sequential(t float64) color.RGBA {
	if !(t > 0) { // also NaN
		t = 0
	}
	t = math.Min(t, 1)
	f := t * float64(len(seqStops)-1)
	i := int(f)
	if i >= len(seqStops)-1 {
		return seqStops[len(seqStops)-1]
	}
	a, b := seqStops[i], seqStops[i+1]
	u := f - float64(i)
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + u*(float64(y)-float64(x)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

var seqStops = []color.RGBA{
	{0xf2, 0xf5, 0xf8, 0xff},
	{0xbf, 0xe0, 0xf3, 0xff},
	{0x56, 0xb4, 0xe9, 0xff}, // sky blue
	{0x00, 0x72, 0xb2, 0xff}, // blue
	{0x0b, 0x2a, 0x4a, 0xff},
}

// Luminance returns the relative luminance of c (WCAG 2), 0 for black to
// 1 for white.
func Luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4) // display only; not a numeric path
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// TextOn returns the text colour readable on background bg: Ink on light
// colours, white on dark ones.
func TextOn(bg color.RGBA) color.RGBA {
	if Luminance(bg) > 0.25 {
		return Ink
	}
	return color.RGBA{0xff, 0xff, 0xff, 0xff}
}

// DataSpaceColor is the colour of a convolution's data space: weights
// bluish green, inputs sky blue, outputs (partial sums) vermillion.
func DataSpaceColor(d int) color.RGBA {
	switch d {
	case 0:
		return Weights
	case 1:
		return Inputs
	}
	return Outputs
}
