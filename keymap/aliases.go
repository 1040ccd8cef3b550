package keymap

// Aliases holds the bindings of the Aliases scope.
type Aliases struct{}

func defaultAliases() Aliases { return Aliases{} }
