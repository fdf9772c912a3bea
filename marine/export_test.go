package marine

import "context"

// NewInterpreted is New for a runtime that runs modules on wazero's
// interpreter, for the fuzz test of module loading.
func NewInterpreted(ctx context.Context, opts Options) (*Runtime, error) {
	r, err := New(ctx, opts)
	if err != nil {
		return nil, err
	}
	r.interpret = true
	return r, nil
}
