package plugin

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func relayChannels() map[string]any {
	return map[string]any{"items": []map[string]any{
		{"name": "energy_J", "nickname": "E", "unit": "J", "enabled": true, "rule": map[string]any{"kind": "above", "above": 2}, "triggerCount": 12, "counterResetAt": nil, "value": 3.25},
		{"name": "pointing_x_urad", "nickname": nil, "unit": nil, "enabled": true, "rule": map[string]any{"kind": "outside", "low": -5, "high": 5}, "triggerCount": 1, "counterResetAt": nil, "value": nil},
		{"name": "shot_quality", "nickname": nil, "unit": nil, "enabled": false, "rule": nil, "triggerCount": 0, "counterResetAt": nil, "value": 1},
	}}
}

func TestChannelsGiveOneFramePerChannelWithTheThresholdInForce(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/relay/channels", 200, relayChannels())
	f.serveShots(threeShots())
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "channels", "channels": []string{"energy_J", "pointing_x_urad"}}, from, to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	if len(res.Frames) != 2 {
		t.Fatalf("%d frames", len(res.Frames))
	}
	energy := res.Frames[0]
	if energy.Name != "energy_J" || energy.Meta.Type != data.FrameTypeTimeSeriesWide {
		t.Fatalf("frame %q %s", energy.Name, energy.Meta.Type)
	}
	value := fieldByName(t, energy, "value")
	if value.Labels["channel"] != "energy_J" || value.Config.Unit != "J" || value.Config.DisplayNameFromDS != "E (energy_J)" {
		t.Errorf("value field %v %+v", value.Labels, value.Config)
	}
	// Shots 4, 5 (energy_J) and 7 (nicknamed E): oldest first; the range ends before now, so no live point.
	if value.Len() != 3 || *value.At(0).(*float64) != 4 || *value.At(2).(*float64) != 7.5 {
		t.Fatalf("values %d", value.Len())
	}
	threshold := fieldByName(t, energy, "threshold")
	if *threshold.At(0).(*float64) != 1 || *threshold.At(2).(*float64) != 2 {
		t.Errorf("threshold in force per shot: %v, %v", *threshold.At(0).(*float64), *threshold.At(2).(*float64))
	}
	if _, i := energy.FieldByName("thresholdLow"); i >= 0 {
		t.Error("an above rule has no low line")
	}
	pointing := res.Frames[1]
	if n, _ := pointing.RowLen(); n != 2 {
		t.Fatalf("pointing rows %d", n)
	}
	// Shots keep no outside rule for pointing here, so no threshold lines.
	if len(pointing.Fields) != 2 {
		t.Errorf("pointing fields %d", len(pointing.Fields))
	}
}

func TestChannelsReachingNowEndWithTheRelaysLatestValue(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/relay/channels", 200, relayChannels())
	f.serveShots(threeShots())
	now := time.Now()
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "channels", "channels": []string{"energy_J"}, "thresholds": false}, from, now)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	frame := res.Frames[0]
	if frame.Meta.Type != data.FrameTypeTimeSeriesMulti || len(frame.Fields) != 2 {
		t.Fatalf("without thresholds: %s, %d fields (alert rules reduce one series per channel)", frame.Meta.Type, len(frame.Fields))
	}
	n, _ := frame.RowLen()
	last := fieldByName(t, frame, "value").At(n - 1).(*float64)
	at := fieldByName(t, frame, "time").At(n - 1).(time.Time)
	if n != 4 || *last != 3.25 || at.Before(now) {
		t.Fatalf("%d rows, last %v at %v", n, *last, at)
	}
}

func TestChannelsRefuseAnUnknownChannelNamingIt(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/relay/channels", 200, relayChannels())
	res := runQuery(t, f.datasource(""), map[string]any{"queryType": "channels", "channels": []string{"energy_J", "energy"}}, from, to)
	if res.Error == nil || res.Status != backend.StatusBadRequest || !contains(res.Error.Error(), `channels.1: the relay has no channel "energy"`) {
		t.Fatalf("%v", res.Error)
	}
}
