package protocol

// Lesson is a named classroom lesson (share.Lessons): a few sentences of
// guidance and the link that sets the search up for it. The link locks the
// settings the lesson is not about, so a class compares like with like.
type Lesson struct {
	Name     string   `msgpack:"name"`
	Title    string   `msgpack:"title"`
	Steps    []string `msgpack:"steps"`
	Fragment string   `msgpack:"fragment"` // without the #
}
