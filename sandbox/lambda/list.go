package lambda

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Page sizes AWS enforces.
const (
	maxFunctionsPage = 50
	maxVersionsPage  = 50
	maxMappingsPage  = 100
	maxProvPage      = 50
	maxAliasesPage   = 10000
)

type pageKey struct {
	marker string
	size   int
}

type cachedPage struct {
	gen  uint64
	body []byte
}

const maxCachedPages = 4096

// cachedListPage returns a cached ListFunctions page if it is current.
func (w *World) cachedListPage(k pageKey) []byte {
	w.pageMu.Lock()
	defer w.pageMu.Unlock()
	if p, ok := w.pages[k]; ok && p.gen == w.mutations.Load() {
		return p.body
	}
	return nil
}

func (w *World) storeListPage(k pageKey, gen uint64, body []byte) {
	w.pageMu.Lock()
	defer w.pageMu.Unlock()
	if w.pages == nil || len(w.pages) >= maxCachedPages {
		w.pages = map[pageKey]cachedPage{}
	}
	w.pages[k] = cachedPage{gen: gen, body: body}
}

func encodeMarker(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeMarker(m string) (string, *Error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return "", invalidParam("Invalid marker: %s", clip(m, 100))
	}
	return string(b), nil
}

// pageKeys pages the sorted keys from marker (a key, as encodeMarker
// wrote it), size at a time, rendering each key with item. next is the
// marker of the first key left out, or "".
func pageKeys(keys []string, marker string, size int, item func(key string) []byte) ([][]byte, string, *Error) {
	start := 0
	if marker != "" {
		m, err := decodeMarker(marker)
		if err != nil {
			return nil, "", err
		}
		start = sort.SearchStrings(keys, m)
	}
	var items [][]byte
	for _, k := range keys[start:] {
		if len(items) == size {
			return items, encodeMarker(k), nil
		}
		items = append(items, item(k))
	}
	return items, "", nil
}

func pageSize(maxItems, limit int) int {
	if maxItems <= 0 || maxItems > limit {
		return limit
	}
	return maxItems
}

// appendList writes {"<key>":[items...],"NextMarker":"m"} into one buffer.
func appendList(key string, items [][]byte, next string) []byte {
	n := 32 + len(key) + len(next)
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"`...)
	b = append(b, key...)
	b = append(b, `":[`...)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	b = append(b, ']')
	if next != "" {
		b = append(b, `,"NextMarker":`...)
		nb, _ := json.Marshal(next)
		b = append(b, nb...)
	}
	return append(b, '}')
}

// ListFunctions returns a page {"Functions":[...],"NextMarker":...}; the
// caller must not modify it (pages are cached until the next mutation).
// With all, every version is listed (qualified ARNs) in the same sweep.
func (w *World) ListFunctions(marker string, maxItems int, all bool) ([]byte, *Error) {
	if maxItems < 0 || maxItems > 10000 {
		return nil, validation("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000", maxItems)
	}
	size := pageSize(maxItems, maxFunctionsPage)
	key := pageKey{marker: marker, size: size}
	if !all {
		if b := w.cachedListPage(key); b != nil {
			return b, nil
		}
	}
	now := w.clk.Now()
	w.mu.RLock()
	defer w.mu.RUnlock()
	gen := w.mutations.Load()
	settled := true
	start, startVer := 0, 0
	if marker != "" {
		m, err := decodeMarker(marker)
		if err != nil {
			return nil, err
		}
		name, idx, _ := strings.Cut(m, "\x00")
		start = sort.SearchStrings(w.names, name)
		if all && idx != "" {
			startVer, _ = strconv.Atoi(idx)
		}
	}
	b := make([]byte, 0, 2048*size)
	b = append(b, `{"Functions":[`...)
	count := 0
	next := ""
	add := func(item []byte, ok bool) {
		if count > 0 {
			b = append(b, ',')
		}
		b = append(b, item...)
		count++
		settled = settled && ok
	}
	for i := start; i < len(w.order) && next == ""; i++ {
		f := w.order[i]
		if !all {
			if count == size {
				next = encodeMarker(f.name)
				break
			}
			add(w.configJSONSettled(f, f.latest, false, now))
			continue
		}
		nv := 1 + len(f.versions)
		j := 0
		if i == start {
			j = startVer
		}
		for ; j < nv; j++ {
			if count == size {
				next = encodeMarker(f.name + "\x00" + strconv.Itoa(j))
				break
			}
			if j == 0 {
				add(w.configJSONSettled(f, f.latest, true, now))
			} else {
				add(w.configJSONSettled(f, f.versions[j-1], true, now))
			}
		}
	}
	b = append(b, ']')
	if next != "" {
		b = append(b, `,"NextMarker":"`...)
		b = append(b, next...) // base64url: no escaping needed
		b = append(b, '"')
	}
	b = append(b, '}')
	if !all && settled {
		w.storeListPage(key, gen, b)
	}
	return b, nil
}
