package plugin

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// What the relay answers, as far as the backend reads it
// (relay-service/src/api/schemas.ts, relay.ts, search.ts, stats.ts).

// Rule is a channel's threshold rule: above, below, or outside [low, high].
type Rule struct {
	Kind  string   `json:"kind"`
	Above *float64 `json:"above,omitempty"`
	Below *float64 `json:"below,omitempty"`
	Low   *float64 `json:"low,omitempty"`
	High  *float64 `json:"high,omitempty"`
}

// Shot is a stored shot record. Channels, triggeredBy and thresholds are
// keyed by display name (the nickname when one was set); Aliases maps the
// nicknames back to channel names.
type Shot struct {
	UID         string             `json:"uid"`
	ShotNumber  int64              `json:"shotNumber"`
	Campaign    *string            `json:"campaign"`
	LaserTime   string             `json:"laserTime,omitempty"`
	ReceivedAt  string             `json:"receivedAt"`
	Channels    map[string]float64 `json:"channels"`
	TriggeredBy []string           `json:"triggeredBy"`
	Thresholds  map[string]Rule    `json:"thresholds"`
	Aliases     map[string]string  `json:"aliases,omitempty"`
}

// Time is when the relay received the shot.
func (s Shot) Time() time.Time {
	t, err := time.Parse(time.RFC3339Nano, s.ReceivedAt)
	if err != nil {
		return time.Time{}
	}
	return t
}

// displayName is the name the shot knows channel by: its nickname then, or the name itself.
func (s Shot) displayName(channel string) string {
	for nick, name := range s.Aliases {
		if name == channel {
			return nick
		}
	}
	return channel
}

// Channel is a relay channel (GET /api/v1/relay/channels).
type Channel struct {
	Name         string   `json:"name"`
	Nickname     *string  `json:"nickname"`
	Unit         *string  `json:"unit"`
	Enabled      bool     `json:"enabled"`
	Rule         *Rule    `json:"rule"`
	TriggerCount int64    `json:"triggerCount"`
	Value        *float64 `json:"value"`
}

// Label is the channel as people know it: "nickname (name)" or the name.
func (c Channel) Label() string {
	if c.Nickname != nil && *c.Nickname != "" {
		return *c.Nickname + " (" + c.Name + ")"
	}
	return c.Name
}

// shotPage is what shots are read in: the relay answers at most 1000 per request.
const shotPage = 1000

// fetchShots reads the stored shots received in [from, to) (and of one
// campaign), newest first, up to limit. more: the range held more shots.
func fetchShots(ctx context.Context, relay *Relay, user *backend.User, from, to time.Time, campaign string, limit int) (shots []Shot, more bool, err error) {
	q := url.Values{}
	q.Set("from", relayTime(from))
	q.Set("to", relayTime(to))
	if campaign != "" {
		q.Set("campaign", campaign)
	}
	for len(shots) < limit {
		page := min(shotPage, limit-len(shots))
		q.Set("limit", strconv.Itoa(page))
		var answer struct {
			Items      []Shot `json:"items"`
			NextBefore *int64 `json:"nextBefore"`
		}
		if err := relay.Get(ctx, user, "/api/v1/shots", q, &answer); err != nil {
			return nil, false, err
		}
		shots = append(shots, answer.Items...)
		if answer.NextBefore == nil {
			return shots, false, nil
		}
		q.Set("before", strconv.FormatInt(*answer.NextBefore, 10))
	}
	// Full at the limit: is there one more?
	q.Set("limit", "1")
	var probe struct {
		Items []Shot `json:"items"`
	}
	if err := relay.Get(ctx, user, "/api/v1/shots", q, &probe); err != nil {
		return nil, false, err
	}
	return shots, len(probe.Items) > 0, nil
}

// Entry is a shot-sheet entry as the search answers it: kept as decoded JSON,
// as its fields depend on the sheet's layout.
type Entry map[string]any

// searchEntries runs a search (POST /api/v1/search), following its cursor
// up to limit entries. total: every entry the search matches.
func searchEntries(ctx context.Context, relay *Relay, user *backend.User, search map[string]any, limit int) (entries []Entry, total int, err error) {
	body := make(map[string]any, len(search)+2)
	for k, v := range search {
		body[k] = v
	}
	for len(entries) < limit {
		body["limit"] = min(shotPage, limit-len(entries))
		var page struct {
			Items      []Entry `json:"items"`
			Total      int     `json:"total"`
			NextCursor *string `json:"nextCursor"`
		}
		if err := relay.Post(ctx, user, "/api/v1/search", body, &page); err != nil {
			return nil, 0, err
		}
		entries = append(entries, page.Items...)
		total = page.Total
		if page.NextCursor == nil {
			break
		}
		body["cursor"] = *page.NextCursor
	}
	return entries, total, nil
}

// fetchChannels lists the relay's channels.
func fetchChannels(ctx context.Context, relay *Relay, user *backend.User) ([]Channel, error) {
	var answer struct {
		Items []Channel `json:"items"`
	}
	if err := relay.Get(ctx, user, "/api/v1/relay/channels", nil, &answer); err != nil {
		return nil, err
	}
	return answer.Items, nil
}

// entryTime is an entry's time as the search's time range counts it: receivedAt, or createdAt for an entry of no shot.
func entryTime(e Entry) time.Time {
	for _, k := range []string{"receivedAt", "createdAt"} {
		if s, ok := e[k].(string); ok && s != "" {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

func describeRange(from, to time.Time) string {
	return fmt.Sprintf("from=%s to=%s", relayTime(from), relayTime(to))
}

// LayoutField is a field of a sheet's current layout (GET /api/v1/sheets/{sheet}/layout).
type LayoutField struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Type  string `json:"type"`
	Unit  string `json:"unit,omitempty"`
}

// fetchLayout lists the fields of a sheet's current layout, in layout order
// (the diagnostics block is not a value: left out).
func fetchLayout(ctx context.Context, relay *Relay, user *backend.User, sheet string) ([]LayoutField, error) {
	var layout struct {
		Sections []struct {
			Fields []LayoutField `json:"fields"`
		} `json:"sections"`
	}
	if err := relay.Get(ctx, user, "/api/v1/sheets/"+url.PathEscape(sheet)+"/layout", nil, &layout); err != nil {
		return nil, err
	}
	var out []LayoutField
	for _, s := range layout.Sections {
		for _, f := range s.Fields {
			if f.Type != "diagnostics" {
				out = append(out, f)
			}
		}
	}
	return out, nil
}
