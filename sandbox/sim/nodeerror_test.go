package sim

import "testing"

// TestNodeErrorObject pins the Node.js error object written into the log
// line ("stack") and the response payload ("trace").
func TestNodeErrorObject(t *testing.T) {
	em := errorMessages[1]
	for key, want := range map[string]string{
		"stack": `{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')","stack":["TypeError: Cannot read properties of undefined (reading 'id')","    at Runtime.handler (file:///var/task/index.mjs:42:11)"]}`,
		"trace": `{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')","trace":["TypeError: Cannot read properties of undefined (reading 'id')","    at Runtime.handler (file:///var/task/index.mjs:42:11)"]}`,
	} {
		if got := string(appendNodeError([]byte("x"), em, key)); got != "x"+want {
			t.Errorf("%s:\n got %s\nwant x%s", key, got, want)
		}
	}
}
