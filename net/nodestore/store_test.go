package nodestore

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestSurvivesReopenAndExpires(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save("p1/sig", []byte("data-1")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDeadline("p1/sig", 1000); err != nil {
		t.Fatal(err)
	}
	if err := s.Save("p2/sig", []byte("data-2")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDeadline("p2/sig", 5000); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, _ := s.Load("p1/sig"); !bytes.Equal(got, []byte("data-1")) {
		t.Fatalf("after reopen Load = %q", got)
	}
	if got, _ := s.Load("missing"); got != nil {
		t.Errorf("Load(missing) = %q, want nil", got)
	}
	n, err := s.Expire(time.UnixMilli(2000))
	if err != nil || n != 1 {
		t.Fatalf("Expire = %d, %v; want 1", n, err)
	}
	if got, _ := s.Load("p1/sig"); got != nil {
		t.Error("expired particle still stored")
	}
	if got, _ := s.Load("p2/sig"); got == nil {
		t.Error("live particle was expired")
	}
	if err := s.Delete("p2/sig"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Load("p2/sig"); got != nil {
		t.Error("Delete did not delete")
	}
}

func TestOpenStoreInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "particles.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// bbolt's lock is on the open file, so a second open in this process
	// waits for it as another process's would.
	if _, err := Open(path, nil); !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open = %v, want ErrInUse", err)
	}
}
