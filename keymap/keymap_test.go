package keymap

import "testing"

func TestDefaultsHaveNoConflicts(t *testing.T) {
	km := Default()
	if c := km.Conflicts(); len(c) > 0 {
		t.Fatalf("default key map has conflicts: %v", c)
	}
}

func TestRebindDetectsConflict(t *testing.T) {
	km := Default()
	if err := km.Rebind("list.filter", "q"); err != nil {
		t.Fatal(err)
	}
	c := km.Conflicts()
	if len(c) != 1 || c[0].Key != "q" || c[0].A != "global.quit" || c[0].B != "list.filter" {
		t.Fatalf("conflicts = %v", c)
	}
	if err := km.Rebind("nope.nothing", "x"); err == nil {
		t.Fatal("unknown binding accepted")
	}
}
