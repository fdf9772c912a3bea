package it

import "fmt"

// Opcode identifies an adapter instruction. The values are the binary
// opcodes of the Marine fork of wasmer-interface-types.
type Opcode uint8

// Adapter instruction opcodes.
const (
	OpArgGet   Opcode = 0x00 // arg.get Index
	OpCallCore Opcode = 0x01 // call-core Index

	OpS8FromI32  Opcode = 0x02
	OpS8FromI64  Opcode = 0x03
	OpS16FromI32 Opcode = 0x04
	OpS16FromI64 Opcode = 0x05
	OpS32FromI32 Opcode = 0x06
	OpS32FromI64 Opcode = 0x07
	OpS64FromI32 Opcode = 0x08
	OpS64FromI64 Opcode = 0x09
	OpI32FromS8  Opcode = 0x0a
	OpI32FromS16 Opcode = 0x0b
	OpI32FromS32 Opcode = 0x0c
	OpI32FromS64 Opcode = 0x0d
	OpI64FromS8  Opcode = 0x0e
	OpI64FromS16 Opcode = 0x0f
	OpI64FromS32 Opcode = 0x10
	OpI64FromS64 Opcode = 0x11
	OpU8FromI32  Opcode = 0x12
	OpU8FromI64  Opcode = 0x13
	OpU16FromI32 Opcode = 0x14
	OpU16FromI64 Opcode = 0x15
	OpU32FromI32 Opcode = 0x16
	OpU32FromI64 Opcode = 0x17
	OpU64FromI32 Opcode = 0x18
	OpU64FromI64 Opcode = 0x19
	OpI32FromU8  Opcode = 0x1a
	OpI32FromU16 Opcode = 0x1b
	OpI32FromU32 Opcode = 0x1c
	OpI32FromU64 Opcode = 0x1d
	OpI64FromU8  Opcode = 0x1e
	OpI64FromU16 Opcode = 0x1f
	OpI64FromU32 Opcode = 0x20
	OpI64FromU64 Opcode = 0x21

	OpStringLiftMemory  Opcode = 0x22
	OpStringLowerMemory Opcode = 0x23
	OpStringSize        Opcode = 0x24

	OpDup   Opcode = 0x34
	OpSwap2 Opcode = 0x35

	OpArrayLiftMemory   Opcode = 0x37 // array.lift_memory Type
	OpArrayLowerMemory  Opcode = 0x38 // array.lower_memory Type
	OpRecordLiftMemory  Opcode = 0x3a // record.lift_memory Index
	OpRecordLowerMemory Opcode = 0x3b // record.lower_memory Index

	OpBoolFromI32 Opcode = 0x3e
	OpI32FromBool Opcode = 0x3f
	OpI32Push     Opcode = 0x40 // i32.push Value
	OpI64Push     Opcode = 0x41 // i64.push Value

	OpByteArrayLiftMemory  Opcode = 0x43
	OpByteArrayLowerMemory Opcode = 0x44
	OpByteArraySize        Opcode = 0x45
)

// Conversion describes a numeric conversion instruction: it pops a value of
// kind From and pushes it as kind To, failing if it does not fit.
type Conversion struct{ From, To Kind }

var conversions = func() map[Opcode]Conversion {
	m := make(map[Opcode]Conversion)
	signed := []Kind{S8, S16, S32, S64}
	unsigned := []Kind{U8, U16, U32, U64}
	for i, k := range signed {
		m[OpS8FromI32+Opcode(2*i)] = Conversion{I32, k}
		m[OpS8FromI64+Opcode(2*i)] = Conversion{I64, k}
		m[OpI32FromS8+Opcode(i)] = Conversion{k, I32}
		m[OpI64FromS8+Opcode(i)] = Conversion{k, I64}
	}
	for i, k := range unsigned {
		m[OpU8FromI32+Opcode(2*i)] = Conversion{I32, k}
		m[OpU8FromI64+Opcode(2*i)] = Conversion{I64, k}
		m[OpI32FromU8+Opcode(i)] = Conversion{k, I32}
		m[OpI64FromU8+Opcode(i)] = Conversion{k, I64}
	}
	m[OpBoolFromI32] = Conversion{I32, Bool}
	m[OpI32FromBool] = Conversion{Bool, I32}
	return m
}()

// Conversion returns the numeric conversion the opcode performs, if it is
// one.
func (op Opcode) Conversion() (Conversion, bool) {
	c, ok := conversions[op]
	return c, ok
}

var opNames = map[Opcode]string{
	OpArgGet: "arg.get", OpCallCore: "call-core",
	OpStringLiftMemory: "string.lift_memory", OpStringLowerMemory: "string.lower_memory", OpStringSize: "string.size",
	OpDup: "dup", OpSwap2: "swap2",
	OpArrayLiftMemory: "array.lift_memory", OpArrayLowerMemory: "array.lower_memory",
	OpRecordLiftMemory: "record.lift_memory", OpRecordLowerMemory: "record.lower_memory",
	OpI32Push: "i32.push", OpI64Push: "i64.push",
	OpByteArrayLiftMemory: "byte_array.lift_memory", OpByteArrayLowerMemory: "byte_array.lower_memory",
	OpByteArraySize: "byte_array.size",
}

func (op Opcode) String() string {
	if n, ok := opNames[op]; ok {
		return n
	}
	if c, ok := op.Conversion(); ok {
		return c.To.String() + ".from_" + c.From.String()
	}
	return fmt.Sprintf("opcode(0x%02x)", uint8(op))
}

func (op Opcode) known() bool {
	_, named := opNames[op]
	_, conv := conversions[op]
	return named || conv
}

// Instruction is one adapter instruction. Index is the immediate of arg.get,
// call-core and the record instructions; Value that of the push
// instructions; Type that of the array instructions.
type Instruction struct {
	Op    Opcode
	Index uint32
	Value int64
	Type  Type
}

func (in Instruction) String() string {
	switch in.Op {
	case OpArgGet, OpCallCore, OpRecordLiftMemory, OpRecordLowerMemory:
		return fmt.Sprintf("%s %d", in.Op, in.Index)
	case OpI32Push, OpI64Push:
		return fmt.Sprintf("%s %d", in.Op, in.Value)
	case OpArrayLiftMemory, OpArrayLowerMemory:
		return fmt.Sprintf("%s %s", in.Op, in.Type)
	}
	return in.Op.String()
}
