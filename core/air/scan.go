package air

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token. AIR has few: brackets, string
// literals, and words. A word is everything else up to white space or an
// unbalanced closing bracket, so "x.$.[0]" is one word; words are
// classified (keyword, number, variable with lens...) by the parser.
type tokKind uint8

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tLBrack
	tRBrack
	tString
	tWord
)

// scanner splits a script into tokens. It works on bytes and decodes UTF-8
// only for non-ASCII characters, which keeps the common case fast.
type scanner struct {
	src string
	off int // offset of the next unread byte

	tok        tokKind
	start, end int // byte range of the current token
}

// next reads the next token into s.tok, s.start and s.end. It returns false
// if the source ends inside a string literal.
func (s *scanner) next() bool {
	src := s.src
	i := s.off
	for i < len(src) {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			i++
			continue
		case ';':
			nl := strings.IndexByte(src[i:], '\n')
			if nl < 0 {
				i = len(src)
			} else {
				i += nl + 1
			}
			continue
		case '(':
			return s.set(tLParen, i, i+1)
		case ')':
			return s.set(tRParen, i, i+1)
		case '[':
			return s.set(tLBrack, i, i+1)
		case ']':
			return s.set(tRBrack, i, i+1)
		case '"':
			q := strings.IndexByte(src[i+1:], '"')
			if q < 0 {
				s.set(tString, i, len(src))
				return false
			}
			return s.set(tString, i, i+q+2)
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(src[i:])
			if unicode.IsSpace(r) {
				i += size
				continue
			}
		}
		return s.set(tWord, i, s.wordEnd(i))
	}
	return s.set(tEOF, len(src), len(src))
}

func (s *scanner) set(k tokKind, start, end int) bool {
	s.tok, s.start, s.end, s.off = k, start, end, end
	return true
}

// wordEnd returns the end of the word starting at i: the first white space,
// or the first ')' or ']' that closes a bracket the word did not open.
func (s *scanner) wordEnd(i int) int {
	src := s.src
	round, square := 0, 0
	for i < len(src) {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			return i
		case '(':
			round++
		case ')':
			if round == 0 {
				return i
			}
			round--
		case '[':
			square++
		case ']':
			if square == 0 {
				return i
			}
			square--
		default:
			if c >= utf8.RuneSelf {
				r, size := utf8.DecodeRuneInString(src[i:])
				if unicode.IsSpace(r) {
					return i
				}
				i += size
				continue
			}
		}
		i++
	}
	return i
}

// text returns the current token's source text.
func (s *scanner) text() string { return s.src[s.start:s.end] }
