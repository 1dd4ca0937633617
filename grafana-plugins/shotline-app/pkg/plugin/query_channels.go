package plugin

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// liveWithin: a range ending this close to now (or later) also gets the
// relay's latest value of each channel, as its last point at the time of the query.
const liveWithin = time.Minute

// channels answers a Channels query: one frame per channel with its values
// at the stored shots of the range (channels are only stored with shots),
// plus, when the range reaches now, the relay's latest value; and the
// threshold in force at each point (threshold for above/below rules,
// thresholdLow/thresholdHigh for outside), so panels can draw the lines.
func (c queryCall) channels(ctx context.Context) (data.Frames, error) {
	known, err := fetchChannels(ctx, c.d.relay, c.user)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]Channel, len(known))
	names := make([]string, 0, len(known))
	for _, ch := range known {
		byName[ch.Name] = ch
		names = append(names, ch.Name)
	}
	selected := c.m.Channels
	if len(selected) == 0 {
		selected = names
	}
	for i, name := range selected {
		if _, ok := byName[name]; !ok {
			shown := names
			if len(shown) > 20 {
				shown = append(append([]string{}, shown[:20]...), "…")
			}
			return nil, badQuery(fmt.Sprintf("channels.%d", i), "the relay has no channel %q (it has %s)", name, strings.Join(shown, ", "))
		}
	}

	shots, more, err := fetchShots(ctx, c.d.relay, c.user, c.q.TimeRange.From, c.q.TimeRange.To, c.m.Campaign, c.m.Limit)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(shots)-1; i < j; i, j = i+1, j-1 {
		shots[i], shots[j] = shots[j], shots[i]
	}
	now := time.Now()
	addLatest := c.m.Campaign == "" && !c.q.TimeRange.To.Before(now.Add(-liveWithin))
	withThresholds := c.m.Thresholds == nil || *c.m.Thresholds
	executed := fmt.Sprintf("GET /api/v1/relay/channels; GET /api/v1/shots %s campaign=%q limit=%d", describeRange(c.q.TimeRange.From, c.q.TimeRange.To), c.m.Campaign, c.m.Limit)

	frames := make(data.Frames, 0, len(selected))
	for _, name := range selected {
		ch := byName[name]
		var times []time.Time
		var values, above, low, high []*float64
		add := func(t time.Time, v float64, rule *Rule) {
			times = append(times, t)
			values = append(values, &v)
			var a, l, h *float64
			if rule != nil {
				switch rule.Kind {
				case "above":
					a = rule.Above
				case "below":
					a = rule.Below
				case "outside":
					l, h = rule.Low, rule.High
				}
			}
			above, low, high = append(above, a), append(low, l), append(high, h)
		}
		for _, s := range shots {
			display := s.displayName(name)
			v, ok := s.Channels[display]
			if !ok {
				continue
			}
			var rule *Rule
			if r, ok := s.Thresholds[display]; ok {
				rule = &r
			}
			add(s.Time(), v, rule)
		}
		if addLatest && ch.Value != nil && (len(times) == 0 || now.After(times[len(times)-1])) {
			add(now, *ch.Value, ch.Rule)
		}

		labels := data.Labels{"channel": name}
		value := data.NewField("value", labels, values)
		value.Config = &data.FieldConfig{DisplayNameFromDS: ch.Label()}
		if ch.Unit != nil && *ch.Unit != "" {
			value.Config.Unit = *ch.Unit
		}
		frame := data.NewFrame(name, data.NewField("time", nil, times), value)
		frameType := data.FrameTypeTimeSeriesMulti
		if withThresholds {
			for _, line := range []struct {
				name   string
				values []*float64
			}{{"threshold", above}, {"thresholdLow", low}, {"thresholdHigh", high}} {
				if !anySet(line.values) {
					continue
				}
				f := data.NewField(line.name, data.Labels{"channel": name, "line": line.name}, line.values)
				f.Config = &data.FieldConfig{DisplayNameFromDS: ch.Label() + " " + line.name}
				if value.Config.Unit != "" {
					f.Config.Unit = value.Config.Unit
				}
				frame.Fields = append(frame.Fields, f)
				frameType = data.FrameTypeTimeSeriesWide
			}
		}
		frame.SetMeta(&data.FrameMeta{Type: frameType, TypeVersion: data.FrameTypeVersion{0, 1}})
		var notices []data.Notice
		if more {
			notices = append(notices, notice("values of the newest %d shots of the range: raise limit (at most %d) or narrow the range", len(shots), maxShotLimit))
		}
		frames = append(frames, withMeta(frame, executed, notices...))
	}
	return frames, nil
}

func anySet(values []*float64) bool {
	for _, v := range values {
		if v != nil {
			return true
		}
	}
	return false
}
