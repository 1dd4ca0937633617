package plugin

import (
	"errors"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestLoadSettings(t *testing.T) {
	ok, err := LoadSettings(backend.DataSourceInstanceSettings{
		URL:                     " http://relay:8080/shotline/ ",
		JSONData:                []byte(`{"defaultSheet":" ions "}`),
		DecryptedSecureJSONData: map[string]string{"serviceToken": "shl_abc"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ok.RelayURL.String() != "http://relay:8080/shotline" || ok.DefaultSheet != "ions" || ok.ServiceToken != "shl_abc" {
		t.Fatalf("settings %+v", ok)
	}

	for _, tc := range []struct {
		name  string
		s     backend.DataSourceInstanceSettings
		field string
	}{
		{"no url", backend.DataSourceInstanceSettings{DecryptedSecureJSONData: map[string]string{"serviceToken": "x"}}, "url"},
		{"not http", backend.DataSourceInstanceSettings{URL: "relay:8080", DecryptedSecureJSONData: map[string]string{"serviceToken": "x"}}, "url"},
		{"query", backend.DataSourceInstanceSettings{URL: "http://relay:8080/?a=1", DecryptedSecureJSONData: map[string]string{"serviceToken": "x"}}, "url"},
		{"bad json", backend.DataSourceInstanceSettings{URL: "http://relay:8080", JSONData: []byte(`[`), DecryptedSecureJSONData: map[string]string{"serviceToken": "x"}}, "jsonData"},
		{"no token", backend.DataSourceInstanceSettings{URL: "http://relay:8080", JSONData: []byte(`{}`)}, "secureJsonData.serviceToken"},
	} {
		_, err := LoadSettings(tc.s)
		var se *SettingsError
		if !errors.As(err, &se) || se.Field != tc.field {
			t.Errorf("%s: error %v, want one naming %s", tc.name, err, tc.field)
		}
	}
}

// Bad settings do not fail the instance: every query and the health check say what to fix.
func TestBadSettingsAreReportedByQueriesAndHealth(t *testing.T) {
	inst, err := NewDatasource(t.Context(), backend.DataSourceInstanceSettings{UID: "shotline", URL: "http://relay:8080"})
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	res := runQuery(t, d, map[string]any{"queryType": "shots"}, mustTime(t, "2026-11-20T10:00:00Z"), mustTime(t, "2026-11-20T11:00:00Z"))
	if res.Error == nil || res.Status != backend.StatusBadRequest || !contains(res.Error.Error(), "secureJsonData.serviceToken") {
		t.Fatalf("query answer %v (%d)", res.Error, res.Status)
	}
	health, err := d.CheckHealth(t.Context(), &backend.CheckHealthRequest{})
	if err != nil || health.Status != backend.HealthStatusError || !contains(health.Message, "secureJsonData.serviceToken") {
		t.Fatalf("health %+v %v", health, err)
	}
}
