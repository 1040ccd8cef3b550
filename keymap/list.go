package keymap

// List holds the bindings of the List scope.
type List struct{}

func defaultList() List { return List{} }
