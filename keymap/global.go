package keymap

// Global holds the bindings of the Global scope.
type Global struct{}

func defaultGlobal() Global { return Global{} }
