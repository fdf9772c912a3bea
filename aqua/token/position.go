package token

import (
	"fmt"
	"slices"
	"sort"
)

// Pos is a compact source position: an offset into the address space of a
// FileSet. The zero value NoPos means "no position".
type Pos int

// NoPos is the zero Pos, meaning the position is unknown.
const NoPos Pos = 0

// IsValid reports whether p is a known position.
func (p Pos) IsValid() bool { return p != NoPos }

// Position is an expanded source position.
type Position struct {
	Filename string
	Offset   int // byte offset, starting at 0
	Line     int // starting at 1
	Column   int // byte column, starting at 1
}

// IsValid reports whether the position has a line number.
func (p Position) IsValid() bool { return p.Line > 0 }

// String formats the position as file:line:col, the form editors and
// terminals recognise.
func (p Position) String() string {
	s := p.Filename
	if !p.IsValid() {
		if s == "" {
			return "-"
		}
		return s
	}
	if s != "" {
		s += ":"
	}
	return fmt.Sprintf("%s%d:%d", s, p.Line, p.Column)
}

// File is one source file registered in a FileSet.
type File struct {
	name  string
	base  int
	src   []byte
	lines []int // offsets of line starts
	// pieces, when set, give the parts of the file Pos ranges of their
	// own (see Piece); pieces[0].Base is base.
	pieces []Piece
}

// A Piece is a part of a file that has a range of Pos values of its own:
// the bytes from Offset up to the next piece's Offset have the Pos
// values from Base up, and the end of the piece has one more. The
// compiler parses a file a top-level declaration at a time this way, so
// that the syntax tree of a declaration can be reused when the text
// before it changes: its Pos values stay the same, and the File that
// holds it this time says which offsets they are.
type Piece struct {
	Offset int
	Base   int
}

// Name returns the file name given to FileSet.AddFile.
func (f *File) Name() string { return f.name }

// Base returns the Pos of the file's first byte.
func (f *File) Base() int { return f.base }

// Size returns the file length in bytes.
func (f *File) Size() int { return len(f.src) }

// Source returns the file contents.
func (f *File) Source() []byte { return f.src }

// Pos converts a byte offset in the file into a Pos. Offsets are clamped to
// the file, so the end of the file is a valid position too.
func (f *File) Pos(offset int) Pos {
	offset = max(0, min(offset, len(f.src)))
	if f.pieces == nil {
		return Pos(f.base + offset)
	}
	i := sort.Search(len(f.pieces), func(i int) bool { return f.pieces[i].Offset > offset }) - 1
	return Pos(f.pieces[i].Base + offset - f.pieces[i].Offset)
}

// Offset converts a Pos of this file back into a byte offset.
func (f *File) Offset(p Pos) int {
	if f.pieces == nil {
		return max(0, min(int(p)-f.base, len(f.src)))
	}
	i := max(sort.Search(len(f.pieces), func(i int) bool { return f.pieces[i].Base > int(p) })-1, 0)
	end := len(f.src)
	if i+1 < len(f.pieces) {
		end = f.pieces[i+1].Offset
	}
	return max(f.pieces[i].Offset, min(f.pieces[i].Offset+int(p)-f.pieces[i].Base, end))
}

// limit is the last Pos of the file: that of its end.
func (f *File) limit() int {
	if f.pieces == nil {
		return f.base + len(f.src)
	}
	last := f.pieces[len(f.pieces)-1]
	return last.Base + len(f.src) - last.Offset
}

// Position expands p, which must belong to this file.
func (f *File) Position(p Pos) Position {
	off := f.Offset(p)
	i := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	return Position{Filename: f.name, Offset: off, Line: i + 1, Column: off - f.lines[i] + 1}
}

// Line returns the text of line n (1-based) without its line terminator.
func (f *File) Line(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	start := f.lines[n-1]
	end := len(f.src)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	if end > start && f.src[end-1] == '\r' {
		end--
	}
	return string(f.src[start:end])
}

// FileSet holds the files of one compilation and hands out disjoint Pos
// ranges to them. It is not safe for concurrent mutation.
type FileSet struct {
	base  int
	files []*File
}

// NewFileSet returns an empty FileSet.
func NewFileSet() *FileSet { return &FileSet{base: 1} }

// Clone returns a FileSet that starts with the files of s. The Pos values
// of those files mean the same in both sets, so syntax trees and checked
// modules whose positions come from s can be shared with compilations
// that use the clone (the compiler parses its standard library once this
// way). Files added to either set afterwards belong to that set alone.
// Cloning only reads s: a FileSet that is no longer modified may be
// cloned from several goroutines at once.
func (s *FileSet) Clone() *FileSet {
	return &FileSet{base: s.base, files: slices.Clone(s.files)}
}

// AddFile registers a file and its contents.
func (s *FileSet) AddFile(name string, src []byte) *File {
	f := newFile(name, s.base, src)
	s.base += len(src) + 1 // +1 so the end of file is a distinct position
	s.insert(f)
	return f
}

// AddFileAt registers a file at a base the caller chose: a range of Pos
// values no other file of s, nor any file AddFile adds to s later, uses.
// The compiler parses the modules it caches across compilations so,
// each in a range of its own far above the files of any one compilation
// (see Adopt).
func (s *FileSet) AddFileAt(name string, src []byte, base int) *File {
	f := newFile(name, base, src)
	s.insert(f)
	return f
}

// AddPieces registers a file made of pieces, each with a range of Pos
// values of its own, which no other file of s, nor any file AddFile
// adds to s later, uses. The pieces must cover the file in order, the
// first at offset 0, and their ranges must rise: each Base above the
// last Pos of the piece before it, so that Pos values still compare as
// the places they stand for do.
func (s *FileSet) AddPieces(name string, src []byte, pieces []Piece) *File {
	f := newFile(name, pieces[0].Base, src)
	f.pieces = slices.Clone(pieces)
	s.insert(f)
	return f
}

// NewFile returns a file of no FileSet, whose Pos values start at base:
// a piece of a file, parsed on its own.
func NewFile(name string, base int, src []byte) *File {
	return newFile(name, base, src)
}

// Adopt adds a file of another FileSet, with its Pos range, so that the
// syntax trees and checked modules made with that set can be shared with
// this one. The range must be free in s, as AddFileAt requires.
func (s *FileSet) Adopt(f *File) {
	if !slices.Contains(s.files, f) {
		s.insert(f)
	}
}

func newFile(name string, base int, src []byte) *File {
	f := &File{name: name, base: base, src: src, lines: []int{0}}
	for i, c := range src {
		if c == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// insert keeps the files sorted by base, for File.
func (s *FileSet) insert(f *File) {
	i := sort.Search(len(s.files), func(i int) bool { return s.files[i].base > f.base })
	s.files = slices.Insert(s.files, i, f)
}

// File returns the file containing p, or nil.
func (s *FileSet) File(p Pos) *File {
	if !p.IsValid() {
		return nil
	}
	i := sort.Search(len(s.files), func(i int) bool { return s.files[i].base > int(p) }) - 1
	if i < 0 {
		return nil
	}
	f := s.files[i]
	if int(p) > f.limit() {
		return nil
	}
	return f
}

// Position expands p into file, line and column.
func (s *FileSet) Position(p Pos) Position {
	if f := s.File(p); f != nil {
		return f.Position(p)
	}
	return Position{}
}

// Files returns the registered files in the order of their Pos ranges.
func (s *FileSet) Files() []*File { return append([]*File(nil), s.files...) }
