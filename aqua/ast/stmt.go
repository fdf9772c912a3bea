package ast

import "github.com/aquarium-p2p/aquarium/aqua/token"

// Block is the indented body of a function, closure or block statement.
type Block struct {
	Colon token.Pos // the ':' that opened the block
	Stmts []Stmt
}

func (b *Block) Pos() token.Pos { return b.Colon }
func (b *Block) End() token.Pos {
	if n := len(b.Stmts); n > 0 {
		return b.Stmts[n-1].End()
	}
	return b.Colon + 1
}

// CallStmt is "f(a)" or "x, y <- f(a)". When a name in Results is a
// stream already in scope, the result is appended to it.
type CallStmt struct {
	Results []*Ident
	Arrow   token.Pos // the "<-", or NoPos
	Call    Expr      // normally a *CallExpr; the checker reports anything else
}

// AssignStmt is "x = value", including closures ("f = (a: T) -> R:").
type AssignStmt struct {
	Name  *Ident
	Value Expr
}

// PushStmt is "s <<- v", or "m <<- k, v" for a stream map.
type PushStmt struct {
	Stream *Ident
	Arrow  token.Pos
	Key    Expr // nil unless pushing into a stream map
	Value  Expr
}

// DeclStmt declares a stream or stream map: "s: *string", "m: %u32".
type DeclStmt struct {
	Name *Ident
	Type Type
}

// ReturnStmt is "<- a, b".
type ReturnStmt struct {
	Arrow   token.Pos
	Results []Expr
}

// OnStmt is "on peer via r1 via r2:" with its body.
type OnStmt struct {
	On   token.Pos
	Peer Expr
	Via  []Expr
	Body *Block
}

// ParStmt is "par S": S runs in parallel with the statement before it.
type ParStmt struct {
	Par  token.Pos
	Stmt Stmt
}

// CoStmt is "co S": S runs in the background.
type CoStmt struct {
	Co   token.Pos
	Stmt Stmt
}

// JoinStmt is "join a, s[n]": wait until the values are available.
type JoinStmt struct {
	Join token.Pos
	Args []Expr
}

// ForMode is how a for loop runs its iterations.
type ForMode int

// For loop modes.
const (
	ForSeq ForMode = iota // one after another
	ForPar                // "par": all in parallel
	ForTry                // "try": until one succeeds
	ForRec                // "rec": over a stream, including values pushed by the body
)

func (m ForMode) String() string {
	return [...]string{"", "par", "try", "rec"}[m]
}

// ForStmt is "for x <- xs [par|try|rec]:" or "for k, v <- m:" over a
// stream map.
type ForStmt struct {
	For   token.Pos
	Key   *Ident // nil unless iterating a stream map as pairs
	Value *Ident
	Iter  Expr
	Mode  ForMode
	Body  *Block
}

// ParSeqStmt is "parseq x <- xs on peer via r:": each iteration moves to
// its peer and the rest of the script continues there.
type ParSeqStmt struct {
	Parseq token.Pos
	Value  *Ident
	Iter   Expr
	Peer   Expr
	Via    []Expr
	Body   *Block
}

// IfStmt is "if cond:" with an optional "else:".
type IfStmt struct {
	If   token.Pos
	Cond Expr
	Body *Block
	Else *Block // nil if absent
}

// CatchClause is "catch e:" with its body.
type CatchClause struct {
	Catch token.Pos
	Name  *Ident
	Body  *Block
}

// TryStmt is "try:" with optional "catch e:" and "otherwise:". An
// "otherwise" written after any other statement makes an Implicit try
// whose body is that statement.
type TryStmt struct {
	Try       token.Pos // NoPos when Implicit
	Implicit  bool
	Body      *Block
	Catch     *CatchClause
	Otherwise *Block
}

// ServiceIDStmt is "Srv id": calls to Srv in the rest of the scope go to
// the service with that id.
type ServiceIDStmt struct {
	Service *QualName
	ID      Expr
}

// BadStmt stands for a line that could not be parsed.
type BadStmt struct {
	From, To token.Pos
}

func (s *CallStmt) Pos() token.Pos {
	if len(s.Results) > 0 {
		return s.Results[0].Pos()
	}
	return s.Call.Pos()
}
func (s *CallStmt) End() token.Pos   { return s.Call.End() }
func (s *AssignStmt) Pos() token.Pos { return s.Name.Pos() }
func (s *AssignStmt) End() token.Pos { return s.Value.End() }
func (s *PushStmt) Pos() token.Pos   { return s.Stream.Pos() }
func (s *PushStmt) End() token.Pos   { return s.Value.End() }
func (s *DeclStmt) Pos() token.Pos   { return s.Name.Pos() }
func (s *DeclStmt) End() token.Pos   { return s.Type.End() }
func (s *ReturnStmt) Pos() token.Pos { return s.Arrow }
func (s *ReturnStmt) End() token.Pos {
	if n := len(s.Results); n > 0 {
		return s.Results[n-1].End()
	}
	return s.Arrow + 2
}
func (s *OnStmt) Pos() token.Pos     { return s.On }
func (s *OnStmt) End() token.Pos     { return s.Body.End() }
func (s *ParStmt) Pos() token.Pos    { return s.Par }
func (s *ParStmt) End() token.Pos    { return s.Stmt.End() }
func (s *CoStmt) Pos() token.Pos     { return s.Co }
func (s *CoStmt) End() token.Pos     { return s.Stmt.End() }
func (s *JoinStmt) Pos() token.Pos   { return s.Join }
func (s *JoinStmt) End() token.Pos   { return s.Args[len(s.Args)-1].End() }
func (s *ForStmt) Pos() token.Pos    { return s.For }
func (s *ForStmt) End() token.Pos    { return s.Body.End() }
func (s *ParSeqStmt) Pos() token.Pos { return s.Parseq }
func (s *ParSeqStmt) End() token.Pos { return s.Body.End() }
func (s *IfStmt) Pos() token.Pos     { return s.If }
func (s *IfStmt) End() token.Pos {
	if s.Else != nil {
		return s.Else.End()
	}
	return s.Body.End()
}
func (s *TryStmt) Pos() token.Pos {
	if s.Implicit {
		return s.Body.Pos()
	}
	return s.Try
}
func (s *TryStmt) End() token.Pos {
	switch {
	case s.Otherwise != nil:
		return s.Otherwise.End()
	case s.Catch != nil:
		return s.Catch.Body.End()
	}
	return s.Body.End()
}
func (s *ServiceIDStmt) Pos() token.Pos { return s.Service.Pos() }
func (s *ServiceIDStmt) End() token.Pos { return s.ID.End() }
func (s *BadStmt) Pos() token.Pos       { return s.From }
func (s *BadStmt) End() token.Pos       { return s.To }

func (*CallStmt) stmtNode()      {}
func (*AssignStmt) stmtNode()    {}
func (*PushStmt) stmtNode()      {}
func (*DeclStmt) stmtNode()      {}
func (*ReturnStmt) stmtNode()    {}
func (*OnStmt) stmtNode()        {}
func (*ParStmt) stmtNode()       {}
func (*CoStmt) stmtNode()        {}
func (*JoinStmt) stmtNode()      {}
func (*ForStmt) stmtNode()       {}
func (*ParSeqStmt) stmtNode()    {}
func (*IfStmt) stmtNode()        {}
func (*TryStmt) stmtNode()       {}
func (*ServiceIDStmt) stmtNode() {}
func (*BadStmt) stmtNode()       {}
