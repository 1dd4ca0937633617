package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Grafana Live: a live query's frames carry the channel ds/<uid>/<path>
// (path shots or channels, nothing per user), Grafana runs one RunStream per
// channel for all its subscribers, and RunStream reads the instance's shared
// relay feed (Feeds), so viewers never multiply relay connections.

// SubscribeStream lets any viewer of the datasource follow shots, channels
// or events (the shared components' raw feed, events.go).
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	if req.Path != LiveShots && req.Path != LiveChannels && req.Path != LiveEvents {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	if d.settingsErr != nil {
		return nil, fmt.Errorf("datasource settings: %w", d.settingsErr)
	}
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// PublishStream: the live streams are the relay's; nobody publishes into them from Grafana.
func (d *Datasource) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream sends a frame for each stored shot (path shots) or each channel
// update (path channels, at most SHOTLINE_LIVE_CHANNEL_HZ a second) until
// Grafana ends the stream (no subscriber left).
func (d *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	if req.Path != LiveShots && req.Path != LiveChannels && req.Path != LiveEvents {
		return fmt.Errorf("no stream %q: shots, channels or events", req.Path)
	}
	if d.settingsErr != nil {
		return fmt.Errorf("datasource settings: %w", d.settingsErr)
	}
	if req.Path == LiveEvents {
		return d.runEvents(ctx, sender)
	}
	messages, unsubscribe := d.feeds.Subscribe(req.Path)
	defer unsubscribe()
	lastSchema := ""
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg, ok := <-messages:
			if !ok {
				return nil
			}
			frame, err := liveFrame(req.Path, msg)
			if err != nil || frame == nil {
				continue // hello, or a message of another kind
			}
			// The schema goes along only when it changed (a new channel appeared): the rest is data only.
			include := data.IncludeDataOnly
			if schema := schemaOf(frame); schema != lastSchema {
				include, lastSchema = data.IncludeAll, schema
			}
			if err := sender.SendFrame(frame, include); err != nil {
				return err
			}
		}
	}
}

// liveMessage is one message of the relay's live feed (relay-service/src/live/hub.ts).
type liveMessage struct {
	Type   string             `json:"type"`
	Shot   *Shot              `json:"shot,omitempty"`
	At     string             `json:"at,omitempty"`
	Values map[string]float64 `json:"values,omitempty"`
}

// liveFrame turns a relay message into a frame; nil for messages of no data (hello, status).
func liveFrame(path string, msg []byte) (*data.Frame, error) {
	var m liveMessage
	if err := json.Unmarshal(msg, &m); err != nil {
		return nil, err
	}
	switch {
	case path == LiveShots && m.Type == "shot" && m.Shot != nil:
		return shotsFrame([]Shot{*m.Shot}), nil
	case path == LiveChannels && m.Type == "channels":
		at, err := time.Parse(time.RFC3339Nano, m.At)
		if err != nil {
			at = time.Now()
		}
		return channelValuesFrame(at, m.Values), nil
	}
	return nil, nil
}

// shotsFrame: one row per shot, oldest first — time, shotNumber, campaign,
// uid, triggeredBy, then every channel (by display name), sorted.
func shotsFrame(shots []Shot) *data.Frame {
	names := map[string]bool{}
	for _, s := range shots {
		for n := range s.Channels {
			names[n] = true
		}
	}
	channels := make([]string, 0, len(names))
	for n := range names {
		channels = append(channels, n)
	}
	sort.Strings(channels)
	n := len(shots)
	times, numbers := make([]time.Time, n), make([]int64, n)
	campaigns, uids, triggered := make([]string, n), make([]string, n), make([]string, n)
	values := make([][]*float64, len(channels))
	for i := range values {
		values[i] = make([]*float64, n)
	}
	for i, s := range shots {
		times[i], numbers[i], uids[i], triggered[i] = s.Time(), s.ShotNumber, s.UID, strings.Join(s.TriggeredBy, ", ")
		if s.Campaign != nil {
			campaigns[i] = *s.Campaign
		}
		for j, c := range channels {
			if v, ok := s.Channels[c]; ok {
				values[j][i] = &v
			}
		}
	}
	frame := data.NewFrame("shots",
		data.NewField("time", nil, times),
		data.NewField("shotNumber", nil, numbers),
		data.NewField("campaign", nil, campaigns),
		data.NewField("uid", nil, uids),
		data.NewField("triggeredBy", nil, triggered),
	)
	for j, c := range channels {
		frame.Fields = append(frame.Fields, data.NewField("channels."+c, nil, values[j]))
	}
	return frame
}

// channelValuesFrame: one row, the latest value of every channel, sorted by name.
func channelValuesFrame(at time.Time, values map[string]float64) *data.Frame {
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	sort.Strings(names)
	frame := data.NewFrame("channels", data.NewField("time", nil, []time.Time{at}))
	for _, n := range names {
		frame.Fields = append(frame.Fields, data.NewField(n, nil, []float64{values[n]}))
	}
	return frame
}

func schemaOf(frame *data.Frame) string {
	var b strings.Builder
	for _, f := range frame.Fields {
		b.WriteString(f.Name)
		b.WriteByte(':')
		b.WriteString(f.Type().ItemTypeString())
		b.WriteByte(';')
	}
	return b.String()
}

// maxLiveBackfill: the stored shots a live shots panel starts with.
const maxLiveBackfill = 100

// live answers a live query outside a stream (the first render, or an
// alert rule): the current state, on a frame whose channel tells Grafana
// where the updates come from.
func (c queryCall) live(ctx context.Context) (data.Frames, error) {
	var frame *data.Frame
	var executed string
	switch c.m.Path {
	case LiveShots:
		q := url.Values{}
		q.Set("from", relayTime(c.q.TimeRange.From))
		q.Set("to", relayTime(c.q.TimeRange.To))
		q.Set("limit", strconv.Itoa(min(c.m.Limit, maxLiveBackfill)))
		if c.m.Campaign != "" {
			q.Set("campaign", c.m.Campaign)
		}
		var answer struct {
			Items []Shot `json:"items"`
		}
		if err := c.d.relay.Get(ctx, c.user, "/api/v1/shots", q, &answer); err != nil {
			return nil, err
		}
		for i, j := 0, len(answer.Items)-1; i < j; i, j = i+1, j-1 {
			answer.Items[i], answer.Items[j] = answer.Items[j], answer.Items[i]
		}
		frame = shotsFrame(answer.Items)
		executed = "GET /api/v1/shots?" + q.Encode()
	case LiveChannels:
		channels, err := fetchChannels(ctx, c.d.relay, c.user)
		if err != nil {
			return nil, err
		}
		values := map[string]float64{}
		for _, ch := range channels {
			if ch.Value != nil {
				values[ch.Name] = *ch.Value
			}
		}
		frame = channelValuesFrame(time.Now(), values)
		executed = "GET /api/v1/relay/channels"
	}
	frame = withMeta(frame, executed)
	frame.Meta.Channel = LiveChannel(c.d.uid, c.m.Path)
	return data.Frames{frame}, nil
}

// LiveChannel is the Grafana Live address of a datasource's stream.
func LiveChannel(uid, path string) string {
	return "ds/" + uid + "/" + path
}
