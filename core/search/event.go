package search

import "github.com/dian-explorer/dian/core/report"

// Observer receives events. It is called on the search's goroutine; a slow
// observer slows the search, and one that blocks pauses it.
type Observer func(report.Event)
