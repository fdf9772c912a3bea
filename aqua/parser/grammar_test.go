package parser

import (
	"fmt"
	"io"

	"github.com/alecthomas/participle/v2"
	plexer "github.com/alecthomas/participle/v2/lexer"

	"github.com/aquarium-p2p/aquarium/aqua/lexer"
	"github.com/aquarium-p2p/aquarium/aqua/token"
)

// This file is the participle grammar of one logical line: the
// specification the recursive-descent parser (line.go and the files it
// calls) is held to by TestParserMatchesGrammar and
// FuzzParserMatchesGrammar. convert_test.go turns what it parses into
// the ast package's nodes.
//
// Lines are parsed one at a time, so the grammar never deals with
// indentation: the lexer's layout tokens decide which lines form a block.
// Where a line stands and its first tokens decide which kind of line it
// is (specParser.line in convert_test.go), and only that kind's grammar
// runs. The same text means different
// things in different blocks: "f()" is a call in a function body but an
// arrow declaration in a service.
//
// Alternatives are tried in order and the first that matches wins;
// repetitions take as much as they can; an optional part that starts to
// match but fails is undone as if it were absent (the lookahead is
// participle.MaxLookahead, so participle always backtracks within a
// line).
//
// Token types: Name is an identifier starting with a lower-case letter or
// '_', Class one starting with an upper-case letter. Types must be scalars
// or Class names, which keeps "a: string, b: u32" from being read as an
// arrow type with two parameters.

type gIdent struct {
	Pos  plexer.Position
	Name string `parser:"@(Name | Class)"`
}

// gScalar is a built-in scalar type name.
type gScalar struct {
	Pos  plexer.Position
	Name string `parser:"@('u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'bool' | 'string')"`
}

type gClass struct {
	Pos  plexer.Position
	Name string `parser:"@Class"`
}

type gQual struct {
	Parts []*gIdent `parser:"@@ ('.' @@)*"`
}

type gString struct {
	Pos   plexer.Position
	Value string `parser:"@String"`
}

type gItem struct {
	Name *gQual  `parser:"@@"`
	As   *gIdent `parser:"('as' @@)?"`
}

// Header lines and the first lines of declarations.

type gModule struct {
	Pos      plexer.Position
	Tokens   []plexer.Token
	Keyword  string   `parser:"@('aqua' | 'module')"`
	Name     *gQual   `parser:"@@"`
	All      bool     `parser:"('declares' ( @'*'"`
	Declares []*gItem `parser:"            | @@ (',' @@)* ))?"`
}

type gImport struct {
	Pos    plexer.Position
	Tokens []plexer.Token
	Items  []*gItem `parser:"'import' (@@ (',' @@)* 'from')?"`
	Path   *gString `parser:"@@"`
}

// gUse is an import that may name the module: `use "path" as Ns`.
type gUse struct {
	Pos    plexer.Position
	Tokens []plexer.Token
	Items  []*gItem `parser:"'use' (@@ (',' @@)* 'from')?"`
	Path   *gString `parser:"@@"`
	As     *gQual   `parser:"('as' @@)?"`
}

type gExport struct {
	Pos   plexer.Position
	Items []*gItem `parser:"'export' @@ (',' @@)*"`
}

// gBlockHd is "data Name:" or "ability Name:".
type gBlockHd struct {
	Pos     plexer.Position
	Keyword string  `parser:"@('data' | 'ability')"`
	Name    *gIdent `parser:"@@ ':'"`
}

type gAlias struct {
	Pos  plexer.Position
	Name *gIdent `parser:"'alias' @@ ':'"`
	Type *gType  `parser:"@@"`
}

type gConst struct {
	Pos   plexer.Position
	Name  *gIdent `parser:"'const' @@"`
	Op    string  `parser:"@('=' | '?=')"`
	Value *gExpr  `parser:"@@"`
}

type gService struct {
	Pos    plexer.Position
	Tokens []plexer.Token
	Name   *gIdent `parser:"'service' @@"`
	ID     *gExpr  `parser:"('(' @@ ')')? ':'"`
}

type gFunc struct {
	Pos  plexer.Position
	Name *gIdent    `parser:"'func' @@"`
	Sig  *gArrowSig `parser:"@@ ':'"`
}

// Types.

// gArrowSig is "{Ab}(a: A, b: B) -> R1, R2", the signature with named
// parameters used by functions, closures and service arrows.
type gArrowSig struct {
	Pos       plexer.Position
	Tokens    []plexer.Token
	Abilities []*gQual    `parser:"('{' @@ (',' @@)* '}')?"`
	Params    []*gParam   `parser:"'(' (@@ (',' @@)*)? ')'"`
	Unit      bool        `parser:"('->' ( @('(' ')')"`
	Results   []*gResType `parser:"      | @@ (',' @@)* ))?"`
}

// gParam is "name: Type", also a data field or a stream declaration.
type gParam struct {
	Name *gIdent   `parser:"@@ ':'"`
	Type *gResType `parser:"@@"`
}

// gArrowMember is an arrow of a service or an ability.
type gArrowMember struct {
	Name *gIdent    `parser:"@@"`
	Sig  *gArrowSig `parser:"@@"`
}

// gResType is a type that may be parenthesised, as arrow results and
// parameter types may be.
type gResType struct {
	Paren *gType `parser:"  '(' @@ ')'"`
	Type  *gType `parser:"| @@"`
}

type gType struct {
	Arrow *gArrowType `parser:"  @@"`
	Basic *gBasicType `parser:"| @@"`
}

// gArrowType is "{Ab} A, B -> R" with unnamed parameters.
type gArrowType struct {
	Pos       plexer.Position
	Tokens    []plexer.Token
	Abilities []*gQual      `parser:"('{' @@ (',' @@)* '}')?"`
	Params    []*gBasicType `parser:"(@@ (',' @@)*)? '->'"`
	Unit      bool          `parser:"( @('(' ')')"`
	Results   []*gResType   `parser:"| @@ (',' @@)* )"`
}

type gBasicType struct {
	Pos    plexer.Position
	Top    bool        `parser:"  @'⊤'"`
	Bottom bool        `parser:"| @'⊥'"`
	Array  *gBasicType `parser:"| '[' ']' @@"`
	Option *gBasicType `parser:"| '?' @@"`
	Stream *gBasicType `parser:"| '*' @@"`
	Map    *gBasicType `parser:"| '%' @@"`
	Scalar *gScalar    `parser:"| @@"`
	Named  []*gClass   `parser:"| @@ ('.' @@)*"`
}

// Statements.

type gReturn struct {
	Pos    plexer.Position
	Values []*gExpr `parser:"'<-' @@ (',' @@)*"`
}

type gOn struct {
	Pos  plexer.Position
	Peer *gExpr   `parser:"'on' @@"`
	Via  []*gExpr `parser:"('via' @@)* ':'"`
}

type gJoin struct {
	Pos  plexer.Position
	Args []*gExpr `parser:"'join' @@ (',' @@)*"`
}

type gFor struct {
	Pos   plexer.Position
	First *gIdent `parser:"'for' @@"`
	Value *gIdent `parser:"(',' @@)? '<-'"`
	Iter  *gExpr  `parser:"@@"`
	Mode  string  `parser:"@('par' | 'try' | 'rec')? ':'"`
}

type gParseq struct {
	Pos   plexer.Position
	Value *gIdent  `parser:"'parseq' @@ '<-'"`
	Iter  *gExpr   `parser:"@@"`
	Peer  *gExpr   `parser:"'on' @@"`
	Via   []*gExpr `parser:"('via' @@)* ':'"`
}

type gIf struct {
	Pos  plexer.Position
	Cond *gExpr `parser:"'if' @@ ':'"`
}

type gTry struct {
	Pos plexer.Position
	Kw  string `parser:"@'try' ':'"`
}

// gClause is "else:" or "otherwise:", which continue the statement
// before them.
type gClause struct {
	Kw string `parser:"@('else' | 'otherwise') ':'"`
}

type gCatch struct {
	Pos  plexer.Position
	Name *gIdent `parser:"'catch' @@ ':'"`
}

type gPush struct {
	Stream *gIdent      `parser:"@@"`
	Arrow  plexer.Token `parser:"@'<<-'"`
	First  *gExpr       `parser:"@@"`
	Second *gExpr       `parser:"(',' @@)?"`
}

type gClosure struct {
	Name     *gIdent    `parser:"@@ '='"`
	Detached bool       `parser:"@'func'?"`
	Sig      *gArrowSig `parser:"@@ ':'"`
}

type gAssign struct {
	Name  *gIdent `parser:"@@ '='"`
	Value *gExpr  `parser:"@@"`
}

type gArrowCall struct {
	Results []*gIdent    `parser:"@@ (',' @@)*"`
	Arrow   plexer.Token `parser:"@'<-'"`
	Call    *gExpr       `parser:"@@"`
}

type gServiceID struct {
	Service []*gClass `parser:"@@ ('.' @@)*"`
	ID      *gExpr    `parser:"@@"`
}

// Expressions are an operand and a flat list of (operator, operand)
// pairs; the converter applies precedence and associativity (binary in
// convert_test.go).

type gExpr struct {
	Left *gUnary   `parser:"@@"`
	Rest []*gBinOp `parser:"@@*"`
}

type gBinOp struct {
	Pos   plexer.Position
	Op    string  `parser:"@('||' | '&&' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '+' | '-' | '**' | '*' | '/' | '%')"`
	Right *gUnary `parser:"@@"`
}

type gUnary struct {
	Pos     plexer.Position
	Not     *gUnary   `parser:"  '!' @@"`
	Postfix *gPostfix `parser:"| @@"`
}

type gPostfix struct {
	Atom *gAtom     `parser:"@@"`
	Ops  []*gPostOp `parser:"@@*"`
}

type gPostOp struct {
	Pos    plexer.Position
	Tokens []plexer.Token
	Member *gRef   `parser:"  '.' @@"`
	Index  *gExpr  `parser:"| '[' @@ ']'"`
	Bang   bool    `parser:"| @'!'"`
	BangN  *string `parser:"  @Int?"`
}

// gAtom is an operand.
type gAtom struct {
	Pos      plexer.Position
	Tokens   []plexer.Token
	Ref      *gRef  `parser:"  @@"`
	Lit      *gLit  `parser:"| @@"`
	InitPeer bool   `parser:"| @InitPeer"`
	Coll     *gColl `parser:"| @@"`
	Paren    *gExpr `parser:"| '(' @@ ')'"`
}

// gRef is a name, possibly called: "x", "f(a)", "f{A}(a)"; after a dot,
// a field or a method.
type gRef struct {
	Name      *gIdent       `parser:"@@"`
	Abilities []*gQual      `parser:"('{' @@ (',' @@)* '}')?"`
	Lparen    *plexer.Token `parser:"( @'('"`
	Args      []*gArg       `parser:"  (@@ (',' @@)*)? ')' )?"`
}

// gLit is a number or a string; true and false are names to the grammar
// (see atom).
type gLit struct {
	Pos    plexer.Position
	Neg    bool    `parser:"( @'-'?"`
	Int    *string `parser:"  ( @Int"`
	Float  *string `parser:"  | @Float ) )"`
	String *string `parser:"| @String"`
}

type gColl struct {
	Kind  string   `parser:"@('?' | '*')? '['"`
	Elems []*gExpr `parser:"(@@ (',' @@)*)? ']'"`
}

type gArg struct {
	Key   *gIdent `parser:"(@@ '=')?"`
	Value *gExpr  `parser:"@@"`
}

// One participle parser for each kind of line.
var (
	moduleParser    = build[gModule]()
	importParser    = build[gImport]()
	useParser       = build[gUse]()
	exportParser    = build[gExport]()
	blockHdParser   = build[gBlockHd]()
	aliasParser     = build[gAlias]()
	constParser     = build[gConst]()
	serviceParser   = build[gService]()
	funcParser      = build[gFunc]()
	arrowMemParser  = build[gArrowMember]()
	paramParser     = build[gParam]()
	returnParser    = build[gReturn]()
	onParser        = build[gOn]()
	joinParser      = build[gJoin]()
	forParser       = build[gFor]()
	parseqParser    = build[gParseq]()
	ifParser        = build[gIf]()
	tryParser       = build[gTry]()
	clauseParser    = build[gClause]()
	catchParser     = build[gCatch]()
	pushParser      = build[gPush]()
	closureParser   = build[gClosure]()
	assignParser    = build[gAssign]()
	arrowCallParser = build[gArrowCall]()
	serviceIDParser = build[gServiceID]()
	exprParser      = build[gExpr]()
)

func build[G any]() *participle.Parser[G] {
	return participle.MustBuild[G](
		participle.Lexer(definition{}),
		participle.UseLookahead(participle.MaxLookahead),
	)
}

// sliceLexer feeds the tokens of one line to participle.
type sliceLexer struct {
	file *token.File
	toks []token.Token
	i    int
}

func (l *sliceLexer) Next() (plexer.Token, error) {
	if l.i >= len(l.toks) {
		end := l.file.Size()
		if n := len(l.toks); n > 0 {
			end = l.file.Offset(l.toks[n-1].End)
		}
		return plexer.EOFToken(position(l.file, l.file.Pos(end))), nil
	}
	t := l.toks[l.i]
	l.i++
	return plexer.Token{Type: tokenType(t), Value: t.Text, Pos: position(l.file, t.Pos)}, nil
}

func position(f *token.File, p token.Pos) plexer.Position {
	pos := f.Position(p)
	return plexer.Position{Filename: pos.Filename, Offset: pos.Offset, Line: pos.Line, Column: pos.Column}
}

// Participle token types for the Aqua token kinds.
const (
	ttName plexer.TokenType = -(iota + 2)
	ttClass
	ttInt
	ttFloat
	ttString
	ttInitPeer
	ttPunct
	ttIllegal
)

func tokenType(t token.Token) plexer.TokenType {
	switch t.Kind {
	case token.Ident:
		if isClass(t) {
			return ttClass
		}
		return ttName
	case token.Int:
		return ttInt
	case token.Float:
		return ttFloat
	case token.String:
		return ttString
	case token.InitPeer:
		return ttInitPeer
	case token.Punct:
		return ttPunct
	}
	return ttIllegal
}

// definition makes the Aqua lexer usable as a participle lexer. Lines
// are fed through sliceLexer; Lex lets a grammar be tried on a whole
// input (layout tokens are dropped), as in exprParser.ParseString.
type definition struct{}

func (definition) Symbols() map[string]plexer.TokenType {
	return map[string]plexer.TokenType{
		"EOF": plexer.EOF, "Name": ttName, "Class": ttClass, "Int": ttInt, "Float": ttFloat,
		"String": ttString, "InitPeer": ttInitPeer, "Punct": ttPunct, "Illegal": ttIllegal,
	}
}

func (definition) Lex(filename string, r io.Reader) (plexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filename, err)
	}
	f := token.NewFileSet().AddFile(filename, src)
	toks, errs := lexer.Lex(f)
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("lex %s: %w", filename, err)
	}
	var real []token.Token
	for _, t := range toks {
		switch t.Kind {
		case token.Newline, token.Indent, token.Dedent, token.EOF:
		default:
			real = append(real, t)
		}
	}
	return &sliceLexer{file: f, toks: real}, nil
}
