package token

import "testing"

func TestFileSetPosition(t *testing.T) {
	s := NewFileSet()
	a := s.AddFile("a.aqua", []byte("aqua A\n\nfunc f():\n  x <- g()\n"))
	b := s.AddFile("b.aqua", []byte("ab\r\ncd"))
	tests := []struct {
		pos  Pos
		want string
	}{
		{NoPos, "-"},
		{a.Pos(0), "a.aqua:1:1"},
		{a.Pos(5), "a.aqua:1:6"},
		{a.Pos(7), "a.aqua:2:1"},
		{a.Pos(10), "a.aqua:3:3"},
		{a.Pos(a.Size()), "a.aqua:5:1"},
		{b.Pos(0), "b.aqua:1:1"},
		{b.Pos(4), "b.aqua:2:1"},
		{b.Pos(b.Size()), "b.aqua:2:3"},
		{Pos(b.Base() + b.Size() + 1), "-"},
	}
	for _, tt := range tests {
		if got := s.Position(tt.pos).String(); got != tt.want {
			t.Errorf("Position(%d) = %s, want %s", tt.pos, got, tt.want)
		}
	}
	if got := b.Line(1); got != "ab" {
		t.Errorf("Line(1) = %q, want %q (without the carriage return)", got, "ab")
	}
}

// TestCloneSharesPositions checks that a clone resolves the positions of
// the files it started with, and that files added later to the clone and
// to the original stay apart.
func TestCloneSharesPositions(t *testing.T) {
	base := NewFileSet()
	lib := base.AddFile("lib.aqua", []byte("alias PeerId: string\n"))
	libPos := lib.Pos(6)

	c1, c2 := base.Clone(), base.Clone()
	f1 := c1.AddFile("one.aqua", []byte("one\n"))
	f2 := c2.AddFile("two.aqua", []byte("two\n"))

	for _, s := range []*FileSet{base, c1, c2} {
		if got := s.Position(libPos).String(); got != "lib.aqua:1:7" {
			t.Errorf("library position in a set of %d files = %s, want lib.aqua:1:7", len(s.Files()), got)
		}
	}
	if got := c1.Position(f1.Pos(1)).String(); got != "one.aqua:1:2" {
		t.Errorf("clone 1: %s, want one.aqua:1:2", got)
	}
	if got := c2.Position(f2.Pos(1)).String(); got != "two.aqua:1:2" {
		t.Errorf("clone 2: %s, want two.aqua:1:2", got)
	}
	if base.File(f1.Pos(1)) != nil {
		t.Error("the original set resolves a position of a file added to its clone")
	}
	if n := len(base.Files()); n != 1 {
		t.Errorf("the original set has %d files after its clones grew, want 1", n)
	}
}

// TestFileSetAdopt checks that files added at chosen bases, or adopted
// from another set, and files added after them all resolve.
func TestFileSetAdopt(t *testing.T) {
	shared := NewFileSet()
	kept := shared.AddFileAt("kept.aqua", []byte("aqua K\n"), 1<<40)
	s := NewFileSet()
	a := s.AddFile("a.aqua", []byte("aqua A\n"))
	s.Adopt(kept)
	s.Adopt(kept) // once only
	b := s.AddFile("b.aqua", []byte("x\ny\n"))
	if n := len(s.Files()); n != 3 {
		t.Fatalf("%d files, want 3", n)
	}
	for _, tt := range []struct {
		pos  Pos
		want string
	}{
		{a.Pos(5), "a.aqua:1:6"},
		{kept.Pos(7), "kept.aqua:2:1"},
		{b.Pos(2), "b.aqua:2:1"},
	} {
		if got := s.Position(tt.pos).String(); got != tt.want {
			t.Errorf("Position(%d) = %s, want %s", tt.pos, got, tt.want)
		}
	}
}

// TestPieces checks a file made of pieces: each offset has the Pos of
// its piece, and each Pos of a piece, its end included, the offset and
// line it stands for, wherever the piece's range lies.
func TestPieces(t *testing.T) {
	s := NewFileSet()
	src := []byte("aqua A\n\nfunc f():\n  x <- g()\nfunc h():\n  y <- g()\n")
	second, third := 8, 29
	f := s.AddPieces("a.aqua", src, []Piece{{0, 1000}, {second, 5000}, {third, 5100}})
	tests := []struct {
		offset int
		pos    Pos
		want   string
	}{
		{0, 1000, "a.aqua:1:1"},
		{second - 1, Pos(1000 + second - 1), "a.aqua:2:1"},
		{second, 5000, "a.aqua:3:1"},
		{second + 7, 5007, "a.aqua:3:8"},
		{third, 5100, "a.aqua:5:1"},
		{len(src), Pos(5100 + len(src) - third), "a.aqua:7:1"},
	}
	for _, tt := range tests {
		if got := f.Pos(tt.offset); got != tt.pos {
			t.Errorf("Pos(%d) = %d, want %d", tt.offset, got, tt.pos)
		}
		if got := s.Position(tt.pos).String(); got != tt.want {
			t.Errorf("Position(%d) = %s, want %s", tt.pos, got, tt.want)
		}
		if got := f.Offset(tt.pos); got != tt.offset {
			t.Errorf("Offset(%d) = %d, want %d", tt.pos, got, tt.offset)
		}
	}
	// The end of a piece is the start of the next.
	if got := s.Position(Pos(1000 + second)).String(); got != "a.aqua:3:1" {
		t.Errorf("the end of the first piece is at %s, want a.aqua:3:1", got)
	}
	if s.File(Pos(5100+len(src)-third+1)) != nil || s.File(999) != nil {
		t.Error("a Pos outside the pieces' ranges is in the file")
	}
}
