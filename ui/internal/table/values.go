package table

// Lookup returns the row with key k among every row, whether the filter
// keeps it or not.
func (t *Model[V]) Lookup(k string) (V, bool) {
	for _, v := range t.items {
		if t.cfg.Key(v) == k {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// SelectedValue is Selected for a table of pointers: a copy of the row
// under the cursor (a pane's selected() is this).
func SelectedValue[T any](t *Model[*T]) (T, bool) {
	if p, ok := t.Selected(); ok && p != nil {
		return *p, true
	}
	var zero T
	return zero, false
}

// LookupValue is Lookup for a table of pointers: a copy of the row with
// key k.
func LookupValue[T any](t *Model[*T], k string) (T, bool) {
	if p, ok := t.Lookup(k); ok && p != nil {
		return *p, true
	}
	var zero T
	return zero, false
}
