package lambda

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Layers: PublishLayerVersion, ListLayers, ListLayerVersions,
// GetLayerVersion(ByArn), DeleteLayerVersion and the layer version policy.

const maxLayersPage = 50

const layerNamePattern = `(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`

type layerStatement struct {
	sid, principal, org string
}

type layerVersion struct {
	version   int64
	desc      string
	license   string
	runtimes  []string
	archs     []string
	created   time.Time
	codeSize  int64
	sha       string
	policy    []layerStatement
	policyRev string
}

type layer struct {
	name, account string
	versions      []*layerVersion // ascending
	next          int64
}

func (w *World) layerARN(account, name string) string {
	return "arn:aws:lambda:" + w.region + ":" + account + ":layer:" + name
}

// layerVersion finds a layer version (caller holds mu).
func (w *World) layerVersion(account, name, num string) *layerVersion {
	l := w.layers[account+":"+name]
	if l == nil {
		return nil
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return nil
	}
	for _, v := range l.versions {
		if v.version == n {
			return v
		}
	}
	return nil
}

// parseLayerName accepts a name or a layer ARN; it returns account and name.
func (w *World) parseLayerName(s string) (string, string, *Error) {
	if validName(s) && len(s) <= 140 {
		return w.account, s, nil
	}
	p := splitColon(s)
	if len(s) <= 140 && len(p) == 7 && p[0] == "arn" && p[2] == "lambda" && len(p[4]) == 12 && isDigits(p[4]) && p[5] == "layer" && validName(p[6]) {
		return p[4], p[6], nil
	}
	var v verrs
	v.pattern("layerName", s, layerNamePattern)
	return "", "", v.err()
}

func layerNotFound() *Error { return notFound("The resource you requested does not exist.") }

type layerContentIn struct {
	S3Bucket        string `json:"S3Bucket"`
	S3Key           string `json:"S3Key"`
	S3ObjectVersion string `json:"S3ObjectVersion"`
	ZipFile         []byte `json:"ZipFile"`
}

type publishLayerIn struct {
	Description             string          `json:"Description"`
	Content                 *layerContentIn `json:"Content"`
	CompatibleRuntimes      []string        `json:"CompatibleRuntimes"`
	LicenseInfo             string          `json:"LicenseInfo"`
	CompatibleArchitectures []string        `json:"CompatibleArchitectures"`
}

type layerContentJSON struct {
	Location   string `json:"Location"`
	CodeSha256 string `json:"CodeSha256"`
	CodeSize   int64  `json:"CodeSize"`
}

type layerVersionJSON struct {
	Content                 *layerContentJSON `json:"Content,omitempty"`
	LayerArn                string            `json:"LayerArn,omitempty"`
	LayerVersionArn         string            `json:"LayerVersionArn"`
	Description             string            `json:"Description"`
	CreatedDate             string            `json:"CreatedDate"`
	Version                 int64             `json:"Version"`
	CompatibleRuntimes      []string          `json:"CompatibleRuntimes,omitempty"`
	LicenseInfo             string            `json:"LicenseInfo,omitempty"`
	CompatibleArchitectures []string          `json:"CompatibleArchitectures,omitempty"`
}

func (w *World) layerVersionOut(l *layer, v *layerVersion, full bool) layerVersionJSON {
	arn := w.layerARN(l.account, l.name)
	out := layerVersionJSON{LayerVersionArn: arn + ":" + strconv.FormatInt(v.version, 10), Description: v.desc,
		CreatedDate: LambdaTime(v.created), Version: v.version, CompatibleRuntimes: v.runtimes, LicenseInfo: v.license,
		CompatibleArchitectures: v.archs}
	if full {
		out.LayerArn = arn
		out.Content = &layerContentJSON{Location: "https://awslambda-" + w.region + "-layers.s3." + w.region + ".amazonaws.com/snapshots/" + l.account + "/" + l.name + "-" + strconv.FormatInt(v.version, 10) + "?X-Amz-Expires=600", CodeSha256: v.sha, CodeSize: v.codeSize}
	}
	return out
}

func checkLayerLists(v *verrs, runtimes, archs []string) {
	if len(runtimes) > 15 {
		v.add("Value '[%s]' at 'compatibleRuntimes' failed to satisfy constraint: Member must have length less than or equal to 15", clip(strings.Join(runtimes, ", "), 200))
	}
	for _, r := range runtimes {
		if !runtimeSet[r] {
			v.add("Value '[%s]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: %s]", clip(strings.Join(runtimes, ", "), 200), runtimeEnumList)
			break
		}
	}
	if len(archs) > 2 {
		v.add("Value '[%s]' at 'compatibleArchitectures' failed to satisfy constraint: Member must have length less than or equal to 2", clip(strings.Join(archs, ", "), 200))
	}
	for _, a := range archs {
		if a != "x86_64" && a != "arm64" {
			v.add("Value '[%s]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]", clip(strings.Join(archs, ", "), 200))
			break
		}
	}
}

// PublishLayerVersion publishes a new version of a layer (created on first
// publish).
func (w *World) PublishLayerVersion(layerName string, in *publishLayerIn) ([]byte, *Error) {
	var v verrs
	account, name, err := w.parseLayerName(layerName)
	if err != nil {
		return nil, err
	}
	if in.Content == nil {
		v.null("content")
	}
	if len(in.Description) > 256 {
		v.length("description", in.Description, 0, 256)
	}
	if len(in.LicenseInfo) > 512 {
		v.length("licenseInfo", in.LicenseInfo, 0, 512)
	}
	checkLayerLists(&v, in.CompatibleRuntimes, in.CompatibleArchitectures)
	if err := v.err(); err != nil {
		return nil, err
	}
	if account != w.account {
		return nil, errf(403, "AccessDeniedException", "User is not authorized to publish a layer version in account %s.", account)
	}
	code := in.Content.ZipFile
	if len(code) == 0 {
		if in.Content.S3Bucket == "" || in.Content.S3Key == "" {
			return nil, invalidParam("Please provide a source for layer content.")
		}
		code = []byte("s3://" + in.Content.S3Bucket + "/" + in.Content.S3Key + "?versionId=" + in.Content.S3ObjectVersion)
	} else if err := w.checkZip(code); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(code)
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	lv := w.addLayerVersion(account, name, in.Description, in.LicenseInfo, in.CompatibleRuntimes, in.CompatibleArchitectures, int64(len(code)), base64.StdEncoding.EncodeToString(sum[:]), now)
	b, _ := json.Marshal(w.layerVersionOut(w.layers[account+":"+name], lv, true))
	return b, nil
}

// addLayerVersion stores a new layer version (caller holds mu).
func (w *World) addLayerVersion(account, name, desc, license string, runtimes, archs []string, size int64, sha string, now time.Time) *layerVersion {
	key := account + ":" + name
	l := w.layers[key]
	if l == nil {
		l = &layer{name: name, account: account, next: 1}
		w.layers[key] = l
	}
	lv := &layerVersion{version: l.next, desc: desc, license: license, runtimes: append([]string(nil), runtimes...),
		archs: append([]string(nil), archs...), created: now, codeSize: size, sha: sha}
	l.next++
	l.versions = append(l.versions, lv)
	return lv
}

// SeedLayerVersion stores a layer version with the given number (the demo
// fleet's layers, including ones "published" by other accounts); later
// publishes continue after it.
func (w *World) SeedLayerVersion(account, name string, version int64, size int64, runtimes []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seedLayerVersion(account, name, version, size, runtimes)
}

func (w *World) seedLayerVersion(account, name string, version int64, size int64, runtimes []string) {
	if w.layerVersion(account, name, strconv.FormatInt(version, 10)) != nil {
		return
	}
	key := account + ":" + name
	l := w.layers[key]
	if l == nil {
		l = &layer{name: name, account: account, next: 1}
		w.layers[key] = l
	}
	sum := sha256.Sum256([]byte(key + ":" + strconv.FormatInt(version, 10)))
	lv := &layerVersion{version: version, created: w.clk.Now().Add(-time.Duration(24*version) * time.Hour), codeSize: size,
		sha: base64.StdEncoding.EncodeToString(sum[:]), runtimes: append([]string(nil), runtimes...), archs: []string{"x86_64", "arm64"}}
	if account != w.account {
		// Published for everyone, as AWS's own extension layers are.
		lv.policy = []layerStatement{{sid: "public", principal: "*"}}
		lv.policyRev = w.uuid()
	}
	i := sort.Search(len(l.versions), func(i int) bool { return l.versions[i].version >= version })
	l.versions = append(l.versions, nil)
	copy(l.versions[i+1:], l.versions[i:])
	l.versions[i] = lv
	if version >= l.next {
		l.next = version + 1
	}
}

func layerVersionNumber(s string) (int64, *Error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, validation("1 validation error detected: Value '%s' at 'versionNumber' failed to satisfy constraint: Member must be a number", clip(s, 40))
	}
	return n, nil
}

func (w *World) findLayerVersion(layerName, num string) (*layer, *layerVersion, *Error) {
	account, name, err := w.parseLayerName(layerName)
	if err != nil {
		return nil, nil, err
	}
	if _, err := layerVersionNumber(num); err != nil {
		return nil, nil, err
	}
	lv := w.layerVersion(account, name, num)
	if lv == nil {
		return nil, nil, layerNotFound()
	}
	return w.layers[account+":"+name], lv, nil
}

// GetLayerVersion returns a layer version with its content.
func (w *World) GetLayerVersion(layerName, num string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	l, lv, err := w.findLayerVersion(layerName, num)
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(w.layerVersionOut(l, lv, true))
	return b, nil
}

// GetLayerVersionByArn returns a layer version named by its full ARN.
func (w *World) GetLayerVersionByArn(arn string) ([]byte, *Error) {
	if !validLayerVersionARN(arn) {
		var v verrs
		v.pattern("arn", arn, layerPattern)
		return nil, v.err()
	}
	p := splitColon(arn)
	return w.GetLayerVersion(strings.Join(p[:7], ":"), p[7])
}

// DeleteLayerVersion deletes a layer version; deleting one that does not
// exist succeeds, as in AWS.
func (w *World) DeleteLayerVersion(layerName, num string) *Error {
	account, name, err := w.parseLayerName(layerName)
	if err != nil {
		return err
	}
	n, err := layerVersionNumber(num)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.layers[account+":"+name]
	if l == nil {
		return nil
	}
	for i, v := range l.versions {
		if v.version == n {
			l.versions = append(l.versions[:i], l.versions[i+1:]...)
			break
		}
	}
	return nil
}

func matchesLayer(v *layerVersion, runtime, arch string) bool {
	if runtime != "" && !contains(v.runtimes, runtime) {
		return false
	}
	if arch != "" && !contains(v.archs, arch) {
		return false
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func checkLayerFilters(runtime, arch string) *Error {
	var v verrs
	if runtime != "" && !runtimeSet[runtime] {
		v.enum("compatibleRuntime", runtime, sdkRuntimes)
	}
	if arch != "" && arch != "x86_64" && arch != "arm64" {
		v.enum("compatibleArchitecture", arch, archEnum)
	}
	return v.err()
}

// ListLayers lists this account's layers with their newest matching version.
func (w *World) ListLayers(runtime, arch, marker string, maxItems int) ([]byte, *Error) {
	if err := checkLayerFilters(runtime, arch); err != nil {
		return nil, err
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	var names []string
	for _, l := range w.layers {
		if l.account == w.account && len(l.versions) > 0 {
			names = append(names, l.name)
		}
	}
	sort.Strings(names)
	type layerItem struct {
		LayerName             string           `json:"LayerName"`
		LayerArn              string           `json:"LayerArn"`
		LatestMatchingVersion layerVersionJSON `json:"LatestMatchingVersion"`
	}
	var keep []string
	items := map[string][]byte{}
	for _, n := range names {
		l := w.layers[w.account+":"+n]
		for i := len(l.versions) - 1; i >= 0; i-- {
			if matchesLayer(l.versions[i], runtime, arch) {
				b, _ := json.Marshal(layerItem{LayerName: n, LayerArn: w.layerARN(l.account, n), LatestMatchingVersion: w.layerVersionOut(l, l.versions[i], false)})
				items[n] = b
				keep = append(keep, n)
				break
			}
		}
	}
	page, next, err := pageKeys(keep, marker, pageSize(maxItems, maxLayersPage), func(k string) []byte { return items[k] })
	if err != nil {
		return nil, err
	}
	return appendList("Layers", page, next), nil
}

// ListLayerVersions lists a layer's versions, newest first.
func (w *World) ListLayerVersions(layerName, runtime, arch, marker string, maxItems int) ([]byte, *Error) {
	account, name, err := w.parseLayerName(layerName)
	if err != nil {
		return nil, err
	}
	if err := checkLayerFilters(runtime, arch); err != nil {
		return nil, err
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	l := w.layers[account+":"+name]
	var keys []string
	items := map[string][]byte{}
	if l != nil {
		for i := len(l.versions) - 1; i >= 0; i-- {
			v := l.versions[i]
			if !matchesLayer(v, runtime, arch) {
				continue
			}
			// Keys sort newest first: a zero-padded complement of the number.
			k := strconv.FormatInt(1e15-v.version, 10)
			keys = append(keys, k)
			b, _ := json.Marshal(w.layerVersionOut(l, v, false))
			items[k] = b
		}
	}
	page, next, err := pageKeys(keys, marker, pageSize(maxItems, maxLayersPage), func(k string) []byte { return items[k] })
	if err != nil {
		return nil, err
	}
	return appendList("LayerVersions", page, next), nil
}

type layerPermissionIn struct {
	StatementId    string `json:"StatementId"`
	Action         string `json:"Action"`
	Principal      string `json:"Principal"`
	OrganizationId string `json:"OrganizationId"`
}

func (w *World) layerStatementJSON(arn string, s layerStatement) map[string]any {
	st := map[string]any{"Sid": s.sid, "Effect": "Allow", "Action": "lambda:GetLayerVersion", "Resource": arn}
	switch {
	case s.principal == "*":
		st["Principal"] = "*"
	case isDigits(s.principal):
		st["Principal"] = map[string]string{"AWS": "arn:aws:iam::" + s.principal + ":root"}
	default:
		st["Principal"] = map[string]string{"AWS": s.principal}
	}
	if s.org != "" {
		st["Condition"] = map[string]any{"StringEquals": map[string]string{"aws:PrincipalOrgID": s.org}}
	}
	return st
}

// AddLayerVersionPermission grants an account, an organization or everyone
// lambda:GetLayerVersion on a layer version.
func (w *World) AddLayerVersionPermission(layerName, num, revisionID string, in *layerPermissionIn) ([]byte, *Error) {
	var v verrs
	if in.StatementId == "" {
		v.null("statementId")
	} else if len(in.StatementId) > 100 || !validStatementID(in.StatementId, false) {
		v.pattern("statementId", in.StatementId, "([a-zA-Z0-9-_]+)")
	}
	if in.Action == "" {
		v.null("action")
	} else if in.Action != "lambda:GetLayerVersion" {
		v.pattern("action", in.Action, "lambda:GetLayerVersion")
	}
	if in.Principal == "" {
		v.null("principal")
	} else if !(in.Principal == "*" || len(in.Principal) == 12 && isDigits(in.Principal) || validRootARN(in.Principal)) {
		v.pattern("principal", in.Principal, `\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root`)
	}
	if in.OrganizationId != "" && !validOrgID(in.OrganizationId) {
		v.pattern("organizationId", in.OrganizationId, "o-[a-z0-9]{10,32}")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if in.OrganizationId != "" && in.Principal != "*" {
		return nil, invalidParam("OrganizationId can only be specified when Principal is \"*\".")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	l, lv, err := w.findLayerVersion(layerName, num)
	if err != nil {
		return nil, err
	}
	if revisionID != "" && revisionID != lv.policyRev {
		return nil, precondition("The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id")
	}
	for _, s := range lv.policy {
		if s.sid == in.StatementId {
			return nil, conflict("The statement id (%s) provided already exists. Please provide a new statement id, or remove the existing statement.", in.StatementId)
		}
	}
	s := layerStatement{sid: in.StatementId, principal: in.Principal, org: in.OrganizationId}
	lv.policy = append(lv.policy, s)
	lv.policyRev = w.uuid()
	arn := w.layerARN(l.account, l.name) + ":" + strconv.FormatInt(lv.version, 10)
	sb, _ := json.Marshal(w.layerStatementJSON(arn, s))
	b, _ := json.Marshal(map[string]string{"Statement": string(sb), "RevisionId": lv.policyRev})
	return b, nil
}

// RemoveLayerVersionPermission removes a statement from a layer version's policy.
func (w *World) RemoveLayerVersionPermission(layerName, num, sid, revisionID string) *Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, lv, err := w.findLayerVersion(layerName, num)
	if err != nil {
		return err
	}
	if revisionID != "" && revisionID != lv.policyRev {
		return precondition("The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id")
	}
	for i, s := range lv.policy {
		if s.sid == sid {
			lv.policy = append(lv.policy[:i], lv.policy[i+1:]...)
			lv.policyRev = w.uuid()
			return nil
		}
	}
	return notFound("Statement %s is not found in resource policy.", clip(sid, 100))
}

// GetLayerVersionPolicy returns a layer version's policy.
func (w *World) GetLayerVersionPolicy(layerName, num string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	l, lv, err := w.findLayerVersion(layerName, num)
	if err != nil {
		return nil, err
	}
	if len(lv.policy) == 0 {
		return nil, notFound("No policy is associated with the given resource.")
	}
	arn := w.layerARN(l.account, l.name) + ":" + strconv.FormatInt(lv.version, 10)
	doc := map[string]any{"Version": "2012-10-17", "Id": "default"}
	var sts []map[string]any
	for _, s := range lv.policy {
		sts = append(sts, w.layerStatementJSON(arn, s))
	}
	doc["Statement"] = sts
	pb, _ := json.Marshal(doc)
	b, _ := json.Marshal(map[string]string{"Policy": string(pb), "RevisionId": lv.policyRev})
	return b, nil
}

func validRootARN(s string) bool {
	p := splitColon(s)
	return len(p) == 6 && p[0] == "arn" && strings.HasPrefix(p[1], "aws") && p[2] == "iam" && p[3] == "" && len(p[4]) == 12 && isDigits(p[4]) && p[5] == "root"
}

func validOrgID(s string) bool {
	if len(s) < 12 || len(s) > 34 || !strings.HasPrefix(s, "o-") {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validStatementID: ([a-zA-Z0-9-_]+), with '.' too when dots.
func validStatementID(s string, dots bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || dots && c == '.') {
			return false
		}
	}
	return true
}
