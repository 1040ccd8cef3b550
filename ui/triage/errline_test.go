package triage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/lambdaops/lambdaops/aws/awsapi"
	"github.com/lambdaops/lambdaops/keymap"
	"github.com/lambdaops/lambdaops/model"
	"github.com/lambdaops/lambdaops/ui/common"
	"github.com/lambdaops/lambdaops/ui/internal/panetest"
	"github.com/lambdaops/lambdaops/ui/styles"
)

// brokenMetrics answers as moto does to a p99 query: HTTP 500, an HTML page.
type brokenMetrics struct{ awsapi.Metrics }

func (brokenMetrics) GetMetrics(context.Context, []model.MetricQuery, time.Time, time.Time) ([]model.MetricSeries, error) {
	return nil, errors.New("GetMetricData (8 queries): operation error CloudWatch: GetMetricData, https response error StatusCode: 500, RequestID: , deserialization failed, failed to decode response body, invalid character '<' looking for beginning of value")
}

// When metrics fail, the title says so in one line and no status carries
// the SDK's raw chain.
func TestMetricsFailureOneLine(t *testing.T) {
	s := fleet(120)
	deps := common.FromSession(s, nil)
	deps.Now = func() time.Time { return now }
	deps.Metrics = brokenMetrics{deps.Metrics}
	m := NewWithOptions(deps, styles.New(true), keymap.Default(), Options{SampleMemory: -1})
	m.SetSize(140, 20)
	var statuses []string
	for _, msg := range settle(t, s, m, panetest.Messages(m.Init())) {
		if st, ok := msg.(common.StatusMsg); ok {
			statuses = append(statuses, st.Text)
		}
	}
	title := strings.SplitN(ansi.Strip(m.View()), "\n", 2)[0]
	if !strings.Contains(title, "metrics unavailable: the endpoint answered HTTP 500") {
		t.Fatalf("title %q", title)
	}
	for _, st := range statuses {
		if strings.Contains(st, "deserialization") {
			t.Fatalf("raw SDK error in a status: %q", st)
		}
	}
}
