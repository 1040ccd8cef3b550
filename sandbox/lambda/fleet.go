package lambda

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/lambdaops/lambdaops/model"
)

// The demo fleet's incident functions (names are part of the sandbox contract).
const (
	PaymentsWebhook      = "payments-webhook"
	OrdersAPI            = "orders-api"
	ReportGenerator      = "report-generator"
	ClickstreamProcessor = "clickstream-processor"
	CheckoutAPI          = "checkout-api"
	SearchAPI            = "search-api"
	ImageResizer         = "image-resizer"
	EmailSender          = "email-sender"
)

// FleetHint marks a healthy seeded function (incident functions carry their own name).
const FleetHint = "fleet"

// Incidents lists the incident function names.
var Incidents = []string{PaymentsWebhook, OrdersAPI, ReportGenerator, ClickstreamProcessor, CheckoutAPI, SearchAPI, ImageResizer, EmailSender}

var (
	teams   = []string{"payments", "orders", "search", "identity", "media", "growth", "platform", "data", "catalog", "notifications"}
	stages  = []string{"prod", "prod", "prod", "staging", "dev"}
	nouns   = []string{"api", "worker", "consumer", "sync", "ingest", "cron", "stream-handler", "authorizer", "webhook", "exporter", "indexer", "scheduler", "notifier", "resolver", "validator", "aggregator", "backfill", "enricher", "router", "gateway"}
	domains = []string{"inventory", "user-profile", "cart", "invoice", "refund", "ledger", "session", "recommendation", "thumbnail", "audit", "feature-flag", "pricing", "shipping", "loyalty", "fraud", "geo", "webhook-relay", "tenant", "billing", "catalog", "analytics", "export", "import", "token", "consent", "review", "coupon", "subscription", "tax", "warehouse"}
	rtPool  = []string{"nodejs20.x", "nodejs20.x", "nodejs22.x", "nodejs22.x", "python3.12", "python3.12", "python3.13", "python3.11", "java21", "java17", "dotnet8", "ruby3.3", "provided.al2023", "go1.x", "python3.9", "nodejs16.x"}
	memPool = []int{128, 128, 256, 256, 512, 512, 1024, 1024, 1536, 2048, 3008}
	toPool  = []int{3, 3, 6, 10, 15, 30, 30, 60, 120, 300, 900}
)

func handlerFor(runtime string) string {
	switch {
	case len(runtime) >= 6 && runtime[:6] == "python":
		return "app.handler"
	case len(runtime) >= 4 && runtime[:4] == "java":
		return "com.example.Handler::handleRequest"
	case runtime == "dotnet8":
		return "Function::Function.Handler::FunctionHandler"
	case len(runtime) >= 4 && runtime[:4] == "ruby":
		return "function.handler"
	case runtime == "go1.x" || runtime == "provided.al2023":
		return "bootstrap"
	}
	return "index.handler"
}

// fleetFn describes one demo function before it is inserted.
type fleetFn struct {
	name, team, stage, hint string
	cfg                     Config
	versions                int  // published versions
	latestChanged           bool // $LATEST differs from the newest version
}

// SeedFleet fills the world with a demo fleet of n functions (n ≥ 8
// includes every incident function). The same seed gives the same fleet.
func (w *World) SeedFleet(n int, seed int64) {
	if n <= 0 {
		return
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0xf1ee7))
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.bulk = true
	defer func() { w.bulk = false; w.sortFns(); w.seedFleetLayers() }()

	role := func(team string) string { return "arn:aws:iam::" + w.account + ":role/" + team + "-lambda-exec" }
	sqs := func(q string) string { return "arn:aws:sqs:" + w.region + ":" + w.account + ":" + q }
	mk := func(name, team, stage, runtime string, mem, timeout int) fleetFn {
		c := Config{Runtime: runtime, Handler: handlerFor(runtime), Role: role(team), Description: "",
			Architecture: "x86_64", MemoryMB: mem, TimeoutSec: timeout, EphemeralMB: 512, PackageType: "Zip",
			TracingMode: "PassThrough", SnapStart: "None"}
		return fleetFn{name: name, team: team, stage: stage, cfg: c}
	}
	var specs []fleetFn
	// Incident functions.
	if n >= 8 {
		pw := mk(PaymentsWebhook, "payments", "prod", "nodejs20.x", 512, 10)
		pw.cfg.Description = "Stripe webhook receiver"
		pw.cfg.Env = map[string]string{"STAGE": "prod", "STRIPE_WEBHOOK_SECRET": "whsec_3f9a1c7e5b2d8f4a6c0e9b1d7a3f5c8e", "LEDGER_TABLE": "payments-ledger-prod"}
		pw.versions = 4
		pw.hint = PaymentsWebhook
		oa := mk(OrdersAPI, "orders", "prod", "python3.12", 1024, 15)
		oa.cfg.Description = "Orders REST API"
		oa.cfg.Env = map[string]string{"STAGE": "prod", "ORDERS_TABLE": "orders-prod", "DB_PASSWORD": "Xk9#mQ2$vL7pR4wZ"}
		oa.cfg.VPC = &model.VPCConfig{VPCID: "vpc-0a1b2c3d4e5f60718", SubnetIDs: []string{"subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"}, SecurityGroupIDs: []string{"sg-0123456789abcdef0"}}
		oa.versions = 3
		oa.hint = OrdersAPI
		rg := mk(ReportGenerator, "data", "prod", "java21", 2048, 30)
		rg.cfg.Description = "Nightly and on-demand PDF reports"
		rg.cfg.Env = map[string]string{"STAGE": "prod", "REPORT_BUCKET": "acme-reports-prod"}
		rg.versions = 2
		rg.hint = ReportGenerator
		cp := mk(ClickstreamProcessor, "growth", "prod", "python3.12", 1024, 60)
		cp.cfg.Description = "Kinesis clickstream aggregation"
		cp.cfg.Architecture = "arm64"
		cp.hint = ClickstreamProcessor
		ca := mk(CheckoutAPI, "orders", "prod", "nodejs20.x", 1024, 10)
		ca.cfg.Description = "Checkout API"
		ca.cfg.Env = map[string]string{"STAGE": "prod", "PAYMENTS_URL": "https://payments.internal.example.com", "API_TOKEN": "tok_live_8c2f0a9e7d6b5c4a3f2e1d0c"}
		ca.cfg.Layers = []model.Layer{{ARN: "arn:aws:lambda:" + w.region + ":" + w.account + ":layer:otel-collector:12", CodeSize: 18874368}}
		ca.versions = 8
		ca.hint = CheckoutAPI
		sa := mk(SearchAPI, "search", "prod", "java21", 2048, 10)
		sa.cfg.Description = "Product search API"
		sa.cfg.SnapStart = "PublishedVersions"
		sa.versions = 5
		sa.hint = SearchAPI
		ir := mk(ImageResizer, "media", "prod", "nodejs20.x", 3008, 30)
		ir.cfg.Description = "S3-triggered thumbnailer"
		ir.cfg.Architecture = "arm64"
		ir.cfg.Layers = []model.Layer{{ARN: "arn:aws:lambda:" + w.region + ":" + w.account + ":layer:sharp-libvips:4", CodeSize: 31457280}}
		ir.versions = 2
		ir.hint = ImageResizer
		es := mk(EmailSender, "notifications", "prod", "python3.11", 256, 30)
		es.cfg.Description = "Transactional email (async)"
		es.cfg.DLQTarget = sqs("email-sender-dlq")
		es.cfg.Env = map[string]string{"STAGE": "prod", "SMTP_HOST": "email-smtp.us-east-1.amazonaws.com", "SMTP_PASSWORD": "BJ7w+q0Xc4hT2mV9sLk1pZ8rN3yD6fA5eG"}
		es.versions = 1
		es.hint = EmailSender
		specs = append(specs, pw, oa, rg, cp, ca, sa, ir, es)
	}
	if n >= 20 {
		specs = append(specs, tuningFleet(mk)...)
	}
	used := map[string]bool{}
	for _, s := range specs {
		used[s.name] = true
	}
	for i := 0; len(specs) < n; i++ {
		team := teams[r.IntN(len(teams))]
		stage := stages[r.IntN(len(stages))]
		name := domains[r.IntN(len(domains))] + "-" + nouns[r.IntN(len(nouns))]
		if r.IntN(3) == 0 {
			name = team + "-" + name
		}
		if stage != "prod" {
			name += "-" + stage
		}
		if used[name] {
			name += "-" + strconv.Itoa(i)
		}
		if len(name) > 64 || used[name] {
			continue
		}
		used[name] = true
		rt := rtPool[r.IntN(len(rtPool))]
		s := mk(name, team, stage, rt, memPool[r.IntN(len(memPool))], toPool[r.IntN(len(toPool))])
		if r.IntN(12) == 0 {
			s.cfg.PackageType = "Image"
			s.cfg.Runtime, s.cfg.Handler = "", ""
			s.cfg.ImageURI = w.account + ".dkr.ecr." + w.region + ".amazonaws.com/" + name + ":" + strconv.Itoa(1+r.IntN(40))
		}
		if r.IntN(10) < 3 {
			s.cfg.Architecture = "arm64"
		}
		if r.IntN(4) == 0 {
			s.cfg.Layers = append(s.cfg.Layers, model.Layer{ARN: "arn:aws:lambda:" + w.region + ":" + w.account + ":layer:common-utils:" + strconv.Itoa(3+r.IntN(9)), CodeSize: int64(1+r.IntN(20)) << 20})
			if r.IntN(3) == 0 {
				s.cfg.Layers = append(s.cfg.Layers, model.Layer{ARN: "arn:aws:lambda:" + w.region + ":580247275435:layer:LambdaInsightsExtension:" + strconv.Itoa(38+r.IntN(20)), CodeSize: 10 << 20})
			}
		}
		if r.IntN(5) == 0 {
			s.cfg.VPC = &model.VPCConfig{VPCID: "vpc-0a1b2c3d4e5f60718", SubnetIDs: []string{"subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"}, SecurityGroupIDs: []string{fmt.Sprintf("sg-%017x", r.Uint64()>>4)}}
		}
		env := map[string]string{"STAGE": stage, "LOG_LEVEL": []string{"INFO", "INFO", "DEBUG", "WARN"}[r.IntN(4)]}
		switch r.IntN(6) {
		case 0:
			env["DB_PASSWORD"] = randToken(r, 16)
		case 1:
			env["API_KEY"] = "ak_" + randToken(r, 24)
		case 2:
			env["TABLE_NAME"] = name + "-table"
		case 3:
			env["QUEUE_URL"] = "https://sqs." + w.region + ".amazonaws.com/" + w.account + "/" + name
		}
		if r.IntN(8) == 0 {
			env = nil
		}
		s.cfg.Env = env
		if r.IntN(6) == 0 {
			s.cfg.TracingMode = "Active"
		}
		if r.IntN(5) == 0 {
			s.cfg.Logging.LogFormat = "JSON"
			s.cfg.Logging.ApplicationLogLevel = "INFO"
			s.cfg.Logging.SystemLogLevel = "WARN"
		}
		if r.IntN(10) == 0 {
			s.cfg.EphemeralMB = 1024 * (1 + r.IntN(4))
		}
		s.cfg.Description = team + " " + stage + " " + name
		s.versions = []int{0, 0, 1, 1, 2, 3, 4, 6}[r.IntN(8)]
		s.latestChanged = r.IntN(4) == 0
		specs = append(specs, s)
	}

	reservedBudget := AccountLimit - MinUnreserved - 300 // leave headroom for tests and the UI
	for i, s := range specs {
		code := sha256.Sum256([]byte(s.name + "#0"))
		s.cfg.CodeSHA256 = base64.StdEncoding.EncodeToString(code[:])
		s.cfg.CodeSize = int64(200<<10 + r.IntN(20<<20))
		if s.cfg.PackageType == "Image" {
			s.cfg.CodeSize = 0
		}
		created := now.Add(-time.Duration(30+r.IntN(700)) * 24 * time.Hour)
		f := w.addFunction(s.name, s.cfg, created)
		f.hint = s.hint
		if f.hint == "" {
			f.hint = FleetHint
		}
		f.tags["team"] = s.team
		f.tags["stage"] = s.stage
		f.tags["service"] = s.name
		f.tags["cost-center"] = "cc-" + strconv.Itoa(1000+len(s.team)*37)
		if i%3 == 0 {
			f.tags["aws:cloudformation:stack-name"] = s.team + "-" + s.stage + "-stack"
		} else if i%3 == 1 {
			f.tags["managed-by"] = "terraform"
		}
		// Versions: each has its own code; $LATEST equals the newest unless changed since.
		t := created
		for v := 1; v <= s.versions; v++ {
			t = t.Add(time.Duration(1+r.IntN(20*24)) * time.Hour)
			if t.After(now) {
				t = now.Add(-time.Hour)
			}
			sum := sha256.Sum256([]byte(s.name + "#" + strconv.Itoa(v)))
			f.latest.cfg.CodeSHA256 = base64.StdEncoding.EncodeToString(sum[:])
			f.latest.cfg.Description = s.cfg.Description + " v" + strconv.Itoa(v)
			f.latest.lastModified = t
			w.publish(f, "", t).lastModified = t
		}
		if s.latestChanged && s.versions > 0 {
			sum := sha256.Sum256([]byte(s.name + "#next"))
			f.latest.cfg.CodeSHA256 = base64.StdEncoding.EncodeToString(sum[:])
			f.latest.lastModified = t.Add(time.Hour)
		}
		f.latest.revision = w.uuid()
		// Aliases.
		if s.versions > 0 && s.hint == "" {
			last := strconv.Itoa(s.versions)
			name := "live"
			if s.stage != "prod" {
				name = s.stage
			}
			f.aliases[name] = &alias{name: name, version: last, revision: w.uuid(), description: "current " + s.stage + " release"}
			if s.versions > 1 && r.IntN(3) == 0 {
				prev := strconv.Itoa(s.versions - 1)
				f.aliases["previous"] = &alias{name: "previous", version: prev, revision: w.uuid()}
			}
		}
		// Reserved concurrency on a few functions.
		if s.hint == "" && r.IntN(15) == 0 {
			n := []int{5, 10, 20, 50, 100}[r.IntN(5)]
			if w.reservedSum+n <= reservedBudget {
				f.reserved = &n
				w.reservedSum += n
			}
		}
		w.seedTriggers(f, s, r, now)
		specs[i] = s
	}
	if n >= 8 {
		w.seedIncidents(now)
	}
	// Mappings for workers, consumers and stream handlers.
	for _, s := range specs {
		if s.hint != "" {
			continue
		}
		f := w.fns[s.name]
		switch {
		case hasSuffix(s.name, "worker") || hasSuffix(s.name, "consumer") || hasSuffix(s.name, "notifier"):
			w.addMapping(f, sqs(s.name+"-queue"), "SQS", []int{1, 5, 10, 10, 10}[r.IntN(5)], 0, r.IntN(10) != 0, now, r)
		case hasSuffix(s.name, "stream-handler") || hasSuffix(s.name, "indexer"):
			arn := "arn:aws:dynamodb:" + w.region + ":" + w.account + ":table/" + s.name + "/stream/2025-0" + strconv.Itoa(1+r.IntN(9)) + "-1" + strconv.Itoa(r.IntN(9)) + "T10:00:00.000"
			w.addMapping(f, arn, "DynamoDB", 100, 0, true, now, r)
		case hasSuffix(s.name, "aggregator") || hasSuffix(s.name, "enricher"):
			arn := "arn:aws:kinesis:" + w.region + ":" + w.account + ":stream/" + s.name + "-events"
			w.addMapping(f, arn, "Kinesis", []int{100, 200, 500}[r.IntN(3)], r.IntN(3), r.IntN(8) != 0, now, r)
		}
	}
}

func hasSuffix(s, suf string) bool {
	for _, st := range []string{"", "-staging", "-dev"} {
		x := suf + st
		if len(s) >= len(x) && s[len(s)-len(x):] == x {
			return true
		}
	}
	return false
}

func randToken(r *rand.Rand, n int) string {
	const al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = al[r.IntN(len(al))]
	}
	return string(b)
}

func (w *World) addMapping(f *function, source, typ string, batch, window int, enabled bool, now time.Time, r *rand.Rand) *mapping {
	m := &mapping{uuid: w.uuid(), function: f.name, sourceARN: source, sourceType: typ, batchSize: batch, window: window,
		enabled: enabled, lastMod: now.Add(-time.Duration(1+r.IntN(2000)) * time.Hour), stateReason: "USER_INITIATED"}
	if stack, ok := f.tags["aws:cloudformation:stack-name"]; ok {
		// CloudFormation tags the mappings it creates too: lambdaops warns of drift before changing them.
		m.tags = map[string]string{"aws:cloudformation:stack-name": stack, "aws:cloudformation:logical-id": "EventSourceMapping"}
	}
	if typ != "SQS" {
		m.startPos = []string{"LATEST", "TRIM_HORIZON"}[r.IntN(2)]
		m.lastResult = "OK"
	}
	w.insertMapping(m)
	return m
}

func (w *World) seedTriggers(f *function, s fleetFn, r *rand.Rand, now time.Time) {
	acct := w.account
	switch {
	case hasSuffix(s.name, "api") || hasSuffix(s.name, "webhook") || hasSuffix(s.name, "gateway") || hasSuffix(s.name, "authorizer"):
		api := fmt.Sprintf("%010x", r.Uint64()>>24)
		f.policy = append(f.policy, Statement{Sid: "apigateway-" + api, Principal: "apigateway.amazonaws.com", Action: "lambda:InvokeFunction",
			SourceARN: "arn:aws:execute-api:" + w.region + ":" + acct + ":" + api + "/*/*/" + s.team})
	case hasSuffix(s.name, "ingest") || hasSuffix(s.name, "import") || f.name == ImageResizer:
		f.policy = append(f.policy, Statement{Sid: "s3-invoke-" + s.team, Principal: "s3.amazonaws.com", Action: "lambda:InvokeFunction",
			SourceARN: "arn:aws:s3:::acme-" + s.team + "-" + s.stage + "-uploads", SourceAccount: acct})
	case hasSuffix(s.name, "cron") || hasSuffix(s.name, "scheduler") || hasSuffix(s.name, "backfill") || f.name == ReportGenerator:
		f.policy = append(f.policy, Statement{Sid: "events-" + s.name, Principal: "events.amazonaws.com", Action: "lambda:InvokeFunction",
			SourceARN: "arn:aws:events:" + w.region + ":" + acct + ":rule/" + s.name + "-schedule"})
	case hasSuffix(s.name, "notifier") && r.IntN(2) == 0:
		f.policy = append(f.policy, Statement{Sid: "sns-" + s.name, Principal: "sns.amazonaws.com", Action: "lambda:InvokeFunction",
			SourceARN: "arn:aws:sns:" + w.region + ":" + acct + ":" + s.team + "-events"})
	}
	if len(f.policy) > 0 {
		f.policyRev = w.uuid()
	}
	if s.hint == "" && r.IntN(12) == 0 {
		retries, age := r.IntN(3), 3600*(1+r.IntN(6))
		e := &eventInvoke{retries: &retries, maxAge: &age, lastModified: now.Add(-time.Duration(r.IntN(5000)) * time.Hour)}
		if r.IntN(2) == 0 {
			e.onFailure = "arn:aws:sqs:" + w.region + ":" + acct + ":" + s.name + "-failures"
		}
		f.eventInvoke["$LATEST"] = e
	}
}

// seedIncidents sets the aliases, concurrency and mappings of the incident
// functions (caller holds mu).
func (w *World) seedIncidents(now time.Time) {
	ten := 10
	f := w.fns[OrdersAPI]
	f.reserved = &ten
	w.reservedSum += 10
	f.aliases["live"] = &alias{name: "live", version: "3", revision: w.uuid(), description: "production"}

	f = w.fns[CheckoutAPI]
	f.aliases["live"] = &alias{name: "live", version: "7", routeVer: "8", routeWeight: 0.1, revision: w.uuid(), description: "canary: 10% on v8"}
	f.aliases["staging"] = &alias{name: "staging", version: "8", revision: w.uuid()}

	f = w.fns[SearchAPI]
	f.aliases["prod"] = &alias{name: "prod", version: "5", revision: w.uuid(), description: "production"}
	f.provisioned["prod"] = &provConfig{requested: 5, lastModified: now.Add(-72 * time.Hour), readyAt: now.Add(-71 * time.Hour)}

	f = w.fns[PaymentsWebhook]
	f.aliases["live"] = &alias{name: "live", version: "4", revision: w.uuid()}

	f = w.fns[ClickstreamProcessor]
	w.addMapping(f, "arn:aws:kinesis:"+w.region+":"+w.account+":stream/clickstream-events", "Kinesis", 100, 1, true, now, rand.New(rand.NewPCG(7, 7)))

	f = w.fns[EmailSender]
	retries, age := 2, 21600
	f.eventInvoke["$LATEST"] = &eventInvoke{retries: &retries, maxAge: &age, onFailure: "arn:aws:sqs:" + w.region + ":" + w.account + ":email-sender-failures", lastModified: now.Add(-400 * time.Hour)}
	f.policy = append(f.policy, Statement{Sid: "sns-email-events", Principal: "sns.amazonaws.com", Action: "lambda:InvokeFunction", SourceARN: "arn:aws:sns:" + w.region + ":" + w.account + ":email-requests"})
	f.policyRev = w.uuid()
}

// FunctionInfo is what the simulation needs to know about a function.
type FunctionInfo struct {
	Name    string
	Hint    string   // incident profile name, "" for healthy functions
	Aliases []string // alias names
	Mapped  bool     // driven by an event source mapping
	Async   bool     // has a DLQ or an async invoke config
	Config  Config   // $LATEST configuration
}

// Functions lists every function for the traffic engine.
func (w *World) Functions() []FunctionInfo {
	w.mu.RLock()
	defer w.mu.RUnlock()
	mapped := map[string]bool{}
	for _, m := range w.mappings {
		mapped[m.function] = true
	}
	out := make([]FunctionInfo, 0, len(w.names))
	for _, n := range w.names {
		f := w.fns[n]
		fi := FunctionInfo{Name: n, Hint: f.hint, Mapped: mapped[n], Config: f.latest.cfg, Async: f.latest.cfg.DLQTarget != "" || f.eventInvoke["$LATEST"] != nil}
		for a := range f.aliases {
			fi.Aliases = append(fi.Aliases, a)
		}
		out = append(out, fi)
	}
	return out
}

// ReservedTotal is the sum of reserved concurrency.
func (w *World) ReservedTotal() int {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.reservedSum
}

// seedFleetLayers makes every layer the fleet references a real layer
// version (caller holds mu), so GetLayerVersion, ListLayers and the layer
// check of CreateFunction/UpdateFunctionConfiguration see them.
func (w *World) seedFleetLayers() {
	for _, f := range w.order {
		for _, l := range f.latest.cfg.Layers {
			p := splitColon(l.ARN)
			if len(p) != 8 {
				continue
			}
			n, err := strconv.ParseInt(p[7], 10, 64)
			if err != nil {
				continue
			}
			rt := []string{}
			if f.latest.cfg.Runtime != "" {
				rt = append(rt, f.latest.cfg.Runtime)
			}
			w.seedLayerVersion(p[4], p[6], n, l.CodeSize, rt)
			if lv := w.layerVersion(p[4], p[6], p[7]); lv != nil && f.latest.cfg.Runtime != "" && !contains(lv.runtimes, f.latest.cfg.Runtime) && len(lv.runtimes) < 15 {
				lv.runtimes = append(lv.runtimes, f.latest.cfg.Runtime)
			}
		}
	}
}
