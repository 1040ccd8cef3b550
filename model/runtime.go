package model

import (
	"time"
)

// RuntimeLifecycle is AWS's deprecation schedule for one Lambda-managed
// runtime: the day it is deprecated, the day creating functions with it is
// blocked and the day updating them is blocked (all UTC, "" when none is
// scheduled), and the runtime AWS recommends moving to. Dates are those of
// the "Lambda runtimes" page of the AWS Lambda Developer Guide (supported
// and deprecated runtime tables); projected dates change when AWS extends
// them.
type RuntimeLifecycle struct {
	Deprecated  string
	BlockCreate string
	BlockUpdate string
	Successor   string
}

// RuntimePhase is where a runtime is in its lifecycle at a given time.
type RuntimePhase int

const (
	RuntimeUnknown       RuntimePhase = iota // not a Lambda-managed runtime we know (or an image function)
	RuntimeSupported                         // no deprecation within RuntimeSoon
	RuntimeDeprecating                       // deprecated within RuntimeSoon
	RuntimeDeprecated                        // deprecated; functions can still be created
	RuntimeCreateBlocked                     // new functions can't use it
	RuntimeUpdateBlocked                     // existing functions can't be updated either
)

// RuntimeSoon is how far ahead a coming deprecation is announced (AWS
// notifies 180 days before).
const RuntimeSoon = 180 * 24 * time.Hour

var runtimeLifecycles = map[string]RuntimeLifecycle{
	// Supported, with AWS's projected dates.
	"nodejs24.x":      {"2028-04-30", "2028-06-01", "2028-07-01", ""},
	"nodejs22.x":      {"2027-04-30", "2027-06-01", "2027-07-01", "nodejs24.x"},
	"nodejs20.x":      {"2026-04-30", "2026-06-01", "2026-07-01", "nodejs24.x"},
	"python3.14":      {"2029-06-30", "2029-07-31", "2029-08-31", ""},
	"python3.13":      {"2029-06-30", "2029-07-31", "2029-08-31", "python3.14"},
	"python3.12":      {"2028-10-31", "2028-11-30", "2029-01-10", "python3.14"},
	"python3.11":      {"2026-06-30", "2026-07-31", "2026-08-31", "python3.14"},
	"python3.10":      {"2026-06-30", "2026-07-31", "2026-08-31", "python3.14"},
	"java25":          {"2029-06-30", "2029-07-31", "2029-08-31", ""},
	"java21":          {"2029-06-30", "2029-07-31", "2029-08-31", "java25"},
	"java17":          {"2026-06-30", "2026-07-31", "2026-08-31", "java25"},
	"java11":          {"2026-06-30", "2026-07-31", "2026-08-31", "java25"},
	"java8.al2":       {"2026-06-30", "2026-07-31", "2026-08-31", "java25"},
	"dotnet10":        {"2028-11-14", "2028-12-15", "2029-01-15", ""},
	"dotnet8":         {"2026-11-10", "2026-12-10", "2027-01-11", "dotnet10"},
	"ruby4.0":         {"", "", "", ""},
	"ruby3.4":         {"2028-03-31", "2028-04-30", "2028-05-31", "ruby4.0"},
	"ruby3.3":         {"2027-03-31", "2027-04-30", "2027-05-31", "ruby3.4"},
	"ruby3.2":         {"2026-03-31", "2026-06-01", "2026-07-01", "ruby3.4"},
	"provided.al2023": {"2029-06-30", "2029-07-31", "2029-08-31", ""},
	"provided.al2":    {"2026-06-30", "2026-07-31", "2026-08-31", "provided.al2023"},
	// Deprecated.
	"nodejs18.x":     {"2025-09-01", "2026-02-03", "2026-03-09", "nodejs24.x"},
	"python3.9":      {"2025-12-15", "2026-02-03", "2026-03-09", "python3.14"},
	"dotnet6":        {"2024-12-20", "2026-02-03", "2026-03-09", "dotnet8"},
	"python3.8":      {"2024-10-14", "2026-02-03", "2026-03-09", "python3.14"},
	"nodejs16.x":     {"2024-06-12", "2026-02-03", "2026-03-09", "nodejs24.x"},
	"java8":          {"2024-01-08", "2024-02-08", "2026-02-03", "java25"},
	"go1.x":          {"2024-01-08", "2024-02-08", "2026-02-03", "provided.al2023"},
	"provided":       {"2024-01-08", "2024-02-08", "2026-02-03", "provided.al2023"},
	"ruby2.7":        {"2023-12-07", "2024-01-09", "2026-02-03", "ruby3.4"},
	"nodejs14.x":     {"2023-12-04", "2024-01-09", "2026-02-03", "nodejs24.x"},
	"python3.7":      {"2023-12-04", "2024-01-09", "2026-02-03", "python3.14"},
	"dotnetcore3.1":  {"2023-04-03", "2023-04-03", "2023-05-03", "dotnet8"},
	"nodejs12.x":     {"2023-03-31", "2023-03-31", "2023-04-30", "nodejs24.x"},
	"python3.6":      {"2022-07-18", "2022-07-18", "2022-08-29", "python3.14"},
	"dotnetcore2.1":  {"2022-01-05", "2022-01-05", "2022-04-13", "dotnet8"},
	"nodejs10.x":     {"2021-07-30", "2021-07-30", "2022-02-14", "nodejs24.x"},
	"ruby2.5":        {"2021-07-30", "2021-07-30", "2022-03-31", "ruby3.4"},
	"python2.7":      {"2021-07-15", "2021-07-15", "2022-05-30", "python3.14"},
	"nodejs8.10":     {"2019-12-31", "2020-01-06", "2020-03-06", "nodejs24.x"},
	"dotnetcore2.0":  {"2019-04-30", "2019-04-30", "2019-05-30", "dotnet8"},
	"dotnetcore1.0":  {"2019-06-27", "2019-06-27", "2019-07-31", "dotnet8"},
	"nodejs6.10":     {"2019-04-30", "2019-04-30", "2019-08-12", "nodejs24.x"},
	"nodejs4.3":      {"2018-04-30", "2018-12-15", "2019-04-30", "nodejs24.x"},
	"nodejs4.3-edge": {"2018-04-30", "2018-12-15", "2019-04-30", "nodejs24.x"},
	"nodejs":         {"2016-10-31", "2016-10-31", "2016-10-31", "nodejs24.x"},
}

// RuntimeInfo returns the lifecycle of a runtime identifier.
func RuntimeInfo(id string) (RuntimeLifecycle, bool) {
	l, ok := runtimeLifecycles[id]
	return l, ok
}

// KnownRuntimes returns every runtime identifier with a lifecycle entry.
func KnownRuntimes() []string {
	out := make([]string, 0, len(runtimeLifecycles))
	for k := range runtimeLifecycles {
		out = append(out, k)
	}
	return out
}

func day(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// Phase returns where the runtime is at now.
func (l RuntimeLifecycle) Phase(now time.Time) RuntimePhase {
	if t, ok := day(l.BlockUpdate); ok && !now.Before(t) {
		return RuntimeUpdateBlocked
	}
	if t, ok := day(l.BlockCreate); ok && !now.Before(t) {
		return RuntimeCreateBlocked
	}
	if t, ok := day(l.Deprecated); ok {
		if !now.Before(t) {
			return RuntimeDeprecated
		}
		if t.Sub(now) <= RuntimeSoon {
			return RuntimeDeprecating
		}
	}
	return RuntimeSupported
}

// RuntimePhaseOf returns the phase of runtime id at now (RuntimeUnknown
// for "" or an identifier without a lifecycle entry).
func RuntimePhaseOf(id string, now time.Time) RuntimePhase {
	l, ok := runtimeLifecycles[id]
	if !ok {
		return RuntimeUnknown
	}
	return l.Phase(now)
}

// RuntimeNote is a one-line description of a runtime's deprecation at now
// ("" while it is supported and no deprecation is near).
func RuntimeNote(id string, now time.Time) string {
	l, ok := runtimeLifecycles[id]
	if !ok {
		return ""
	}
	next := ""
	if l.Successor != "" {
		next = "; move to " + l.Successor
	}
	switch l.Phase(now) {
	case RuntimeDeprecating:
		return "deprecated on " + l.Deprecated + next
	case RuntimeDeprecated:
		return "deprecated since " + l.Deprecated + "; creating functions blocked from " + l.BlockCreate + next
	case RuntimeCreateBlocked:
		return "deprecated since " + l.Deprecated + "; new functions blocked since " + l.BlockCreate + ", updates from " + l.BlockUpdate + next
	case RuntimeUpdateBlocked:
		return "deprecated since " + l.Deprecated + "; create and update blocked since " + l.BlockUpdate + next
	}
	return ""
}
