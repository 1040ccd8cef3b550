package invoke

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Template is a sample event of a shape Lambda receives.
type Template struct {
	Name string
	Body string
}

// Templates are the event shapes offered by ctrl+t, in order.
var Templates = []Template{
	{"S3 put", `{
  "Records": [
    {
      "eventVersion": "2.1",
      "eventSource": "aws:s3",
      "awsRegion": "us-east-1",
      "eventTime": "2026-11-26T12:00:00.000Z",
      "eventName": "ObjectCreated:Put",
      "s3": {
        "s3SchemaVersion": "1.0",
        "bucket": {"name": "example-bucket", "arn": "arn:aws:s3:::example-bucket"},
        "object": {"key": "uploads/photo.jpg", "size": 1024, "eTag": "0123456789abcdef0123456789abcdef"}
      }
    }
  ]
}`},
	{"API Gateway proxy", `{
  "resource": "/orders/{id}",
  "path": "/orders/42",
  "httpMethod": "GET",
  "headers": {"Accept": "application/json", "Host": "api.example.com"},
  "queryStringParameters": {"verbose": "true"},
  "pathParameters": {"id": "42"},
  "requestContext": {
    "resourcePath": "/orders/{id}",
    "httpMethod": "GET",
    "stage": "prod",
    "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "identity": {"sourceIp": "203.0.113.10"}
  },
  "body": null,
  "isBase64Encoded": false
}`},
	{"SQS batch", `{
  "Records": [
    {
      "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
      "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
      "body": "{\"orderId\": 42}",
      "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764158400000"},
      "messageAttributes": {},
      "eventSource": "aws:sqs",
      "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:example-queue",
      "awsRegion": "us-east-1"
    },
    {
      "messageId": "2e1424d4-f796-459a-8184-9c92662be6da",
      "receiptHandle": "AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq",
      "body": "{\"orderId\": 43}",
      "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764158400100"},
      "messageAttributes": {},
      "eventSource": "aws:sqs",
      "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:example-queue",
      "awsRegion": "us-east-1"
    }
  ]
}`},
	{"EventBridge scheduled", `{
  "version": "0",
  "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  "source": "aws.events",
  "account": "123456789012",
  "time": "2026-11-26T12:00:00Z",
  "region": "us-east-1",
  "resources": ["arn:aws:events:us-east-1:123456789012:rule/every-5-minutes"],
  "detail": {}
}`},
	{"DynamoDB stream", `{
  "Records": [
    {
      "eventID": "c4ca4238a0b923820dcc509a6f75849b",
      "eventName": "INSERT",
      "eventVersion": "1.1",
      "eventSource": "aws:dynamodb",
      "awsRegion": "us-east-1",
      "dynamodb": {
        "Keys": {"Id": {"N": "101"}},
        "NewImage": {"Message": {"S": "New item!"}, "Id": {"N": "101"}},
        "ApproximateCreationDateTime": 1764158400,
        "SequenceNumber": "4421584500000000017450439091",
        "SizeBytes": 26,
        "StreamViewType": "NEW_AND_OLD_IMAGES"
      },
      "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/example/stream/2026-11-26T00:00:00.000"
    }
  ]
}`},
	{"Kinesis", `{
  "Records": [
    {
      "kinesis": {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": "1",
        "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
        "data": "eyJvcmRlcklkIjogNDJ9",
        "approximateArrivalTimestamp": 1764158400.123
      },
      "eventSource": "aws:kinesis",
      "eventVersion": "1.0",
      "eventID": "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
      "eventName": "aws:kinesis:record",
      "awsRegion": "us-east-1",
      "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/example-stream"
    }
  ]
}`},
}

// JSONError is a payload that is not valid JSON, located by line and column
// (both 1-based; the column counts characters, not bytes).
type JSONError struct {
	Line, Column int
	Msg          string
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Validate checks that payload is JSON. An empty (or blank) payload is
// valid: the function receives no input.
func Validate(payload []byte) *JSONError {
	if len(strings.TrimSpace(string(payload))) == 0 {
		return nil
	}
	var v any
	err := json.Unmarshal(payload, &v)
	if err == nil {
		return nil
	}
	off := len(payload)
	msg := err.Error()
	if se, ok := err.(*json.SyntaxError); ok {
		off = int(se.Offset)
		msg = se.Error()
		if msg == "unexpected end of JSON input" {
			off = len(strings.TrimRight(string(payload), " \t\r\n"))
			if off > 0 {
				off++
			}
		}
	}
	pos := max(0, min(off-1, len(payload)))
	if off == 0 {
		pos = 0
	}
	line := 1 + strings.Count(string(payload[:pos]), "\n")
	start := strings.LastIndexByte(string(payload[:pos]), '\n') + 1
	col := utf8.RuneCount(payload[start:pos]) + 1
	return &JSONError{Line: line, Column: col, Msg: msg}
}

// Pretty indents a JSON payload with two spaces (unchanged when invalid or empty).
func Pretty(payload []byte) []byte {
	if len(bytes.TrimSpace(payload)) == 0 {
		return payload
	}
	var out bytes.Buffer
	if err := json.Indent(&out, payload, "", "  "); err != nil {
		return payload
	}
	return out.Bytes()
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
