package model

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestTrimmedMeanDropsTopAndBottom20(t *testing.T) {
	xs := []float64{1000, 10, 11, 12, 13, 14, 15, 16, 17, 1} // 1 and 1000 and 10 and 17 dropped
	if got := TrimmedMean(xs, 0.2); got != 13.5 {
		t.Fatalf("trimmed mean %v, want 13.5", got)
	}
	if got := TrimmedMean([]float64{5}, 0.2); got != 5 {
		t.Fatalf("one value: %v", got)
	}
	if got := TrimmedMean([]float64{1, 9}, 0.5); got != 5 {
		t.Fatalf("never drops everything: %v", got)
	}
	if TrimmedMean(nil, 0.2) != 0 {
		t.Fatal("empty")
	}
}

func TestPercentileNearestRank(t *testing.T) {
	xs := []float64{10, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	if got := Percentile(xs, 90); got != 9 {
		t.Fatalf("p90 %v", got)
	}
	if got := Percentile(xs, 100); got != 10 {
		t.Fatalf("p100 %v", got)
	}
}

func TestInvocationCostIncludesRequestPrice(t *testing.T) {
	c := InvocationCost(100*time.Millisecond, 1024, "x86_64", DefaultPrices)
	want := 0.1*DefaultPrices.GBSecondX86 + 0.2/1e6
	if math.Abs(c-want) > 1e-15 {
		t.Fatalf("cost %v want %v", c, want)
	}
	if arm := InvocationCost(100*time.Millisecond, 1024, "arm64", DefaultPrices); arm >= c {
		t.Fatalf("arm64 %v not cheaper than %v", arm, c)
	}
}

func samples(mb int, ms ...float64) []TuneSample {
	var out []TuneSample
	for i, v := range ms {
		d := time.Duration(v * float64(time.Millisecond))
		s := TuneSample{MemoryMB: mb, Duration: d, Billed: d.Round(time.Millisecond), MaxMemoryMB: 60}
		if i == 0 {
			s.Init = 150 * time.Millisecond
		}
		out = append(out, s)
	}
	return out
}

func TestSummarizeAndRecommend(t *testing.T) {
	p := DefaultPrices
	rs := []SizeResult{
		SummarizeSize(128, "x86_64", true, []TuneSample{{MemoryMB: 128, FunctionError: "Unhandled", ErrorType: "Runtime.OutOfMemory", MaxMemoryMB: 128, Duration: time.Second, Billed: time.Second}}, p),
		SummarizeSize(256, "x86_64", true, samples(256, 800, 810, 790, 805, 795), p),
		SummarizeSize(512, "x86_64", true, samples(512, 400, 410, 390, 405, 395), p),
		SummarizeSize(1024, "x86_64", true, samples(1024, 380, 390, 370, 385, 375), p),
	}
	if rs[0].OOM != 1 || rs[0].Usable() {
		t.Fatalf("OOM row %+v", rs[0])
	}
	if rs[1].ColdShare != 0.2 || rs[1].MaxMemoryMB != 60 || rs[1].N != 5 {
		t.Fatalf("row %+v", rs[1])
	}
	if rs[1].ARMCostPerInvok == 0 || rs[1].ARMCostPerInvok >= rs[1].CostPerInvoke {
		t.Fatalf("arm estimate %+v", rs[1])
	}
	// 256 at 800 ms costs the same GB-s as 512 at 400 ms; the request price is equal: the tie goes to the smaller.
	if i := Recommend(rs, TuneCost, 0); rs[i].MemoryMB != 256 && rs[i].MemoryMB != 512 {
		t.Fatalf("cost picks %d", rs[i].MemoryMB)
	}
	if i := Recommend(rs, TuneSpeed, 0); rs[i].MemoryMB != 1024 {
		t.Fatalf("speed picks %d", rs[i].MemoryMB)
	}
	if i := Recommend(rs, TuneBalanced, 0.5); rs[i].MemoryMB != 512 {
		t.Fatalf("balanced picks %d", rs[i].MemoryMB)
	}
	if Recommend(rs[:1], TuneCost, 0) != -1 {
		t.Fatal("only failing sizes: no recommendation")
	}
	run := TuneRun{Function: "f", BaseMemory: 1024, Results: rs, Options: TuneOptions{Strategy: TuneBalanced, Weight: 0.5}}
	run.Finish(1e6)
	if run.Recommended != 512 || run.MonthlyDelta >= 0 || !run.BaseMeasured {
		t.Fatalf("recommended %d delta %v", run.Recommended, run.MonthlyDelta)
	}
	other := TuneRun{BaseMemory: 768, Results: rs, Options: run.Options}
	other.Finish(1e6)
	if other.BaseMeasured || other.MonthlyDelta != 0 {
		t.Fatalf("768 MB was not measured: %+v", other)
	}
	csv := string(run.CSV())
	if !strings.HasPrefix(csv, "memory_mb,") || strings.Count(csv, "\n") != 5 || !strings.Contains(csv, "512,5,0,0,400,") {
		t.Fatalf("csv:\n%s", csv)
	}
}

func TestNormalizeAndPlan(t *testing.T) {
	o, err := TuneOptions{Function: "f", Sizes: []int{512, 128, 512}}.Normalize()
	if err != nil || len(o.Sizes) != 2 || o.Sizes[0] != 128 || o.PerSize != 10 || o.Strategy != TuneBalanced || o.Weight != 0.5 {
		t.Fatalf("%+v %v", o, err)
	}
	if _, err := (TuneOptions{Function: "f", Sizes: []int{64}}).Normalize(); err == nil {
		t.Fatal("64 MB accepted")
	}
	d, _ := TuneOptions{Function: "f"}.Normalize()
	if len(d.Sizes) != 7 || d.Sizes[6] != 3008 {
		t.Fatalf("defaults %v", d.Sizes)
	}
	pl := PlanTune("ab12", d, Function{Name: "f", MemoryMB: 1024, Architecture: "x86_64"}, 200*time.Millisecond, DefaultPrices)
	if pl.Invocations != 70 || pl.EstCost <= 0 || pl.EstCost > 0.01 || len(pl.Creates) != 7 {
		t.Fatalf("plan %+v", pl)
	}
	if !strings.Contains(pl.Creates[0], "lambdaops-tune-ab12-128") || !strings.Contains(pl.Removes[0], "lambdaops-tune-ab12-<mb>") {
		t.Fatalf("plan text %q %q", pl.Creates[0], pl.Removes[0])
	}
	if got, _ := ParseSizes("128, 256,512"); len(got) != 3 || got[2] != 512 {
		t.Fatalf("parse %v", got)
	}
	r := 7
	if MaxTuneParallelism(&r, 900) != 7 || MaxTuneParallelism(nil, 900) != 800 || MaxTuneParallelism(nil, 100) != 1 {
		t.Fatal("parallelism cap")
	}
	if !TuneVersionOfRun(TuneVersionDescription("ab12", 256), "ab12") || TuneVersionOfRun(TuneVersionDescription("ab123", 256), "ab12") {
		t.Fatal("version description")
	}
}
