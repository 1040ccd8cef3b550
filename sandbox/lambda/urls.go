package lambda

import (
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// Function URLs: Create/Get/Update/DeleteFunctionUrlConfig and
// ListFunctionUrlConfigs.

const maxURLPage = 50

type corsJSON struct {
	AllowCredentials *bool    `json:"AllowCredentials,omitempty"`
	AllowHeaders     []string `json:"AllowHeaders,omitempty"`
	AllowMethods     []string `json:"AllowMethods,omitempty"`
	AllowOrigins     []string `json:"AllowOrigins,omitempty"`
	ExposeHeaders    []string `json:"ExposeHeaders,omitempty"`
	MaxAge           *int     `json:"MaxAge,omitempty"`
}

type urlIn struct {
	AuthType   *string   `json:"AuthType"`
	Cors       *corsJSON `json:"Cors"`
	InvokeMode *string   `json:"InvokeMode"`
}

type urlConfig struct {
	id         string
	authType   string
	cors       *corsJSON
	invokeMode string
	created    time.Time
	modified   time.Time
}

type urlJSON struct {
	FunctionUrl      string    `json:"FunctionUrl"`
	FunctionArn      string    `json:"FunctionArn"`
	AuthType         string    `json:"AuthType"`
	Cors             *corsJSON `json:"Cors,omitempty"`
	CreationTime     string    `json:"CreationTime"`
	LastModifiedTime string    `json:"LastModifiedTime,omitempty"`
	InvokeMode       string    `json:"InvokeMode"`
}

// urlTime is the ISO-8601 form of function URL timestamps.
func urlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func (w *World) urlOut(f *function, q string, u *urlConfig, modified bool) urlJSON {
	arn := f.arn + qualSuffix(q)
	out := urlJSON{FunctionUrl: "https://" + u.id + ".lambda-url." + w.region + ".on.aws/", FunctionArn: arn,
		AuthType: u.authType, Cors: u.cors, CreationTime: urlTime(u.created), InvokeMode: u.invokeMode}
	if modified {
		out.LastModifiedTime = urlTime(u.modified)
	}
	return out
}

func checkURLIn(v *verrs, in *urlIn, create bool) {
	if in.AuthType == nil {
		if create {
			v.null("authType")
		}
	} else if *in.AuthType != "NONE" && *in.AuthType != "AWS_IAM" {
		v.enum("authType", *in.AuthType, []string{"NONE", "AWS_IAM"})
	}
	if in.InvokeMode != nil && *in.InvokeMode != "BUFFERED" && *in.InvokeMode != "RESPONSE_STREAM" {
		v.enum("invokeMode", *in.InvokeMode, []string{"BUFFERED", "RESPONSE_STREAM"})
	}
	if c := in.Cors; c != nil {
		if c.MaxAge != nil {
			v.rangeInt("cors.maxAge", *c.MaxAge, 0, 86400)
		}
		for _, m := range c.AllowMethods {
			if len(m) > 6 {
				v.add("Value '[%s]' at 'cors.allowMethods' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 6]", clip(m, 200))
				break
			}
		}
		for _, o := range c.AllowOrigins {
			if o == "" || len(o) > 253 {
				v.add("Value '[%s]' at 'cors.allowOrigins' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 253, Member must have length greater than or equal to 1]", clip(o, 200))
				break
			}
		}
		if len(c.AllowOrigins) > 100 || len(c.AllowHeaders) > 100 || len(c.ExposeHeaders) > 100 || len(c.AllowMethods) > 6 {
			v.add("Value at 'cors' failed to satisfy constraint: Member must have length less than or equal to 100")
		}
	}
}

// urlTarget resolves a function URL's function and qualifier (an alias, or
// none; caller holds mu).
func (w *World) urlTarget(ref, qualifier string) (*function, string, *Error) {
	if qualifier != "" && (!validAliasName(qualifier)) {
		var v verrs
		v.pattern("qualifier", qualifier, `((?!^\d+$)^[0-9a-zA-Z-_]+$)`)
		return nil, "", v.err()
	}
	f, q, err := w.lookup(ref)
	if err != nil {
		return nil, "", err
	}
	if q, err = mergeQualifier(q, qualifier); err != nil {
		return nil, "", err
	}
	if q == "$LATEST" {
		q = ""
	}
	if q != "" {
		if isDigits(q) {
			return nil, "", invalidParam("Function URLs are not supported for published versions: %s", f.arn+":"+q)
		}
		if f.aliases[q] == nil {
			return nil, "", fnNotFound(f.arn + ":" + q)
		}
	}
	return f, q, nil
}

func urlNotFound() *Error { return notFound("The resource you requested does not exist.") }

// CreateFunctionUrlConfig gives a function (or an alias) a URL.
func (w *World) CreateFunctionUrlConfig(ref, qualifier string, in *urlIn) ([]byte, *Error) {
	var v verrs
	checkURLIn(&v, in, true)
	if err := v.err(); err != nil {
		return nil, err
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.urlTarget(ref, qualifier)
	if err != nil {
		return nil, err
	}
	if f.urls[q] != nil {
		return nil, conflict("Failed to create function url config for [functionArn = %s]. Error message:  FunctionUrlConfig exists for this Lambda function", f.arn+qualSuffix(q))
	}
	u := &urlConfig{id: w.urlID(), authType: *in.AuthType, cors: in.Cors, invokeMode: "BUFFERED", created: now, modified: now}
	if in.InvokeMode != nil {
		u.invokeMode = *in.InvokeMode
	}
	if f.urls == nil {
		f.urls = map[string]*urlConfig{}
	}
	f.urls[q] = u
	b, _ := json.Marshal(w.urlOut(f, q, u, false))
	return b, nil
}

// urlID is a 32-character lowercase URL id (caller holds mu).
func (w *World) urlID() string {
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [32]byte
	for i := range b {
		b[i] = alnum[w.rng.IntN(len(alnum))]
	}
	return string(b[:])
}

// GetFunctionUrlConfig returns a function URL's configuration.
func (w *World) GetFunctionUrlConfig(ref, qualifier string) ([]byte, *Error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, q, err := w.urlTarget(ref, qualifier)
	if err != nil {
		return nil, err
	}
	u := f.urls[q]
	if u == nil {
		return nil, urlNotFound()
	}
	b, _ := json.Marshal(w.urlOut(f, q, u, true))
	return b, nil
}

// UpdateFunctionUrlConfig changes the auth type, CORS or invoke mode.
func (w *World) UpdateFunctionUrlConfig(ref, qualifier string, in *urlIn) ([]byte, *Error) {
	var v verrs
	checkURLIn(&v, in, false)
	if err := v.err(); err != nil {
		return nil, err
	}
	now := w.clk.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.urlTarget(ref, qualifier)
	if err != nil {
		return nil, err
	}
	u := f.urls[q]
	if u == nil {
		return nil, urlNotFound()
	}
	if in.AuthType != nil {
		u.authType = *in.AuthType
	}
	if in.Cors != nil {
		u.cors = in.Cors
	}
	if in.InvokeMode != nil {
		u.invokeMode = *in.InvokeMode
	}
	u.modified = now
	b, _ := json.Marshal(w.urlOut(f, q, u, true))
	return b, nil
}

// DeleteFunctionUrlConfig removes a function URL.
func (w *World) DeleteFunctionUrlConfig(ref, qualifier string) *Error {
	w.mu.Lock()
	defer w.mu.Unlock()
	f, q, err := w.urlTarget(ref, qualifier)
	if err != nil {
		return err
	}
	if f.urls[q] == nil {
		return urlNotFound()
	}
	delete(f.urls, q)
	return nil
}

// ListFunctionUrlConfigs lists a function's URLs (unqualified and aliases).
func (w *World) ListFunctionUrlConfigs(ref, marker string, maxItems int) ([]byte, *Error) {
	if maxItems > maxURLPage {
		var v verrs
		v.rangeInt("maxItems", maxItems, 1, maxURLPage)
		return nil, v.err()
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, err := w.lookupFn(ref)
	if err != nil {
		return nil, err
	}
	keys := slices.Sorted(maps.Keys(f.urls))
	items, next, err := pageKeys(keys, marker, pageSize(maxItems, maxURLPage), func(k string) []byte {
		return mustJSON(w.urlOut(f, k, f.urls[k], true))
	})
	if err != nil {
		return nil, err
	}
	return appendListAlways("FunctionUrlConfigs", items, next), nil
}

// appendListAlways is appendList; the list is [] when empty (a required member).
func appendListAlways(key string, items [][]byte, next string) []byte {
	return appendList(key, items, next)
}
