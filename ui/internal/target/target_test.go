package target

import (
	"testing"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

func TestFunction(t *testing.T) {
	sel := &model.Function{Name: "orders", MemoryMB: 512}
	for _, c := range []struct {
		sc   common.ScreenContext
		want string
		mem  int
		err  bool
	}{
		{common.ScreenContext{Args: []string{"billing"}, Function: sel}, "billing", 0, false},
		{common.ScreenContext{Args: []string{"orders"}, Function: sel}, "orders", 512, false},
		{common.ScreenContext{Function: sel}, "orders", 512, false},
		{common.ScreenContext{}, "", 0, true},
	} {
		f, err := Function(c.sc, "invoke")
		if (err != nil) != c.err || f.Name != c.want || f.MemoryMB != c.mem {
			t.Errorf("%+v: %+v %v", c.sc, f, err)
		}
	}
	if _, err := Function(common.ScreenContext{}, "invoke"); err.Error() != "select a function first (or :invoke <function>)" {
		t.Fatal(err)
	}
}
