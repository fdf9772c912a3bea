package avm_test

import (
	"math/rand/v2"
	"testing"

	"github.com/aquarium-p2p/aquarium/core/avm/avmtest"
)

// The scenario suites live in package avmtest, so that marine/avmnode's
// tests can run them again with avm.wasm on some peers; here they run on
// core/avm alone.

func TestBasicInstructions(t *testing.T) { avmtest.Run(t, avmtest.BasicInstructions(), nil) }

func TestCanonNewAp(t *testing.T) { avmtest.Run(t, avmtest.CanonNewAp(), nil) }

func TestErrorHandling(t *testing.T) { avmtest.Run(t, avmtest.ErrorHandling(), nil) }

func TestFolds(t *testing.T) { avmtest.Run(t, avmtest.Folds(), nil) }

func TestStreamFolds(t *testing.T) { avmtest.Run(t, avmtest.StreamFolds(), nil) }

// TestSuitesAreRun checks that every suite of avmtest has its test here.
func TestSuitesAreRun(t *testing.T) {
	tests := map[string]bool{"BasicInstructions": true, "CanonNewAp": true, "ErrorHandling": true, "Folds": true, "StreamFolds": true}
	for _, s := range avmtest.Suites {
		if !tests[s.Name] {
			t.Errorf("suite %s has no test in core/avm", s.Name)
		}
	}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }
