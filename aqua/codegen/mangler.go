package codegen

import "strconv"

// mangler hands out unique names the way the reference compiler does, so
// that the generated AIR names match it: the first use of a name keeps
// it, later ones get "-0", "-1"... suffixes.
type mangler struct {
	nums map[string]int
}

// newMangler makes a mangler with room for about size names.
func newMangler(size int) *mangler { return &mangler{nums: make(map[string]int, size)} }

// findNewNames reserves names, renaming those already taken. It returns
// only the renamed ones (nil when none is).
func (m *mangler) findNewNames(names []string) map[string]string {
	var out map[string]string
	for _, name := range names {
		if _, taken := m.nums[name]; !taken {
			m.nums[name] = 0
			continue
		}
		n := m.nums[name]
		for {
			cand := name + "-" + strconv.Itoa(n)
			if _, taken := m.nums[cand]; !taken {
				m.nums[name] = n + 1
				m.nums[cand] = 0
				if out == nil {
					out = map[string]string{}
				}
				out[name] = cand
				break
			}
			n++
		}
	}
	return out
}

// findAndForbid reserves one name and returns what to call it.
func (m *mangler) findAndForbid(name string) string {
	if r, ok := m.findNewNames([]string{name})[name]; ok {
		return r
	}
	return name
}

// forbid marks names as used without renaming them.
func (m *mangler) forbid(names ...string) {
	for _, n := range names {
		if _, ok := m.nums[n]; !ok {
			m.nums[n] = 0
		}
	}
}

// forbidAndRename always renames: the semantic pass's fresh names.
func (m *mangler) forbidAndRename(name string) string {
	m.forbid(name)
	return m.findAndForbid(name)
}
