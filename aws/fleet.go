package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdaops/lambdaops/model"
)

// listPageSize is what AWS returns at most per ListFunctions/ListVersions page.
const listPageSize = 50

// ListFunctions streams the region's functions page by page. Page n+1 is
// requested only after fn has returned for page n. When the listing
// completes, it is written to the disk cache (Snapshot).
func (c *Client) ListFunctions(ctx context.Context, fn func(Page) error) error {
	var marker *string
	all := make([]model.Function, 0, c.known.expected())
	seen := map[string]bool{}
	for i := 0; ; i++ {
		out, err := c.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{
			Marker:   marker,
			MaxItems: sdkaws.Int32(listPageSize),
		})
		if err != nil {
			return c.classify(fmt.Errorf("listing functions (page %d): %w", i+1, err))
		}
		if i == 0 && c.unconfirmed() {
			// Opened from a remembered identity: the first page went out
			// beside the STS check; its answer decides whose fleet this is
			// before anything is shown or cached.
			if err := c.ensureValid(ctx); err != nil {
				var ac *AccountChangedError
				if !errors.As(err, &ac) {
					return err
				}
			}
		}
		page := Page{Index: i}
		for k := range out.Functions {
			f := functionFrom(&out.Functions[k])
			page.Functions = append(page.Functions, f)
		}
		next := sdkaws.ToString(out.NextMarker)
		// Guard against servers that repeat a marker (or ignore it, like moto
		// returning everything with a marker): stop instead of looping.
		if next != "" && seen[next] {
			next = ""
		}
		seen[next] = true
		all = append(all, page.Functions...)
		page.Loaded = len(all)
		page.Last = next == ""
		if err := fn(page); err != nil {
			return err
		}
		if page.Last {
			break
		}
		marker = sdkaws.String(next)
	}
	c.lmu.Lock()
	c.lastListing = all
	c.lmu.Unlock()
	c.listedOnce.Store(true)
	c.resave()
	return nil
}

// resave writes the last complete listing, with what is known beyond it,
// to the cache in the background (the caller has every page already).
// Once written, the listing is not kept in memory: a later resave (tags
// swept, GetFunction answers at Close) reads it back from the cache.
func (c *Client) resave() {
	c.lmu.Lock()
	all := c.lastListing
	c.lastListing = nil
	c.lmu.Unlock()
	c.snapWG.Add(1)
	go func() {
		defer c.snapWG.Done()
		c.saveMu.Lock()
		defer c.saveMu.Unlock()
		if all == nil {
			t := c.Target()
			s, err := readSnapshot(snapshotPath(c.cfg.CacheDir, t))
			if err != nil || s.Account != t.Account || s.Region != t.Region || !c.listedOnce.Load() {
				return // nothing this session listed to rewrite
			}
			all = s.Functions
		}
		if err := c.saveSnapshot(all); err != nil {
			c.logf("snapshot not saved: %v", err)
		}
	}()
}

// ListAllFunctions collects the whole listing (for tests and tools).
func (c *Client) ListAllFunctions(ctx context.Context) ([]model.Function, error) {
	var all []model.Function
	err := c.ListFunctions(ctx, func(p Page) error { all = append(all, p.Functions...); return nil })
	return all, err
}

// GetFunction returns everything the function view's Config tab shows:
// configuration, tags and reserved concurrency (GetFunction), the async
// invoke config, the triggers from the resource policy and the mappings.
// Optional parts the endpoint lacks are left empty.
func (c *Client) GetFunction(ctx context.Context, name string) (model.FunctionDetail, error) {
	f, loc, err := c.getFunctionBasic(ctx, name)
	if err != nil {
		return model.FunctionDetail{}, err
	}
	d := model.FunctionDetail{Function: f, Reserved: f.Reserved, Tags: f.Tags, CodeLocation: loc}
	if eic, err := c.lambda.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: &name}); err == nil {
		e := &model.EventInvokeConfig{}
		if eic.MaximumRetryAttempts != nil {
			v := int(*eic.MaximumRetryAttempts)
			e.MaxRetryAttempts = &v
		}
		if eic.MaximumEventAgeInSeconds != nil {
			v := int(*eic.MaximumEventAgeInSeconds)
			e.MaxEventAgeSec = &v
		}
		if dc := eic.DestinationConfig; dc != nil {
			if dc.OnSuccess != nil {
				e.OnSuccess = sdkaws.ToString(dc.OnSuccess.Destination)
			}
			if dc.OnFailure != nil {
				e.OnFailure = sdkaws.ToString(dc.OnFailure.Destination)
			}
		}
		if eic.LastModified != nil {
			e.LastModified = *eic.LastModified
		}
		d.EventInvoke = e
	} else if !isNotFound(err) && !isUnsupported(err) {
		return d, c.classify(fmt.Errorf("async invoke config of %s: %w", name, err))
	}
	if pol, err := c.lambda.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: &name}); err == nil {
		d.Triggers = parsePolicy(sdkaws.ToString(pol.Policy))
	} else if !isNotFound(err) && !isUnsupported(err) {
		return d, c.classify(fmt.Errorf("resource policy of %s: %w", name, err))
	}
	// The URL is a nicety: any failure (none, not supported, not allowed)
	// leaves it out quietly.
	if u, err := c.lambda.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: &name}); err == nil {
		d.URL = &model.FunctionURL{URL: sdkaws.ToString(u.FunctionUrl), AuthType: string(u.AuthType), InvokeMode: string(u.InvokeMode)}
	}
	if ms, err := c.ListMappings(ctx, name); err == nil {
		d.Mappings = ms
	} else if !errors.Is(err, ErrUnsupported) {
		return d, err
	}
	model.MakeInert(&d) // escape sequences in data are shown, never interpreted
	return d, nil
}

// getFunctionBasic is one GetFunction call: config, tags, reserved concurrency.
func (c *Client) getFunctionBasic(ctx context.Context, name string) (model.Function, string, error) {
	out, err := c.lambda.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: &name})
	if err != nil {
		return model.Function{}, "", c.classify(fmt.Errorf("get function %s: %w", name, err))
	}
	f := functionFrom(out.Configuration)
	f.Enriched, f.TagsKnown = true, true
	f.Tags = out.Tags
	model.MakeInert(&f.Tags)
	if out.Concurrency != nil && out.Concurrency.ReservedConcurrentExecutions != nil {
		v := int(*out.Concurrency.ReservedConcurrentExecutions)
		f.Reserved = &v
	}
	c.known.enriched(f)
	loc := ""
	if out.Code != nil {
		loc = sdkaws.ToString(out.Code.Location)
	}
	return f, loc, nil
}

// parsePolicy extracts the invoke permissions of a resource policy.
func parsePolicy(doc string) []model.Trigger {
	var p struct {
		Statement []struct {
			Sid       string          `json:"Sid"`
			Principal json.RawMessage `json:"Principal"`
			Action    json.RawMessage `json:"Action"`
			Condition map[string]map[string]any
		} `json:"Statement"`
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return nil
	}
	str := func(raw json.RawMessage) string {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		var m map[string]any
		if json.Unmarshal(raw, &m) == nil {
			for _, v := range m {
				if s, ok := v.(string); ok {
					return s
				}
			}
		}
		var l []string
		if json.Unmarshal(raw, &l) == nil && len(l) > 0 {
			return l[0]
		}
		return ""
	}
	var out []model.Trigger
	for _, s := range p.Statement {
		t := model.Trigger{Sid: s.Sid, Principal: str(s.Principal), Action: str(s.Action)}
		for _, cond := range s.Condition {
			if v, ok := cond["AWS:SourceArn"].(string); ok {
				t.SourceARN = v
			}
		}
		out = append(out, t)
	}
	return out
}

// ListVersions lists a function's versions (ListVersionsByFunction, 50 a page).
func (c *Client) ListVersions(ctx context.Context, function string) ([]model.Version, error) {
	var out []model.Version
	p := lambda.NewListVersionsByFunctionPaginator(c.lambda, &lambda.ListVersionsByFunctionInput{
		FunctionName: &function, MaxItems: sdkaws.Int32(listPageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, c.classify(fmt.Errorf("versions of %s: %w", function, err))
		}
		for i := range page.Versions {
			out = append(out, versionFrom(&page.Versions[i]))
		}
	}
	return out, nil
}

// ListAliases lists a function's aliases.
func (c *Client) ListAliases(ctx context.Context, function string) ([]model.Alias, error) {
	var out []model.Alias
	p := lambda.NewListAliasesPaginator(c.lambda, &lambda.ListAliasesInput{FunctionName: &function})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, c.classify(fmt.Errorf("aliases of %s: %w", function, err))
		}
		for i := range page.Aliases {
			out = append(out, aliasFrom(function, &page.Aliases[i]))
		}
	}
	return out, nil
}

// GetAlias reads one alias, with its RevisionId.
func (c *Client) GetAlias(ctx context.Context, function, alias string) (model.Alias, error) {
	out, err := c.lambda.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: &function, Name: &alias})
	if err != nil {
		return model.Alias{}, c.classify(fmt.Errorf("alias %s:%s: %w", function, alias, err))
	}
	return model.Alias{
		Function:    function,
		Name:        sdkaws.ToString(out.Name),
		ARN:         sdkaws.ToString(out.AliasArn),
		Version:     sdkaws.ToString(out.FunctionVersion),
		Description: sdkaws.ToString(out.Description),
		RevisionID:  sdkaws.ToString(out.RevisionId),
		Routing:     routingFrom(out.RoutingConfig),
	}, nil
}

// ListMappings lists event source mappings, 100 a page; function "" sweeps
// the whole region in one pass.
func (c *Client) ListMappings(ctx context.Context, function string) ([]model.ESM, error) {
	in := &lambda.ListEventSourceMappingsInput{MaxItems: sdkaws.Int32(100)}
	if function != "" {
		in.FunctionName = &function
	}
	var out []model.ESM
	p := lambda.NewListEventSourceMappingsPaginator(c.lambda, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, c.classify(asUnsupported("ListEventSourceMappings", fmt.Errorf("event source mappings: %w", err)))
		}
		for i := range page.EventSourceMappings {
			out = append(out, esmFrom(&page.EventSourceMappings[i]))
		}
	}
	if function != "" {
		c.mappingTags(ctx, out)
	}
	return out, nil
}

// maxMappingTagLookups bounds the ListTags calls one function's listing may
// make (each costs a token of the shared control-plane bucket).
const maxMappingTagLookups = 10

// mappingTags fills in the tags of one function's mappings (ListTags on the
// mapping's ARN), so the UI can warn before changing a mapping that
// CloudFormation manages. A failed lookup leaves the tags empty: tags are
// a hint here, never a reason to fail the listing.
func (c *Client) mappingTags(ctx context.Context, ms []model.ESM) {
	for i := range ms {
		if i == maxMappingTagLookups {
			return
		}
		arn := ms[i].ARN
		if arn == "" {
			arn = mappingARN(ms[i])
		}
		if arn == "" {
			continue
		}
		out, err := c.lambda.ListTags(ctx, &lambda.ListTagsInput{Resource: &arn})
		if err != nil || len(out.Tags) == 0 {
			continue
		}
		ms[i].Tags = out.Tags
		model.MakeInert(&ms[i])
	}
}

// mappingARN builds a mapping's ARN from its function's ARN when the
// endpoint did not return EventSourceMappingArn.
func mappingARN(m model.ESM) string {
	p := strings.Split(m.FunctionARN, ":")
	if len(p) < 5 || m.UUID == "" {
		return ""
	}
	return strings.Join(p[:5], ":") + ":event-source-mapping:" + m.UUID
}

// AccountSettings returns the account's concurrency limit and usage.
// Endpoints without GetAccountSettings (moto) give ErrUnsupported.
func (c *Client) AccountSettings(ctx context.Context) (model.AccountSettings, error) {
	out, err := c.lambda.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil {
		return model.AccountSettings{}, c.classify(asUnsupported("GetAccountSettings", fmt.Errorf("account settings: %w", err)))
	}
	var s model.AccountSettings
	if l := out.AccountLimit; l != nil {
		s.ConcurrentExecutions = int(l.ConcurrentExecutions)
		s.UnreservedConcurrentExecutions = i32(l.UnreservedConcurrentExecutions)
		s.TotalCodeSize = l.TotalCodeSize
		s.CodeSizeUnzipped = l.CodeSizeUnzipped
		s.CodeSizeZipped = l.CodeSizeZipped
	}
	if u := out.AccountUsage; u != nil {
		s.FunctionCount = u.FunctionCount
		s.UsedCodeSize = u.TotalCodeSize
	}
	return s, nil
}

// GetReserved returns the function's reserved concurrency (nil: none).
func (c *Client) GetReserved(ctx context.Context, function string) (*int, error) {
	out, err := c.lambda.GetFunctionConcurrency(ctx, &lambda.GetFunctionConcurrencyInput{FunctionName: &function})
	if err != nil {
		return nil, c.classify(asUnsupported("GetFunctionConcurrency", fmt.Errorf("reserved concurrency of %s: %w", function, err)))
	}
	if out.ReservedConcurrentExecutions == nil {
		return nil, nil
	}
	v := int(*out.ReservedConcurrentExecutions)
	return &v, nil
}

// ListProvisioned lists the function's provisioned concurrency configs.
func (c *Client) ListProvisioned(ctx context.Context, function string) ([]model.ProvisionedConfig, error) {
	var out []model.ProvisionedConfig
	p := lambda.NewListProvisionedConcurrencyConfigsPaginator(c.lambda, &lambda.ListProvisionedConcurrencyConfigsInput{
		FunctionName: &function, MaxItems: sdkaws.Int32(50),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, c.classify(asUnsupported("ListProvisionedConcurrencyConfigs", fmt.Errorf("provisioned concurrency of %s: %w", function, err)))
		}
		for _, it := range page.ProvisionedConcurrencyConfigs {
			arn := sdkaws.ToString(it.FunctionArn)
			out = append(out, provisionedFrom(function, qualifierFromARN(arn),
				it.RequestedProvisionedConcurrentExecutions, it.AvailableProvisionedConcurrentExecutions,
				it.AllocatedProvisionedConcurrentExecutions, string(it.Status), sdkaws.ToString(it.StatusReason), it.LastModified))
		}
	}
	return out, nil
}

// ListAllVersions sweeps every published version in the region with
// ListFunctions FunctionVersion=ALL, page by page (50 a page). Use it only
// when versions are needed fleet-wide; per function, ListVersions is cheaper.
// Page.Functions hold one entry per version (Version set, ARN qualified).
func (c *Client) ListAllVersions(ctx context.Context, fn func(Page) error) error {
	var marker *string
	loaded := 0
	for i := 0; ; i++ {
		out, err := c.lambda.ListFunctions(ctx, &lambda.ListFunctionsInput{
			Marker:          marker,
			MaxItems:        sdkaws.Int32(listPageSize),
			FunctionVersion: ltypes.FunctionVersionAll,
		})
		if err != nil {
			return c.classify(fmt.Errorf("listing all versions (page %d): %w", i+1, err))
		}
		page := Page{Index: i}
		for k := range out.Functions {
			page.Functions = append(page.Functions, functionFrom(&out.Functions[k]))
		}
		loaded += len(page.Functions)
		page.Loaded = loaded
		next := sdkaws.ToString(out.NextMarker)
		page.Last = next == "" || (marker != nil && *marker == next)
		if err := fn(page); err != nil {
			return err
		}
		if page.Last {
			return nil
		}
		marker = sdkaws.String(next)
	}
}

var _ Extras = (*Client)(nil)
