package keymap

// Confirm holds the bindings of the Confirm scope.
type Confirm struct{}

func defaultConfirm() Confirm { return Confirm{} }
