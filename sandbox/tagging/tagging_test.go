package tagging

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

func fleet(n int) Source {
	var res []Resource
	for i := 0; i < n; i++ {
		tags := map[string]string{"team": []string{"payments", "search"}[i%2], "n": fmt.Sprint(i)}
		if i%5 == 4 {
			tags = nil // never tagged: not returned
		}
		res = append(res, Resource{ARN: fmt.Sprintf("arn:aws:lambda:us-east-1:123456789012:function:fn-%04d", i), Type: "lambda:function", Tags: tags})
	}
	sort.Slice(res, func(i, j int) bool { return res[i].ARN < res[j].ARN })
	return func(after string, fn func(Resource) bool) {
		for _, r := range res {
			if r.ARN > after && !fn(r) {
				return
			}
		}
	}
}

func page(t *testing.T, src Source, in string) getResourcesOut {
	t.Helper()
	b, e := GetResources(src, []byte(in))
	if e != nil {
		t.Fatalf("%s: %v", in, e)
	}
	var out getResourcesOut
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPagingAndFilters(t *testing.T) {
	src := fleet(450)
	seen := map[string]bool{}
	token, pages := "", 0
	for {
		req, _ := json.Marshal(map[string]any{"ResourceTypeFilters": []string{"lambda:function"}, "ResourcesPerPage": 100, "PaginationToken": token})
		out := page(t, src, string(req))
		pages++
		if len(out.ResourceTagMappingList) > 100 {
			t.Fatalf("page of %d", len(out.ResourceTagMappingList))
		}
		for _, m := range out.ResourceTagMappingList {
			if seen[m.ResourceARN] {
				t.Fatalf("%s twice", m.ResourceARN)
			}
			seen[m.ResourceARN] = true
		}
		if out.PaginationToken == "" {
			break
		}
		token = out.PaginationToken
	}
	if len(seen) != 360 || pages != 4 {
		t.Fatalf("%d tagged resources in %d pages, want 360 in 4", len(seen), pages)
	}
	out := page(t, src, `{"TagFilters":[{"Key":"team","Values":["payments"]}],"ResourcesPerPage":100}`)
	for _, m := range out.ResourceTagMappingList {
		ok := false
		for _, tg := range m.Tags {
			ok = ok || tg.Key == "team" && tg.Value == "payments"
		}
		if !ok {
			t.Fatalf("%s does not match the filter", m.ResourceARN)
		}
	}
	if n := len(page(t, src, `{"ResourceTypeFilters":["ec2:instance"]}`).ResourceTagMappingList); n != 0 {
		t.Fatalf("%d resources of another type", n)
	}
	if n := len(page(t, src, `{"ResourceTypeFilters":["lambda"],"ResourcesPerPage":7}`).ResourceTagMappingList); n != 7 {
		t.Fatalf("service filter: %d", n)
	}
	for _, bad := range []string{`{"ResourcesPerPage":101}`, `{"ResourcesPerPage":0}`, `{"PaginationToken":"nope"}`, `{`, `{"TagsPerPage":5}`} {
		if _, e := GetResources(src, []byte(bad)); e == nil || e.Status != 400 {
			t.Fatalf("%s: %v", bad, e)
		}
	}
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(NewHandler(fleet(3)))
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", TargetPrefix+"GetResources")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		t.Fatalf("%v %v", err, resp)
	}
	resp.Body.Close()
	req, _ = http.NewRequest("POST", srv.URL, strings.NewReader(`{}`))
	req.Header.Set("X-Amz-Target", TargetPrefix+"TagResources")
	resp, _ = http.DefaultClient.Do(req)
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") == "" {
		t.Fatalf("unknown operation: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

func FuzzGetResources(f *testing.F) {
	src := fleet(20)
	f.Add([]byte(`{"ResourceTypeFilters":["lambda:function"],"ResourcesPerPage":5}`))
	f.Add([]byte(`{"TagFilters":[{"Key":"team","Values":["payments","x"]}],"PaginationToken":"v1.YQ"}`))
	f.Add([]byte(`{"ResourceARNList":["arn:aws:lambda:us-east-1:123456789012:function:fn-0001"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, e := GetResources(src, body)
		if e == nil && !json.Valid(b) {
			t.Fatalf("invalid JSON out for %q", body)
		}
	})
}
