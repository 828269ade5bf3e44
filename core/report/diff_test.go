package report

import "testing"

func TestDiff(t *testing.T) {
	for _, tt := range []struct{ a, b, want string }{
		{`{"a": 1, "b": [1, 2]}`, `{"b": [1, 2], "a": 1}`, ""},
		{`{"a": 1, "b": [1, 2]}`, `{"a": 1, "b": [1, 3]}`, "b[1]: 2, other 3"},
		{`{"m": {"fps": 18571.4}}`, `{"m": {"fps": 18571.5}}`, "m.fps: 18571.4, other 18571.5"},
		{`{"a": 1}`, `{"a": 1, "z": true}`, "z: absent, other true"},
		{`[1]`, `[1, 2]`, "(the document): [1], other [1,2]"},
		{`{"x": 0.30000000000000004}`, `{"x": 0.3}`, "x: 0.30000000000000004, other 0.3"},
	} {
		got, err := Diff([]byte(tt.a), []byte(tt.b))
		if err != nil || got != tt.want {
			t.Errorf("Diff(%s, %s) = %q, %v; want %q", tt.a, tt.b, got, err, tt.want)
		}
	}
	if _, err := Diff([]byte(`{`), []byte(`{}`)); err == nil {
		t.Error("Diff accepted a broken document")
	}
}
