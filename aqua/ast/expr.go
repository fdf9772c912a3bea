package ast

import "github.com/aquarium-p2p/aquarium/aqua/token"

// LitKind says what a BasicLit holds.
type LitKind int

// Literal kinds.
const (
	StringLit   LitKind = iota // "text"
	IntLit                     // 42 or -42
	FloatLit                   // 4.2 or -4.2
	BoolLit                    // true or false
	InitPeerLit                // %init_peer_id%
)

// BasicLit is a literal. Value is the source text, quotes included for
// strings and the sign included for negative numbers.
type BasicLit struct {
	ValuePos token.Pos
	Kind     LitKind
	Value    string
}

// ParenExpr is "(X)".
type ParenExpr struct {
	Lparen token.Pos
	X      Expr
	Rparen token.Pos
}

// UnaryExpr is "!X", the only prefix operator.
type UnaryExpr struct {
	OpPos token.Pos
	Op    string
	X     Expr
}

// BinaryExpr is "X op Y" for the arithmetic, comparison and boolean
// operators.
type BinaryExpr struct {
	X     Expr
	OpPos token.Pos
	Op    string
	Y     Expr
}

// CollKind is the kind of a collection literal.
type CollKind int

// Collection literal kinds.
const (
	ArrayColl  CollKind = iota // [a, b]
	OptionColl                 // ?[a, b]
	StreamColl                 // *[a, b]
)

// CollectionLit is "[a, b]", "?[a, b]" or "*[a, b]".
type CollectionLit struct {
	Start  token.Pos // '[' or the '?' / '*' before it
	Kind   CollKind
	Elems  []Expr
	Rbrack token.Pos
}

// KeyValueExpr is a named argument "name = value" in a struct or ability
// construction or in ".copy(...)".
type KeyValueExpr struct {
	Key   *Ident
	Value Expr
}

// CallExpr is a call or a construction: "f(a)", "Srv.f(a)", "f{Ab}(a)",
// "Point(x = 1)", "x.copy(y = 2)", "m.get(k)". The checker decides which
// (see types.CallKind).
type CallExpr struct {
	Fun       Expr // *Ident or *SelectorExpr
	Abilities []Expr
	Lparen    token.Pos
	Args      []Expr // may contain *KeyValueExpr
	Rparen    token.Pos
}

// SelectorExpr is "X.Sel": a field, ".length", or a namespace member.
type SelectorExpr struct {
	X   Expr
	Sel *Ident
}

// IndexExpr is "X[Index]".
type IndexExpr struct {
	X      Expr
	Lbrack token.Pos
	Index  Expr
	Rbrack token.Pos
}

// BangExpr is "X!" (element 0) or "X!N" (element N, a literal).
type BangExpr struct {
	X     Expr
	Bang  token.Pos
	Index *BasicLit // nil for plain "!"
}

// FuncLit is a closure: "(a: T) -> R:" with a body, or "func (a: T) -> R:"
// for a detached closure that runs where it is called.
type FuncLit struct {
	Start    token.Pos
	Detached bool
	Type     *ArrowType
	Body     *Block
}

// BadExpr stands for an expression that could not be parsed.
type BadExpr struct {
	From, To token.Pos
}

func (x *BasicLit) Pos() token.Pos      { return x.ValuePos }
func (x *BasicLit) End() token.Pos      { return x.ValuePos + token.Pos(len(x.Value)) }
func (x *ParenExpr) Pos() token.Pos     { return x.Lparen }
func (x *ParenExpr) End() token.Pos     { return x.Rparen + 1 }
func (x *UnaryExpr) Pos() token.Pos     { return x.OpPos }
func (x *UnaryExpr) End() token.Pos     { return x.X.End() }
func (x *BinaryExpr) Pos() token.Pos    { return x.X.Pos() }
func (x *BinaryExpr) End() token.Pos    { return x.Y.End() }
func (x *CollectionLit) Pos() token.Pos { return x.Start }
func (x *CollectionLit) End() token.Pos { return x.Rbrack + 1 }
func (x *KeyValueExpr) Pos() token.Pos  { return x.Key.Pos() }
func (x *KeyValueExpr) End() token.Pos  { return x.Value.End() }
func (x *CallExpr) Pos() token.Pos      { return x.Fun.Pos() }
func (x *CallExpr) End() token.Pos      { return x.Rparen + 1 }
func (x *SelectorExpr) Pos() token.Pos  { return x.X.Pos() }
func (x *SelectorExpr) End() token.Pos  { return x.Sel.End() }
func (x *IndexExpr) Pos() token.Pos     { return x.X.Pos() }
func (x *IndexExpr) End() token.Pos     { return x.Rbrack + 1 }
func (x *BangExpr) Pos() token.Pos      { return x.X.Pos() }
func (x *BangExpr) End() token.Pos {
	if x.Index != nil {
		return x.Index.End()
	}
	return x.Bang + 1
}
func (x *FuncLit) Pos() token.Pos { return x.Start }
func (x *FuncLit) End() token.Pos {
	if x.Body != nil && len(x.Body.Stmts) > 0 {
		return x.Body.End()
	}
	return x.Type.End()
}
func (x *BadExpr) Pos() token.Pos { return x.From }
func (x *BadExpr) End() token.Pos { return x.To }

func (*BasicLit) exprNode()      {}
func (*ParenExpr) exprNode()     {}
func (*UnaryExpr) exprNode()     {}
func (*BinaryExpr) exprNode()    {}
func (*CollectionLit) exprNode() {}
func (*KeyValueExpr) exprNode()  {}
func (*CallExpr) exprNode()      {}
func (*SelectorExpr) exprNode()  {}
func (*IndexExpr) exprNode()     {}
func (*BangExpr) exprNode()      {}
func (*FuncLit) exprNode()       {}
func (*BadExpr) exprNode()       {}
