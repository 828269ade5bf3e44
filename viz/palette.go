package viz

import "image/color"

// The palette is Okabe and Ito's colour-blind-safe set (2008), which stays
// distinguishable under the common colour-vision deficiencies, on a light
// background that reads well on classroom projectors.
var (
	Background = color.RGBA{0xf7, 0xf7, 0xf5, 0xff}
	Ink        = color.RGBA{0x22, 0x22, 0x22, 0xff} // text and outlines
	Muted      = color.RGBA{0x6b, 0x6b, 0x6b, 0xff} // secondary text
	PEIdle     = color.RGBA{0x00, 0x72, 0xb2, 0xff} // blue
	PEBusy     = color.RGBA{0xe6, 0x9f, 0x00, 0xff} // orange
	Weights    = color.RGBA{0x00, 0x9e, 0x73, 0xff} // bluish green
	Inputs     = color.RGBA{0x56, 0xb4, 0xe9, 0xff} // sky blue
	Outputs    = color.RGBA{0xd5, 0x5e, 0x00, 0xff} // vermillion
	Highlight  = color.RGBA{0xcc, 0x79, 0xa7, 0xff} // reddish purple
)
