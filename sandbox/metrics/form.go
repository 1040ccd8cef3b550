package metrics

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// The awsQuery front-end: form keys such as
// MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name are
// parsed into a tree and mapped onto the same structs the other protocols
// decode into (by their json member names); outputs are written as XML the
// same way (lists as <member>, maps as <entry><key/><value/>).

const (
	maxFormKeys   = 50000
	maxFormIndex  = 10000
	maxFormKeyLen = 2048
)

type formNode struct {
	val  *string
	kids map[string]*formNode
}

func buildFormTree(vals url.Values) (*formNode, error) {
	if len(vals) > maxFormKeys {
		return nil, fmt.Errorf("too many parameters (%d)", len(vals))
	}
	root := &formNode{}
	for k, v := range vals {
		if len(k) > maxFormKeyLen || len(v) == 0 {
			continue
		}
		n := root
		for _, part := range strings.Split(k, ".") {
			if n.kids == nil {
				n.kids = map[string]*formNode{}
			}
			c := n.kids[part]
			if c == nil {
				c = &formNode{}
				n.kids[part] = c
			}
			n = c
		}
		s := v[0]
		n.val = &s
	}
	return root, nil
}

var (
	timestampType = reflect.TypeOf(Timestamp{})
)

func decodeForm(vals url.Values, into any) error {
	root, err := buildFormTree(vals)
	if err != nil {
		return err
	}
	return decodeFormValue(root, reflect.ValueOf(into).Elem(), "")
}

func fieldName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(opts, "omitempty")
}

func decodeFormValue(n *formNode, v reflect.Value, path string) error {
	if v.Kind() == reflect.Pointer {
		e := reflect.New(v.Type().Elem())
		if err := decodeFormValue(n, e.Elem(), path); err != nil {
			return err
		}
		v.Set(e)
		return nil
	}
	if v.Type() == timestampType {
		if n.val == nil {
			return fmt.Errorf("parameter %s must be a timestamp", path)
		}
		t, err := parseTime(*n.val)
		if err != nil {
			return fmt.Errorf("parameter %s: %v", path, err)
		}
		v.Set(reflect.ValueOf(Timestamp{t}))
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			name, _ := fieldName(f)
			c := n.kids[name]
			if c == nil {
				continue
			}
			if err := decodeFormValue(c, v.Field(i), joinPath(path, name)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		members := n.kids["member"]
		if members == nil {
			return nil // absent or an empty list
		}
		idx := make([]int, 0, len(members.kids))
		for k := range members.kids {
			i, err := strconv.Atoi(k)
			if err != nil || i < 1 || i > maxFormIndex {
				return fmt.Errorf("parameter %s.member.%s is not a valid list index", path, k)
			}
			idx = append(idx, i)
		}
		sort.Ints(idx)
		s := reflect.MakeSlice(v.Type(), len(idx), len(idx))
		for j, i := range idx {
			if err := decodeFormValue(members.kids[strconv.Itoa(i)], s.Index(j), fmt.Sprintf("%s.member.%d", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	}
	if n.val == nil {
		return nil
	}
	s := *n.val
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("parameter %s must be true or false", path)
		}
		v.SetBool(b)
	case reflect.Int32, reflect.Int64, reflect.Int:
		i, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("parameter %s must be an integer", path)
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("parameter %s must be a number", path)
		}
		v.SetFloat(f)
	}
	return nil
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func xmlEscape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

func formatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// writeXMLValue writes <name>v</name>; nil pointers are omitted.
func writeXMLValue(b *bytes.Buffer, name string, x any) {
	writeXML(b, name, reflect.ValueOf(x), false)
}

func writeXML(b *bytes.Buffer, name string, v reflect.Value, omitEmpty bool) {
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Type() == timestampType {
		t := v.Interface().(Timestamp)
		fmt.Fprintf(b, "<%s>%s</%s>", name, isoTime(t.Time), name)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		fmt.Fprintf(b, "<%s>", name)
		for i := 0; i < v.NumField(); i++ {
			fn, omit := fieldName(v.Type().Field(i))
			writeXML(b, fn, v.Field(i), omit)
		}
		fmt.Fprintf(b, "</%s>", name)
	case reflect.Slice:
		if v.Len() == 0 {
			if !omitEmpty {
				fmt.Fprintf(b, "<%s/>", name)
			}
			return
		}
		fmt.Fprintf(b, "<%s>", name)
		for i := 0; i < v.Len(); i++ {
			writeXML(b, "member", v.Index(i), false)
		}
		fmt.Fprintf(b, "</%s>", name)
	case reflect.Map:
		if v.Len() == 0 && omitEmpty {
			return
		}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		fmt.Fprintf(b, "<%s>", name)
		for _, k := range keys {
			b.WriteString("<entry>")
			writeXML(b, "key", k, false)
			writeXML(b, "value", v.MapIndex(k), false)
			b.WriteString("</entry>")
		}
		fmt.Fprintf(b, "</%s>", name)
	case reflect.String:
		if omitEmpty && v.Len() == 0 {
			return
		}
		fmt.Fprintf(b, "<%s>", name)
		xmlEscape(b, v.String())
		fmt.Fprintf(b, "</%s>", name)
	case reflect.Float64, reflect.Float32:
		fmt.Fprintf(b, "<%s>%s</%s>", name, formatFloat(v.Float()), name)
	case reflect.Int, reflect.Int32, reflect.Int64:
		fmt.Fprintf(b, "<%s>%d</%s>", name, v.Int(), name)
	case reflect.Bool:
		fmt.Fprintf(b, "<%s>%t</%s>", name, v.Bool(), name)
	}
}
