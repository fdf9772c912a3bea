package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Compare lists the differences between the outcome expected of a case
// (the reference's) and the one it had (ours), as the case says to
// compare them: values as JSON, numbers by value, the arrays it names as
// multisets, the paths it ignores by kind only; errors by code, peer,
// instruction and message.
func Compare(c Case, want, got Outcome) []string {
	show := func(o Outcome) string { b, _ := json.Marshal(o); return string(b) }
	switch {
	case want.Type != "" || got.Type != "":
		// The runner's own errors: compared by kind, as their messages
		// are the client's.
		if want.Type != got.Type {
			return []string{fmt.Sprintf("reference: %s\nours:      %s", show(want), show(got))}
		}
		return nil
	case want.OK != nil || got.OK != nil:
		if want.OK == nil || got.OK == nil {
			return []string{fmt.Sprintf("reference: %s\nours:      %s", show(want), show(got))}
		}
		return compareValues(c, decodeJSON(want.OK), decodeJSON(got.OK))
	}
	// Both failed: compare the error objects.
	w, _ := decodeJSON(want.Details).(map[string]any)
	g, _ := decodeJSON(got.Details).(map[string]any)
	var diffs []string
	for _, field := range []string{"error_code", "peer_id", "message", "instruction"} {
		if field == "message" && c.IgnoreMessage != "" {
			continue
		}
		if !equalJSON(w[field], g[field]) {
			diffs = append(diffs, fmt.Sprintf("error %s: reference %s, ours %s", field, mustJSON(w[field]), mustJSON(g[field])))
		}
	}
	return diffs
}

func compareValues(c Case, want, got any) []string {
	var diffs []string
	var walk func(path string, w, g any)
	walk = func(path string, w, g any) {
		if _, ok := matchPath(c.Ignore, path); ok {
			if kindOf(w) != kindOf(g) {
				diffs = append(diffs, fmt.Sprintf("at %q: reference %s, ours %s", path, mustJSON(w), mustJSON(g)))
			}
			return
		}
		if slices.Contains(c.Multiset, path) {
			wa, wok := w.([]any)
			ga, gok := g.([]any)
			if wok && gok {
				w, g = sortedByJSON(wa), sortedByJSON(ga)
			}
		}
		switch wv := w.(type) {
		case []any:
			gv, ok := g.([]any)
			if !ok || len(gv) != len(wv) {
				diffs = append(diffs, fmt.Sprintf("at %q: reference %s, ours %s", path, mustJSON(w), mustJSON(g)))
				return
			}
			for i := range wv {
				walk(joinPath(path, strconv.Itoa(i)), wv[i], gv[i])
			}
		case map[string]any:
			gv, ok := g.(map[string]any)
			if !ok || len(gv) != len(wv) {
				diffs = append(diffs, fmt.Sprintf("at %q: reference %s, ours %s", path, mustJSON(w), mustJSON(g)))
				return
			}
			for k := range wv {
				walk(joinPath(path, k), wv[k], gv[k])
			}
		default:
			if !equalJSON(w, g) {
				diffs = append(diffs, fmt.Sprintf("at %q: reference %s, ours %s", path, mustJSON(w), mustJSON(g)))
			}
		}
	}
	walk("", want, got)
	return diffs
}

func joinPath(path, elem string) string {
	if path == "" {
		return elem
	}
	return path + "." + elem
}

// matchPath finds the pattern in m that matches path; "*" in a pattern
// matches any one element.
func matchPath(m map[string]string, path string) (string, bool) {
	for pattern := range m {
		p, q := strings.Split(pattern, "."), strings.Split(path, ".")
		if len(p) != len(q) {
			continue
		}
		ok := true
		for i := range p {
			if p[i] != "*" && p[i] != q[i] {
				ok = false
				break
			}
		}
		if ok {
			return pattern, true
		}
	}
	return "", false
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

// equalJSON compares scalars; numbers by value, so that 7 and 7.0 agree.
func equalJSON(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		if an == bn {
			return true
		}
		af, err1 := an.Float64()
		bf, err2 := bn.Float64()
		return err1 == nil && err2 == nil && af == bf
	}
	return mustJSON(a) == mustJSON(b)
}

func sortedByJSON(xs []any) []any {
	out := slices.Clone(xs)
	slices.SortFunc(out, func(a, b any) int { return strings.Compare(mustJSON(a), mustJSON(b)) })
	return out
}

func decodeJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "invalid JSON: " + string(b)
	}
	return v
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}
