package keymap

// Concurrency holds the bindings of the Concurrency scope.
type Concurrency struct{}

func defaultConcurrency() Concurrency { return Concurrency{} }
