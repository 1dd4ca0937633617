package plugin

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestParseQueryNamesTheBadMember(t *testing.T) {
	for _, tc := range []struct {
		model string
		field string
	}{
		{`{}`, "queryType"},
		{`{"queryType":"logs"}`, "queryType"},
		{`{"queryType":"shots","format":"heatmap"}`, "format"},
		{`{"queryType":"shots","format":"timeseries"}`, "fields"},
		{`{"queryType":"shots","format":"timeseries","fields":["energy"]}`, "fields.0"},
		{`{"queryType":"shots","limit":20000}`, "limit"},
		{`{"queryType":"shots","where":[{"field":"","op":"=","value":1}]}`, "where.0.field"},
		{`{"queryType":"shots","where":[{"field":"fields.a","op":"=","value":1},{"field":"fields.b","op":"~","value":1}]}`, "where.1.op"},
		{`{"queryType":"shots","where":[{"field":"fields.a","op":">"}]}`, "where.0.value"},
		{`{"queryType":"stats"}`, "stat"},
		{`{"queryType":"stats","stat":"shotsPerDay"}`, "stat"},
		{`{"queryType":"live","path":"status"}`, "path"},
		{`{"queryType":"shots","limit":"ten"}`, "query"},
	} {
		_, err := ParseQuery(backend.DataQuery{JSON: json.RawMessage(tc.model)})
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Field != tc.field {
			t.Errorf("%s: %v, want an error naming %s", tc.model, err, tc.field)
		}
	}
}

func TestParseQueryDefaults(t *testing.T) {
	m, err := ParseQuery(backend.DataQuery{QueryType: "shots", JSON: json.RawMessage(`{"where":[{"field":"fields.gas","op":"exists"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if m.QueryType != "shots" || m.Format != "table" || m.Limit != defaultShotLimit {
		t.Fatalf("%+v", m)
	}
}
