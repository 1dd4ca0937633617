package plugin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// serveShots answers GET /api/v1/shots from a list (newest first) as the relay
// does: before (shot numbers below), limit, nextBefore when the page is full.
func (f *fakeRelay) serveShots(shots []map[string]any) {
	f.handle("GET", "/api/v1/shots", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
		items := []map[string]any{}
		for _, s := range shots {
			if before > 0 && s["shotNumber"].(int64) >= before {
				continue
			}
			if c := r.URL.Query().Get("campaign"); c != "" {
				if campaign, _ := s["campaign"].(*string); campaign == nil || *campaign != c {
					continue
				}
			}
			if len(items) < limit {
				items = append(items, s)
			}
		}
		var next any
		if len(items) == limit && limit > 0 {
			next = items[len(items)-1]["shotNumber"]
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"items": items, "nextBefore": next})
	})
}

var (
	from = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	to   = time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
)

func threeShots() []map[string]any {
	run2 := str("run2")
	above := map[string]any{"energy_J": map[string]any{"kind": "above", "above": 1}}
	return []map[string]any{
		shotJSON(7, "2026-11-20T12:20:00.000000Z", run2, map[string]float64{"E": 7.5, "pointing_x_urad": -7}, []string{"E"}, map[string]any{"E": map[string]any{"kind": "above", "above": 2}}, map[string]string{"E": "energy_J"}),
		shotJSON(5, "2026-11-20T11:45:00.000000Z", run2, map[string]float64{"energy_J": 5}, []string{"energy_J"}, above, nil),
		shotJSON(4, "2026-11-20T11:00:00.000000Z", nil, map[string]float64{"energy_J": 4, "pointing_x_urad": 1.5}, []string{"energy_J"}, above, nil),
	}
}

func fieldByName(t *testing.T, f *data.Frame, name string) *data.Field {
	t.Helper()
	field, i := f.FieldByName(name)
	if i < 0 {
		names := []string{}
		for _, x := range f.Fields {
			names = append(names, x.Name)
		}
		t.Fatalf("frame %q has no field %q (it has %v)", f.Name, name, names)
	}
	return field
}

func TestShotsTableOfStoredShotsPagesThroughTheRange(t *testing.T) {
	f := newFakeRelay(t)
	f.serveShots(threeShots())
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "shots", "limit": 2}, from, to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	frame := res.Frames[0]
	if n, _ := frame.RowLen(); n != 2 {
		t.Fatalf("%d rows, want the 2 of the limit", n)
	}
	if got := fieldByName(t, frame, "shotNumber").At(0).(*int64); *got != 7 {
		t.Errorf("first row is shot %d", *got)
	}
	if got := fieldByName(t, frame, "time").At(1).(time.Time); !got.Equal(mustTime(t, "2026-11-20T11:45:00Z")) {
		t.Errorf("time %v", got)
	}
	if got := fieldByName(t, frame, "channels.energy_J").At(0).(*float64); got != nil {
		t.Errorf("shot 7 knows energy_J by its nickname E, got %v", *got)
	}
	if got := fieldByName(t, frame, "channels.E").At(0).(*float64); *got != 7.5 {
		t.Errorf("E %v", *got)
	}
	if got := fieldByName(t, frame, "campaign").At(1).(*string); *got != "run2" {
		t.Errorf("campaign %v", *got)
	}
	if len(frame.Meta.Notices) != 1 || !contains(frame.Meta.Notices[0].Text, "newest 2 shots") {
		t.Errorf("notices %+v", frame.Meta.Notices)
	}
	if !contains(frame.Meta.ExecutedQueryString, "GET /api/v1/shots from=2026-11-20T10:00:00.000000Z to=2026-11-20T13:00:00.000000Z") {
		t.Errorf("executed %q", frame.Meta.ExecutedQueryString)
	}
	calls := f.callsTo("/api/v1/shots")
	if calls[0].Query.Get("from") != "2026-11-20T10:00:00.000000Z" || calls[0].Query.Get("to") != "2026-11-20T13:00:00.000000Z" || calls[0].Query.Get("limit") != "2" {
		t.Errorf("first call %v", calls[0].Query)
	}
	if calls[0].Header.Get("X-Grafana-User") != "alice" {
		t.Errorf("user not forwarded: %v", calls[0].Header)
	}
}

func TestShotsTimeSeriesIsOldestFirstWithNullsWhereAShotLacksTheField(t *testing.T) {
	f := newFakeRelay(t)
	f.serveShots(threeShots())
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "shots", "format": "timeseries", "fields": []string{"channels.energy_J", "channels.pointing_x_urad"}}, from, to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	frame := res.Frames[0]
	if frame.Meta.Type != data.FrameTypeTimeSeriesWide || len(frame.Fields) != 3 {
		t.Fatalf("frame %s with %d fields", frame.Meta.Type, len(frame.Fields))
	}
	energy := fieldByName(t, frame, "channels.energy_J")
	pointing := fieldByName(t, frame, "channels.pointing_x_urad")
	if *energy.At(0).(*float64) != 4 || *energy.At(1).(*float64) != 5 || energy.At(2).(*float64) != nil {
		t.Errorf("energy %v %v %v", energy.At(0), energy.At(1), energy.At(2))
	}
	if *pointing.At(0).(*float64) != 1.5 || pointing.At(1).(*float64) != nil || *pointing.At(2).(*float64) != -7 {
		t.Errorf("pointing")
	}
}

func TestShotsOfASheetSearchItsEntriesWithTheFilters(t *testing.T) {
	f := newFakeRelay(t)
	entry := func(id string, n int64, receivedAt string, fields map[string]any) map[string]any {
		return map[string]any{
			"id": id, "sheet": "ions", "shotNumber": n, "shotUid": "0193a1b2-0000-7000-8000-0000000000" + id,
			"campaign": "run2", "receivedAt": receivedAt, "status": "complete", "fields": fields,
			"diagnostics": map[string]any{"thomson": map[string]any{"active": true, "settings": map[string]any{"b_field": 0.5}}},
			"daq":         map[string]any{"camera": map[string]any{"exposure_ms": 5}},
			"channels":    map[string]any{"energy_J": float64(n)},
			"createdAt":   receivedAt, "createdBy": "watcher", "updatedAt": receivedAt, "updatedBy": "alice", "revision": 2, "layoutVersion": 1,
		}
	}
	pages := 0
	f.handle("POST", "/api/v1/search", func(w http.ResponseWriter, r *http.Request) {
		pages++
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body["cursor"] == nil {
			_ = json.NewEncoder(w).Encode(map[string]any{"items": []any{entry("12", 12, "2026-11-20T12:00:00.000000Z", map[string]any{"target_material": "Cu", "target_thickness": 2, "tags": []any{"a", "b"}})}, "total": 3, "nextCursor": "c1"})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"items": []any{entry("11", 11, "2026-11-20T11:00:00.000000Z", map[string]any{"target_material": "Ti", "ok": true})}, "total": 3, "nextCursor": "c2"})
	})
	f.answer("GET", "/api/v1/sheets/ions/layout", 200, map[string]any{"sheet": "ions", "version": 3, "createdAt": "2026-11-01T00:00:00.000Z", "createdBy": "admin", "sections": []map[string]any{{"title": "Target", "fields": []map[string]any{
		{"key": "target_thickness", "label": "Target thickness", "type": "number", "unit": "µm"},
		{"key": "target_material", "label": "Material", "type": "select", "choices": "materials"},
		{"key": "diag", "label": "Diagnostics", "type": "diagnostics"},
		{"key": "pressure", "label": "Pressure", "type": "number", "unit": "mbar"},
	}}}})
	res := runQuery(t, f.datasource("ions"), map[string]any{
		"queryType": "shots", "campaign": "run2", "limit": 2, "text": " drift ",
		"where": []map[string]any{{"field": "fields.target_thickness", "op": ">", "value": 1}},
	}, from, to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	calls := f.callsTo("/api/v1/search")
	if len(calls) != 2 {
		t.Fatalf("%d search calls, want 2 pages", len(calls))
	}
	var first, second map[string]any
	_ = json.Unmarshal(calls[0].Body, &first)
	_ = json.Unmarshal(calls[1].Body, &second)
	want := `{"campaign":"run2","from":"2026-11-20T10:00:00.000000Z","limit":2,"sheet":"ions","sort":[{"dir":"desc","field":"shotNumber"}],"text":"drift","to":"2026-11-20T13:00:00.000000Z","where":[{"field":"fields.target_thickness","op":"\u003e","value":1}]}`
	if got, _ := json.Marshal(first); string(got) != want {
		t.Errorf("search body\n got %s\nwant %s", got, want)
	}
	if second["cursor"] != "c1" || second["limit"] != float64(1) {
		t.Errorf("second page %v", second)
	}
	frame := res.Frames[0]
	if n, _ := frame.RowLen(); n != 2 {
		t.Fatalf("%d rows", n)
	}
	thickness := fieldByName(t, frame, "fields.target_thickness")
	if got := thickness.At(0).(*float64); *got != 2 || thickness.Config.DisplayNameFromDS != "Target thickness" || thickness.Config.Unit != "µm" {
		t.Errorf("thickness %v %+v", *got, thickness.Config)
	}
	// A layout field no entry has filled is a column all the same, typed by the layout.
	if pressure := fieldByName(t, frame, "fields.pressure"); pressure.Type() != data.FieldTypeNullableFloat64 || pressure.At(0).(*float64) != nil {
		t.Errorf("pressure %s", pressure.Type())
	}
	names := []string{}
	for _, field := range frame.Fields {
		if contains(field.Name, "fields.") {
			names = append(names, field.Name)
		}
	}
	if got := fmt.Sprint(names); got != "[fields.target_thickness fields.target_material fields.pressure fields.ok fields.tags]" {
		t.Errorf("layout order, then the others by name: %s", got)
	}
	if got := fieldByName(t, frame, "fields.tags").At(0).(*string); *got != "a; b" {
		t.Errorf("tags %q", *got)
	}
	if got := fieldByName(t, frame, "fields.ok").At(1).(*bool); !*got {
		t.Errorf("ok %v", *got)
	}
	if got := fieldByName(t, frame, "diagnostics.thomson.settings.b_field").At(0).(*float64); *got != 0.5 {
		t.Errorf("b_field %v", *got)
	}
	if got := fieldByName(t, frame, "daq.camera.exposure_ms").At(0).(*float64); *got != 5 {
		t.Errorf("exposure %v", *got)
	}
	if got := fieldByName(t, frame, "uid").At(0).(*string); *got != "0193a1b2-0000-7000-8000-000000000012" {
		t.Errorf("uid %q", *got)
	}
	if len(frame.Meta.Notices) != 1 || !contains(frame.Meta.Notices[0].Text, "newest 2 of 3 entries") {
		t.Errorf("notices %+v", frame.Meta.Notices)
	}
}

func TestShotsFiltersWithoutASheetAreRefusedNamingThem(t *testing.T) {
	f := newFakeRelay(t)
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "shots", "where": []map[string]any{{"field": "channels.energy_J", "op": ">", "value": 1}}}, from, to)
	if res.Error == nil || res.Status != backend.StatusBadRequest || !contains(res.Error.Error(), "where: filters search shot-sheet entries") {
		t.Fatalf("%v", res.Error)
	}
	if len(f.callsTo("/api/v1/shots")) != 0 {
		t.Error("the relay was asked anyway")
	}
}

func TestShotsRelayRefusalIsThePanelsError(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("POST", "/api/v1/search", 400, map[string]any{
		"error":   "invalid search: where.0.value must be a number for channels.energy_J",
		"details": []map[string]string{{"field": "where.0.value", "message": "must be a number for channels.energy_J"}},
	})
	res := runQuery(t, f.datasource("ions"), map[string]any{"queryType": "shots", "where": []map[string]any{{"field": "channels.energy_J", "op": ">", "value": "x"}}}, from, to)
	if res.Error == nil || res.Status != backend.StatusBadRequest || res.Error.Error() != "the relay refused the query: invalid search: where.0.value must be a number for channels.energy_J" {
		t.Fatalf("%v (%d)", res.Error, res.Status)
	}
}

func TestAnnotationsMarkEachShotWithItsValues(t *testing.T) {
	f := newFakeRelay(t)
	f.serveShots(threeShots())
	res := runQuery(t, f.datasource("ions"), map[string]any{"queryType": "annotations"}, from, to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	frame := res.Frames[0]
	if n, _ := frame.RowLen(); n != 3 {
		t.Fatalf("%d annotations", n)
	}
	if got := fieldByName(t, frame, "title").At(0).(string); got != "Shot 7" {
		t.Errorf("title %q", got)
	}
	if got := fieldByName(t, frame, "text").At(0).(string); got != "Shot 7\nE = 7.5 (triggered)\npointing_x_urad = -7" {
		t.Errorf("text %q", got)
	}
	if got := fieldByName(t, frame, "tags").At(0).(string); got != "run2,E" {
		t.Errorf("tags %q", got)
	}
	if got := fieldByName(t, frame, "tags").At(2).(string); got != "energy_J" {
		t.Errorf("tags of a shot of no campaign %q", got)
	}
	if len(f.callsTo("/api/v1/search")) != 0 {
		t.Error("annotations without a sheet mark the stored shots, not the default sheet's entries")
	}
}
