package plugin

import (
	"encoding/json"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

type resourceAnswer struct {
	status int
	body   []byte
}

func (r *resourceAnswer) Send(res *backend.CallResourceResponse) error {
	r.status, r.body = res.Status, res.Body
	return nil
}

func getResource(t *testing.T, d *Datasource, path, url string) (int, []Option, string) {
	t.Helper()
	var answer resourceAnswer
	err := d.CallResource(t.Context(), &backend.CallResourceRequest{PluginContext: backend.PluginContext{User: alice}, Path: path, Method: "GET", URL: url}, &answer)
	if err != nil {
		t.Fatal(err)
	}
	var options []Option
	if answer.status == 200 {
		if err := json.Unmarshal(answer.body, &options); err != nil {
			t.Fatalf("%s: %s", path, answer.body)
		}
	}
	return answer.status, options, string(answer.body)
}

func TestResourcesForTemplateVariables(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/sheets", 200, map[string]any{"items": []map[string]any{{"name": "ions", "title": "Ion line"}, {"name": "xray", "title": "xray"}}})
	f.answer("GET", "/api/v1/stats/campaigns", 200, map[string]any{"items": []map[string]any{{"campaign": "run2", "shots": 3}, {"campaign": nil, "shots": 1}, {"campaign": "run1", "shots": 3}}, "current": map[string]any{"name": "run3", "startedAt": "2026-11-21T08:00:00.000Z"}})
	f.answer("GET", "/api/v1/relay/channels", 200, relayChannels())
	f.serveShots(threeShots())
	f.answer("GET", "/api/v1/sheets/ions/layout", 200, map[string]any{"sheet": "ions", "version": 3, "sections": []map[string]any{{"title": "Target", "fields": []map[string]any{
		{"key": "target_thickness", "label": "Target thickness", "type": "number", "unit": "µm"},
		{"key": "diag", "label": "Diagnostics", "type": "diagnostics"},
		{"key": "gas", "label": "Gas", "type": "select", "choices": "gases"},
	}}}})
	d := f.datasource("ions")

	for _, tc := range []struct {
		path, url string
		want      []Option
	}{
		{"sheets", "sheets", []Option{{Text: "Ion line (ions)", Value: "ions"}, {Text: "xray", Value: "xray"}}},
		{"campaigns", "campaigns", []Option{{Text: "run3 (running)", Value: "run3"}, {Text: "run2", Value: "run2"}, {Text: "run1", Value: "run1"}}},
		{"channels", "channels", []Option{{Text: "E (energy_J)", Value: "energy_J"}, {Text: "pointing_x_urad", Value: "pointing_x_urad"}, {Text: "shot_quality", Value: "shot_quality"}}},
		{"shots/recent", "shots/recent?limit=2&campaign=run2", []Option{{Text: "7", Value: "7"}, {Text: "5", Value: "5"}}},
		{"fields", "fields", []Option{
			{Text: "Shot number", Value: "shotNumber", Type: "integer"},
			{Text: "E (energy_J)", Value: "channels.energy_J", Type: "number"},
			{Text: "pointing_x_urad", Value: "channels.pointing_x_urad", Type: "number"},
			{Text: "shot_quality", Value: "channels.shot_quality", Type: "number"},
			{Text: "Target thickness [µm]", Value: "fields.target_thickness", Type: "number"},
			{Text: "Gas", Value: "fields.gas", Type: "select"},
		}},
	} {
		status, options, body := getResource(t, d, tc.path, tc.url)
		got, _ := json.Marshal(options)
		want, _ := json.Marshal(tc.want)
		if status != 200 || string(got) != string(want) {
			t.Errorf("%s: %d %s\n got %s\nwant %s", tc.path, status, body, got, want)
		}
	}
	if q := f.callsTo("/api/v1/shots")[0].Query; q.Get("campaign") != "run2" || q.Get("limit") != "2" {
		t.Errorf("recent shots asked %v", q)
	}
	if f.callsTo("/api/v1/sheets")[0].Header.Get("X-Grafana-User") != "alice" {
		t.Error("user not forwarded")
	}
}

func TestResourceRefusals(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/sheets/nope/layout", 404, map[string]any{"error": "no sheet nope"})
	f.answer("GET", "/api/v1/relay/channels", 200, relayChannels())
	d := f.datasource("")
	if status, _, body := getResource(t, d, "metrics", "metrics"); status != 404 || !contains(body, "sheets, campaigns, channels, shots/recent, fields") {
		t.Errorf("%d %s", status, body)
	}
	if status, _, body := getResource(t, d, "shots/recent", "shots/recent?limit=0"); status != 400 || !contains(body, "limit") {
		t.Errorf("%d %s", status, body)
	}
	if status, _, body := getResource(t, d, "fields", "fields?sheet=nope"); status != 404 || !contains(body, "no sheet nope") {
		t.Errorf("%d %s", status, body)
	}
	var answer resourceAnswer
	_ = d.CallResource(t.Context(), &backend.CallResourceRequest{Path: "sheets", Method: "POST", URL: "sheets"}, &answer)
	if answer.status != 405 {
		t.Errorf("POST: %d", answer.status)
	}
}
