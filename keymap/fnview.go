package keymap

// FnView holds the bindings of the FnView scope.
type FnView struct{}

func defaultFnView() FnView { return FnView{} }
