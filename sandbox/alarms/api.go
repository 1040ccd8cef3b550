package alarms

import (
	"fmt"
	"net/http"

	"github.com/lambdaops/lambdaops/sandbox/metrics"
)

// The protocol-neutral shapes of the alarm operations. Field names are the
// Smithy member names, so the metrics front-ends (CBOR, awsJson1.0 and
// awsQuery) decode and encode them directly.

type (
	// Dimension is a metric dimension.
	Dimension = metrics.Dimension
	// MetricDataQuery is one query of a metric-math alarm.
	MetricDataQuery = metrics.MetricDataQuery
	// Timestamp is a time each protocol encodes its own way.
	Timestamp = metrics.Timestamp
)

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// PutMetricAlarmInput is the PutMetricAlarm request.
type PutMetricAlarmInput struct {
	AlarmName                        string            `json:"AlarmName,omitempty"`
	AlarmDescription                 *string           `json:"AlarmDescription,omitempty"`
	ActionsEnabled                   *bool             `json:"ActionsEnabled,omitempty"`
	OKActions                        []string          `json:"OKActions,omitempty"`
	AlarmActions                     []string          `json:"AlarmActions,omitempty"`
	InsufficientDataActions          []string          `json:"InsufficientDataActions,omitempty"`
	MetricName                       *string           `json:"MetricName,omitempty"`
	Namespace                        *string           `json:"Namespace,omitempty"`
	Statistic                        *string           `json:"Statistic,omitempty"`
	ExtendedStatistic                *string           `json:"ExtendedStatistic,omitempty"`
	Dimensions                       []Dimension       `json:"Dimensions,omitempty"`
	Period                           *int32            `json:"Period,omitempty"`
	Unit                             *string           `json:"Unit,omitempty"`
	EvaluationPeriods                *int32            `json:"EvaluationPeriods,omitempty"`
	DatapointsToAlarm                *int32            `json:"DatapointsToAlarm,omitempty"`
	Threshold                        *float64          `json:"Threshold,omitempty"`
	ComparisonOperator               string            `json:"ComparisonOperator,omitempty"`
	TreatMissingData                 *string           `json:"TreatMissingData,omitempty"`
	EvaluateLowSampleCountPercentile *string           `json:"EvaluateLowSampleCountPercentile,omitempty"`
	Metrics                          []MetricDataQuery `json:"Metrics,omitempty"`
	Tags                             []Tag             `json:"Tags,omitempty"`
	ThresholdMetricId                *string           `json:"ThresholdMetricId,omitempty"`
}

// PutCompositeAlarmInput is the PutCompositeAlarm request.
type PutCompositeAlarmInput struct {
	AlarmName               string   `json:"AlarmName,omitempty"`
	AlarmRule               string   `json:"AlarmRule,omitempty"`
	AlarmDescription        *string  `json:"AlarmDescription,omitempty"`
	ActionsEnabled          *bool    `json:"ActionsEnabled,omitempty"`
	OKActions               []string `json:"OKActions,omitempty"`
	AlarmActions            []string `json:"AlarmActions,omitempty"`
	InsufficientDataActions []string `json:"InsufficientDataActions,omitempty"`
	Tags                    []Tag    `json:"Tags,omitempty"`
}

// MetricAlarm is a metric alarm as DescribeAlarms returns it.
type MetricAlarm struct {
	AlarmName                          string            `json:"AlarmName"`
	AlarmArn                           string            `json:"AlarmArn"`
	AlarmDescription                   *string           `json:"AlarmDescription,omitempty"`
	AlarmConfigurationUpdatedTimestamp *Timestamp        `json:"AlarmConfigurationUpdatedTimestamp,omitempty"`
	ActionsEnabled                     bool              `json:"ActionsEnabled"`
	OKActions                          []string          `json:"OKActions"`
	AlarmActions                       []string          `json:"AlarmActions"`
	InsufficientDataActions            []string          `json:"InsufficientDataActions"`
	StateValue                         string            `json:"StateValue"`
	StateReason                        string            `json:"StateReason"`
	StateReasonData                    *string           `json:"StateReasonData,omitempty"`
	StateUpdatedTimestamp              *Timestamp        `json:"StateUpdatedTimestamp,omitempty"`
	StateTransitionedTimestamp         *Timestamp        `json:"StateTransitionedTimestamp,omitempty"`
	MetricName                         *string           `json:"MetricName,omitempty"`
	Namespace                          *string           `json:"Namespace,omitempty"`
	Statistic                          *string           `json:"Statistic,omitempty"`
	ExtendedStatistic                  *string           `json:"ExtendedStatistic,omitempty"`
	Dimensions                         []Dimension       `json:"Dimensions"`
	Period                             *int32            `json:"Period,omitempty"`
	Unit                               *string           `json:"Unit,omitempty"`
	EvaluationPeriods                  int32             `json:"EvaluationPeriods"`
	DatapointsToAlarm                  *int32            `json:"DatapointsToAlarm,omitempty"`
	Threshold                          *float64          `json:"Threshold,omitempty"`
	ComparisonOperator                 string            `json:"ComparisonOperator"`
	TreatMissingData                   *string           `json:"TreatMissingData,omitempty"`
	EvaluateLowSampleCountPercentile   *string           `json:"EvaluateLowSampleCountPercentile,omitempty"`
	Metrics                            []MetricDataQuery `json:"Metrics,omitempty"`
	ThresholdMetricId                  *string           `json:"ThresholdMetricId,omitempty"`
}

// CompositeAlarm is a composite alarm as DescribeAlarms returns it.
type CompositeAlarm struct {
	AlarmName                          string     `json:"AlarmName"`
	AlarmArn                           string     `json:"AlarmArn"`
	AlarmDescription                   *string    `json:"AlarmDescription,omitempty"`
	AlarmRule                          string     `json:"AlarmRule"`
	AlarmConfigurationUpdatedTimestamp *Timestamp `json:"AlarmConfigurationUpdatedTimestamp,omitempty"`
	ActionsEnabled                     bool       `json:"ActionsEnabled"`
	OKActions                          []string   `json:"OKActions"`
	AlarmActions                       []string   `json:"AlarmActions"`
	InsufficientDataActions            []string   `json:"InsufficientDataActions"`
	StateValue                         string     `json:"StateValue"`
	StateReason                        string     `json:"StateReason"`
	StateReasonData                    *string    `json:"StateReasonData,omitempty"`
	StateUpdatedTimestamp              *Timestamp `json:"StateUpdatedTimestamp,omitempty"`
	StateTransitionedTimestamp         *Timestamp `json:"StateTransitionedTimestamp,omitempty"`
}

// DescribeAlarmsInput is the DescribeAlarms request.
type DescribeAlarmsInput struct {
	AlarmNames          []string `json:"AlarmNames,omitempty"`
	AlarmNamePrefix     *string  `json:"AlarmNamePrefix,omitempty"`
	AlarmTypes          []string `json:"AlarmTypes,omitempty"`
	ChildrenOfAlarmName *string  `json:"ChildrenOfAlarmName,omitempty"`
	ParentsOfAlarmName  *string  `json:"ParentsOfAlarmName,omitempty"`
	StateValue          *string  `json:"StateValue,omitempty"`
	ActionPrefix        *string  `json:"ActionPrefix,omitempty"`
	MaxRecords          *int32   `json:"MaxRecords,omitempty"`
	NextToken           *string  `json:"NextToken,omitempty"`
}

// DescribeAlarmsOutput is the DescribeAlarms response.
type DescribeAlarmsOutput struct {
	MetricAlarms    []MetricAlarm    `json:"MetricAlarms"`
	CompositeAlarms []CompositeAlarm `json:"CompositeAlarms"`
	NextToken       *string          `json:"NextToken,omitempty"`
}

// DescribeAlarmsForMetricInput is the DescribeAlarmsForMetric request.
type DescribeAlarmsForMetricInput struct {
	MetricName        string      `json:"MetricName,omitempty"`
	Namespace         string      `json:"Namespace,omitempty"`
	Statistic         *string     `json:"Statistic,omitempty"`
	ExtendedStatistic *string     `json:"ExtendedStatistic,omitempty"`
	Dimensions        []Dimension `json:"Dimensions,omitempty"`
	Period            *int32      `json:"Period,omitempty"`
	Unit              *string     `json:"Unit,omitempty"`
}

// DescribeAlarmsForMetricOutput is the DescribeAlarmsForMetric response.
type DescribeAlarmsForMetricOutput struct {
	MetricAlarms []MetricAlarm `json:"MetricAlarms"`
}

// DescribeAlarmHistoryInput is the DescribeAlarmHistory request.
type DescribeAlarmHistoryInput struct {
	AlarmName          *string    `json:"AlarmName,omitempty"`
	AlarmContributorId *string    `json:"AlarmContributorId,omitempty"`
	AlarmTypes         []string   `json:"AlarmTypes,omitempty"`
	HistoryItemType    *string    `json:"HistoryItemType,omitempty"`
	StartDate          *Timestamp `json:"StartDate,omitempty"`
	EndDate            *Timestamp `json:"EndDate,omitempty"`
	MaxRecords         *int32     `json:"MaxRecords,omitempty"`
	NextToken          *string    `json:"NextToken,omitempty"`
	ScanBy             *string    `json:"ScanBy,omitempty"`
}

// AlarmHistoryItem is one history entry.
type AlarmHistoryItem struct {
	AlarmName       string     `json:"AlarmName"`
	AlarmType       string     `json:"AlarmType"`
	Timestamp       *Timestamp `json:"Timestamp,omitempty"`
	HistoryItemType string     `json:"HistoryItemType"`
	HistorySummary  string     `json:"HistorySummary"`
	HistoryData     string     `json:"HistoryData"`
}

// DescribeAlarmHistoryOutput is the DescribeAlarmHistory response.
type DescribeAlarmHistoryOutput struct {
	AlarmHistoryItems []AlarmHistoryItem `json:"AlarmHistoryItems"`
	NextToken         *string            `json:"NextToken,omitempty"`
}

// DeleteAlarmsInput is the DeleteAlarms request.
type DeleteAlarmsInput struct {
	AlarmNames []string `json:"AlarmNames,omitempty"`
}

// SetAlarmStateInput is the SetAlarmState request.
type SetAlarmStateInput struct {
	AlarmName       string  `json:"AlarmName,omitempty"`
	StateValue      string  `json:"StateValue,omitempty"`
	StateReason     string  `json:"StateReason,omitempty"`
	StateReasonData *string `json:"StateReasonData,omitempty"`
}

// AlarmNamesInput is the EnableAlarmActions / DisableAlarmActions request.
type AlarmNamesInput struct {
	AlarmNames []string `json:"AlarmNames,omitempty"`
}

// Empty is the response of the operations that return nothing.
type Empty struct{}

// The state values, alarm types, history item types.
const (
	StateOK           = "OK"
	StateAlarm        = "ALARM"
	StateInsufficient = "INSUFFICIENT_DATA"

	TypeMetric    = "MetricAlarm"
	TypeComposite = "CompositeAlarm"

	HistoryConfig = "ConfigurationUpdate"
	HistoryState  = "StateUpdate"
	HistoryAction = "Action"
)

// Limits (AWS's).
const (
	MaxRecords        = 100
	MaxAlarmNames     = 100
	MaxNameLen        = 255
	MaxRuleLen        = 10240
	MaxReasonLen      = 1023
	MaxReasonDataLen  = 4000
	MaxHistoryPerItem = 200 // kept per alarm (AWS keeps 14 days)
	MaxAlarms         = 200000
)

func errInvalid(format string, a ...any) *metrics.APIError {
	return &metrics.APIError{Shape: "InvalidParameterValueException", Code: "InvalidParameterValue", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, a...)}
}

func errMissing(param string) *metrics.APIError {
	return &metrics.APIError{Shape: "MissingRequiredParameterException", Code: "MissingParameter", Status: http.StatusBadRequest, Message: "The parameter " + param + " is required."}
}

func errCombination(format string, a ...any) *metrics.APIError {
	return &metrics.APIError{Shape: "InvalidParameterCombinationException", Code: "InvalidParameterCombination", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, a...)}
}

func errNotFound(format string, a ...any) *metrics.APIError {
	return &metrics.APIError{Shape: "ResourceNotFound", Code: "ResourceNotFound", Status: http.StatusNotFound, Message: fmt.Sprintf(format, a...)}
}

func errFormat(format string, a ...any) *metrics.APIError {
	return &metrics.APIError{Shape: "InvalidFormatFault", Code: "InvalidFormat", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, a...)}
}

func errNextToken() *metrics.APIError {
	return &metrics.APIError{Shape: "InvalidNextToken", Code: "InvalidNextToken", Status: http.StatusBadRequest, Message: "The service cannot process the NextToken."}
}

func errLimit(format string, a ...any) *metrics.APIError {
	return &metrics.APIError{Shape: "LimitExceededFault", Code: "LimitExceeded", Status: http.StatusBadRequest, Message: fmt.Sprintf(format, a...)}
}
