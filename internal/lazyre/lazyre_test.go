package lazyre

import (
	"sync"
	"testing"
)

func TestLazy(t *testing.T) {
	r := New(`^[a-z]{1,3}$`)
	if r.re != nil {
		t.Fatal("compiled before first use")
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !r.MatchString("abc") || r.MatchString("abcd") {
				t.Error("wrong match")
			}
		}()
	}
	wg.Wait()
	if got := New(`[^a-z]`).ReplaceAllString("a-b c", "_"); got != "a_b_c" {
		t.Fatalf("replace: %q", got)
	}
}

func TestInvalidPanicsOnUse(t *testing.T) {
	r := New(`(`)
	defer func() {
		if recover() == nil {
			t.Fatal("an invalid pattern did not panic")
		}
	}()
	r.MatchString("x")
}
