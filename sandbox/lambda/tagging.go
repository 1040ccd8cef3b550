package lambda

import "sort"

// EachTagged calls fn with the ARN and tags of every function whose ARN
// sorts after `after`, in ARN order, until fn returns false (for the
// Resource Groups Tagging API). fn runs under the world's read lock and
// must not keep tags.
func (w *World) EachTagged(after string, fn func(arn string, tags map[string]string) bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	// Every ARN is prefix+name, so ARN order is name order.
	prefix := w.fnARN("")
	name := ""
	if len(after) >= len(prefix) && after[:len(prefix)] == prefix {
		name = after[len(prefix):]
	} else if after > prefix {
		return
	}
	i := sort.SearchStrings(w.names, name)
	for ; i < len(w.names); i++ {
		if w.names[i] <= name && after != "" {
			continue
		}
		f := w.fns[w.names[i]]
		if !fn(f.arn, f.tags) {
			return
		}
	}
}
