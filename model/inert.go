package model

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// Inert returns s with everything a terminal would act on made visible and
// harmless: ESC becomes "␛", other C0 controls (except tab and newline),
// DEL and C1 controls become U+FFFD, and invalid UTF-8 becomes U+FFFD. Data
// from AWS (names, descriptions, tags, environment values, log lines) goes
// through it before the UI draws it, so an escape sequence inside a log
// line is shown, never interpreted. Clean strings are returned as they are.
func Inert(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	if !needsInert(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b:
			b.WriteString("␛")
		case r == utf8.RuneError && n <= 1,
			(r < 0x20 && r != '\t' && r != '\n'), r == 0x7f, r >= 0x80 && r < 0xa0:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// needsInert is the slow check for strings with non-ASCII bytes.
func needsInert(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
		i += n
	}
	return false
}

// MakeInert applies Inert to every string reachable from v (a pointer to a
// struct, slice or map of the model's types): fields, slice elements, map
// keys and values, through pointers.
func MakeInert(v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return
	}
	inertValue(rv.Elem())
}

func inertValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); Inert(s) != s {
				v.SetString(Inert(s))
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			inertValue(v.Elem())
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() {
				inertValue(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // payload bytes are never drawn as text
		}
		for i := 0; i < v.Len(); i++ {
			inertValue(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() || v.Type().Key().Kind() != reflect.String {
			return
		}
		dirty := false
		it := v.MapRange()
		for it.Next() {
			k := it.Key().String()
			if Inert(k) != k || hasDirtyString(it.Value()) {
				dirty = true
				break
			}
		}
		if !dirty {
			return
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		it = v.MapRange()
		for it.Next() {
			nv := reflect.New(v.Type().Elem()).Elem()
			nv.Set(it.Value())
			inertValue(nv)
			nk := reflect.New(v.Type().Key()).Elem()
			nk.SetString(Inert(it.Key().String()))
			out.SetMapIndex(nk, nv)
		}
		if v.CanSet() {
			v.Set(out)
		}
	}
}

func hasDirtyString(v reflect.Value) bool {
	if v.Kind() == reflect.String {
		return Inert(v.String()) != v.String()
	}
	return v.Kind() != reflect.Bool && v.Kind() != reflect.Int && v.Kind() != reflect.Float64
}
