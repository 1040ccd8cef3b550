package keymap

// ESM holds the bindings of the ESM scope.
type ESM struct{}

func defaultESM() ESM { return ESM{} }
