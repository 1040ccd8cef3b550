// Package peers finds and starts the independent AWS implementations and
// clients the tests drive: moto_server, the AWS CLI v2 at /usr/bin/aws, and
// Python with boto3. A missing peer skips the test with a clear message,
// unless LAMBDAOPS_REQUIRE_PEERS=1 (set by .ci/run), which makes it fail.
package peers

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Required reports whether missing peers must fail tests.
func Required() bool { return os.Getenv("LAMBDAOPS_REQUIRE_PEERS") == "1" }

// Missing skips t (or fails it under LAMBDAOPS_REQUIRE_PEERS=1).
func Missing(t testing.TB, what, how string) {
	t.Helper()
	msg := fmt.Sprintf("%s not available (%s); install it to run this test", what, how)
	if Required() {
		t.Fatalf("LAMBDAOPS_REQUIRE_PEERS=1: %s", msg)
	}
	t.Skip(msg)
}

// AWSCLIv2 returns the path of the AWS CLI v2 (Debian's awscli package).
func AWSCLIv2(t testing.TB) string {
	t.Helper()
	const p = "/usr/bin/aws"
	if _, err := os.Stat(p); err != nil {
		Missing(t, "AWS CLI v2 at /usr/bin/aws", "apt-get install awscli")
	}
	return p
}

// Python returns a python3 that can import boto3.
func Python(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		Missing(t, "python3", "not on PATH")
	}
	if err := exec.Command(p, "-c", "import boto3").Run(); err != nil {
		Missing(t, "Python boto3", "pip install boto3")
	}
	return p
}

// CLIEnv is an environment for running a CLI or boto3 against endpoint with
// dummy credentials and no shared config.
func CLIEnv(endpoint, region string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"AWS_ACCESS_KEY_ID=sandbox", "AWS_SECRET_ACCESS_KEY=sandbox",
		"AWS_DEFAULT_REGION="+region, "AWS_REGION="+region,
		"AWS_ENDPOINT_URL="+endpoint,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true", "PYTHONUNBUFFERED=1",
	)
}

// StartMoto starts moto_server on a free loopback port and returns its
// endpoint; it is stopped when the test ends.
func StartMoto(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		Missing(t, "moto_server", "pip install 'moto[server]'")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Env = append(os.Environ(), "MOTO_DOCKER_NETWORK_MODE=none")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start moto_server: %v", err)
	}
	go func() { // drain its log
		s := bufio.NewScanner(stderr)
		for s.Scan() {
		}
	}()
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return url
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("moto_server did not answer on %s within 30s", url)
	return ""
}
