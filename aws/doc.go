// Package aws is the only package that imports the AWS SDK. It owns sessions
// (profiles, regions, endpoints, the sandbox), the rate governor, paging,
// metrics batching, the live log tail with its polling fallback, read-only
// enforcement and the mutation journal. It exposes the interfaces in api.go,
// shaped for the UI and returning model types.
package aws
