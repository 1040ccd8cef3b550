package model

import (
	"fmt"
	"strings"
	"testing"
)

func line(msg, id string) LogLine { l := ParseLine(msg); l.EventID = id; return l }

func TestRingWrapsAndKeepsSeq(t *testing.T) {
	r := NewRing(3, 0)
	for i := range 5 {
		if !r.Append(line(fmt.Sprint("m", i), fmt.Sprint("e", i))) {
			t.Fatalf("append %d refused", i)
		}
	}
	if r.Len() != 3 || r.Total() != 5 || r.First() != 2 || r.Dropped() != 2 {
		t.Fatalf("len %d total %d first %d", r.Len(), r.Total(), r.First())
	}
	for i := range 3 {
		if got := r.At(i).Message; got != fmt.Sprint("m", i+2) {
			t.Fatalf("At(%d) = %q", i, got)
		}
	}
	if r.Seq(1) != nil || r.Seq(5) != nil || r.Seq(4).Message != "m4" {
		t.Fatal("Seq bounds")
	}
	if r.At(-1) != nil || r.At(3) != nil {
		t.Fatal("At bounds")
	}
	// e0 was evicted: it may come again; e4 is held: a duplicate.
	if !r.Append(line("again", "e0")) {
		t.Fatal("evicted id refused")
	}
	if r.Append(line("dup", "e4")) {
		t.Fatal("duplicate accepted")
	}
	// Lines without ids are never deduplicated.
	if !r.Append(line("x", "")) || !r.Append(line("x", "")) {
		t.Fatal("id-less refused")
	}
}

func TestRingByteBudget(t *testing.T) {
	r := NewRing(100, 3*(1010+lineOverhead))
	big := strings.Repeat("x", 1000)
	for i := range 10 {
		r.Append(line(big, fmt.Sprint(i)))
	}
	if r.Len() != 3 || r.Bytes() > 3*(1010+lineOverhead) {
		t.Fatalf("len %d bytes %d", r.Len(), r.Bytes())
	}
	// Small lines grow the slice again after byte evictions moved the head.
	for i := range 20 {
		r.Append(line("s", fmt.Sprint("s", i)))
	}
	if r.At(r.Len()-1).EventID != "s19" {
		t.Fatalf("newest %q", r.At(r.Len()-1).EventID)
	}
	prev := uint64(0)
	for i := 0; i < r.Len(); i++ {
		s := r.First() + uint64(i)
		if r.Seq(s) != r.At(i) {
			t.Fatal("seq/at mismatch")
		}
		if i > 0 && s <= prev {
			t.Fatal("order")
		}
		prev = s
	}
	if got := r.At(r.Len() - 2).EventID; got != "s18" {
		t.Fatalf("order broken: %q", got)
	}
}

func TestRingFindCountRequest(t *testing.T) {
	const a, b = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
	r := NewRing(10, 0)
	msgs := []string{
		"START RequestId: " + a + " Version: 1",
		"2026-01-01T00:00:00Z\t" + a + "\tINFO\tHello World",
		"START RequestId: " + b + " Version: 1",
		"2026-01-01T00:00:00Z\t" + b + "\tERROR\thello again",
		"END RequestId: " + a,
	}
	for _, m := range msgs {
		r.Append(ParseLine(m))
	}
	if s, ok := r.Find(r.Total()-1, "HELLO", false); !ok || s != 3 {
		t.Fatalf("backward find %d %v", s, ok)
	}
	if s, ok := r.Find(2, "hello", false); !ok || s != 1 {
		t.Fatalf("backward from 2: %d %v", s, ok)
	}
	if s, ok := r.Find(0, "hello", true); !ok || s != 1 {
		t.Fatalf("forward %d %v", s, ok)
	}
	if _, ok := r.Find(4, "hello", true); ok {
		t.Fatal("nothing after 4")
	}
	if _, ok := r.Find(0, "", true); ok {
		t.Fatal("empty query")
	}
	if r.Count("hello") != 2 {
		t.Fatal("count")
	}
	if got := r.Request(a); len(got) != 3 || got[0] != 0 || got[2] != 4 {
		t.Fatalf("request a %v", got)
	}
	if r.Request("") != nil {
		t.Fatal("empty id")
	}
	r.Reset()
	if r.Len() != 0 || r.Total() != 5 || r.First() != 5 {
		t.Fatal("reset")
	}
	if !ContainsFold("Hello", "hELLo") || ContainsFold("Hel", "hello") {
		t.Fatal("ContainsFold")
	}
}
