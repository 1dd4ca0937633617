package plugin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// serveShotCounts answers /api/v1/stats/shot-counts with `count(i)` shots in bucket i, as the relay buckets.
func (f *fakeRelay) serveShotCounts(count func(i int) int) {
	f.handle("GET", "/api/v1/stats/shot-counts", func(w http.ResponseWriter, r *http.Request) {
		from, _ := time.Parse(time.RFC3339Nano, r.URL.Query().Get("from"))
		to, _ := time.Parse(time.RFC3339Nano, r.URL.Query().Get("to"))
		interval, _ := strconv.Atoi(r.URL.Query().Get("interval"))
		buckets := []map[string]any{}
		for i, t := 0, from; t.Before(to); i, t = i+1, t.Add(time.Duration(interval)*time.Second) {
			buckets = append(buckets, map[string]any{"start": relayTime(t), "count": count(i)})
		}
		if len(buckets) > 1000 {
			w.WriteHeader(400)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": "too many buckets", "details": []map[string]string{{"field": "interval", "message": fmt.Sprint(len(buckets))}}})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"from": relayTime(from), "to": relayTime(to), "interval": interval, "buckets": buckets})
	})
}

func TestShotsPerHourAreHourlyBucketsFromTheWholeHour(t *testing.T) {
	f := newFakeRelay(t)
	f.serveShotCounts(func(i int) int { return 10 * i })
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "shotsPerHour", "campaign": "run2"}, from.Add(20*time.Minute), to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	q := f.callsTo("/api/v1/stats/shot-counts")[0].Query
	if q.Get("from") != "2026-11-20T10:00:00.000000Z" || q.Get("interval") != "3600" || q.Get("campaign") != "run2" {
		t.Errorf("asked %v", q)
	}
	frame := res.Frames[0]
	shots := fieldByName(t, frame, "shots")
	if frame.Meta.Type != data.FrameTypeTimeSeriesMulti || shots.Len() != 3 || shots.At(2).(float64) != 20 || shots.Labels["campaign"] != "run2" {
		t.Fatalf("%s %d %v", frame.Meta.Type, shots.Len(), shots.Labels)
	}
}

func TestShotsPerHourOverMonthsWidenToWholeHoursTheRelayAccepts(t *testing.T) {
	f := newFakeRelay(t)
	f.serveShotCounts(func(int) int { return 1 })
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "shotsPerHour"}, from.Add(-90*24*time.Hour+17*time.Minute), to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	interval, _ := strconv.Atoi(f.callsTo("/api/v1/stats/shot-counts")[0].Query.Get("interval"))
	if interval%3600 != 0 || interval < 3*3600 {
		t.Fatalf("interval %d", interval)
	}
	if len(res.Frames[0].Meta.Notices) != 1 || !contains(res.Frames[0].Meta.Notices[0].Text, fmt.Sprintf("shots per %d hours", interval/3600)) {
		t.Errorf("notices %+v", res.Frames[0].Meta.Notices)
	}
}

func TestTriggerRateIsShotsPerMinuteOfEachBucket(t *testing.T) {
	f := newFakeRelay(t)
	f.serveShotCounts(func(i int) int { return i })
	// One hour at Grafana's 1 min interval: 60 buckets of 60 s.
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "triggerRate"}, from, from.Add(time.Hour))
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	rate := fieldByName(t, res.Frames[0], "triggerRate")
	if rate.Len() != 60 || rate.At(30).(float64) != 30 || rate.Config.Unit != "cpm" {
		t.Fatalf("%d buckets, %v", rate.Len(), rate.At(30))
	}
	// A day at 1 min would be 1440 counts: widened to at most 200 buckets.
	f.serveShotCounts(func(int) int { return 6 })
	res = runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "triggerRate"}, from, from.Add(24*time.Hour))
	rate = fieldByName(t, res.Frames[0], "triggerRate")
	calls := f.callsTo("/api/v1/stats/shot-counts")
	interval, _ := strconv.Atoi(calls[len(calls)-1].Query.Get("interval"))
	if interval < 432 || rate.Len() > maxRateBuckets || rate.At(0).(float64) != 6*60/float64(interval) {
		t.Fatalf("interval %d s, %d buckets, rate %v", interval, rate.Len(), rate.At(0))
	}
}

func TestShotsPerCampaignAndChannelTriggerCountsAreNumericLong(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/stats/campaigns", 200, map[string]any{"items": []map[string]any{
		{"campaign": "run2", "shots": 3, "lastShotNumber": 7, "lastShotAt": "2026-11-20T12:20:00.000000Z"},
		{"campaign": nil, "shots": 1, "lastShotNumber": 4, "lastShotAt": "2026-11-20T11:00:00.000000Z"},
	}, "current": nil})
	f.answer("GET", "/api/v1/stats/channel-triggers", 200, map[string]any{"items": []map[string]any{
		{"channel": "energy_J", "nickname": "E", "triggers": 6},
		{"channel": "pointing_x_urad", "nickname": nil, "triggers": 3},
	}})
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "shotsPerCampaign"}, from, to)
	frame := res.Frames[0]
	if frame.Meta.Type != data.FrameTypeNumericLong || fieldByName(t, frame, "campaign").At(1).(string) != noCampaign || fieldByName(t, frame, "shots").At(0).(float64) != 3 {
		t.Fatalf("campaigns frame %+v", frame)
	}
	if q := f.callsTo("/api/v1/stats/campaigns")[0].Query; q.Get("from") != "2026-11-20T10:00:00.000000Z" || q.Get("to") != "2026-11-20T13:00:00.000000Z" {
		t.Errorf("range %v", q)
	}
	res = runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "channelTriggerCounts", "campaign": "run2", "channels": []string{"pointing_x_urad"}}, from, to)
	frame = res.Frames[0]
	if n, _ := frame.RowLen(); n != 1 || fieldByName(t, frame, "channel").At(0).(string) != "pointing_x_urad" || fieldByName(t, frame, "triggers").At(0).(float64) != 3 {
		t.Fatalf("channel triggers %+v", frame)
	}
	if f.callsTo("/api/v1/stats/channel-triggers")[0].Query.Get("campaign") != "run2" {
		t.Error("campaign not passed")
	}
}

func TestTimeSinceLastShot(t *testing.T) {
	recent := time.Now().Add(-90 * time.Second).UTC().Format(time.RFC3339Nano)
	f := newFakeRelay(t)
	f.serveShots([]map[string]any{shotJSON(9, recent, str("run3"), map[string]float64{"energy_J": 2}, []string{"energy_J"}, nil, nil)})
	seconds := func(model map[string]any) (*float64, *data.Frame) {
		t.Helper()
		res := runQuery(t, f.datasource(""), model, from, to)
		if res.Error != nil {
			t.Fatal(res.Error)
		}
		frame := res.Frames[0]
		if frame.Meta.Type != data.FrameTypeNumericWide || len(frame.Fields) != 1 {
			t.Fatalf("not one number: %s %d", frame.Meta.Type, len(frame.Fields))
		}
		return frame.Fields[0].At(0).(*float64), frame
	}
	v, frame := seconds(map[string]any{"queryType": "stats", "stat": "timeSinceLastShot"})
	if *v < 90 || *v > 3600 || frame.Fields[0].Config.Unit != "s" {
		t.Fatalf("since the last shot: %v", *v)
	}

	// During a campaign: since its start when it has no shot yet.
	started := time.Now().Add(-10 * time.Minute).UTC().Format(time.RFC3339Nano)
	f.answer("GET", "/api/v1/relay/campaign", 200, map[string]any{"campaign": map[string]any{"name": "run4", "startedAt": started, "startedBy": "alice"}})
	v, frame = seconds(map[string]any{"queryType": "stats", "stat": "timeSinceLastShot", "activeCampaign": true})
	if *v < 600 || *v > 3600 || frame.Fields[0].Labels["campaign"] != "run4" {
		t.Fatalf("since run4 started: %v %v", *v, frame.Fields[0].Labels)
	}
	if f.callsTo("/api/v1/shots")[1].Query.Get("campaign") != "run4" {
		t.Error("the running campaign's shots were not asked for")
	}
	// No campaign running: nothing is due.
	f.answer("GET", "/api/v1/relay/campaign", 200, map[string]any{"campaign": nil})
	v, _ = seconds(map[string]any{"queryType": "stats", "stat": "timeSinceLastShot", "activeCampaign": true})
	if *v != 0 {
		t.Fatalf("no campaign: %v", *v)
	}
	// No shot ever: no value (the rule's no-data state decides).
	f.serveShots(nil)
	v, frame = seconds(map[string]any{"queryType": "stats", "stat": "timeSinceLastShot"})
	if v != nil || len(frame.Meta.Notices) != 1 {
		t.Fatalf("no shot: %v", v)
	}
}

func TestDependenciesDownReadsTheRelaysReadiness(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/readyz", 503, map[string]any{
		"status": "not ready",
		"checks": map[string]any{"store": map[string]any{"ok": true}, "kafka": map[string]any{"ok": false, "reason": "connect ECONNREFUSED 127.0.0.1:9092"}},
		"down":   []string{"kafka: connect ECONNREFUSED 127.0.0.1:9092"},
	})
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "dependenciesDown"}, from, to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	frame := res.Frames[0]
	if fieldByName(t, frame, "dependency").At(0).(string) != "kafka" || fieldByName(t, frame, "down").At(0).(float64) != 1 || fieldByName(t, frame, "down").At(1).(float64) != 0 {
		t.Fatalf("%+v", frame)
	}
}

func TestPipelineBacklogIsUnsentAndNotStoredShots(t *testing.T) {
	f := newFakeRelay(t)
	recent := time.Now().UTC().Format(time.RFC3339Nano)
	f.serveShots([]map[string]any{shotJSON(40, recent, nil, map[string]float64{"energy_J": 2}, nil, nil, nil)})
	f.answer("GET", "/api/v1/relay/status", 200, map[string]any{"lastShotNumber": 52, "spool": map[string]any{"pendingShots": 7, "pendingBytes": 900, "maxBytes": 1 << 20}})
	backlog := func() (notStored, unsent float64) {
		t.Helper()
		res := runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "pipelineBacklog"}, from, to)
		if res.Error != nil {
			t.Fatal(res.Error)
		}
		frame := res.Frames[0]
		if frame.Meta.Type != data.FrameTypeNumericWide {
			t.Fatalf("not numeric wide: %s", frame.Meta.Type)
		}
		return fieldByName(t, frame, "notStored").At(0).(float64), fieldByName(t, frame, "unsent").At(0).(float64)
	}
	if n, u := backlog(); n != 12 || u != 7 {
		t.Fatalf("notStored %v unsent %v, want 12 and 7", n, u)
	}
	// Nothing stored yet: every numbered shot is behind.
	f.serveShots(nil)
	if n, _ := backlog(); n != 52 {
		t.Fatalf("nothing stored: notStored %v, want 52", n)
	}
	// A store ahead of a relay whose counter restarted is no backlog.
	f.serveShots([]map[string]any{shotJSON(90, recent, nil, map[string]float64{"energy_J": 2}, nil, nil, nil)})
	if n, _ := backlog(); n != 0 {
		t.Fatalf("store ahead: notStored %v, want 0", n)
	}
	// No relay status (no relay has reported): an error, not a false zero.
	f.answer("GET", "/api/v1/relay/status", 404, map[string]any{"error": "no relay status yet"})
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "stats", "stat": "pipelineBacklog"}, from, to)
	if res.Error == nil {
		t.Fatal("no relay status must be an error")
	}
}
