package parser

import "github.com/alecthomas/participle/v2/lexer"

// This file is the participle grammar of one logical line. Lines are parsed
// one at a time (see parser.go), so the grammar never deals with
// indentation: the lexer's layout tokens decide which lines form a block.
// A line's first tokens decide which kind of line it is (dispatch.go), and
// only that kind's small grammar runs: participle never tries a dozen
// alternatives, each with its own lookahead, on every line. The same text
// means different things in different blocks: "f()" is a call in a
// function body but an arrow declaration in a service.
//
// Token types: Name is an identifier starting with a lower-case letter or
// '_', Class one starting with an upper-case letter. Types must be scalars
// or Class names, which keeps "a: string, b: u32" from being read as an
// arrow type with two parameters.

// topLine is a header line or the first line of a top-level declaration;
// dispatch fills exactly one field.
type topLine struct {
	Module  *gModule
	Import  *gImport
	Use     *gUse
	Export  *gExport
	Data    *gBlockHd
	Alias   *gAlias
	Const   *gConst
	Service *gService
	Func    *gFunc
}

// memberLine is a line inside data, service or ability; dispatch fills
// one field.
type memberLine struct {
	Arrow *gArrowMember
	Field *gParam
}

// stmtLine is one statement of a function body; dispatch fills one field.
type stmtLine struct {
	Return    *gReturn
	On        *gOn
	Par       *gPrefixed
	Join      *gJoin
	For       *gFor
	Parseq    *gParseq
	If        *gIf
	Else      *gKeyword
	Try       *gTry
	Catch     *gCatch
	Otherwise *gOtherwise
	Decl      *gParam
	Push      *gPush
	Closure   *gClosure
	Assign    *gAssign
	Arrow     *gArrowCall
	ServiceID *gServiceID
	Call      *gExpr
}

type gIdent struct {
	Pos  lexer.Position
	Name string `parser:"@(Name | Class)"`
}

// gScalar is a built-in scalar type name.
type gScalar struct {
	Pos  lexer.Position
	Name string `parser:"@(\"u8\" | \"u16\" | \"u32\" | \"u64\" | \"i8\" | \"i16\" | \"i32\" | \"i64\" | \"f32\" | \"f64\" | \"bool\" | \"string\")"`
}

type gClass struct {
	Pos  lexer.Position
	Name string `parser:"@Class"`
}

type gQual struct {
	Parts []*gIdent `parser:"@@ (\".\" @@)*"`
}

type gString struct {
	Pos   lexer.Position
	Value string `parser:"@String"`
}

type gItem struct {
	Name *gQual  `parser:"@@"`
	As   *gIdent `parser:"(\"as\" @@)?"`
}

type gModule struct {
	Pos      lexer.Position
	Tokens   []lexer.Token
	Keyword  string   `parser:"@(\"aqua\" | \"module\")"`
	Name     *gQual   `parser:"@@"`
	All      bool     `parser:"(\"declares\" ( @\"*\""`
	Declares []*gItem `parser:"            | @@ (\",\" @@)* ))?"`
}

type gImport struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Items  []*gItem `parser:"\"import\" (@@ (\",\" @@)* \"from\")?"`
	Path   *gString `parser:"@@"`
}

type gUse struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Items  []*gItem `parser:"\"use\" (@@ (\",\" @@)* \"from\")?"`
	Path   *gString `parser:"@@"`
	As     *gQual   `parser:"(\"as\" @@)?"`
}

type gExport struct {
	Pos   lexer.Position
	Items []*gItem `parser:"\"export\" @@ (\",\" @@)*"`
}

// gBlockHd is "data Name:" or "ability Name:".
type gBlockHd struct {
	Pos     lexer.Position
	Keyword string  `parser:"@(\"data\" | \"ability\")"`
	Name    *gIdent `parser:"@@ \":\""`
}

type gAlias struct {
	Pos  lexer.Position
	Name *gIdent `parser:"\"alias\" @@ \":\""`
	Type *gType  `parser:"@@"`
}

type gConst struct {
	Pos   lexer.Position
	Name  *gIdent `parser:"\"const\" @@"`
	Op    string  `parser:"@(\"=\" | \"?=\")"`
	Value *gExpr  `parser:"@@"`
}

type gService struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Name   *gIdent `parser:"\"service\" @@"`
	ID     *gExpr  `parser:"(\"(\" @@ \")\")? \":\""`
}

type gFunc struct {
	Pos  lexer.Position
	Name *gIdent    `parser:"\"func\" @@"`
	Sig  *gArrowSig `parser:"@@ \":\""`
}

// gArrowSig is "{Ab}(a: A, b: B) -> R1, R2", the signature with named
// parameters used by functions, closures and service arrows.
type gArrowSig struct {
	Pos       lexer.Position
	Tokens    []lexer.Token
	Abilities []*gQual    `parser:"(\"{\" @@ (\",\" @@)* \"}\")?"`
	Params    []*gParam   `parser:"\"(\" (@@ (\",\" @@)*)? \")\""`
	Unit      bool        `parser:"(\"->\" ( @(\"(\" \")\")"`
	Results   []*gResType `parser:"       | @@ (\",\" @@)* ))?"`
}

// gParam is "name: Type", also a data field or a stream declaration.
type gParam struct {
	Name *gIdent   `parser:"@@ \":\""`
	Type *gResType `parser:"@@"`
}

type gArrowMember struct {
	Name *gIdent    `parser:"@@"`
	Sig  *gArrowSig `parser:"@@"`
}

// gResType is a type that may be parenthesised, as arrow results and
// parameter types may be.
type gResType struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Paren  *gType `parser:"  \"(\" @@ \")\""`
	Type   *gType `parser:"| @@"`
}

type gType struct {
	Arrow *gArrowType `parser:"  @@"`
	Basic *gBasicType `parser:"| @@"`
}

// gArrowType is "{Ab} A, B -> R" with unnamed parameters.
type gArrowType struct {
	Pos       lexer.Position
	Tokens    []lexer.Token
	Abilities []*gQual      `parser:"(\"{\" @@ (\",\" @@)* \"}\")?"`
	Params    []*gBasicType `parser:"(@@ (\",\" @@)*)? \"->\""`
	Unit      bool          `parser:"( @(\"(\" \")\")"`
	Results   []*gResType   `parser:"| @@ (\",\" @@)* )"`
}

type gBasicType struct {
	Pos    lexer.Position
	Top    bool        `parser:"  @\"⊤\""`
	Bottom bool        `parser:"| @\"⊥\""`
	Array  *gBasicType `parser:"| \"[\" \"]\" @@"`
	Option *gBasicType `parser:"| \"?\" @@"`
	Stream *gBasicType `parser:"| \"*\" @@"`
	Map    *gBasicType `parser:"| \"%\" @@"`
	Scalar *gScalar    `parser:"| @@"`
	Named  []*gClass   `parser:"| @@ (\".\" @@)*"`
}

// Statements.

type gReturn struct {
	Pos    lexer.Position
	Values []*gExpr `parser:"\"<-\" @@ (\",\" @@)*"`
}

type gOn struct {
	Pos  lexer.Position
	Peer *gExpr   `parser:"\"on\" @@"`
	Via  []*gExpr `parser:"(\"via\" @@)* \":\""`
}

// gPrefixed is "par S" or "co S"; dispatch parses S on its own.
type gPrefixed struct {
	Pos     lexer.Position
	Keyword string
	Stmt    *stmtLine
}

type gJoin struct {
	Pos  lexer.Position
	Args []*gExpr `parser:"\"join\" @@ (\",\" @@)*"`
}

type gFor struct {
	Pos   lexer.Position
	First *gIdent `parser:"\"for\" @@"`
	Value *gIdent `parser:"(\",\" @@)? \"<-\""`
	Iter  *gExpr  `parser:"@@"`
	Mode  string  `parser:"@(\"par\" | \"try\" | \"rec\")? \":\""`
}

type gParseq struct {
	Pos   lexer.Position
	Value *gIdent  `parser:"\"parseq\" @@ \"<-\""`
	Iter  *gExpr   `parser:"@@"`
	Peer  *gExpr   `parser:"\"on\" @@"`
	Via   []*gExpr `parser:"(\"via\" @@)* \":\""`
}

type gIf struct {
	Pos  lexer.Position
	Cond *gExpr `parser:"\"if\" @@ \":\""`
}

type gKeyword struct {
	Pos lexer.Position
	Kw  string `parser:"@\"else\" \":\""`
}

type gTry struct {
	Pos lexer.Position
	Kw  string `parser:"@\"try\" \":\""`
}

type gOtherwise struct {
	Pos lexer.Position
	Kw  string `parser:"@\"otherwise\" \":\""`
}

type gCatch struct {
	Pos  lexer.Position
	Name *gIdent `parser:"\"catch\" @@ \":\""`
}

type gPush struct {
	Stream *gIdent `parser:"@@"`
	Pos    lexer.Position
	First  *gExpr `parser:"\"<<-\" @@"`
	Second *gExpr `parser:"(\",\" @@)?"`
}

type gClosure struct {
	Name     *gIdent `parser:"@@ \"=\""`
	Pos      lexer.Position
	Detached bool       `parser:"@\"func\"?"`
	Sig      *gArrowSig `parser:"@@ \":\""`
}

type gAssign struct {
	Name  *gIdent `parser:"@@ \"=\""`
	Value *gExpr  `parser:"@@"`
}

type gArrowCall struct {
	Results []*gIdent `parser:"@@ (\",\" @@)*"`
	Pos     lexer.Position
	Call    *gExpr `parser:"\"<-\" @@"`
}

type gServiceID struct {
	Service []*gClass `parser:"@@ (\".\" @@)*"`
	ID      *gExpr    `parser:"@@"`
}

// Expressions are an operand and a flat list of (operator, operand)
// pairs; the converter applies precedence and associativity (climb in
// convert.go). One level instead of one per precedence keeps participle
// from allocating and branching through eight nested structs per operand.

type gExpr struct {
	Left *gUnary   `parser:"@@"`
	Rest []*gBinOp `parser:"@@*"`
}

type gBinOp struct {
	Pos   lexer.Position
	Op    string  `parser:"@(\"||\" | \"&&\" | \"==\" | \"!=\" | \"<=\" | \">=\" | \"<\" | \">\" | \"+\" | \"-\" | \"**\" | \"*\" | \"/\" | \"%\")"`
	Right *gUnary `parser:"@@"`
}

type gUnary struct {
	Pos     lexer.Position
	Not     *gUnary   `parser:"  \"!\" @@"`
	Postfix *gPostfix `parser:"| @@"`
}

type gPostfix struct {
	Atom *gAtom     `parser:"@@"`
	Ops  []*gPostOp `parser:"@@*"`
}

type gPostOp struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Member *gRef   `parser:"  \".\" @@"`
	Index  *gExpr  `parser:"| \"[\" @@ \"]\""`
	Bang   bool    `parser:"| @\"!\""`
	BangN  *string `parser:"  @Int?"`
}

// gAtom is an operand. A name comes first: it is by far the most common,
// and every alternative participle tries before the one that matches
// costs a branch of its state.
type gAtom struct {
	Pos      lexer.Position
	Tokens   []lexer.Token
	Ref      *gRef  `parser:"  @@"`
	Lit      *gLit  `parser:"| @@"`
	InitPeer bool   `parser:"| @InitPeer"`
	Coll     *gColl `parser:"| @@"`
	Paren    *gExpr `parser:"| \"(\" @@ \")\""`
}

// gRef is a name, possibly called: "x", "f(a)", "f{A}(a)"; after a dot,
// a field or a method.
type gRef struct {
	Tokens    []lexer.Token
	Name      *gIdent  `parser:"@@"`
	Abilities []*gQual `parser:"(\"{\" @@ (\",\" @@)* \"}\")?"`
	Call      bool     `parser:"( @\"(\""`
	Args      []*gArg  `parser:"  (@@ (\",\" @@)*)? \")\" )?"`
}

// gLit is a number or a string; true and false are names to the grammar
// (see atom).
type gLit struct {
	Pos    lexer.Position
	Neg    bool    `parser:"( @\"-\"?"`
	Int    *string `parser:"  ( @Int"`
	Float  *string `parser:"  | @Float ) )"`
	String *string `parser:"| @String"`
}

type gColl struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Kind   string   `parser:"@(\"?\" | \"*\")? \"[\""`
	Elems  []*gExpr `parser:"(@@ (\",\" @@)*)? \"]\""`
}

type gArg struct {
	Key   *gIdent `parser:"(@@ \"=\")?"`
	Value *gExpr  `parser:"@@"`
}
