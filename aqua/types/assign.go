package types

// AssignableTo reports whether a value of type v may be used where type t
// is expected. The rules follow the reference compiler: wider integers
// accept narrower ones, unsigned fits a wider signed type, literals fit
// every type that can hold them, read-only collections accept each other
// except that a stream is required where a stream is expected, data and
// abilities are compared structurally, and arrows take contravariant
// parameters and covariant results.
func AssignableTo(v, t Type) bool {
	if v == t || v == Invalid || t == Invalid || t == Top || v == Bottom {
		return true
	}
	switch t := t.(type) {
	case *Basic:
		vb, ok := v.(*Basic)
		return ok && basicFits(vb, t)
	case *Array:
		e, ok := readOnlyElem(v)
		return ok && AssignableTo(e, t.Elem)
	case *Option:
		switch v := v.(type) {
		case *Option:
			return AssignableTo(v.Elem, t.Elem)
		case *Stream:
			return AssignableTo(v.Elem, t.Elem)
		}
	case *Stream:
		vs, ok := v.(*Stream)
		return ok && AssignableTo(vs.Elem, t.Elem)
	case *StreamMap:
		vm, ok := v.(*StreamMap)
		return ok && AssignableTo(vm.Elem, t.Elem)
	case *Struct:
		vs, ok := v.(*Struct)
		return ok && fieldsFit(vs.Fields, t.Fields)
	case *Ability:
		switch v := v.(type) {
		case *Ability:
			return fieldsFit(v.Fields, t.Fields)
		case *Service:
			return fieldsFit(v.Arrows, t.Fields)
		}
	case *Service:
		vs, ok := v.(*Service)
		return ok && fieldsFit(vs.Arrows, t.Arrows)
	case *Arrow:
		va, ok := v.(*Arrow)
		return ok && arrowFits(va, t)
	}
	return false
}

func readOnlyElem(v Type) (Type, bool) {
	switch v := v.(type) {
	case *Array:
		return v.Elem, true
	case *Option:
		return v.Elem, true
	case *Stream:
		return v.Elem, true
	}
	return nil, false
}

// fieldsFit reports whether every expected field exists in have with a
// fitting type.
func fieldsFit(have, want []Field) bool {
	for _, w := range want {
		h, ok := fieldOf(have, w.Name)
		if !ok || !AssignableTo(h, w.Type) {
			return false
		}
	}
	return true
}

// arrowFits compares arrows as the reference compiler compares products:
// a value that takes fewer parameters (ignoring the extra arguments) or
// returns more results (of which the caller uses a prefix) still fits.
func arrowFits(v, t *Arrow) bool {
	if len(v.Params) > len(t.Params) || len(v.Results) < len(t.Results) || len(v.Abilities) != len(t.Abilities) {
		return false
	}
	for i := range v.Params {
		if !AssignableTo(t.Params[i].Type, v.Params[i].Type) {
			return false
		}
	}
	for i := range t.Results {
		if !AssignableTo(v.Results[i], t.Results[i]) {
			return false
		}
	}
	return true
}

// basicFits implements the scalar part of AssignableTo.
func basicFits(v, t *Basic) bool {
	if v.Kind == t.Kind {
		return true
	}
	switch v.Kind {
	case UntypedUnsigned:
		return t.IsNumber()
	case UntypedSigned:
		return t.isSigned() || t.isFloat() || t.Kind == UntypedFloat
	case UntypedFloat:
		return t.isFloat()
	}
	if !v.IsNumber() || !t.IsNumber() || t.IsUntyped() {
		return false
	}
	vb, tb := bits(v), bits(t)
	switch {
	case v.isFloat():
		return t.isFloat() && tb > vb
	case t.isFloat():
		// Integers fit a float that holds them exactly.
		return vb <= 16 || vb == 32 && t.Kind == F64
	case v.isUnsigned():
		return t.isUnsigned() && tb > vb || t.isSigned() && tb > vb
	default:
		return t.isSigned() && tb > vb
	}
}

func bits(b *Basic) int {
	switch b.Kind {
	case U8, I8:
		return 8
	case U16, I16:
		return 16
	case U32, I32, F32:
		return 32
	}
	return 64
}

// mathResult is the type of an arithmetic operation on a and b: the
// smallest type both fit (i8 and u8 give i16), or i64 when there is none,
// as in the reference compiler. Two literals give a literal.
func mathResult(a, b *Basic) *Basic {
	if a.IsUntyped() && b.IsUntyped() {
		switch {
		case a.Kind == UntypedFloat || b.Kind == UntypedFloat:
			return Typ(UntypedFloat)
		case a.Kind == UntypedSigned || b.Kind == UntypedSigned:
			return Typ(UntypedSigned)
		}
		return Typ(UntypedUnsigned)
	}
	for _, k := range []BasicKind{U8, I8, U16, I16, U32, I32, U64, I64, F32, F64} {
		if t := Typ(k); basicFits(a, t) && basicFits(b, t) {
			return t
		}
	}
	return Typ(I64)
}
