package ast

// Inspect walks the tree rooted at n in depth-first order, calling f for
// each node; if f returns false the node's children are skipped. Editors
// use it to find the node under the cursor.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	walkChildren(n, func(c Node) { Inspect(c, f) })
}

func walkChildren(n Node, visit func(Node)) {
	exprs := func(xs []Expr) {
		for _, x := range xs {
			visit(x)
		}
	}
	fields := func(fs []*Field) {
		for _, f := range fs {
			visit(f)
		}
	}
	opt := func(x Node, ok bool) {
		if ok {
			visit(x)
		}
	}
	switch n := n.(type) {
	case *File:
		if n.Header != nil {
			visit(n.Header)
		}
		for _, im := range n.Imports {
			visit(im)
		}
		for _, ex := range n.Exports {
			visit(ex)
		}
		for _, d := range n.Decls {
			visit(d)
		}
	case *Field:
		opt(n.Name, n.Name != nil)
		visit(n.Type)
	case *DataDecl:
		visit(n.Name)
		fields(n.Fields)
	case *AliasDecl:
		visit(n.Name)
		visit(n.Type)
	case *ConstDecl:
		visit(n.Name)
		visit(n.Value)
	case *ServiceDecl:
		visit(n.Name)
		opt(n.DefaultID, n.DefaultID != nil)
		fields(n.Arrows)
	case *AbilityDecl:
		visit(n.Name)
		fields(n.Fields)
	case *FuncDecl:
		visit(n.Name)
		visit(n.Type)
		visit(n.Body)
	case *ArrowType:
		for _, a := range n.Abilities {
			visit(a)
		}
		fields(n.Params)
		for _, r := range n.Results {
			visit(r)
		}
	case *ArrayType:
		visit(n.Elem)
	case *OptionType:
		visit(n.Elem)
	case *StreamType:
		visit(n.Elem)
	case *StreamMapType:
		visit(n.Elem)
	case *Block:
		for _, s := range n.Stmts {
			visit(s)
		}
	case *CallStmt:
		for _, r := range n.Results {
			visit(r)
		}
		visit(n.Call)
	case *AssignStmt:
		visit(n.Name)
		visit(n.Value)
	case *PushStmt:
		visit(n.Stream)
		opt(n.Key, n.Key != nil)
		visit(n.Value)
	case *DeclStmt:
		visit(n.Name)
		visit(n.Type)
	case *ReturnStmt:
		exprs(n.Results)
	case *OnStmt:
		visit(n.Peer)
		exprs(n.Via)
		visit(n.Body)
	case *ParStmt:
		visit(n.Stmt)
	case *CoStmt:
		visit(n.Stmt)
	case *JoinStmt:
		exprs(n.Args)
	case *ForStmt:
		opt(n.Key, n.Key != nil)
		visit(n.Value)
		visit(n.Iter)
		visit(n.Body)
	case *ParSeqStmt:
		visit(n.Value)
		visit(n.Iter)
		visit(n.Peer)
		exprs(n.Via)
		visit(n.Body)
	case *IfStmt:
		visit(n.Cond)
		visit(n.Body)
		opt(n.Else, n.Else != nil)
	case *TryStmt:
		visit(n.Body)
		if n.Catch != nil {
			visit(n.Catch.Name)
			visit(n.Catch.Body)
		}
		opt(n.Otherwise, n.Otherwise != nil)
	case *ServiceIDStmt:
		visit(n.ID)
	case *ParenExpr:
		visit(n.X)
	case *UnaryExpr:
		visit(n.X)
	case *BinaryExpr:
		visit(n.X)
		visit(n.Y)
	case *CollectionLit:
		exprs(n.Elems)
	case *KeyValueExpr:
		visit(n.Key)
		visit(n.Value)
	case *CallExpr:
		visit(n.Fun)
		exprs(n.Abilities)
		exprs(n.Args)
	case *SelectorExpr:
		visit(n.X)
		visit(n.Sel)
	case *IndexExpr:
		visit(n.X)
		visit(n.Index)
	case *BangExpr:
		visit(n.X)
	case *FuncLit:
		visit(n.Type)
		visit(n.Body)
	}
}
