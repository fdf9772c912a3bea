package sdk

// BoolToI32 is how a bool travels to an imported function: 1 or 0. The
// generated import wrappers call it.
func BoolToI32(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
