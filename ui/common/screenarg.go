package common

import (
	"errors"

	"github.com/lambdaops/lambdaops/model"
)

// FunctionArg is the function a one-function screen (":invoke", ":tune",
// ":concurrency", ":metrics") opens on: the first of args when there is one
// (the selected function's details kept when it is that one), else the
// function selected or open. cmd names the screen in the error when there is
// neither.
func (sc ScreenContext) FunctionArg(args []string, cmd string) (model.Function, error) {
	switch {
	case len(args) > 0:
		if sc.Function != nil && sc.Function.Name == args[0] {
			return *sc.Function, nil
		}
		return model.Function{Name: args[0]}, nil
	case sc.Function != nil:
		return *sc.Function, nil
	}
	return model.Function{}, errors.New("select a function first (or :" + cmd + " <function>)")
}
