package common

import (
	"strings"
	"testing"

	"github.com/lambdaops/lambdaops/model"
)

func TestFunctionArg(t *testing.T) {
	sel := &model.Function{Name: "orders", MemoryMB: 512}
	cases := []struct {
		sc   ScreenContext
		args []string
		want model.Function
		err  string
	}{
		{ScreenContext{Function: sel}, nil, *sel, ""},
		{ScreenContext{Function: sel}, []string{"orders"}, *sel, ""}, // the selected one's details kept
		{ScreenContext{Function: sel}, []string{"billing"}, model.Function{Name: "billing"}, ""},
		{ScreenContext{}, []string{"billing", "x"}, model.Function{Name: "billing"}, ""},
		{ScreenContext{}, nil, model.Function{}, "select a function first (or :tune <function>)"},
	}
	for i, c := range cases {
		got, err := c.sc.FunctionArg(c.args, "tune")
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%d: err %v, want %q", i, err, c.err)
			}
			continue
		}
		if err != nil || got.Name != c.want.Name || got.MemoryMB != c.want.MemoryMB {
			t.Errorf("%d: %+v %v, want %+v", i, got, err, c.want)
		}
	}
}
