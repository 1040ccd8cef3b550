// Package target resolves which function a full-screen pane opens on, the
// same way for every screen that takes one (":invoke", ":tune",
// ":concurrency"): the palette argument's function, else the one selected
// in the list or open in the function view.
package target

import (
	"errors"

	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
)

// Function is the function a screen opened with sc is about: the first
// argument (with what the list knows of it when it is the selected one),
// else the selected or open function. command names the screen in the
// error ("select a function first (or :invoke <function>)").
func Function(sc common.ScreenContext, command string) (model.Function, error) {
	switch {
	case len(sc.Args) > 0:
		if sc.Function != nil && sc.Function.Name == sc.Args[0] {
			return *sc.Function, nil
		}
		return model.Function{Name: sc.Args[0]}, nil
	case sc.Function != nil:
		return *sc.Function, nil
	}
	return model.Function{}, errors.New("select a function first (or :" + command + " <function>)")
}
