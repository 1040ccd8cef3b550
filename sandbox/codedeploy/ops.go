package codedeploy

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lambdaops/lambdaops/internal/lazyre"
)

// Error is a CodeDeploy error: its __type and message (HTTP 400).
type Error struct {
	Type    string
	Message string
}

func (e *Error) Error() string { return e.Type + ": " + e.Message }

func errf(typ, format string, a ...any) *Error {
	return &Error{Type: typ, Message: fmt.Sprintf(format, a...)}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

var nameRE = lazyre.New(`^[A-Za-z0-9._+@=,-]{1,100}$`)

// ---- wire shapes ----

type alarmConfig struct {
	Enabled                bool    `json:"enabled"`
	IgnorePollAlarmFailure bool    `json:"ignorePollAlarmFailure"`
	Alarms                 []alarm `json:"alarms"`
}

type alarm struct {
	Name string `json:"name"`
}

type autoRollback struct {
	Enabled bool     `json:"enabled"`
	Events  []string `json:"events,omitempty"`
}

type rawString struct {
	Content *string `json:"content,omitempty"`
	SHA256  string  `json:"sha256,omitempty"`
}

type revisionLocation struct {
	RevisionType   string     `json:"revisionType,omitempty"`
	AppSpecContent *rawString `json:"appSpecContent,omitempty"`
	String         *rawString `json:"string,omitempty"`
}

type trafficRouting struct {
	Type            string      `json:"type,omitempty"`
	TimeBasedCanary *canaryJSON `json:"timeBasedCanary,omitempty"`
	TimeBasedLinear *linearJSON `json:"timeBasedLinear,omitempty"`
}

type canaryJSON struct {
	CanaryPercentage int `json:"canaryPercentage"`
	CanaryInterval   int `json:"canaryInterval"`
}

type linearJSON struct {
	LinearPercentage int `json:"linearPercentage"`
	LinearInterval   int `json:"linearInterval"`
}

func ts(t time.Time) *float64 {
	if t.IsZero() {
		return nil
	}
	v := float64(t.UnixMilli()) / 1000
	return &v
}

func fromTS(v *float64) time.Time {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) || *v > 1e11 || *v < -1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(*v)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// ---- applications ----

type createAppIn struct {
	ApplicationName string `json:"applicationName"`
	ComputePlatform string `json:"computePlatform"`
}

func checkAppName(n string) *Error {
	if n == "" {
		return errf("ApplicationNameRequiredException", "The minimum number of required application names was not specified.")
	}
	if !nameRE.MatchString(n) {
		return errf("InvalidApplicationNameException", "The application name was specified in an invalid format.")
	}
	return nil
}

func (s *Store) app(n string) (*application, *Error) {
	if err := checkAppName(n); err != nil {
		return nil, err
	}
	a := s.apps[n]
	if a == nil {
		return nil, errf("ApplicationDoesNotExistException", "The application %s does not exist with the user or AWS account.", clip(n, 100))
	}
	return a, nil
}

func (s *Store) createApplication(in createAppIn) (any, *Error) {
	if err := checkAppName(in.ApplicationName); err != nil {
		return nil, err
	}
	p := in.ComputePlatform
	if p == "" {
		p = "Server"
	}
	if p != "Server" && p != "Lambda" && p != "ECS" {
		return nil, errf("InvalidComputePlatformException", "The computePlatform is invalid. The computePlatform should be Lambda, Server or ECS.")
	}
	if s.apps[in.ApplicationName] != nil {
		return nil, errf("ApplicationAlreadyExistsException", "The application %s already exists with the user or AWS account.", in.ApplicationName)
	}
	if len(s.apps) >= 1000 {
		return nil, errf("ApplicationLimitExceededException", "The maximum number of applications (1000) for this account has been reached.")
	}
	a := &application{id: s.uuid(), name: in.ApplicationName, platform: p, created: s.clk.Now(), groups: map[string]*group{}}
	s.apps[a.name] = a
	s.appOrder = append(s.appOrder, a.name)
	return map[string]string{"applicationId": a.id}, nil
}

type appInfo struct {
	ApplicationID   string   `json:"applicationId"`
	ApplicationName string   `json:"applicationName"`
	CreateTime      *float64 `json:"createTime,omitempty"`
	LinkedToGitHub  bool     `json:"linkedToGitHub"`
	ComputePlatform string   `json:"computePlatform"`
}

func (s *Store) getApplication(in struct {
	ApplicationName string `json:"applicationName"`
}) (any, *Error) {
	a, err := s.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"application": appInfo{a.id, a.name, ts(a.created), false, a.platform}}, nil
}

// page returns one page of names after token (an opaque index).
func page(names []string, token string, size int) ([]string, string, *Error) {
	start := 0
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "cd:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "cd:") || n < 0 || n > len(names) {
			return nil, "", errf("InvalidNextTokenException", "The next token was specified in an invalid format.")
		}
		start = n
	}
	end := min(start+size, len(names))
	next := ""
	if end < len(names) {
		next = base64.RawURLEncoding.EncodeToString([]byte("cd:" + strconv.Itoa(end)))
	}
	return names[start:end], next, nil
}

func (s *Store) listApplications(in struct {
	NextToken string `json:"nextToken"`
}) (any, *Error) {
	names, next, err := page(s.appOrder, in.NextToken, listPage)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"applications": nonNil(names)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// ---- deployment groups ----

type createGroupIn struct {
	ApplicationName           string         `json:"applicationName"`
	DeploymentGroupName       string         `json:"deploymentGroupName"`
	DeploymentConfigName      string         `json:"deploymentConfigName"`
	ServiceRoleArn            string         `json:"serviceRoleArn"`
	AlarmConfiguration        *alarmConfig   `json:"alarmConfiguration"`
	AutoRollbackConfiguration *autoRollback  `json:"autoRollbackConfiguration"`
	DeploymentStyle           map[string]any `json:"deploymentStyle"`
}

func checkGroupName(n string) *Error {
	if n == "" {
		return errf("DeploymentGroupNameRequiredException", "The deployment group name was not specified.")
	}
	if !nameRE.MatchString(n) {
		return errf("InvalidDeploymentGroupNameException", "The deployment group name was specified in an invalid format.")
	}
	return nil
}

func (s *Store) groupIn(app, name string) (*application, *group, *Error) {
	a, err := s.app(app)
	if err != nil {
		return nil, nil, err
	}
	if err := checkGroupName(name); err != nil {
		return nil, nil, err
	}
	g := a.groups[name]
	if g == nil {
		return nil, nil, errf("DeploymentGroupDoesNotExistException", "The deployment group %s does not exist with the user or AWS account.", clip(name, 100))
	}
	return a, g, nil
}

func checkAlarms(ac *alarmConfig) *Error {
	if ac == nil {
		return nil
	}
	if len(ac.Alarms) > maxAlarms {
		return errf("AlarmsLimitExceededException", "The maximum number of alarms for a deployment group (%d) was exceeded.", maxAlarms)
	}
	seen := map[string]bool{}
	for _, a := range ac.Alarms {
		if a.Name == "" || len(a.Name) > 255 || seen[a.Name] {
			return errf("InvalidAlarmConfigException", "The format of the alarm configuration is not valid. Possible causes include: the alarm list is null, an alarm name is empty, null or exceeds 255 characters, or two alarms with the same name have been specified.")
		}
		seen[a.Name] = true
	}
	if ac.Enabled && len(ac.Alarms) == 0 {
		return errf("InvalidAlarmConfigException", "The format of the alarm configuration is not valid. Possible causes include: the alarm list is null, an alarm name is empty, null or exceeds 255 characters, or two alarms with the same name have been specified.")
	}
	return nil
}

func checkRollback(ar *autoRollback) *Error {
	if ar == nil {
		return nil
	}
	for _, e := range ar.Events {
		if e != "DEPLOYMENT_FAILURE" && e != "DEPLOYMENT_STOP_ON_ALARM" && e != "DEPLOYMENT_STOP_ON_REQUEST" {
			return errf("InvalidAutoRollbackConfigException", "The automatic rollback configuration was specified in an invalid format. For example, automatic rollback is enabled, but an invalid triggering event type or no event types were listed.")
		}
	}
	if ar.Enabled && len(ar.Events) == 0 {
		return errf("InvalidAutoRollbackConfigException", "The automatic rollback configuration was specified in an invalid format. For example, automatic rollback is enabled, but an invalid triggering event type or no event types were listed.")
	}
	return nil
}

var roleRE = lazyre.New(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)

func (s *Store) createDeploymentGroup(in createGroupIn) (any, *Error) {
	a, err := s.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	if err := checkGroupName(in.DeploymentGroupName); err != nil {
		return nil, err
	}
	if a.groups[in.DeploymentGroupName] != nil {
		return nil, errf("DeploymentGroupAlreadyExistsException", "The deployment group %s already exists with the application %s.", in.DeploymentGroupName, a.name)
	}
	if in.ServiceRoleArn == "" {
		return nil, errf("RoleRequiredException", "The role ID was not specified.")
	}
	if !roleRE.MatchString(in.ServiceRoleArn) {
		return nil, errf("InvalidRoleException", "The service role ARN was specified in an invalid format. Or, if an Auto Scaling group was specified, the specified service role does not grant the appropriate permissions to Amazon EC2 Auto Scaling.")
	}
	cfgName := in.DeploymentConfigName
	if cfgName == "" {
		cfgName = map[string]string{"Lambda": "CodeDeployDefault.LambdaAllAtOnce", "ECS": "CodeDeployDefault.ECSAllAtOnce"}[a.platform]
		if cfgName == "" {
			cfgName = "CodeDeployDefault.OneAtATime"
		}
	}
	c, cerr := s.configNamed(cfgName)
	if cerr != nil {
		return nil, cerr
	}
	if c.platform != a.platform {
		return nil, errf("InvalidDeploymentConfigNameException", "The deployment configuration name was specified in an invalid format: %s is for the %s compute platform, the application is %s.", c.name, c.platform, a.platform)
	}
	if err := checkAlarms(in.AlarmConfiguration); err != nil {
		return nil, err
	}
	if err := checkRollback(in.AutoRollbackConfiguration); err != nil {
		return nil, err
	}
	if len(a.groups) >= 1000 {
		return nil, errf("DeploymentGroupLimitExceededException", "The deployment groups limit (1000) was exceeded.")
	}
	g := &group{id: s.uuid(), name: in.DeploymentGroupName, app: a.name, config: c.name, role: in.ServiceRoleArn}
	if ac := in.AlarmConfiguration; ac != nil {
		g.alarmsEnabled, g.ignorePollFailure = ac.Enabled, ac.IgnorePollAlarmFailure
		for _, al := range ac.Alarms {
			g.alarms = append(g.alarms, al.Name)
		}
	}
	if ar := in.AutoRollbackConfiguration; ar != nil {
		g.rollbackEnabled, g.rollbackEvents = ar.Enabled, append([]string(nil), ar.Events...)
	}
	a.groups[g.name] = g
	a.groupOrder = append(a.groupOrder, g.name)
	return map[string]string{"deploymentGroupId": g.id}, nil
}

func (s *Store) groupInfo(a *application, g *group) map[string]any {
	alarms := make([]alarm, 0, len(g.alarms))
	for _, n := range g.alarms {
		alarms = append(alarms, alarm{n})
	}
	out := map[string]any{
		"applicationName":           a.name,
		"deploymentGroupId":         g.id,
		"deploymentGroupName":       g.name,
		"deploymentConfigName":      g.config,
		"serviceRoleArn":            g.role,
		"computePlatform":           a.platform,
		"alarmConfiguration":        alarmConfig{Enabled: g.alarmsEnabled, IgnorePollAlarmFailure: g.ignorePollFailure, Alarms: alarms},
		"autoRollbackConfiguration": autoRollback{Enabled: g.rollbackEnabled, Events: g.rollbackEvents},
		"triggerConfigurations":     []any{},
	}
	if a.platform == "Lambda" {
		out["deploymentStyle"] = map[string]string{"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}
	}
	last := func(id string) any {
		d := s.deps[id]
		if d == nil {
			return nil
		}
		m := map[string]any{"deploymentId": d.id, "status": d.status, "createTime": ts(d.created)}
		if !d.done.IsZero() {
			m["endTime"] = ts(d.done)
		}
		return m
	}
	if v := last(g.lastAttempted); v != nil {
		out["lastAttemptedDeployment"] = v
	}
	if v := last(g.lastSuccess); v != nil {
		out["lastSuccessfulDeployment"] = v
	}
	return out
}

type groupRef struct {
	ApplicationName     string `json:"applicationName"`
	DeploymentGroupName string `json:"deploymentGroupName"`
}

func (s *Store) getDeploymentGroup(in groupRef) (any, *Error) {
	a, g, err := s.groupIn(in.ApplicationName, in.DeploymentGroupName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"deploymentGroupInfo": s.groupInfo(a, g)}, nil
}

func (s *Store) listDeploymentGroups(in struct {
	ApplicationName string `json:"applicationName"`
	NextToken       string `json:"nextToken"`
}) (any, *Error) {
	a, err := s.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	names, next, perr := page(a.groupOrder, in.NextToken, listPage)
	if perr != nil {
		return nil, perr
	}
	out := map[string]any{"applicationName": a.name, "deploymentGroups": nonNil(names)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func (s *Store) batchGetDeploymentGroups(in struct {
	ApplicationName      string   `json:"applicationName"`
	DeploymentGroupNames []string `json:"deploymentGroupNames"`
}) (any, *Error) {
	a, err := s.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	if len(in.DeploymentGroupNames) == 0 {
		return nil, errf("DeploymentGroupNameRequiredException", "The deployment group name was not specified.")
	}
	if len(in.DeploymentGroupNames) > maxBatchGroups {
		return nil, errf("BatchLimitExceededException", "The maximum number of names or IDs allowed for this request (%d) was exceeded.", maxBatchGroups)
	}
	infos := []any{}
	var missing []string
	for _, n := range in.DeploymentGroupNames {
		if err := checkGroupName(n); err != nil {
			return nil, err
		}
		if g := a.groups[n]; g != nil {
			infos = append(infos, s.groupInfo(a, g))
		} else {
			missing = append(missing, n)
		}
	}
	out := map[string]any{"deploymentGroupsInfo": infos}
	if len(missing) > 0 {
		out["errorMessage"] = "Deployment groups not found: " + strings.Join(missing, ", ")
	}
	return out, nil
}

// ---- deployment configs ----

func (s *Store) configNamed(n string) (*config, *Error) {
	if n == "" {
		return nil, errf("DeploymentConfigNameRequiredException", "The deployment configuration name was not specified.")
	}
	if !nameRE.MatchString(n) {
		return nil, errf("InvalidDeploymentConfigNameException", "The deployment configuration name was specified in an invalid format.")
	}
	c := s.configs[n]
	if c == nil {
		return nil, errf("DeploymentConfigDoesNotExistException", "The deployment configuration %s does not exist with the user or AWS account.", clip(n, 100))
	}
	return c, nil
}

func (c *config) info() map[string]any {
	out := map[string]any{"deploymentConfigId": c.id, "deploymentConfigName": c.name, "createTime": ts(c.created), "computePlatform": c.platform}
	if c.minHealthy != nil {
		out["minimumHealthyHosts"] = c.minHealthy
	}
	if c.platform != "Server" {
		tr := trafficRouting{Type: c.routing.Type}
		switch c.routing.Type {
		case "TimeBasedCanary":
			tr.TimeBasedCanary = &canaryJSON{c.routing.Percent, c.routing.Interval}
		case "TimeBasedLinear":
			tr.TimeBasedLinear = &linearJSON{c.routing.Percent, c.routing.Interval}
		}
		out["trafficRoutingConfig"] = tr
	}
	return out
}

func (s *Store) getDeploymentConfig(in struct {
	DeploymentConfigName string `json:"deploymentConfigName"`
}) (any, *Error) {
	c, err := s.configNamed(in.DeploymentConfigName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"deploymentConfigInfo": c.info()}, nil
}

func (s *Store) listDeploymentConfigs(in struct {
	NextToken string `json:"nextToken"`
}) (any, *Error) {
	names, next, err := page(s.cfgOrder, in.NextToken, listPage)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"deploymentConfigsList": nonNil(names)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

type createConfigIn struct {
	DeploymentConfigName string          `json:"deploymentConfigName"`
	MinimumHealthyHosts  *minHealthy     `json:"minimumHealthyHosts"`
	TrafficRoutingConfig *trafficRouting `json:"trafficRoutingConfig"`
	ComputePlatform      string          `json:"computePlatform"`
}

func (s *Store) createDeploymentConfig(in createConfigIn) (any, *Error) {
	if in.DeploymentConfigName == "" {
		return nil, errf("DeploymentConfigNameRequiredException", "The deployment configuration name was not specified.")
	}
	if !nameRE.MatchString(in.DeploymentConfigName) || strings.HasPrefix(in.DeploymentConfigName, "CodeDeployDefault.") {
		return nil, errf("InvalidDeploymentConfigNameException", "The deployment configuration name was specified in an invalid format.")
	}
	if s.configs[in.DeploymentConfigName] != nil {
		return nil, errf("DeploymentConfigAlreadyExistsException", "A deployment configuration with the name %s already exists with the user or AWS account.", in.DeploymentConfigName)
	}
	p := in.ComputePlatform
	if p == "" {
		p = "Server"
	}
	if p != "Server" && p != "Lambda" && p != "ECS" {
		return nil, errf("InvalidComputePlatformException", "The computePlatform is invalid. The computePlatform should be Lambda, Server or ECS.")
	}
	c := &config{name: in.DeploymentConfigName, platform: p}
	badRouting := errf("InvalidTrafficRoutingConfigurationException", "The configuration that specifies how traffic is routed during a deployment is invalid.")
	if p == "Server" {
		if in.MinimumHealthyHosts == nil {
			return nil, errf("InvalidMinimumHealthyHostValueException", "The minimum healthy instance value was specified in an invalid format.")
		}
		mh := *in.MinimumHealthyHosts
		if (mh.Type != "HOST_COUNT" && mh.Type != "FLEET_PERCENT") || mh.Value < 0 || (mh.Type == "FLEET_PERCENT" && mh.Value > 99) {
			return nil, errf("InvalidMinimumHealthyHostValueException", "The minimum healthy instance value was specified in an invalid format.")
		}
		c.minHealthy = &mh
	} else {
		tr := in.TrafficRoutingConfig
		if tr == nil {
			return nil, badRouting
		}
		switch tr.Type {
		case "TimeBasedCanary":
			if tr.TimeBasedCanary == nil || tr.TimeBasedCanary.CanaryPercentage < 1 || tr.TimeBasedCanary.CanaryPercentage > 99 || tr.TimeBasedCanary.CanaryInterval < 1 || tr.TimeBasedCanary.CanaryInterval > 2880 {
				return nil, badRouting
			}
			c.routing = Routing{"TimeBasedCanary", tr.TimeBasedCanary.CanaryPercentage, tr.TimeBasedCanary.CanaryInterval}
		case "TimeBasedLinear":
			if tr.TimeBasedLinear == nil || tr.TimeBasedLinear.LinearPercentage < 1 || tr.TimeBasedLinear.LinearPercentage > 99 || tr.TimeBasedLinear.LinearInterval < 1 || tr.TimeBasedLinear.LinearInterval > 2880 {
				return nil, badRouting
			}
			c.routing = Routing{"TimeBasedLinear", tr.TimeBasedLinear.LinearPercentage, tr.TimeBasedLinear.LinearInterval}
		case "AllAtOnce":
			c.routing = Routing{Type: "AllAtOnce"}
		default:
			return nil, badRouting
		}
	}
	if len(s.configs)-len(predefined) >= 50 {
		return nil, errf("DeploymentConfigLimitExceededException", "The deployment configurations limit (50) was exceeded.")
	}
	c.id, c.created = s.uuid(), s.clk.Now()
	s.configs[c.name] = c
	s.cfgOrder = append(s.cfgOrder, c.name)
	return map[string]string{"deploymentConfigId": c.id}, nil
}

// ---- deployments ----

type createDeploymentIn struct {
	ApplicationName            string            `json:"applicationName"`
	DeploymentGroupName        string            `json:"deploymentGroupName"`
	Revision                   *revisionLocation `json:"revision"`
	DeploymentConfigName       string            `json:"deploymentConfigName"`
	Description                string            `json:"description"`
	AutoRollbackConfiguration  *autoRollback     `json:"autoRollbackConfiguration"`
	OverrideAlarmConfiguration *alarmConfig      `json:"overrideAlarmConfiguration"`
}

// AppSpecTarget is what a Lambda AppSpec names.
type AppSpecTarget struct {
	Name, Alias, CurrentVersion, TargetVersion string
}

// ParseAppSpec reads the Lambda resource of an AppSpec in JSON or YAML (the
// subset AppSpec files use: "key: value" lines, quotes optional).
func ParseAppSpec(content string) (AppSpecTarget, error) {
	var t AppSpecTarget
	var doc struct {
		Resources []map[string]struct {
			Type       string
			Properties struct {
				Name, Alias    string
				CurrentVersion json.RawMessage
				TargetVersion  json.RawMessage
			}
		}
	}
	trim := strings.TrimSpace(content)
	if strings.HasPrefix(trim, "{") {
		if err := json.Unmarshal([]byte(trim), &doc); err != nil {
			return t, fmt.Errorf("the AppSpec is not valid JSON: %v", err)
		}
		n := 0
		for _, r := range doc.Resources {
			for _, v := range r {
				if v.Type != "AWS::Lambda::Function" {
					continue
				}
				n++
				t.Name, t.Alias = v.Properties.Name, v.Properties.Alias
				t.CurrentVersion, t.TargetVersion = rawScalar(v.Properties.CurrentVersion), rawScalar(v.Properties.TargetVersion)
			}
		}
		if n != 1 {
			return t, fmt.Errorf("the AppSpec must name exactly one AWS::Lambda::Function resource")
		}
	} else {
		lambdaRes := false
		for _, line := range strings.Split(content, "\n") {
			l := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				continue
			}
			v = strings.Trim(strings.TrimSpace(v), `"'`)
			switch strings.TrimSpace(k) {
			case "Type":
				if v == "AWS::Lambda::Function" {
					if lambdaRes {
						return t, fmt.Errorf("the AppSpec must name exactly one AWS::Lambda::Function resource")
					}
					lambdaRes = true
				}
			case "Name":
				t.Name = v
			case "Alias":
				t.Alias = v
			case "CurrentVersion":
				t.CurrentVersion = v
			case "TargetVersion":
				t.TargetVersion = v
			}
		}
		if !lambdaRes {
			return t, fmt.Errorf("the AppSpec names no AWS::Lambda::Function resource")
		}
	}
	switch {
	case t.Name == "" || t.Alias == "":
		return t, fmt.Errorf("the AppSpec's Lambda resource needs Name and Alias")
	case t.CurrentVersion == "" || t.TargetVersion == "":
		return t, fmt.Errorf("the AppSpec's Lambda resource needs CurrentVersion and TargetVersion")
	case t.CurrentVersion == t.TargetVersion:
		return t, fmt.Errorf("the AppSpec's TargetVersion must differ from CurrentVersion")
	}
	return t, nil
}

func rawScalar(b json.RawMessage) string {
	var s string
	if json.Unmarshal(b, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		return n.String()
	}
	return ""
}

func (s *Store) createDeployment(in createDeploymentIn) (any, *Error) {
	a, err := s.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	if in.DeploymentGroupName == "" {
		return nil, errf("DeploymentGroupNameRequiredException", "The deployment group name was not specified.")
	}
	_, g, err := s.groupIn(in.ApplicationName, in.DeploymentGroupName)
	if err != nil {
		return nil, err
	}
	if in.Revision == nil {
		return nil, errf("RevisionRequiredException", "The revision ID was not specified.")
	}
	var raw *rawString
	switch in.Revision.RevisionType {
	case "AppSpecContent":
		raw = in.Revision.AppSpecContent
	case "String":
		raw = in.Revision.String
	case "S3", "GitHub":
		if a.platform == "Lambda" {
			return nil, errf("InvalidRevisionException", "The revision type %s is not supported in this sandbox for the Lambda compute platform; use AppSpecContent or String.", in.Revision.RevisionType)
		}
		return nil, errf("InvalidRevisionException", "The sandbox deploys to Lambda only.")
	default:
		return nil, errf("InvalidRevisionException", "The revision was specified in an invalid format.")
	}
	if raw == nil || raw.Content == nil || *raw.Content == "" {
		return nil, errf("InvalidRevisionException", "The revision was specified in an invalid format: the content is missing.")
	}
	if raw.SHA256 != "" && raw.SHA256 != sha256Hex(*raw.Content) {
		return nil, errf("InvalidRevisionException", "The revision's sha256 does not match its content.")
	}
	if a.platform != "Lambda" {
		return nil, errf("InvalidRevisionException", "The sandbox deploys to Lambda only; application %s is for %s.", a.name, a.platform)
	}
	spec, perr := ParseAppSpec(*raw.Content)
	if perr != nil {
		return nil, errf("InvalidRevisionException", "The revision was specified in an invalid format: %v.", perr)
	}
	if len(in.Description) > 512 {
		return nil, errf("DescriptionTooLongException", "The description is too long.")
	}
	cfgName := in.DeploymentConfigName
	if cfgName == "" {
		cfgName = g.config
	}
	c, cerr := s.configNamed(cfgName)
	if cerr != nil {
		return nil, cerr
	}
	if c.platform != "Lambda" {
		return nil, errf("InvalidDeploymentConfigNameException", "The deployment configuration %s is for the %s compute platform, not Lambda.", c.name, c.platform)
	}
	if err := checkAlarms(in.OverrideAlarmConfiguration); err != nil {
		return nil, err
	}
	if err := checkRollback(in.AutoRollbackConfiguration); err != nil {
		return nil, err
	}
	for _, id := range s.depOrder {
		if d := s.deps[id]; d.app == a.name && d.group == g.name && active(d.status) {
			return nil, errf("DeploymentLimitExceededException", "The Deployment Group '%s' already has an active Deployment '%s'", g.name, d.id)
		}
	}
	now := s.clk.Now()
	d := &deployment{id: s.newDeploymentID(), app: a.name, group: g.name, config: c.name, description: in.Description,
		creator: "user", status: StatusCreated, fn: spec.Name, alias: spec.Alias, cur: spec.CurrentVersion, target: spec.TargetVersion,
		revType: in.Revision.RevisionType, content: *raw.Content, sha: sha256Hex(*raw.Content), created: now,
		steps: c.routing.steps(), targetStatus: "Pending", events: newEvents(), targetUpdated: now,
		rollbackEnabled: g.rollbackEnabled, rollbackEvents: g.rollbackEvents,
		alarms: g.alarms, alarmsEnabled: g.alarmsEnabled, ignorePoll: g.ignorePollFailure}
	if ar := in.AutoRollbackConfiguration; ar != nil {
		d.rollbackEnabled, d.rollbackEvents = ar.Enabled, append([]string(nil), ar.Events...)
	}
	if ac := in.OverrideAlarmConfiguration; ac != nil {
		d.alarmsEnabled, d.ignorePoll, d.alarms = ac.Enabled, ac.IgnorePollAlarmFailure, nil
		for _, al := range ac.Alarms {
			d.alarms = append(d.alarms, al.Name)
		}
	}
	if prev := s.deps[g.lastSuccess]; prev != nil {
		d.previousContent, d.previousSHA = prev.content, prev.sha
	}
	s.deps[d.id] = d
	s.depOrder = append(s.depOrder, d.id)
	g.lastAttempted = d.id
	s.run(d, now) // CodeDeploy starts a Lambda deployment within a second or two; the sandbox at once
	return map[string]string{"deploymentId": d.id}, nil
}

func (s *Store) deployment(id string) (*deployment, *Error) {
	if id == "" {
		return nil, errf("DeploymentIdRequiredException", "At least one deployment ID must be specified.")
	}
	if !validDeploymentID(id) {
		return nil, errf("InvalidDeploymentIdException", "The specified deployment ID %s is not in the valid format.", clip(id, 100))
	}
	d := s.deps[id]
	if d == nil {
		return nil, errf("DeploymentDoesNotExistException", "The deployment %s does not exist with the user or AWS account.", id)
	}
	return d, nil
}

func revision(typ, sha string) map[string]any {
	// AWS never returns the AppSpec content from GetDeployment, only its hash.
	k := "appSpecContent"
	if typ == "String" {
		k = "string"
	}
	return map[string]any{"revisionType": typ, k: map[string]string{"sha256": sha}}
}

func (s *Store) info(d *deployment) map[string]any {
	out := map[string]any{
		"applicationName":               d.app,
		"deploymentGroupName":           d.group,
		"deploymentConfigName":          d.config,
		"deploymentId":                  d.id,
		"revision":                      revision(d.revType, d.sha),
		"status":                        d.status,
		"createTime":                    ts(d.created),
		"creator":                       d.creator,
		"computePlatform":               "Lambda",
		"deploymentStyle":               map[string]string{"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
		"autoRollbackConfiguration":     autoRollback{Enabled: d.rollbackEnabled, Events: d.rollbackEvents},
		"deploymentOverview":            s.overview(d),
		"ignoreApplicationStopFailures": false,
		"updateOutdatedInstancesOnly":   false,
		"fileExistsBehavior":            "DISALLOW",
		"deploymentStatusMessages":      nonNil(d.statusMessages),
	}
	if d.description != "" {
		out["description"] = d.description
	}
	if d.previousSHA != "" {
		out["previousRevision"] = revision(d.revType, d.previousSHA)
	}
	if !d.started.IsZero() {
		out["startTime"] = ts(d.started)
	}
	if !d.done.IsZero() {
		out["completeTime"] = ts(d.done)
	}
	if d.errCode != "" {
		out["errorInformation"] = map[string]string{"code": d.errCode, "message": d.errMsg}
	}
	if d.rollbackID != "" || d.rollbackTrigger != "" {
		ri := map[string]string{}
		if d.rollbackID != "" {
			ri["rollbackDeploymentId"] = d.rollbackID
		}
		if d.rollbackTrigger != "" {
			ri["rollbackTriggeringDeploymentId"] = d.rollbackTrigger
		}
		if d.rollbackMsg != "" {
			ri["rollbackMessage"] = d.rollbackMsg
		}
		out["rollbackInfo"] = ri
	}
	return out
}

func (s *Store) overview(d *deployment) map[string]int {
	o := map[string]int{"Pending": 0, "InProgress": 0, "Succeeded": 0, "Failed": 0, "Skipped": 0, "Ready": 0}
	o[d.targetStatus]++
	return o
}

func (s *Store) getDeployment(in struct {
	DeploymentID string `json:"deploymentId"`
}) (any, *Error) {
	d, err := s.deployment(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"deploymentInfo": s.info(d)}, nil
}

func (s *Store) batchGetDeployments(in struct {
	DeploymentIDs []string `json:"deploymentIds"`
}) (any, *Error) {
	if len(in.DeploymentIDs) == 0 {
		return nil, errf("DeploymentIdRequiredException", "At least one deployment ID must be specified.")
	}
	if len(in.DeploymentIDs) > maxBatchDeploys {
		return nil, errf("BatchLimitExceededException", "The maximum number of names or IDs allowed for this request (%d) was exceeded.", maxBatchDeploys)
	}
	out := []any{}
	for _, id := range in.DeploymentIDs {
		if !validDeploymentID(id) {
			return nil, errf("InvalidDeploymentIdException", "The specified deployment ID %s is not in the valid format.", clip(id, 100))
		}
		if d := s.deps[id]; d != nil {
			out = append(out, s.info(d))
		}
	}
	return map[string]any{"deploymentsInfo": out}, nil
}

type listDeploymentsIn struct {
	ApplicationName     string   `json:"applicationName"`
	DeploymentGroupName string   `json:"deploymentGroupName"`
	ExternalID          string   `json:"externalId"`
	IncludeOnlyStatuses []string `json:"includeOnlyStatuses"`
	CreateTimeRange     *struct {
		Start *float64 `json:"start"`
		End   *float64 `json:"end"`
	} `json:"createTimeRange"`
	NextToken string `json:"nextToken"`
}

func (s *Store) listDeployments(in listDeploymentsIn) (any, *Error) {
	if in.ApplicationName != "" && in.DeploymentGroupName == "" {
		return nil, errf("DeploymentGroupNameRequiredException", "If applicationName is specified, then deploymentGroupName must be specified.")
	}
	if in.ApplicationName == "" && in.DeploymentGroupName != "" {
		return nil, errf("ApplicationNameRequiredException", "If deploymentGroupName is specified, applicationName must be specified.")
	}
	if in.ApplicationName != "" {
		if _, _, err := s.groupIn(in.ApplicationName, in.DeploymentGroupName); err != nil {
			return nil, err
		}
	}
	want := map[string]bool{}
	for _, st := range in.IncludeOnlyStatuses {
		if !has(allStatuses, st) {
			return nil, errf("InvalidDeploymentStatusException", "The specified deployment status %s does not exist or is in an incorrect format.", clip(st, 40))
		}
		want[st] = true
	}
	var start, end time.Time
	if r := in.CreateTimeRange; r != nil {
		start, end = fromTS(r.Start), fromTS(r.End)
		if !start.IsZero() && !end.IsZero() && start.After(end) {
			return nil, errf("InvalidTimeRangeException", "The specified time range was specified in an invalid format.")
		}
	}
	var ids []string
	for _, id := range s.newestFirst(s.depOrder) {
		d := s.deps[id]
		if in.ApplicationName != "" && (d.app != in.ApplicationName || d.group != in.DeploymentGroupName) {
			continue
		}
		if len(want) > 0 && !want[d.status] {
			continue
		}
		if !start.IsZero() && d.created.Before(start) || !end.IsZero() && d.created.After(end) {
			continue
		}
		if in.ExternalID != "" {
			continue // the sandbox's deployments have no external id
		}
		ids = append(ids, id)
	}
	pg, next, err := page(ids, in.NextToken, listPage)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"deployments": nonNil(pg)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

// ---- targets ----

func (d *deployment) targetID() string { return d.fn + ":" + d.alias }

func (s *Store) target(d *deployment) map[string]any {
	evs := make([]map[string]any, 0, len(d.events))
	for _, e := range d.events {
		m := map[string]any{"lifecycleEventName": e.name, "status": e.status}
		if !e.start.IsZero() {
			m["startTime"] = ts(e.start)
		}
		if !e.end.IsZero() {
			m["endTime"] = ts(e.end)
		}
		if e.errCode != "" {
			m["diagnostics"] = map[string]string{"errorCode": "UnknownError", "message": e.errMsg, "scriptName": "", "logTail": ""}
		}
		evs = append(evs, m)
	}
	return map[string]any{
		"deploymentTargetType": "LambdaTarget",
		"lambdaTarget": map[string]any{
			"deploymentId":    d.id,
			"targetId":        d.targetID(),
			"targetArn":       "arn:aws:lambda:" + s.region + ":" + s.account + ":function:" + d.fn + ":" + d.alias,
			"status":          d.targetStatus,
			"lastUpdatedAt":   ts(d.targetUpdated),
			"lifecycleEvents": evs,
			"lambdaFunctionInfo": map[string]any{
				"functionName":        d.fn,
				"functionAlias":       d.alias,
				"currentVersion":      d.cur,
				"targetVersion":       d.target,
				"targetVersionWeight": d.weight,
			},
		},
	}
}

func (s *Store) started(id string) (*deployment, *Error) {
	d, err := s.deployment(id)
	if err != nil {
		return nil, err
	}
	if d.status == StatusCreated {
		return nil, errf("DeploymentNotStartedException", "The specified deployment has not started.")
	}
	return d, nil
}

func (s *Store) listDeploymentTargets(in struct {
	DeploymentID  string              `json:"deploymentId"`
	NextToken     string              `json:"nextToken"`
	TargetFilters map[string][]string `json:"targetFilters"`
}) (any, *Error) {
	d, err := s.started(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	ids := []string{d.targetID()}
	for k, vs := range in.TargetFilters {
		switch k {
		case "TargetStatus":
			if len(vs) > 0 && !has(vs, d.targetStatus) {
				ids = nil
			}
		case "ServerInstanceLabel":
			if len(vs) > 0 {
				ids = nil
			}
		default:
			return nil, errf("InvalidTargetFilterNameException", "The target filter name is invalid.")
		}
	}
	pg, next, perr := page(ids, in.NextToken, listPage)
	if perr != nil {
		return nil, perr
	}
	out := map[string]any{"targetIds": nonNil(pg)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func (s *Store) getDeploymentTarget(in struct {
	DeploymentID string `json:"deploymentId"`
	TargetID     string `json:"targetId"`
}) (any, *Error) {
	d, err := s.started(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	if in.TargetID == "" {
		return nil, errf("DeploymentTargetIdRequiredException", "A deployment target ID was not provided.")
	}
	if in.TargetID != d.targetID() {
		return nil, errf("DeploymentTargetDoesNotExistException", "The provided target ID does not belong to the attempted deployment.")
	}
	return map[string]any{"deploymentTarget": s.target(d)}, nil
}

func (s *Store) batchGetDeploymentTargets(in struct {
	DeploymentID string   `json:"deploymentId"`
	TargetIDs    []string `json:"targetIds"`
}) (any, *Error) {
	d, err := s.started(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	if len(in.TargetIDs) == 0 {
		return nil, errf("DeploymentTargetIdRequiredException", "A deployment target ID was not provided.")
	}
	if len(in.TargetIDs) > maxBatchTargets {
		return nil, errf("DeploymentTargetListSizeExceededException", "The maximum number of targets that can be associated with an Amazon ECS or AWS Lambda deployment was exceeded. The target list of both types of deployments must have exactly one item. This exception does not apply to EC2/On-premises deployments.")
	}
	out := []any{}
	for _, id := range in.TargetIDs {
		if id != d.targetID() {
			return nil, errf("DeploymentTargetDoesNotExistException", "The provided target ID does not belong to the attempted deployment.")
		}
		out = append(out, s.target(d))
	}
	return map[string]any{"deploymentTargets": out}, nil
}

// ---- stop ----

func (s *Store) stopDeployment(in struct {
	DeploymentID        string `json:"deploymentId"`
	AutoRollbackEnabled *bool  `json:"autoRollbackEnabled"`
}) (any, *Error) {
	d, err := s.deployment(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	if !active(d.status) {
		return nil, errf("DeploymentAlreadyCompletedException", "The deployment %s has already completed.", d.id)
	}
	if s.groupOf(d) == nil {
		return nil, errf("DeploymentGroupDoesNotExistException", "The deployment group %s does not exist with the user or AWS account.", d.group)
	}
	now := s.clk.Now()
	roll := d.rollbackEnabled && has(d.rollbackEvents, "DEPLOYMENT_STOP_ON_REQUEST")
	if in.AutoRollbackEnabled != nil {
		roll = *in.AutoRollbackEnabled
	}
	s.finish(d, now, StatusStopped, "MANUAL_STOP", "The deployment was stopped by the user.", "AllowTraffic")
	d.statusMessages = append(d.statusMessages, "Stopped by the user")
	if roll && d.started.IsZero() {
		roll = false // nothing was shifted
	}
	if roll {
		s.rollback(d, now, fmt.Sprintf("Deployment %s was stopped by the user and rolled back.", d.id))
	}
	return map[string]string{"status": "Pending", "statusMessage": "Stopping Pending. Stopping to schedule commands in the deployment instances"}, nil
}
