// Package logs owns the sandbox's CloudWatch Logs: an in-memory store of log
// groups, streams and events with size-bounded retention (oldest events out
// first, per group and globally) that implements record.Sink, the awsJson1.1
// front-end for the Logs operations the TUI and the CLIs use (DescribeLogGroups,
// DescribeLogStreams, GetLogEvents, FilterLogEvents, PutLogEvents, ...), the
// CloudWatch Logs filter-pattern language, and StartLiveTail as an
// application/vnd.amazon.eventstream response fed by subscriptions on the
// store (events are pushed, never polled).
package logs
