package main

import (
	"encoding/json"
	"os"
	"testing"
)

func TestLoadDataMergesFileAndFlag(t *testing.T) {
	path := t.TempDir() + "/data.json"
	if err := writeFile(path, `{"a": 1, "b": 2}`); err != nil {
		t.Fatal(err)
	}
	data, err := loadData(`{"b": 3}`, path)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(data)
	if string(got) != `{"a":1,"b":3}` {
		t.Errorf("data = %s: --data must override --data-path", got)
	}
	if _, err := loadData(`[1]`, ""); err == nil {
		t.Error("a JSON array was accepted as data")
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }
