// Command lambdaops is a terminal UI for operating AWS Lambda fleets.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "lambdaops: under construction")
	os.Exit(1)
}
