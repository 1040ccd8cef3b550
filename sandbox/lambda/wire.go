package lambda

import (
	"encoding/json"
	"time"
)

// Wire shapes of the restJson1 protocol (member names as in the model).

type vpcJSON struct {
	SubnetIds        []string `json:"SubnetIds"`
	SecurityGroupIds []string `json:"SecurityGroupIds"`
	VpcId            string   `json:"VpcId,omitempty"`
}

type envJSON struct {
	Variables map[string]string `json:"Variables"`
}

type dlqJSON struct {
	TargetArn string `json:"TargetArn,omitempty"`
}

type tracingJSON struct {
	Mode string `json:"Mode"`
}

type layerJSON struct {
	Arn      string `json:"Arn"`
	CodeSize int64  `json:"CodeSize"`
}

type ephemeralJSON struct {
	Size int `json:"Size"`
}

type snapStartJSON struct {
	ApplyOn            string `json:"ApplyOn"`
	OptimizationStatus string `json:"OptimizationStatus"`
}

type loggingJSON struct {
	LogFormat           string `json:"LogFormat,omitempty"`
	ApplicationLogLevel string `json:"ApplicationLogLevel,omitempty"`
	SystemLogLevel      string `json:"SystemLogLevel,omitempty"`
	LogGroup            string `json:"LogGroup,omitempty"`
}

// FunctionConfiguration is the wire shape of a function version.
type FunctionConfiguration struct {
	FunctionName           string                   `json:"FunctionName"`
	FunctionArn            string                   `json:"FunctionArn"`
	Runtime                string                   `json:"Runtime,omitempty"`
	Role                   string                   `json:"Role"`
	Handler                string                   `json:"Handler,omitempty"`
	CodeSize               int64                    `json:"CodeSize"`
	Description            string                   `json:"Description"`
	Timeout                int                      `json:"Timeout"`
	MemorySize             int                      `json:"MemorySize"`
	LastModified           string                   `json:"LastModified"`
	CodeSha256             string                   `json:"CodeSha256"`
	Version                string                   `json:"Version"`
	VpcConfig              *vpcJSON                 `json:"VpcConfig,omitempty"`
	DeadLetterConfig       *dlqJSON                 `json:"DeadLetterConfig,omitempty"`
	Environment            *envJSON                 `json:"Environment,omitempty"`
	KMSKeyArn              string                   `json:"KMSKeyArn,omitempty"`
	TracingConfig          tracingJSON              `json:"TracingConfig"`
	RevisionId             string                   `json:"RevisionId"`
	Layers                 []layerJSON              `json:"Layers,omitempty"`
	State                  string                   `json:"State"`
	StateReason            string                   `json:"StateReason,omitempty"`
	StateReasonCode        string                   `json:"StateReasonCode,omitempty"`
	LastUpdateStatus       string                   `json:"LastUpdateStatus"`
	LastUpdateStatusReason string                   `json:"LastUpdateStatusReason,omitempty"`
	LastUpdateStatusCode   string                   `json:"LastUpdateStatusReasonCode,omitempty"`
	PackageType            string                   `json:"PackageType"`
	Architectures          []string                 `json:"Architectures"`
	EphemeralStorage       ephemeralJSON            `json:"EphemeralStorage"`
	SnapStart              snapStartJSON            `json:"SnapStart"`
	LoggingConfig          loggingJSON              `json:"LoggingConfig"`
	MasterArn              string                   `json:"MasterArn,omitempty"`
	ImageConfigResponse    *imageConfigResponseJSON `json:"ImageConfigResponse,omitempty"`
	RuntimeVersionConfig   *runtimeVersionJSON      `json:"RuntimeVersionConfig,omitempty"`
}

type runtimeVersionJSON struct {
	RuntimeVersionArn string `json:"RuntimeVersionArn"`
}

type imageConfigJSON struct {
	EntryPoint       []string `json:"EntryPoint,omitempty"`
	Command          []string `json:"Command,omitempty"`
	WorkingDirectory string   `json:"WorkingDirectory,omitempty"`
}

type imageConfigResponseJSON struct {
	ImageConfig *imageConfigJSON `json:"ImageConfig,omitempty"`
}

type codeIn struct {
	ZipFile         []byte `json:"ZipFile"`
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
	ImageUri        string `json:"ImageUri"`
}

type updateCodeIn struct {
	codeIn
	Publish       bool     `json:"Publish"`
	DryRun        bool     `json:"DryRun"`
	RevisionId    string   `json:"RevisionId"`
	Architectures []string `json:"Architectures"`
}

// LambdaTime formats a FunctionConfiguration/alias LastModified string.
func LambdaTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000-0700")
}

type aliasJSON struct {
	AliasArn        string       `json:"AliasArn"`
	Name            string       `json:"Name"`
	FunctionVersion string       `json:"FunctionVersion"`
	Description     string       `json:"Description"`
	RoutingConfig   *routingJSON `json:"RoutingConfig,omitempty"`
	RevisionId      string       `json:"RevisionId"`
}

type routingJSON struct {
	AdditionalVersionWeights map[string]float64 `json:"AdditionalVersionWeights"`
}

type provJSON struct {
	FunctionArn                              string `json:"FunctionArn,omitempty"`
	RequestedProvisionedConcurrentExecutions int    `json:"RequestedProvisionedConcurrentExecutions"`
	AvailableProvisionedConcurrentExecutions int    `json:"AvailableProvisionedConcurrentExecutions"`
	AllocatedProvisionedConcurrentExecutions int    `json:"AllocatedProvisionedConcurrentExecutions"`
	Status                                   string `json:"Status"`
	StatusReason                             string `json:"StatusReason,omitempty"`
	LastModified                             string `json:"LastModified"`
}

type esmJSON struct {
	UUID                           string   `json:"UUID"`
	StartingPosition               string   `json:"StartingPosition,omitempty"`
	BatchSize                      int      `json:"BatchSize"`
	MaximumBatchingWindowInSeconds int      `json:"MaximumBatchingWindowInSeconds"`
	ParallelizationFactor          int      `json:"ParallelizationFactor,omitempty"`
	EventSourceArn                 string   `json:"EventSourceArn"`
	FunctionArn                    string   `json:"FunctionArn"`
	LastModified                   float64  `json:"LastModified"`
	LastProcessingResult           string   `json:"LastProcessingResult,omitempty"`
	State                          string   `json:"State"`
	StateTransitionReason          string   `json:"StateTransitionReason"`
	FunctionResponseTypes          []string `json:"FunctionResponseTypes,omitempty"`
	EventSourceMappingArn          string   `json:"EventSourceMappingArn,omitempty"`
}

type destJSON struct {
	Destination string `json:"Destination,omitempty"`
}

type destConfigJSON struct {
	OnSuccess *destJSON `json:"OnSuccess,omitempty"`
	OnFailure *destJSON `json:"OnFailure,omitempty"`
}

type eventInvokeJSON struct {
	LastModified             float64         `json:"LastModified"`
	FunctionArn              string          `json:"FunctionArn"`
	MaximumRetryAttempts     *int            `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int            `json:"MaximumEventAgeInSeconds,omitempty"`
	DestinationConfig        *destConfigJSON `json:"DestinationConfig,omitempty"`
}

func epoch(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}

// Inputs.

type createFunctionIn struct {
	FunctionName     *string                   `json:"FunctionName"`
	Runtime          string                    `json:"Runtime"`
	Role             *string                   `json:"Role"`
	Handler          string                    `json:"Handler"`
	Description      string                    `json:"Description"`
	Timeout          *int                      `json:"Timeout"`
	MemorySize       *int                      `json:"MemorySize"`
	Publish          bool                      `json:"Publish"`
	PackageType      string                    `json:"PackageType"`
	Architectures    []string                  `json:"Architectures"`
	Layers           []string                  `json:"Layers"`
	Code             *codeIn                   `json:"Code"`
	ImageConfig      *imageConfigJSON          `json:"ImageConfig"`
	Environment      *envJSON                  `json:"Environment"`
	VpcConfig        *vpcJSON                  `json:"VpcConfig"`
	DeadLetterConfig *dlqJSON                  `json:"DeadLetterConfig"`
	TracingConfig    *tracingJSON              `json:"TracingConfig"`
	KMSKeyArn        string                    `json:"KMSKeyArn"`
	Tags             map[string]string         `json:"Tags"`
	EphemeralStorage *ephemeralJSON            `json:"EphemeralStorage"`
	LoggingConfig    *loggingJSON              `json:"LoggingConfig"`
	SnapStart        *struct{ ApplyOn string } `json:"SnapStart"`
}

type updateConfigIn struct {
	Role             *string          `json:"Role"`
	Handler          *string          `json:"Handler"`
	Description      *string          `json:"Description"`
	Timeout          *int             `json:"Timeout"`
	MemorySize       *int             `json:"MemorySize"`
	Runtime          *string          `json:"Runtime"`
	Environment      *envJSON         `json:"Environment"`
	VpcConfig        *vpcJSON         `json:"VpcConfig"`
	DeadLetterConfig *dlqJSON         `json:"DeadLetterConfig"`
	TracingConfig    *tracingJSON     `json:"TracingConfig"`
	KMSKeyArn        *string          `json:"KMSKeyArn"`
	Layers           *[]string        `json:"Layers"`
	EphemeralStorage *ephemeralJSON   `json:"EphemeralStorage"`
	LoggingConfig    *loggingJSON     `json:"LoggingConfig"`
	ImageConfig      *imageConfigJSON `json:"ImageConfig"`
	RevisionId       string           `json:"RevisionId"`
}

type publishIn struct {
	CodeSha256  string `json:"CodeSha256"`
	Description string `json:"Description"`
	RevisionId  string `json:"RevisionId"`
}

type aliasIn struct {
	Name            string       `json:"Name"`
	FunctionVersion *string      `json:"FunctionVersion"`
	Description     *string      `json:"Description"`
	RoutingConfig   *routingJSON `json:"RoutingConfig"`
	RevisionId      string       `json:"RevisionId"`
}

type concurrencyIn struct {
	ReservedConcurrentExecutions *int `json:"ReservedConcurrentExecutions"`
}

type provIn struct {
	ProvisionedConcurrentExecutions *int `json:"ProvisionedConcurrentExecutions"`
}

type esmUpdateIn struct {
	FunctionName                   *string `json:"FunctionName"`
	Enabled                        *bool   `json:"Enabled"`
	BatchSize                      *int    `json:"BatchSize"`
	MaximumBatchingWindowInSeconds *int    `json:"MaximumBatchingWindowInSeconds"`
}

type eventInvokeIn struct {
	MaximumRetryAttempts     *int            `json:"MaximumRetryAttempts"`
	MaximumEventAgeInSeconds *int            `json:"MaximumEventAgeInSeconds"`
	DestinationConfig        *destConfigJSON `json:"DestinationConfig"`
}

type tagsIn struct {
	Tags map[string]string `json:"Tags"`
}

// rawList is a JSON list of pre-encoded items.
type rawList []json.RawMessage
