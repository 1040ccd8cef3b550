package model

import "time"

// Identity is who the current credentials belong to (STS GetCallerIdentity).
type Identity struct {
	Account string
	ARN     string
	UserID  string
}

// Target names the account, region and endpoint a session talks to.
type Target struct {
	Profile  string
	Region   string
	Endpoint string // empty for real AWS
	Account  string
	Sandbox  bool
	// Protection is the level configured for this profile or account.
	Protection Protection
}

// Protection is the safety level configured for a profile or account.
type Protection string

const (
	Writable  Protection = "writable"
	Protected Protection = "protected" // mutations need the target's name typed
	ReadOnly  Protection = "read-only" // mutations are refused in the aws layer
)

// Function is one Lambda function as listed (ListFunctions) and, when
// enriched, with the extra fields GetFunction returns.
type Function struct {
	Name             string
	ARN              string
	Runtime          string // empty for container images
	Handler          string
	Role             string
	Description      string
	Architecture     string // x86_64 | arm64
	MemoryMB         int
	TimeoutSec       int
	EphemeralMB      int
	PackageType      string // Zip | Image
	CodeSize         int64
	CodeSHA256       string
	LastModified     time.Time
	Version          string // $LATEST or a number
	State            string // Pending | Active | Inactive | Failed
	StateReason      string
	LastUpdateStatus string // Successful | Failed | InProgress
	RevisionID       string
	Layers           []Layer
	VPC              *VPCConfig
	Env              map[string]string // values are secret until revealed
	DLQTarget        string
	TracingMode      string
	SnapStart        string // None | PublishedVersions
	Logging          LoggingConfig
	KMSKeyARN        string

	// Enrichment (GetFunction); Enriched tells whether these were fetched.
	Enriched bool
	Tags     map[string]string
	Reserved *int // reserved concurrency; nil when none is set
	// TagsKnown tells that Tags are the function's tags (from the Resource
	// Groups Tagging API sweep or GetFunction), even when there are none.
	TagsKnown bool
}

// Layer is a Lambda layer attached to a function.
type Layer struct {
	ARN      string
	CodeSize int64
}

// VPCConfig is a function's VPC attachment.
type VPCConfig struct {
	VPCID            string
	SubnetIDs        []string
	SecurityGroupIDs []string
}

// LoggingConfig is a function's advanced logging configuration.
type LoggingConfig struct {
	LogFormat           string // Text | JSON
	LogGroup            string
	ApplicationLogLevel string
	SystemLogLevel      string
}

// LogGroupName is the log group the function writes to.
func (f Function) LogGroupName() string {
	if f.Logging.LogGroup != "" {
		return f.Logging.LogGroup
	}
	return "/aws/lambda/" + f.Name
}

// Version is one published version (or $LATEST) of a function.
type Version struct {
	Function     string
	Version      string
	Description  string
	CodeSHA256   string
	LastModified time.Time
	Runtime      string
	MemoryMB     int
	TimeoutSec   int
	Role         string
	DLQTarget    string
	RevisionID   string
	// Reused is set by PublishVersion when the version it returned existed
	// before the call: the code and configuration had not changed since,
	// so nothing was published (and the description was not applied).
	Reused bool
}

// Routing is an alias's weighted routing: the primary version takes
// 1-Weight of the traffic, AdditionalVersion takes Weight (0..1).
// A zero-value Routing (AdditionalVersion empty) means no routing.
type Routing struct {
	AdditionalVersion string
	Weight            float64
}

// Active reports whether the routing sends traffic to a second version.
func (r Routing) Active() bool { return r.AdditionalVersion != "" }

// Alias is a named pointer at a version, optionally with weighted routing.
type Alias struct {
	Function    string
	Name        string
	ARN         string
	Version     string // primary version
	Description string
	Routing     Routing
	RevisionID  string
}

// ProvisionedConfig is provisioned concurrency on an alias or version.
type ProvisionedConfig struct {
	Function     string
	Qualifier    string // alias name or version
	Requested    int
	Available    int
	Allocated    int
	Status       string // IN_PROGRESS | READY | FAILED
	StatusReason string
	LastModified time.Time
}

// AccountSettings are the account-wide Lambda limits and usage.
type AccountSettings struct {
	ConcurrentExecutions           int
	UnreservedConcurrentExecutions int
	TotalCodeSize                  int64
	CodeSizeUnzipped               int64
	CodeSizeZipped                 int64
	FunctionCount                  int64
	UsedCodeSize                   int64
}

// ESM is an event source mapping.
type ESM struct {
	UUID                 string
	ARN                  string
	FunctionARN          string
	Function             string
	SourceARN            string
	SourceType           string // SQS | Kinesis | DynamoDB
	State                string // Creating | Enabling | Enabled | Disabling | Disabled | Updating | Deleting
	StateReason          string
	BatchSize            int
	BatchWindowSec       int
	StartingPosition     string
	LastProcessingResult string
	LastModified         time.Time
	Tags                 map[string]string
}

// SourceTypeFromARN classifies an event source ARN.
func SourceTypeFromARN(arn string) string {
	switch {
	case contains(arn, ":sqs:"):
		return "SQS"
	case contains(arn, ":kinesis:"):
		return "Kinesis"
	case contains(arn, ":dynamodb:"):
		return "DynamoDB"
	case contains(arn, ":kafka:"):
		return "Kafka"
	case contains(arn, ":mq:"):
		return "MQ"
	}
	return "Other"
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// EventInvokeConfig is the async invocation configuration of a function.
type EventInvokeConfig struct {
	MaxRetryAttempts *int
	MaxEventAgeSec   *int
	OnSuccess        string
	OnFailure        string
	LastModified     time.Time
}

// Trigger is a principal allowed by the function's resource policy to invoke it.
type Trigger struct {
	Sid       string
	Principal string // e.g. s3.amazonaws.com
	SourceARN string
	Action    string
}

// FunctionDetail is everything the function view's Config tab shows.
type FunctionDetail struct {
	Function     Function
	Reserved     *int
	Tags         map[string]string
	EventInvoke  *EventInvokeConfig
	Triggers     []Trigger
	Mappings     []ESM
	CodeLocation string
	// URL is the function URL of the unqualified function (nil when none,
	// or the endpoint does not answer GetFunctionUrlConfig).
	URL *FunctionURL
}

// FunctionURL is a function URL's address and how callers authenticate.
type FunctionURL struct {
	URL        string
	AuthType   string // NONE | AWS_IAM
	InvokeMode string // BUFFERED | RESPONSE_STREAM
}

// InvocationType is how Invoke runs a function.
type InvocationType string

const (
	RequestResponse InvocationType = "RequestResponse"
	Event           InvocationType = "Event"
	DryRun          InvocationType = "DryRun"
)

// Payload limits enforced before anything is sent.
const (
	MaxSyncPayload  = 6 * 1024 * 1024
	MaxAsyncPayload = 1024 * 1024
)

// InvokeRequest is one invocation the user asked for.
type InvokeRequest struct {
	Function  string
	Qualifier string
	Type      InvocationType
	Payload   []byte
}

// InvokeResult is what came back from Invoke, with the log tail decoded.
type InvokeResult struct {
	StatusCode      int
	ExecutedVersion string
	FunctionError   string // Handled | Unhandled | ""
	Payload         []byte
	LogTail         string
	Report          *Report // parsed from LogTail when present
	RequestID       string
	Elapsed         time.Duration
}

// LogEvent is one log line from CloudWatch Logs.
type LogEvent struct {
	Group         string
	Stream        string
	Timestamp     time.Time
	IngestionTime time.Time
	Message       string
	EventID       string
}

// Statistic names used for metrics queries.
const (
	StatSum     = "Sum"
	StatAverage = "Average"
	StatMaximum = "Maximum"
	StatMinimum = "Minimum"
	StatSamples = "SampleCount"
)

// MetricQuery names one series: a Lambda metric for a function, optionally
// narrowed to a resource (alias or version) and an executed version.
type MetricQuery struct {
	Function        string
	Resource        string // "" | alias or version qualifier (dimension Resource = fn:qualifier)
	ExecutedVersion string
	Metric          string // Invocations, Errors, Duration, ...
	Stat            string // Sum, Average, p99, ...
	Period          time.Duration
}

// Key is a stable identity for the query, used to match results.
func (q MetricQuery) Key() string {
	return q.Function + "|" + q.Resource + "|" + q.ExecutedVersion + "|" + q.Metric + "|" + q.Stat
}

// MetricSeries is one query's result: points in ascending time, one per
// period, with missing periods filled with zero.
type MetricSeries struct {
	Query       MetricQuery
	Timestamps  []time.Time
	Values      []float64
	Provisional bool // the newest point may still change
	// Present says which points hold a datapoint (false: the period had
	// none and Values reads 0 there); nil means every point does.
	Present []bool
}

// Last returns the newest value, or 0.
func (s MetricSeries) Last() float64 {
	if len(s.Values) == 0 {
		return 0
	}
	return s.Values[len(s.Values)-1]
}

// Sum adds all values.
func (s MetricSeries) Sum() float64 {
	var t float64
	for _, v := range s.Values {
		t += v
	}
	return t
}

// JournalEntry is one mutation recorded in the local journal.
type JournalEntry struct {
	Time           time.Time      `json:"time"`
	Profile        string         `json:"profile,omitempty"`
	Account        string         `json:"account,omitempty"`
	Region         string         `json:"region,omitempty"`
	Action         string         `json:"action"`
	Target         string         `json:"target"`
	Before         map[string]any `json:"before,omitempty"`
	After          map[string]any `json:"after,omitempty"`
	RevisionBefore string         `json:"revisionBefore,omitempty"`
	RevisionAfter  string         `json:"revisionAfter,omitempty"`
	RequestID      string         `json:"requestId,omitempty"`
	Result         string         `json:"result"` // ok | error text
	Reason         string         `json:"reason,omitempty"`
	PayloadSize    int            `json:"payloadSize,omitempty"`
	PayloadSHA256  string         `json:"payloadSha256,omitempty"`

	// Write-ahead fields. An intent (Phase "intent") is written and synced
	// before a change is sent; its outcome (Phase "outcome", same ID) after.
	// Entries without a Phase are complete single-line records.
	ID          string         `json:"id,omitempty"`
	Phase       string         `json:"phase,omitempty"`
	Owner       string         `json:"owner,omitempty"` // the process that wrote the intent
	Function    string         `json:"function,omitempty"`
	Request     map[string]any `json:"request,omitempty"`
	ClientToken string         `json:"clientToken,omitempty"`
	Run         string         `json:"run,omitempty"`        // the power-tuning run the change belongs to
	Reconciled  bool           `json:"reconciled,omitempty"` // outcome read from live state at a later start
}

// Journal phases.
const (
	PhaseIntent  = "intent"
	PhaseOutcome = "outcome"
)
