package request

import "testing"

func TestStaleAndCancel(t *testing.T) {
	var tr Tracker
	ctx1, g1 := tr.Start("load")
	ctx2, g2 := tr.Start("load")
	if ctx1.Err() == nil {
		t.Fatal("a superseded request is not cancelled")
	}
	if tr.Done("load", g1) {
		t.Fatal("a stale result was accepted")
	}
	if !tr.InFlight("load") || !tr.Done("load", g2) || tr.InFlight("load") {
		t.Fatal("the current result was not accepted, or the kind stays in flight")
	}
	if ctx2.Err() == nil {
		t.Fatal("a finished request keeps its context")
	}
	_, g3 := tr.Start("other")
	if !tr.Current("other", g3) || tr.Current("load", g3+100) {
		t.Fatal("kinds are not independent")
	}
}

func TestCloseDropsEverything(t *testing.T) {
	var tr Tracker
	ctx, g := tr.Start("load")
	life := tr.Context()
	tr.Close()
	if life.Err() == nil || tr.Context().Err() == nil {
		t.Fatal("Close did not cancel the pane's context")
	}
	if ctx.Err() == nil || tr.Current("load", g) {
		t.Fatal("Close did not cancel or did not make results stale")
	}
	ctx, g = tr.Start("load")
	if ctx.Err() == nil || tr.Done("load", g) {
		t.Fatal("a request started after Close runs")
	}
}

func TestBump(t *testing.T) {
	var tr Tracker
	ctx, g := tr.Start("tick")
	if n := tr.Bump("tick"); n == g || ctx.Err() == nil || tr.Current("tick", g) {
		t.Fatal("Bump did not supersede")
	}
	if tr.Ctx("nosuch").Err() == nil {
		t.Fatal("a kind never started has a live context")
	}
	ctx, _ = tr.Start("run")
	if tr.Ctx("run") != ctx {
		t.Fatal("Ctx is not the current request's context")
	}
	if tr.Gen("nosuch") != 0 {
		t.Fatal("unknown kind has a generation")
	}
	tr.Cancel("nosuch") // no panic
}
