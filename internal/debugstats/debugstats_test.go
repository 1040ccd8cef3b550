package debugstats

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

func TestWrite(t *testing.T) {
	var b bytes.Buffer
	Write(&b)
	var v map[string]any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil || v["goroutines"] == nil || v["heapMB"] == nil {
		t.Fatalf("%q: %v", b.String(), err)
	}
}

func TestStartWithoutEnvDoesNothing(t *testing.T) {
	Start(context.Background(), func(string) string { return "" })
}
