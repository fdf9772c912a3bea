// Package air is AIR, the Aqua Intermediate Representation, as a language:
// its syntax tree, a parser with the reference interpreter's static checks,
// and a printer whose layout matches the reference Aqua compiler's output.
//
// AIR is parsed at every hop of every particle, so the parser is written for
// speed: a hand-written scanner over the source string and a
// recursive-descent parser that allocates little more than the tree
// itself (names and strings share the source's memory). A participle
// grammar that only recognises AIR's s-expression shape was measured
// against it on a 1 MB script (BenchmarkParseParticiple against
// BenchmarkParse): about 2.5 MB/s against about 100 MB/s on one core, so
// the hand-written parser is the one used.
//
// The accepted language is that of AquaVM 0.62 (the npm @fluencelabs/avm
// release), including its quirks where real scripts depend on them:
//
//   - strings have no escapes; a string ends at the next double quote;
//   - a word runs to white space or an unbalanced ")" or "]", so lenses
//     such as x.$.[0] are part of the word;
//   - instruction names, true and false are reserved words;
//   - there is no null value; [] is the empty value;
//   - floats are at most 11 characters long, a determinism guard;
//   - a trailing "!" on a lens is accepted and dropped;
//   - "defined before use" is positional: a name defined by any
//     instruction that starts earlier counts, even in another par branch;
//   - the value of (ap (key value) %map) and the operand of fail are not
//     checked for definition, as in the reference.
//
// Two differences are deliberate. The reference refuses a lens on a canon
// stream whose name is one character long (#s.$.[0]), an artefact of its
// lexer; this package accepts it.
// Where the reference validator gives up (an xor with a next in both
// branches disables its next-placement check for the rest of the script),
// this package keeps checking the other folds.
package air

// InterpreterVersion is the AquaVM release whose AIR this package speaks.
const InterpreterVersion = "0.62.0"
