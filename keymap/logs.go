package keymap

// Logs holds the bindings of the Logs scope.
type Logs struct{}

func defaultLogs() Logs { return Logs{} }
