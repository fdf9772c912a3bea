package parser

import "github.com/alecthomas/participle/v2/lexer"

// This file is the participle grammar of one logical line. Lines are parsed
// one at a time (see parser.go), so the grammar never deals with
// indentation: the lexer's layout tokens decide which lines form a block.
// Three roots exist because the same text means different things in
// different blocks: "f()" is a call in a function body but an arrow
// declaration in a service.
//
// Token types: Name is an identifier starting with a lower-case letter or
// '_', Class one starting with an upper-case letter. Types must be scalars
// or Class names, which keeps "a: string, b: u32" from being read as an
// arrow type with two parameters.

// topLine is a header line or the first line of a top-level declaration.
type topLine struct {
	Module  *gModule  `parser:"  @@"`
	Import  *gImport  `parser:"| @@"`
	Use     *gUse     `parser:"| @@"`
	Export  *gExport  `parser:"| @@"`
	Data    *gBlockHd `parser:"| @@"`
	Alias   *gAlias   `parser:"| @@"`
	Const   *gConst   `parser:"| @@"`
	Service *gService `parser:"| @@"`
	Func    *gFunc    `parser:"| @@"`
}

// memberLine is a line inside data, service or ability.
type memberLine struct {
	Arrow *gArrowMember `parser:"  @@"`
	Field *gParam       `parser:"| @@"`
}

// stmtLine is one statement of a function body.
type stmtLine struct {
	Return    *gReturn    `parser:"  @@"`
	On        *gOn        `parser:"| @@"`
	Par       *gPrefixed  `parser:"| @@"`
	Join      *gJoin      `parser:"| @@"`
	For       *gFor       `parser:"| @@"`
	Parseq    *gParseq    `parser:"| @@"`
	If        *gIf        `parser:"| @@"`
	Else      *gKeyword   `parser:"| @@"`
	Try       *gTry       `parser:"| @@"`
	Catch     *gCatch     `parser:"| @@"`
	Otherwise *gOtherwise `parser:"| @@"`
	Decl      *gParam     `parser:"| @@"`
	Push      *gPush      `parser:"| @@"`
	Closure   *gClosure   `parser:"| @@"`
	Assign    *gAssign    `parser:"| @@"`
	Arrow     *gArrowCall `parser:"| @@"`
	ServiceID *gServiceID `parser:"| @@"`
	Call      *gExpr      `parser:"| @@"`
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

// gPrefixed is "par S" or "co S".
type gPrefixed struct {
	Pos     lexer.Position
	Keyword string    `parser:"@(\"par\" | \"co\")"`
	Stmt    *stmtLine `parser:"@@"`
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

// Expressions, loosest binding first. Each level is a head and a list of
// (operator, operand) pairs; the converter builds left-associative trees,
// except for "**" which is right-associative.

type gExpr struct {
	Left *gAnd     `parser:"@@"`
	Rest []*gOpAnd `parser:"@@*"`
}

type gOpAnd struct {
	Pos   lexer.Position
	Op    string `parser:"@\"||\""`
	Right *gAnd  `parser:"@@"`
}

type gAnd struct {
	Left *gEq     `parser:"@@"`
	Rest []*gOpEq `parser:"@@*"`
}

type gOpEq struct {
	Pos   lexer.Position
	Op    string `parser:"@\"&&\""`
	Right *gEq   `parser:"@@"`
}

type gEq struct {
	Left *gCmp     `parser:"@@"`
	Rest []*gOpCmp `parser:"@@*"`
}

type gOpCmp struct {
	Pos   lexer.Position
	Op    string `parser:"@(\"==\" | \"!=\")"`
	Right *gCmp  `parser:"@@"`
}

// gCmp is not associative: "a < b < c" does not parse.
type gCmp struct {
	Left *gAdd     `parser:"@@"`
	Rest []*gOpAdd `parser:"@@?"`
}

type gOpAdd struct {
	Pos   lexer.Position
	Op    string `parser:"@(\"<=\" | \">=\" | \"<\" | \">\")"`
	Right *gAdd  `parser:"@@"`
}

type gAdd struct {
	Left *gMul     `parser:"@@"`
	Rest []*gOpMul `parser:"@@*"`
}

type gOpMul struct {
	Pos   lexer.Position
	Op    string `parser:"@(\"+\" | \"-\")"`
	Right *gMul  `parser:"@@"`
}

type gMul struct {
	Left *gPow     `parser:"@@"`
	Rest []*gOpPow `parser:"@@*"`
}

type gOpPow struct {
	Pos   lexer.Position
	Op    string `parser:"@(\"*\" | \"/\" | \"%\")"`
	Right *gPow  `parser:"@@"`
}

type gPow struct {
	Left  *gUnary `parser:"@@"`
	Pos   lexer.Position
	Right *gPow `parser:"(\"**\" @@)?"`
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
	Method *gMethod `parser:"  \".\" @@"`
	Field  *gIdent  `parser:"| \".\" @@"`
	Index  *gExpr   `parser:"| \"[\" @@ \"]\""`
	Bang   bool     `parser:"| @\"!\""`
	BangN  *string  `parser:"  @Int?"`
}

type gMethod struct {
	Name      *gIdent  `parser:"@@"`
	Abilities []*gQual `parser:"(\"{\" @@ (\",\" @@)* \"}\")?"`
	Args      []*gArg  `parser:"\"(\" (@@ (\",\" @@)*)? \")\""`
}

type gAtom struct {
	Pos      lexer.Position
	Tokens   []lexer.Token
	Lit      *gLit   `parser:"  @@"`
	InitPeer bool    `parser:"| @InitPeer"`
	Coll     *gColl  `parser:"| @@"`
	Paren    *gExpr  `parser:"| \"(\" @@ \")\""`
	Call     *gCall  `parser:"| @@"`
	Name     *gIdent `parser:"| @@"`
}

type gLit struct {
	Pos    lexer.Position
	Neg    bool    `parser:"( @\"-\"?"`
	Int    *string `parser:"  ( @Int"`
	Float  *string `parser:"  | @Float ) )"`
	String *string `parser:"| @String"`
	Bool   *string `parser:"| @(\"true\" | \"false\")"`
}

type gColl struct {
	Pos    lexer.Position
	Tokens []lexer.Token
	Kind   string   `parser:"@(\"?\" | \"*\")? \"[\""`
	Elems  []*gExpr `parser:"(@@ (\",\" @@)*)? \"]\""`
}

type gCall struct {
	Name      *gIdent  `parser:"@@"`
	Abilities []*gQual `parser:"(\"{\" @@ (\",\" @@)* \"}\")?"`
	Args      []*gArg  `parser:"\"(\" (@@ (\",\" @@)*)? \")\""`
	Tokens    []lexer.Token
}

type gArg struct {
	Key   *gIdent `parser:"(@@ \"=\")?"`
	Value *gExpr  `parser:"@@"`
}
