package keymap

// Triage holds the bindings of the Triage scope.
type Triage struct{}

func defaultTriage() Triage { return Triage{} }
