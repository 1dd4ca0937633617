package plugin

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// record is one row: a time and named values (shot or entry, flattened to the
// search language's field names: shotNumber, channels.<name>, fields.<key>, …).
type record struct {
	t      time.Time
	values map[string]any
}

func shotRecord(s Shot) record {
	v := map[string]any{
		"shotNumber":  s.ShotNumber,
		"uid":         s.UID,
		"triggeredBy": strings.Join(s.TriggeredBy, ", "),
	}
	if s.Campaign != nil {
		v["campaign"] = *s.Campaign
	}
	if s.LaserTime != "" {
		v["laserTime"] = s.LaserTime
	}
	for name, value := range s.Channels {
		v["channels."+name] = value
	}
	return record{t: s.Time(), values: v}
}

// entryRecord flattens an entry: its channels, layout fields, diagnostics and DAQ data by their search names.
func entryRecord(e Entry) record {
	v := map[string]any{}
	for _, k := range []string{"shotNumber", "sheet", "campaign", "status", "updatedBy", "id"} {
		if x, ok := e[k]; ok && x != nil {
			v[k] = x
		}
	}
	if uid, ok := e["shotUid"].(string); ok {
		v["uid"] = uid
	}
	if n, ok := e["shotNumber"].(float64); ok {
		v["shotNumber"] = int64(n)
	}
	for _, group := range []string{"channels", "fields"} {
		if m, ok := e[group].(map[string]any); ok {
			for k, x := range m {
				v[group+"."+k] = x
			}
		}
	}
	if diags, ok := e["diagnostics"].(map[string]any); ok {
		for name, d := range diags {
			block, _ := d.(map[string]any)
			if active, ok := block["active"]; ok {
				v["diagnostics."+name+".active"] = active
			}
			if settings, ok := block["settings"].(map[string]any); ok {
				for k, x := range settings {
					v["diagnostics."+name+".settings."+k] = x
				}
			}
		}
	}
	if daq, ok := e["daq"].(map[string]any); ok {
		flattenInto(v, "daq", daq)
	}
	return record{t: entryTime(e), values: v}
}

func flattenInto(into map[string]any, prefix string, m map[string]any) {
	for k, x := range m {
		if inner, ok := x.(map[string]any); ok {
			flattenInto(into, prefix+"."+k, inner)
		} else {
			into[prefix+"."+k] = x
		}
	}
}

// columns orders a table: identity first, then channels, layout fields (in
// layout order, then any others by name), diagnostics, DAQ.
type columns struct {
	layout map[string]int
}

func (c columns) rank(key string) (int, int, string) {
	fixed := []string{"shotNumber", "campaign", "sheet", "status", "uid", "triggeredBy", "laserTime", "updatedBy", "id"}
	for i, f := range fixed {
		if key == f {
			return i, 0, ""
		}
	}
	for i, prefix := range []string{"channels.", "fields.", "diagnostics.", "daq."} {
		if strings.HasPrefix(key, prefix) {
			position, inLayout := c.layout[key]
			if !inLayout {
				position = len(c.layout)
			}
			return len(fixed) + i, position, key
		}
	}
	return len(fixed) + 4, 0, key
}

// tableFrame is one row per record: time, then every value found, each
// column typed by what it holds (numbers, booleans, else text). A sheet's
// layout fields are columns even where no entry has a value yet, typed by
// the layout and headed by their label and unit.
func tableFrame(name string, records []record, layout []LayoutField) *data.Frame {
	keys := map[string]bool{}
	for _, r := range records {
		for k := range r.values {
			keys[k] = true
		}
	}
	order := columns{layout: map[string]int{}}
	byKey := map[string]LayoutField{}
	for i, f := range layout {
		order.layout["fields."+f.Key] = i
		byKey["fields."+f.Key] = f
		keys["fields."+f.Key] = true
	}
	ordered := make([]string, 0, len(keys))
	for k := range keys {
		ordered = append(ordered, k)
	}
	sort.Slice(ordered, func(i, j int) bool {
		gi, pi, ki := order.rank(ordered[i])
		gj, pj, kj := order.rank(ordered[j])
		if gi != gj {
			return gi < gj
		}
		if pi != pj {
			return pi < pj
		}
		return ki < kj
	})
	times := make([]time.Time, len(records))
	for i, r := range records {
		times[i] = r.t
	}
	frame := data.NewFrame(name, data.NewField("time", nil, times))
	for _, k := range ordered {
		f, inLayout := byKey[k]
		field := column(k, records, f.Type)
		if inLayout {
			field.Config = &data.FieldConfig{DisplayNameFromDS: f.Label, Unit: f.Unit}
		}
		frame.Fields = append(frame.Fields, field)
	}
	return frame
}

// column of key; layoutType (number, integer, boolean, …) types a column no record has a value in.
func column(key string, records []record, layoutType string) *data.Field {
	if key == "shotNumber" {
		values := make([]*int64, len(records))
		for i, r := range records {
			if n, ok := asNumber(r.values[key]); ok {
				v := int64(n)
				values[i] = &v
			}
		}
		return data.NewField(key, nil, values)
	}
	numbers, booleans := true, true
	switch layoutType {
	case "number", "integer":
		booleans = false
	case "boolean":
		numbers = false
	case "":
	default:
		numbers, booleans = false, false
	}
	for _, r := range records {
		x, present := r.values[key]
		if !present || x == nil {
			continue
		}
		if _, ok := asNumber(x); !ok {
			numbers = false
		}
		if _, ok := x.(bool); !ok {
			booleans = false
		}
	}
	switch {
	case numbers:
		values := make([]*float64, len(records))
		for i, r := range records {
			if n, ok := asNumber(r.values[key]); ok {
				values[i] = &n
			}
		}
		return data.NewField(key, nil, values)
	case booleans:
		values := make([]*bool, len(records))
		for i, r := range records {
			if b, ok := r.values[key].(bool); ok {
				values[i] = &b
			}
		}
		return data.NewField(key, nil, values)
	default:
		values := make([]*string, len(records))
		for i, r := range records {
			if x, present := r.values[key]; present && x != nil {
				s := text(x)
				values[i] = &s
			}
		}
		return data.NewField(key, nil, values)
	}
}

// timeSeriesFrame is time plus one nullable number per requested path, oldest first.
func timeSeriesFrame(name string, records []record, paths []string) *data.Frame {
	sorted := append([]record(nil), records...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].t.Before(sorted[j].t) })
	times := make([]time.Time, len(sorted))
	for i, r := range sorted {
		times[i] = r.t
	}
	frame := data.NewFrame(name, data.NewField("time", nil, times))
	for _, p := range paths {
		values := make([]*float64, len(sorted))
		for i, r := range sorted {
			if n, ok := asNumber(r.values[p]); ok {
				values[i] = &n
			}
		}
		frame.Fields = append(frame.Fields, data.NewField(p, nil, values))
	}
	frame.SetMeta(&data.FrameMeta{Type: data.FrameTypeTimeSeriesWide, TypeVersion: data.FrameTypeVersion{0, 1}})
	return frame
}

func asNumber(x any) (float64, bool) {
	switch n := x.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// text shows a value in a table cell: lists (multiselect) joined with "; ", objects as JSON.
func text(x any) string {
	switch v := x.(type) {
	case string:
		return v
	case []any:
		parts := make([]string, len(v))
		for i, item := range v {
			parts[i] = text(item)
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		b, _ := json.Marshal(v)
		return string(b)
	case float64:
		return fmt.Sprintf("%g", v)
	default:
		return fmt.Sprint(v)
	}
}

// withMeta sets what was asked of the relay (shown in the query inspector) and notices.
func withMeta(frame *data.Frame, executed string, notices ...data.Notice) *data.Frame {
	if frame.Meta == nil {
		frame.Meta = &data.FrameMeta{}
	}
	frame.Meta.ExecutedQueryString = executed
	frame.Meta.Notices = append(frame.Meta.Notices, notices...)
	return frame
}

func notice(format string, args ...any) data.Notice {
	return data.Notice{Severity: data.NoticeSeverityInfo, Text: fmt.Sprintf(format, args...)}
}
