package plugin

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

const (
	// maxHourBuckets is what the relay counts in one answer (relay-service/src/api/stats.ts MAX_BUCKETS).
	maxHourBuckets = 1000
	// maxRateBuckets keeps a trigger-rate panel to a few hundred indexed counts per refresh.
	maxRateBuckets = 200
)

// stats answers a Stats query with numeric frames that alert rules can reduce.
func (c queryCall) stats(ctx context.Context) (data.Frames, error) {
	switch c.m.Stat {
	case StatShotsPerHour:
		return c.shotCounts(ctx, time.Hour, maxHourBuckets, "shots", "")
	case StatTriggerRate:
		step := max(c.q.Interval, time.Second)
		return c.shotCounts(ctx, step, maxRateBuckets, "triggerRate", "cpm")
	case StatShotsPerCampaign:
		return c.shotsPerCampaign(ctx)
	case StatChannelTriggerCounts:
		return c.channelTriggerCounts(ctx)
	case StatTimeSinceLastShot:
		return c.timeSinceLastShot(ctx)
	case StatDependenciesDown:
		return c.dependenciesDown(ctx)
	case StatPipelineBacklog:
		return c.pipelineBacklog(ctx)
	}
	return nil, badQuery("stat", "%q is not one of %s", c.m.Stat, strings.Join(statKinds, ", "))
}

// shotCounts: shots per bucket of at least `step` (whole seconds, widened so
// the range makes at most maxBuckets), as a count (unit "") or a rate per
// minute (unit "cpm").
func (c queryCall) shotCounts(ctx context.Context, step time.Duration, maxBuckets int, name, unit string) (data.Frames, error) {
	from, to := c.q.TimeRange.From.UTC(), c.q.TimeRange.To.UTC()
	if !to.After(from) {
		return nil, badQuery("timeRange", "the time range is empty")
	}
	seconds := int64(math.Ceil(step.Seconds()))
	start := from
	// Buckets start at multiples of the step (whole hours for shots per hour), so widen until the aligned range fits.
	for {
		start = from.Truncate(time.Duration(seconds) * time.Second)
		minimum := int64(math.Ceil(to.Sub(start).Seconds() / float64(maxBuckets)))
		if seconds >= minimum {
			break
		}
		if unit == "" {
			minimum = (minimum + 3599) / 3600 * 3600
		}
		seconds = minimum
	}
	from = start
	q := url.Values{}
	q.Set("from", relayTime(from))
	q.Set("to", relayTime(to))
	q.Set("interval", strconv.FormatInt(seconds, 10))
	if c.m.Campaign != "" {
		q.Set("campaign", c.m.Campaign)
	}
	var answer struct {
		Buckets []struct {
			Start string `json:"start"`
			Count int64  `json:"count"`
		} `json:"buckets"`
	}
	if err := c.d.relay.Get(ctx, c.user, "/api/v1/stats/shot-counts", q, &answer); err != nil {
		return nil, err
	}
	times := make([]time.Time, len(answer.Buckets))
	values := make([]float64, len(answer.Buckets))
	for i, b := range answer.Buckets {
		t, err := time.Parse(time.RFC3339Nano, b.Start)
		if err != nil {
			return nil, fmt.Errorf("the relay answered a bucket start %q that is no time", b.Start)
		}
		times[i] = t
		values[i] = float64(b.Count)
		if unit == "cpm" {
			values[i] = float64(b.Count) * 60 / float64(seconds)
		}
	}
	labels := data.Labels{}
	if c.m.Campaign != "" {
		labels["campaign"] = c.m.Campaign
	}
	value := data.NewField(name, labels, values)
	value.Config = &data.FieldConfig{Unit: unit, Interval: float64(seconds * 1000)}
	frame := data.NewFrame(name, data.NewField("time", nil, times), value)
	frame.SetMeta(&data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}})
	var notices []data.Notice
	if unit == "" && seconds != 3600 {
		notices = append(notices, notice("shots per %d hours: a range this long makes more than %d hourly buckets", seconds/3600, maxBuckets))
	}
	return data.Frames{withMeta(frame, "GET /api/v1/stats/shot-counts?"+q.Encode(), notices...)}, nil
}

func (c queryCall) rangeQuery() url.Values {
	q := url.Values{}
	q.Set("from", relayTime(c.q.TimeRange.From))
	q.Set("to", relayTime(c.q.TimeRange.To))
	return q
}

// noCampaign labels shots of no campaign.
const noCampaign = "(no campaign)"

// shotsPerCampaign: one row per campaign with shots in the range (numeric-long: campaign, shots).
func (c queryCall) shotsPerCampaign(ctx context.Context) (data.Frames, error) {
	q := c.rangeQuery()
	var answer struct {
		Items []struct {
			Campaign *string `json:"campaign"`
			Shots    int64   `json:"shots"`
		} `json:"items"`
	}
	if err := c.d.relay.Get(ctx, c.user, "/api/v1/stats/campaigns", q, &answer); err != nil {
		return nil, err
	}
	campaigns := make([]string, len(answer.Items))
	shots := make([]float64, len(answer.Items))
	for i, item := range answer.Items {
		campaigns[i] = noCampaign
		if item.Campaign != nil {
			campaigns[i] = *item.Campaign
		}
		shots[i] = float64(item.Shots)
	}
	frame := data.NewFrame("shotsPerCampaign", data.NewField("campaign", nil, campaigns), data.NewField("shots", nil, shots))
	frame.SetMeta(&data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: data.FrameTypeVersion{0, 1}})
	return data.Frames{withMeta(frame, "GET /api/v1/stats/campaigns?"+q.Encode())}, nil
}

// channelTriggerCounts: per configured channel, the stored shots it triggered in the range (numeric-long: channel, triggers).
func (c queryCall) channelTriggerCounts(ctx context.Context) (data.Frames, error) {
	q := c.rangeQuery()
	if c.m.Campaign != "" {
		q.Set("campaign", c.m.Campaign)
	}
	var answer struct {
		Items []struct {
			Channel  string `json:"channel"`
			Triggers int64  `json:"triggers"`
		} `json:"items"`
	}
	if err := c.d.relay.Get(ctx, c.user, "/api/v1/stats/channel-triggers", q, &answer); err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, ch := range c.m.Channels {
		wanted[ch] = true
	}
	var channels []string
	var triggers []float64
	for _, item := range answer.Items {
		if len(wanted) > 0 && !wanted[item.Channel] {
			continue
		}
		channels = append(channels, item.Channel)
		triggers = append(triggers, float64(item.Triggers))
	}
	frame := data.NewFrame("channelTriggerCounts", data.NewField("channel", nil, channels), data.NewField("triggers", nil, triggers))
	frame.SetMeta(&data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: data.FrameTypeVersion{0, 1}})
	return data.Frames{withMeta(frame, "GET /api/v1/stats/channel-triggers?"+q.Encode())}, nil
}

// timeSinceLastShot: seconds from the newest stored shot (of the campaign,
// when given) to now, as one number. With activeCampaign and no campaign
// named, it follows the running campaign: since its newest shot or its start,
// and 0 while none runs, so "no shots for N minutes during a campaign" is one
// threshold. No shot ever stored: no value.
func (c queryCall) timeSinceLastShot(ctx context.Context) (data.Frames, error) {
	campaign := c.m.Campaign
	var since time.Time
	var notices []data.Notice
	executed := ""
	if c.m.ActiveCampaign && campaign == "" {
		var answer struct {
			Campaign *struct {
				Name      string `json:"name"`
				StartedAt string `json:"startedAt"`
			} `json:"campaign"`
		}
		if err := c.d.relay.Get(ctx, c.user, "/api/v1/relay/campaign", nil, &answer); err != nil {
			return nil, err
		}
		executed = "GET /api/v1/relay/campaign; "
		if answer.Campaign == nil {
			zero := 0.0
			return data.Frames{withMeta(secondsFrame(&zero, nil), executed, notice("no campaign is running: no shot is due"))}, nil
		}
		campaign = answer.Campaign.Name
		since, _ = time.Parse(time.RFC3339Nano, answer.Campaign.StartedAt)
	}
	q := url.Values{}
	q.Set("limit", "1")
	if campaign != "" {
		q.Set("campaign", campaign)
	}
	var answer struct {
		Items []Shot `json:"items"`
	}
	if err := c.d.relay.Get(ctx, c.user, "/api/v1/shots", q, &answer); err != nil {
		return nil, err
	}
	executed += "GET /api/v1/shots?" + q.Encode()
	if len(answer.Items) > 0 {
		if t := answer.Items[0].Time(); t.After(since) {
			since = t
		}
	}
	var labels data.Labels
	if campaign != "" {
		labels = data.Labels{"campaign": campaign}
	}
	if since.IsZero() {
		notices = append(notices, notice("no shot stored yet"))
		return data.Frames{withMeta(secondsFrame(nil, labels), executed, notices...)}, nil
	}
	seconds := math.Max(0, time.Since(since).Seconds())
	return data.Frames{withMeta(secondsFrame(&seconds, labels), executed, notices...)}, nil
}

func secondsFrame(v *float64, labels data.Labels) *data.Frame {
	field := data.NewField("timeSinceLastShot", labels, []*float64{v})
	field.Config = &data.FieldConfig{Unit: "s"}
	frame := data.NewFrame("timeSinceLastShot", field)
	frame.SetMeta(&data.FrameMeta{Type: data.FrameTypeNumericWide, TypeVersion: data.FrameTypeVersion{0, 1}})
	return frame
}

// dependenciesDown: the relay's readiness, one row per dependency it checks (down: 1, up: 0), for a "pipeline down" alert.
func (c queryCall) dependenciesDown(ctx context.Context) (data.Frames, error) {
	r, err := readiness(ctx, c.d.relay)
	if err != nil {
		return nil, err
	}
	names := r.names()
	down := make([]float64, len(names))
	for i, n := range names {
		if !r.Checks[n].OK {
			down[i] = 1
		}
	}
	frame := data.NewFrame("dependenciesDown", data.NewField("dependency", nil, names), data.NewField("down", nil, down))
	frame.SetMeta(&data.FrameMeta{Type: data.FrameTypeNumericLong, TypeVersion: data.FrameTypeVersion{0, 1}})
	return data.Frames{withMeta(frame, "GET /readyz")}, nil
}

// pipelineBacklog: how far the store is behind the relay, for a "watcher
// lagging" alert. unsent: shots the relay journaled that the bus has not
// acknowledged (Kafka down or slow); notStored: shots the relay numbered that
// are not in the store yet (its last shot number minus the newest stored
// one), which grows when the watcher or MongoDB falls behind or stops. The
// relay's status reaches an api-only process over the bus, so this works
// whichever process the datasource talks to.
func (c queryCall) pipelineBacklog(ctx context.Context) (data.Frames, error) {
	var status struct {
		LastShotNumber *int64 `json:"lastShotNumber"`
		Spool          struct {
			PendingShots int64 `json:"pendingShots"`
		} `json:"spool"`
	}
	if err := c.d.relay.Get(ctx, c.user, "/api/v1/relay/status", nil, &status); err != nil {
		return nil, err
	}
	if status.LastShotNumber == nil {
		return nil, &RelayError{Method: "GET", Path: "/api/v1/relay/status", Status: http.StatusOK, Message: "the relay status has no lastShotNumber: is this a Shotline relay-service?"}
	}
	q := url.Values{}
	q.Set("limit", "1")
	var newest struct {
		Items []Shot `json:"items"`
	}
	if err := c.d.relay.Get(ctx, c.user, "/api/v1/shots", q, &newest); err != nil {
		return nil, err
	}
	stored := int64(0)
	if len(newest.Items) > 0 {
		stored = newest.Items[0].ShotNumber
	}
	notStored := float64(max(0, *status.LastShotNumber-stored))
	unsent := float64(status.Spool.PendingShots)
	frame := data.NewFrame("pipelineBacklog", data.NewField("notStored", nil, []float64{notStored}), data.NewField("unsent", nil, []float64{unsent}))
	frame.SetMeta(&data.FrameMeta{Type: data.FrameTypeNumericWide, TypeVersion: data.FrameTypeVersion{0, 1}})
	return data.Frames{withMeta(frame, "GET /api/v1/relay/status; GET /api/v1/shots?limit=1")}, nil
}
