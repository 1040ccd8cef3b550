package metrics

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// The protocol-neutral shapes. Field names are the Smithy member names, so
// the CBOR and JSON front-ends decode and encode them directly (fxamacker/cbor
// reads the json tags); the query front-end maps form keys and XML onto them.

// Dimension is a name/value pair of a metric's identity.
type Dimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// DimensionFilter filters ListMetrics by a dimension name and optional value.
type DimensionFilter struct {
	Name  string  `json:"Name"`
	Value *string `json:"Value,omitempty"`
}

// Metric identifies a metric.
type Metric struct {
	Namespace  string      `json:"Namespace,omitempty"`
	MetricName string      `json:"MetricName,omitempty"`
	Dimensions []Dimension `json:"Dimensions,omitempty"`
}

// MetricStat is a metric, a period and a statistic.
type MetricStat struct {
	Metric *Metric `json:"Metric,omitempty"`
	Period *int32  `json:"Period,omitempty"`
	Stat   string  `json:"Stat,omitempty"`
	Unit   string  `json:"Unit,omitempty"`
}

// MetricDataQuery is one query of a GetMetricData call.
type MetricDataQuery struct {
	Id         string      `json:"Id"`
	MetricStat *MetricStat `json:"MetricStat,omitempty"`
	Expression *string     `json:"Expression,omitempty"`
	Label      *string     `json:"Label,omitempty"`
	ReturnData *bool       `json:"ReturnData,omitempty"`
	Period     *int32      `json:"Period,omitempty"`
	AccountId  *string     `json:"AccountId,omitempty"`
}

// LabelOptions is accepted and ignored (labels carry no timestamps here).
type LabelOptions struct {
	Timezone *string `json:"Timezone,omitempty"`
}

// GetMetricDataInput is the GetMetricData request.
type GetMetricDataInput struct {
	MetricDataQueries []MetricDataQuery `json:"MetricDataQueries"`
	StartTime         *Timestamp        `json:"StartTime,omitempty"`
	EndTime           *Timestamp        `json:"EndTime,omitempty"`
	NextToken         *string           `json:"NextToken,omitempty"`
	ScanBy            *string           `json:"ScanBy,omitempty"`
	MaxDatapoints     *int32            `json:"MaxDatapoints,omitempty"`
	LabelOptions      *LabelOptions     `json:"LabelOptions,omitempty"`
}

// MessageData is a code/value message.
type MessageData struct {
	Code  string `json:"Code,omitempty"`
	Value string `json:"Value,omitempty"`
}

// MetricDataResult is the series of one query.
type MetricDataResult struct {
	Id         string        `json:"Id"`
	Label      string        `json:"Label"`
	Timestamps []Timestamp   `json:"Timestamps"`
	Values     []float64     `json:"Values"`
	StatusCode string        `json:"StatusCode"`
	Messages   []MessageData `json:"Messages,omitempty"`
}

// GetMetricDataOutput is the GetMetricData response.
type GetMetricDataOutput struct {
	MetricDataResults []MetricDataResult `json:"MetricDataResults"`
	NextToken         *string            `json:"NextToken,omitempty"`
	Messages          []MessageData      `json:"Messages,omitempty"`
}

// ListMetricsInput is the ListMetrics request.
type ListMetricsInput struct {
	Namespace             *string           `json:"Namespace,omitempty"`
	MetricName            *string           `json:"MetricName,omitempty"`
	Dimensions            []DimensionFilter `json:"Dimensions,omitempty"`
	NextToken             *string           `json:"NextToken,omitempty"`
	RecentlyActive        *string           `json:"RecentlyActive,omitempty"`
	IncludeLinkedAccounts *bool             `json:"IncludeLinkedAccounts,omitempty"`
	OwningAccount         *string           `json:"OwningAccount,omitempty"`
}

// ListMetricsOutput is the ListMetrics response.
type ListMetricsOutput struct {
	Metrics   []Metric `json:"Metrics"`
	NextToken *string  `json:"NextToken,omitempty"`
}

// GetMetricStatisticsInput is the GetMetricStatistics request.
type GetMetricStatisticsInput struct {
	Namespace          string      `json:"Namespace,omitempty"`
	MetricName         string      `json:"MetricName,omitempty"`
	Dimensions         []Dimension `json:"Dimensions,omitempty"`
	StartTime          *Timestamp  `json:"StartTime,omitempty"`
	EndTime            *Timestamp  `json:"EndTime,omitempty"`
	Period             *int32      `json:"Period,omitempty"`
	Statistics         []string    `json:"Statistics,omitempty"`
	ExtendedStatistics []string    `json:"ExtendedStatistics,omitempty"`
	Unit               *string     `json:"Unit,omitempty"`
}

// Datapoint is one period of GetMetricStatistics.
type Datapoint struct {
	Timestamp          *Timestamp         `json:"Timestamp,omitempty"`
	SampleCount        *float64           `json:"SampleCount,omitempty"`
	Average            *float64           `json:"Average,omitempty"`
	Sum                *float64           `json:"Sum,omitempty"`
	Minimum            *float64           `json:"Minimum,omitempty"`
	Maximum            *float64           `json:"Maximum,omitempty"`
	Unit               *string            `json:"Unit,omitempty"`
	ExtendedStatistics map[string]float64 `json:"ExtendedStatistics,omitempty"`
}

// GetMetricStatisticsOutput is the GetMetricStatistics response.
type GetMetricStatisticsOutput struct {
	Label      *string     `json:"Label,omitempty"`
	Datapoints []Datapoint `json:"Datapoints"`
}

// StatisticSet is a pre-aggregated set of values.
type StatisticSet struct {
	SampleCount *float64 `json:"SampleCount,omitempty"`
	Sum         *float64 `json:"Sum,omitempty"`
	Minimum     *float64 `json:"Minimum,omitempty"`
	Maximum     *float64 `json:"Maximum,omitempty"`
}

// MetricDatum is one PutMetricData entry.
type MetricDatum struct {
	MetricName        string        `json:"MetricName,omitempty"`
	Dimensions        []Dimension   `json:"Dimensions,omitempty"`
	Timestamp         *Timestamp    `json:"Timestamp,omitempty"`
	Value             *float64      `json:"Value,omitempty"`
	Values            []float64     `json:"Values,omitempty"`
	Counts            []float64     `json:"Counts,omitempty"`
	StatisticValues   *StatisticSet `json:"StatisticValues,omitempty"`
	Unit              *string       `json:"Unit,omitempty"`
	StorageResolution *int32        `json:"StorageResolution,omitempty"`
}

// PutMetricDataInput is the PutMetricData request.
type PutMetricDataInput struct {
	Namespace  string        `json:"Namespace,omitempty"`
	MetricData []MetricDatum `json:"MetricData,omitempty"`
}

// PutMetricDataOutput is the (empty) PutMetricData response.
type PutMetricDataOutput struct{}

// Timestamp is a time that each protocol encodes its own way: CBOR tag 1
// (epoch seconds), JSON epoch seconds, query/XML ISO 8601.
type Timestamp struct{ time.Time }

// TS wraps a time.
func TS(t time.Time) *Timestamp { return &Timestamp{t} }

var cborEnc = func() cbor.EncMode {
	m, err := cbor.EncOptions{Time: cbor.TimeUnixDynamic, TimeTag: cbor.EncTagRequired}.EncMode()
	if err != nil {
		panic(err)
	}
	return m
}()

var cborDec = func() cbor.DecMode {
	m, err := cbor.DecOptions{
		MaxNestedLevels:  24,
		MaxArrayElements: 1 << 16,
		MaxMapPairs:      1 << 12,
		IndefLength:      cbor.IndefLengthAllowed,
	}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}()

// maxEpoch bounds accepted timestamps (year ~5138) so conversions never overflow.
const maxEpoch = 1e11

func epochTime(f float64) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > maxEpoch {
		return time.Time{}, fmt.Errorf("timestamp %v out of range", f)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC(), nil
}

// MarshalCBOR writes tag 1 with integer (whole seconds) or float64 epoch
// seconds, as cbor.TimeUnixDynamic with EncTagRequired does, without its
// per-value allocations.
func (t Timestamp) MarshalCBOR() ([]byte, error) {
	ms := t.Time.UnixMilli()
	b := make([]byte, 0, 10)
	b = append(b, 0xc1)
	if ms%1000 == 0 && ms >= 0 {
		sec := uint64(ms / 1000)
		switch {
		case sec < 24:
			return append(b, byte(sec)), nil
		case sec <= math.MaxUint8:
			return append(b, 0x18, byte(sec)), nil
		case sec <= math.MaxUint16:
			return binary.BigEndian.AppendUint16(append(b, 0x19), uint16(sec)), nil
		case sec <= math.MaxUint32:
			return binary.BigEndian.AppendUint32(append(b, 0x1a), uint32(sec)), nil
		}
		return binary.BigEndian.AppendUint64(append(b, 0x1b), sec), nil
	}
	return binary.BigEndian.AppendUint64(append(b, 0xfb), math.Float64bits(float64(ms)/1000)), nil
}

// UnmarshalCBOR reads tag 1 (or a bare number, or an RFC 3339 string).
func (t *Timestamp) UnmarshalCBOR(b []byte) error {
	var raw cbor.RawTag
	if err := cborDec.Unmarshal(b, &raw); err == nil {
		if raw.Number != 1 {
			return fmt.Errorf("expected tag 1 for timestamp, got tag %d", raw.Number)
		}
		b = raw.Content
	}
	var v any
	if err := cborDec.Unmarshal(b, &v); err != nil {
		return err
	}
	var f float64
	switch x := v.(type) {
	case uint64:
		f = float64(x)
	case int64:
		f = float64(x)
	case float64:
		f = x
	case float32:
		f = float64(x)
	case string:
		tt, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return err
		}
		t.Time = tt.UTC()
		return nil
	default:
		return fmt.Errorf("timestamp: unexpected CBOR value %T", v)
	}
	tt, err := epochTime(f)
	if err != nil {
		return err
	}
	t.Time = tt
	return nil
}

// MarshalJSON writes epoch seconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	ms := t.Time.UnixMilli()
	if ms%1000 == 0 {
		return strconv.AppendInt(nil, ms/1000, 10), nil
	}
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', 3, 64), nil
}

// UnmarshalJSON reads epoch seconds or an ISO 8601 string.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		tt, err := parseTime(str)
		if err != nil {
			return err
		}
		t.Time = tt
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("timestamp: %s is not a number", s)
	}
	tt, err := epochTime(f)
	if err != nil {
		return err
	}
	t.Time = tt
	return nil
}

// parseTime reads the forms the query protocol and CLIs send: RFC 3339 with
// or without fractions and zone, or epoch seconds.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return epochTime(f)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1 || t.Year() > 5000 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a valid timestamp", s)
}

// isoTime formats a time for XML responses.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// APIError is an error with its Smithy shape, legacy query code and status.
type APIError struct {
	Shape   string // e.g. InvalidParameterValueException
	Code    string // awsQuery code, e.g. InvalidParameterValue
	Status  int
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Fault is "Sender" for 4xx and "Receiver" otherwise.
func (e *APIError) Fault() string {
	if e.Status < 500 {
		return "Sender"
	}
	return "Receiver"
}

func errInvalidValue(format string, a ...any) *APIError {
	return &APIError{"InvalidParameterValueException", "InvalidParameterValue", http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

func errMissing(param string) *APIError {
	return &APIError{"MissingRequiredParameterException", "MissingParameter", http.StatusBadRequest, "The parameter " + param + " is required."}
}

func errCombination(format string, a ...any) *APIError {
	return &APIError{"InvalidParameterCombinationException", "InvalidParameterCombination", http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

func errNextToken() *APIError {
	return &APIError{"InvalidNextToken", "InvalidNextToken", http.StatusBadRequest, "The service cannot process the NextToken."}
}

func errSerialization(err error) *APIError {
	return &APIError{"SerializationException", "MalformedInput", http.StatusBadRequest, "could not decode request: " + err.Error()}
}

func errUnknownOp(op string) *APIError {
	return &APIError{"UnknownOperationException", "InvalidAction", http.StatusBadRequest, "Could not find operation " + op + " for version 2010-08-01"}
}

func errLimit(format string, a ...any) *APIError {
	return &APIError{"LimitExceededException", "LimitExceeded", http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

func asAPIError(err error) *APIError {
	var e *APIError
	if errors.As(err, &e) {
		return e
	}
	return &APIError{"InternalServiceFault", "InternalServiceError", http.StatusInternalServerError, err.Error()}
}
