package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// shots answers a Shots query. With a sheet (the query's, else the
// datasource's default sheet) it searches that sheet's entries: the search
// language's filters and full text apply, and layout fields are columns.
// Without one it lists the stored shots; filters then have nothing to search.
func (c queryCall) shots(ctx context.Context) (data.Frames, error) {
	sheet := c.m.Sheet
	if sheet == "" {
		sheet = c.d.settings.DefaultSheet
	}
	var records []record
	var executed string
	var notices []data.Notice
	var layout []LayoutField
	if sheet != "" {
		search := c.search(sheet)
		entries, total, err := searchEntries(ctx, c.d.relay, c.user, search, c.m.Limit)
		if err != nil {
			return nil, err
		}
		records = make([]record, len(entries))
		for i, e := range entries {
			records[i] = entryRecord(e)
		}
		body, _ := json.Marshal(search)
		executed = "POST /api/v1/search " + string(body)
		if total > len(entries) {
			notices = append(notices, notice("showing the newest %d of %d entries: raise limit (at most %d) or narrow the query", len(entries), total, maxShotLimit))
		}
		if c.m.Format != "timeseries" {
			// The layout gives the columns their order, labels and units, and columns to fields no entry has filled yet.
			if layout, err = fetchLayout(ctx, c.d.relay, c.user, sheet); err != nil {
				notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: "columns without the layout's labels: " + err.Error()})
			}
		}
	} else {
		if len(c.m.Where) > 0 || strings.TrimSpace(c.m.Text) != "" {
			field := "where"
			if len(c.m.Where) == 0 {
				field = "text"
			}
			return nil, badQuery(field, "filters search shot-sheet entries: choose a sheet, or set a default sheet in the datasource settings")
		}
		shots, more, err := fetchShots(ctx, c.d.relay, c.user, c.q.TimeRange.From, c.q.TimeRange.To, c.m.Campaign, c.m.Limit)
		if err != nil {
			return nil, err
		}
		records = make([]record, len(shots))
		for i, s := range shots {
			records[i] = shotRecord(s)
		}
		executed = fmt.Sprintf("GET /api/v1/shots %s campaign=%q limit=%d", describeRange(c.q.TimeRange.From, c.q.TimeRange.To), c.m.Campaign, c.m.Limit)
		if more {
			notices = append(notices, notice("showing the newest %d shots of the time range: raise limit (at most %d) or narrow the range", len(shots), maxShotLimit))
		}
	}
	var frame *data.Frame
	if c.m.Format == "timeseries" {
		frame = timeSeriesFrame("shots", records, c.m.Fields)
	} else {
		frame = tableFrame("shots", records, layout)
	}
	return data.Frames{withMeta(frame, executed, notices...)}, nil
}

// search is the relay search of this query: the sheet, campaign, time range
// of the panel, filters and text, newest shot first.
func (c queryCall) search(sheet string) map[string]any {
	s := map[string]any{
		"sheet": sheet,
		"from":  relayTime(c.q.TimeRange.From),
		"to":    relayTime(c.q.TimeRange.To),
		"sort":  []map[string]string{{"field": "shotNumber", "dir": "desc"}},
	}
	if c.m.Campaign != "" {
		s["campaign"] = c.m.Campaign
	}
	if len(c.m.Where) > 0 {
		s["where"] = c.m.Where
	}
	if t := strings.TrimSpace(c.m.Text); t != "" {
		s["text"] = t
	}
	return s
}

// maxAnnotations bounds the shot markers of one panel.
const maxAnnotations = 2000

// annotations marks shots on time-series panels: one annotation per shot
// (of a sheet's entries when a sheet is given), text with the shot number
// and key values, tags with the campaign and triggering channels.
func (c queryCall) annotations(ctx context.Context) (data.Frames, error) {
	limit := min(c.m.Limit, maxAnnotations)
	type mark struct {
		record
		title, text string
		tags        []string
	}
	var marks []mark
	var executed string
	var more bool
	if c.m.Sheet != "" {
		search := c.search(c.m.Sheet)
		entries, total, err := searchEntries(ctx, c.d.relay, c.user, search, limit)
		if err != nil {
			return nil, err
		}
		more = total > len(entries)
		body, _ := json.Marshal(search)
		executed = "POST /api/v1/search " + string(body)
		for _, e := range entries {
			r := entryRecord(e)
			title := "Entry"
			if n, ok := asNumber(r.values["shotNumber"]); ok {
				title = fmt.Sprintf("Shot %d", int64(n))
			}
			tags := []string{c.m.Sheet}
			if campaign, ok := r.values["campaign"].(string); ok {
				tags = append(tags, campaign)
			}
			if status, ok := r.values["status"].(string); ok {
				tags = append(tags, status)
			}
			marks = append(marks, mark{record: r, title: title, text: keyValues(r, "fields.", 6), tags: tags})
		}
	} else {
		shots, m, err := fetchShots(ctx, c.d.relay, c.user, c.q.TimeRange.From, c.q.TimeRange.To, c.m.Campaign, limit)
		if err != nil {
			return nil, err
		}
		more = m
		executed = fmt.Sprintf("GET /api/v1/shots %s campaign=%q", describeRange(c.q.TimeRange.From, c.q.TimeRange.To), c.m.Campaign)
		for _, s := range shots {
			r := shotRecord(s)
			tags := []string{}
			if s.Campaign != nil {
				tags = append(tags, *s.Campaign)
			}
			tags = append(tags, s.TriggeredBy...)
			marks = append(marks, mark{record: r, title: fmt.Sprintf("Shot %d", s.ShotNumber), text: shotText(s), tags: tags})
		}
	}
	t := make([]time.Time, len(marks))
	titles := make([]string, len(marks))
	texts := make([]string, len(marks))
	tags := make([]string, len(marks))
	for i, m := range marks {
		t[i] = m.t
		titles[i] = m.title
		texts[i] = m.title
		if m.text != "" {
			texts[i] += "\n" + m.text
		}
		tags[i] = strings.Join(m.tags, ",")
	}
	frame := data.NewFrame("annotations",
		data.NewField("time", nil, t),
		data.NewField("title", nil, titles),
		data.NewField("text", nil, texts),
		data.NewField("tags", nil, tags),
	)
	var notices []data.Notice
	if more {
		notices = append(notices, notice("only the newest %d shots of the range are marked", len(marks)))
	}
	return data.Frames{withMeta(frame, executed, notices...)}, nil
}

// shotText: the triggering channels' values first, then the others, at most six.
func shotText(s Shot) string {
	names := make([]string, 0, len(s.Channels))
	triggered := map[string]bool{}
	for _, n := range s.TriggeredBy {
		triggered[n] = true
	}
	for n := range s.Channels {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if triggered[names[i]] != triggered[names[j]] {
			return triggered[names[i]]
		}
		return names[i] < names[j]
	})
	if len(names) > 6 {
		names = names[:6]
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s = %g", n, s.Channels[n])
		if triggered[n] {
			parts[i] += " (triggered)"
		}
	}
	return strings.Join(parts, "\n")
}

// keyValues: the first values under prefix that are set, by name.
func keyValues(r record, prefix string, max int) string {
	keys := make([]string, 0)
	for k, v := range r.values {
		if strings.HasPrefix(k, prefix) && v != nil && text(v) != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) > max {
		keys = keys[:max]
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = strings.TrimPrefix(k, prefix) + " = " + text(r.values[k])
	}
	return strings.Join(parts, "\n")
}
