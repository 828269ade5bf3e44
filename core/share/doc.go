// Package share defines the URL form of a search: every setting, the seed,
// and optionally the result, as the fragment of a link (#v=2&dataset=…).
//
// The same fragment drives the page and `dian search -config`, so whoever
// opens a link runs the same search, bit for bit. Parsing is strict: an
// unknown key, a repeated key, a bad value, an out-of-range number or an
// unsupported version is an error that names the key and what is accepted;
// nothing falls back to a default silently. Missing keys take the defaults
// documented in Keys, as they were in the link's version: a v=1 link keeps
// version 1's defaults (OldDefaults), so it gives the search it always gave. Encoding is canonical: every key, in table order, so
// two equal configurations always give the same string.
package share
