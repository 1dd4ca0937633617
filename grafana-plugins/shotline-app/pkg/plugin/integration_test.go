package plugin

// The handlers against a running relay-service over real HTTP and WebSocket.
// scripts/backend-integration.mjs starts one (simulated laser, a default sheet
// "main", campaign "integration-run") and runs this with:
//
//	SHOTLINE_RELAY_URL    the relay's base URL
//	SHOTLINE_RELAY_TOKEN  a token of role service
//	SHOTLINE_RELAY_SHEET  a default sheet whose drafts hold the shots
//	SHOTLINE_RELAY_CAMPAIGN the running campaign
//
// Without SHOTLINE_RELAY_URL the test is skipped, saying so.

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func integrationDatasource(t *testing.T) *Datasource {
	t.Helper()
	base := os.Getenv("SHOTLINE_RELAY_URL")
	if base == "" {
		t.Skip("SHOTLINE_RELAY_URL not set: the integration test needs a running relay-service (node scripts/backend-integration.mjs starts one)")
	}
	jd, _ := json.Marshal(map[string]string{"defaultSheet": os.Getenv("SHOTLINE_RELAY_SHEET")})
	inst, err := NewDatasource(t.Context(), backend.DataSourceInstanceSettings{
		UID: "shotline", Type: PluginID, Name: "Shotline", URL: base, JSONData: jd,
		DecryptedSecureJSONData: map[string]string{"serviceToken": os.Getenv("SHOTLINE_RELAY_TOKEN")},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	if d.settingsErr != nil {
		t.Fatal(d.settingsErr)
	}
	t.Cleanup(d.Dispose)
	return d
}

func rows(f *data.Frame) int {
	n, _ := f.RowLen()
	return n
}

func TestIntegration(t *testing.T) {
	d := integrationDatasource(t)
	sheet := os.Getenv("SHOTLINE_RELAY_SHEET")
	campaign := os.Getenv("SHOTLINE_RELAY_CAMPAIGN")
	to := time.Now().Add(time.Second)
	from := to.Add(-30 * time.Minute)
	ok := func(t *testing.T, model map[string]any) data.Frames {
		t.Helper()
		res := runQuery(t, d, model, from, to)
		if res.Error != nil {
			t.Fatalf("%v: %v", model, res.Error)
		}
		return res.Frames
	}

	t.Run("health", func(t *testing.T) {
		res, err := d.CheckHealth(t.Context(), &backend.CheckHealthRequest{PluginContext: backend.PluginContext{User: alice}})
		if err != nil || res.Status != backend.HealthStatusOk {
			t.Fatalf("%v %+v", err, res)
		}
		if !contains(res.Message, "acts for Grafana users (you: alice, editor)") {
			t.Errorf("the relay did not take the service token for alice: %q", res.Message)
		}
	})

	t.Run("stored shots table and time series", func(t *testing.T) {
		frames := ok(t, map[string]any{"queryType": "shots", "sheet": "", "limit": 50})
		// The default sheet applies: these are its entries (drafts of the shots).
		if rows(frames[0]) == 0 {
			t.Fatal("no rows")
		}
		if f, i := frames[0].FieldByName("fields.target_thickness"); i < 0 || f.Config.DisplayNameFromDS != "Target thickness" || f.Config.Unit != "µm" {
			t.Errorf("the default sheet's layout fields are not columns with their labels")
		}
		ts := ok(t, map[string]any{"queryType": "shots", "format": "timeseries", "fields": []string{"channels.energy_J", "shotNumber"}, "limit": 100})[0]
		energy := fieldByName(t, ts, "channels.energy_J")
		times := fieldByName(t, ts, "time")
		for i := 1; i < energy.Len(); i++ {
			if times.At(i).(time.Time).Before(times.At(i - 1).(time.Time)) {
				t.Fatal("time series not oldest first")
			}
		}
	})

	t.Run("search filters reach the relay", func(t *testing.T) {
		frame := ok(t, map[string]any{"queryType": "shots", "sheet": sheet, "campaign": campaign, "where": []map[string]any{{"field": "channels.energy_J", "op": ">", "value": 1}}, "limit": 20})[0]
		energy := fieldByName(t, frame, "channels.energy_J")
		if energy.Len() == 0 {
			t.Fatal("no entries with energy_J > 1")
		}
		for i := 0; i < energy.Len(); i++ {
			if v := energy.At(i).(*float64); v == nil || *v <= 1 {
				t.Fatalf("row %d: energy_J %v", i, v)
			}
		}
		res := runQuery(t, d, map[string]any{"queryType": "shots", "sheet": sheet, "where": []map[string]any{{"field": "fields.$where", "op": "=", "value": 1}}}, from, to)
		if res.Error == nil || res.Status != backend.StatusBadRequest || !contains(res.Error.Error(), "where.0.field") {
			t.Fatalf("a bad field: %v (%d)", res.Error, res.Status)
		}
	})

	t.Run("stored shots without a sheet", func(t *testing.T) {
		d2 := *d
		d2.settings.DefaultSheet = ""
		res := runQuery(t, &d2, map[string]any{"queryType": "shots", "campaign": campaign, "limit": 1500}, from, to)
		if res.Error != nil {
			t.Fatal(res.Error)
		}
		if n := rows(res.Frames[0]); n < 5 {
			t.Fatalf("%d shots", n)
		}
		if _, i := res.Frames[0].FieldByName("triggeredBy"); i < 0 {
			t.Error("not the stored shots")
		}
	})

	t.Run("channels with thresholds", func(t *testing.T) {
		frames := ok(t, map[string]any{"queryType": "channels", "channels": []string{"energy_J"}})
		threshold := fieldByName(t, frames[0], "threshold")
		if v := threshold.At(0).(*float64); v == nil || *v != 1 {
			t.Fatalf("the simulator's rule energy_J > 1 J: %v", v)
		}
		if rows(frames[0]) == 0 {
			t.Fatal("no values")
		}
	})

	t.Run("stats", func(t *testing.T) {
		perHour := fieldByName(t, ok(t, map[string]any{"queryType": "stats", "stat": "shotsPerHour"})[0], "shots")
		total := 0.0
		for i := 0; i < perHour.Len(); i++ {
			total += perHour.At(i).(float64)
		}
		if total < 5 {
			t.Errorf("shots per hour add up to %v", total)
		}
		if rate := fieldByName(t, ok(t, map[string]any{"queryType": "stats", "stat": "triggerRate"})[0], "triggerRate"); rate.Len() == 0 {
			t.Error("no trigger rate")
		}
		campaigns := ok(t, map[string]any{"queryType": "stats", "stat": "shotsPerCampaign"})[0]
		if fieldByName(t, campaigns, "campaign").At(0).(string) != campaign {
			t.Errorf("newest campaign %v", fieldByName(t, campaigns, "campaign").At(0))
		}
		counts := ok(t, map[string]any{"queryType": "stats", "stat": "channelTriggerCounts", "channels": []string{"energy_J"}})[0]
		if rows(counts) != 1 || fieldByName(t, counts, "triggers").At(0).(float64) < 5 {
			t.Errorf("energy_J triggers %v", counts.Fields)
		}
		since := ok(t, map[string]any{"queryType": "stats", "stat": "timeSinceLastShot", "activeCampaign": true})[0].Fields[0]
		if v := since.At(0).(*float64); v == nil || *v > 60 || since.Labels["campaign"] != campaign {
			t.Errorf("time since the last shot %v %v", v, since.Labels)
		}
		down := fieldByName(t, ok(t, map[string]any{"queryType": "stats", "stat": "dependenciesDown"})[0], "down")
		for i := 0; i < down.Len(); i++ {
			if down.At(i).(float64) != 0 {
				t.Errorf("a dependency is down")
			}
		}
		// The simulated laser fires 20 shots/s into a healthy pipeline: only the shots in flight are behind.
		backlog := ok(t, map[string]any{"queryType": "stats", "stat": "pipelineBacklog"})[0]
		if n, u := fieldByName(t, backlog, "notStored").At(0).(float64), fieldByName(t, backlog, "unsent").At(0).(float64); n > 100 || u > 100 {
			t.Errorf("pipeline backlog of a healthy relay: notStored %v unsent %v", n, u)
		}
	})

	t.Run("annotations", func(t *testing.T) {
		frame := ok(t, map[string]any{"queryType": "annotations", "campaign": campaign})[0]
		if rows(frame) == 0 || !strings.HasPrefix(fieldByName(t, frame, "text").At(0).(string), "Shot ") {
			t.Fatalf("%v", frame.Fields)
		}
	})

	t.Run("resources", func(t *testing.T) {
		has := func(path, url, value string) {
			t.Helper()
			status, options, body := getResource(t, d, path, url)
			if status != 200 {
				t.Fatalf("%s: %d %s", path, status, body)
			}
			for _, o := range options {
				if o.Value == value {
					return
				}
			}
			t.Errorf("%s: no %q in %s", path, value, body)
		}
		has("sheets", "sheets", sheet)
		has("campaigns", "campaigns", campaign)
		has("channels", "channels", "energy_J")
		has("fields", "fields", "fields.target_thickness")
		if status, options, _ := getResource(t, d, "shots/recent", "shots/recent?limit=3"); status != 200 || len(options) != 3 {
			t.Errorf("recent shots: %d %v", status, options)
		}
	})

	t.Run("live: ten streams, one relay subscriber", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var wg sync.WaitGroup
		senders := make([]*packets, 10)
		for i := range senders {
			senders[i] = &packets{}
			wg.Add(1)
			go func(p *packets) {
				defer wg.Done()
				_ = d.RunStream(ctx, &backend.RunStreamRequest{Path: LiveShots}, backend.NewStreamSender(p))
			}(senders[i])
		}
		for _, p := range senders {
			eventually(t, "a live shot at every stream", func() bool { return len(p.all()) > 0 })
		}
		if clients := liveClients(t); clients != 1 {
			t.Errorf("the relay has %v live clients for 10 streams", clients)
		}
		if !contains(string(senders[0].all()[0]), `"channels.energy_J"`) {
			t.Errorf("frame %s", senders[0].all()[0])
		}
		cancel()
		wg.Wait()
		eventually(t, "the relay's live client gone", func() bool { return liveClients(t) == 0 })
	})
}

// liveClients reads shotline_live_clients from the relay's /metrics.
func liveClients(t *testing.T) float64 {
	t.Helper()
	res, err := http.Get(os.Getenv("SHOTLINE_RELAY_URL") + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	scanner := bufio.NewScanner(res.Body)
	for scanner.Scan() {
		var v float64
		if line := scanner.Text(); strings.HasPrefix(line, "shotline_live_clients ") {
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "shotline_live_clients ")), &v); err == nil {
				return v
			}
		}
	}
	t.Fatal("no shotline_live_clients in /metrics")
	return 0
}
