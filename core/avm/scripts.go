package avm

import (
	"sync"

	"github.com/aquarium-p2p/aquarium/core/air"
)

// Scripts remembers the syntax trees of the scripts a host runs, for
// all its particles: the particles of one compiled function carry the
// same script, and parsing it again is a few percent of a short
// particle's runs. A run's Memo keeps the tree for that particle's later
// runs; Scripts serves the first run of the next particle.
//
// It holds at most its budget of script text (and trees in proportion),
// forgetting the scripts it learned first. Trees are only read by runs,
// so particles running at once share them. Safe for concurrent use.
type Scripts struct {
	mu     sync.Mutex
	trees  map[string]air.Instr
	order  []string // oldest first
	bytes  int
	budget int
}

// NewScripts returns a cache of up to budget bytes of script text; a
// script larger than budget/4 is never kept.
func NewScripts(budget int) *Scripts {
	return &Scripts{trees: map[string]air.Instr{}, budget: budget}
}

// parse returns script's tree, from the cache or parsed. A nil Scripts
// only parses.
func (s *Scripts) parse(script string) (air.Instr, error) {
	if s == nil {
		return air.Parse(script)
	}
	s.mu.Lock()
	root, ok := s.trees[script]
	s.mu.Unlock()
	if ok {
		return root, nil
	}
	root, err := air.Parse(script)
	if err != nil || len(script) > s.budget/4 {
		return root, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.trees[script]; ok {
		return root, nil
	}
	for s.bytes+len(script) > s.budget {
		s.bytes -= len(s.order[0])
		delete(s.trees, s.order[0])
		s.order[0] = ""
		s.order = s.order[1:]
	}
	s.trees[script] = root
	s.order = append(s.order, script)
	s.bytes += len(script)
	return root, nil
}
