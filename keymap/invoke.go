package keymap

// Invoke holds the bindings of the Invoke scope.
type Invoke struct{}

func defaultInvoke() Invoke { return Invoke{} }
