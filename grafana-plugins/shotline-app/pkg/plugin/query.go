package plugin

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Query types of the shared query model (camelCase JSON, field queryType).
const (
	QueryShots       = "shots"
	QueryChannels    = "channels"
	QueryStats       = "stats"
	QueryLive        = "live"
	QueryAnnotations = "annotations"
)

// Stats of a stats query.
const (
	StatShotsPerCampaign     = "shotsPerCampaign"
	StatShotsPerHour         = "shotsPerHour"
	StatTriggerRate          = "triggerRate"
	StatChannelTriggerCounts = "channelTriggerCounts"
	StatTimeSinceLastShot    = "timeSinceLastShot"
	StatDependenciesDown     = "dependenciesDown"
	StatPipelineBacklog      = "pipelineBacklog"
)

var statKinds = []string{StatShotsPerCampaign, StatShotsPerHour, StatTriggerRate, StatChannelTriggerCounts, StatTimeSinceLastShot, StatDependenciesDown, StatPipelineBacklog}

// Live paths: the Grafana Live channel is ds/<uid>/<path>, the same for every
// viewer, so all of them share one stream (and one relay connection).
const (
	LiveShots    = "shots"
	LiveChannels = "channels"
)

const (
	defaultShotLimit = 1000
	maxShotLimit     = 10000
	maxConditions    = 50
)

var searchOps = map[string]bool{"=": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "in": true, "contains": true, "exists": true}

// Condition is one filter of the search language (docs/search.md).
type Condition struct {
	Field string          `json:"field"`
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value,omitempty"`
}

// QueryModel is a panel query as the frontend sends it. Each query type uses
// the members the contract names for it and ignores the rest.
type QueryModel struct {
	QueryType string `json:"queryType"`

	// shots, annotations (sheet, campaign); channels, stats (campaign)
	Sheet    string      `json:"sheet,omitempty"`
	Campaign string      `json:"campaign,omitempty"`
	Where    []Condition `json:"where,omitempty"`
	Text     string      `json:"text,omitempty"`
	// Format of a shots query: table (default) or timeseries.
	Format string `json:"format,omitempty"`
	// Fields are the numeric columns of a shots time series ("channels.energy_J", "fields.target_thickness").
	Fields []string `json:"fields,omitempty"`
	Limit  int      `json:"limit,omitempty"`

	// Channels of a channels query (relay channel names); empty: all.
	Channels []string `json:"channels,omitempty"`
	// Thresholds: whether a channels query adds the threshold fields (default true; alert rules set false to get one series per channel).
	Thresholds *bool `json:"thresholds,omitempty"`

	Stat string `json:"stat,omitempty"`
	// ActiveCampaign: timeSinceLastShot counts only while a campaign is running (since its last shot, or its start), and is 0 otherwise.
	ActiveCampaign bool `json:"activeCampaign,omitempty"`

	// Path of a live query: shots or channels.
	Path string `json:"path,omitempty"`
}

// QueryError is a bad query, named by its member.
type QueryError struct {
	Field   string
	Message string
}

func (e *QueryError) Error() string { return e.Field + ": " + e.Message }

func badQuery(field, format string, args ...any) error {
	return &QueryError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ParseQuery reads and checks a query. The query type comes from the model
// (Grafana also copies it into DataQuery.QueryType).
func ParseQuery(q backend.DataQuery) (QueryModel, error) {
	var m QueryModel
	if len(q.JSON) > 0 {
		if err := json.Unmarshal(q.JSON, &m); err != nil {
			return m, badQuery("query", "not the Shotline query model: %s", err.Error())
		}
	}
	if m.QueryType == "" {
		m.QueryType = q.QueryType
	}
	m.Sheet = strings.TrimSpace(m.Sheet)
	m.Campaign = strings.TrimSpace(m.Campaign)
	if m.Limit < 0 || m.Limit > maxShotLimit {
		return m, badQuery("limit", "must be between 1 and %d (0: %d)", maxShotLimit, defaultShotLimit)
	}
	if m.Limit == 0 {
		m.Limit = defaultShotLimit
	}
	switch m.QueryType {
	case QueryShots:
		switch m.Format {
		case "":
			m.Format = "table"
		case "table", "timeseries":
		default:
			return m, badQuery("format", "%q is not table or timeseries", m.Format)
		}
		if m.Format == "timeseries" && len(m.Fields) == 0 {
			return m, badQuery("fields", "a time series needs at least one numeric field, e.g. channels.energy_J or fields.target_thickness")
		}
		for i, f := range m.Fields {
			if !validPath(f) {
				return m, badQuery(fmt.Sprintf("fields.%d", i), "%q is not shotNumber, channels.<name>, fields.<key>, diagnostics.<name>.settings.<key> or daq.<path>", f)
			}
		}
		if len(m.Where) > maxConditions {
			return m, badQuery("where", "at most %d conditions", maxConditions)
		}
		for i, c := range m.Where {
			if strings.TrimSpace(c.Field) == "" {
				return m, badQuery(fmt.Sprintf("where.%d.field", i), "choose a field")
			}
			if !searchOps[c.Op] {
				return m, badQuery(fmt.Sprintf("where.%d.op", i), "%q is not one of = != < <= > >= in contains exists", c.Op)
			}
			if len(c.Value) == 0 && c.Op != "exists" {
				return m, badQuery(fmt.Sprintf("where.%d.value", i), "needs a value")
			}
		}
	case QueryChannels, QueryAnnotations:
	case QueryStats:
		switch {
		case m.Stat == "":
			return m, badQuery("stat", "choose one of %s", strings.Join(statKinds, ", "))
		case !slices.Contains(statKinds, m.Stat):
			return m, badQuery("stat", "%q is not one of %s", m.Stat, strings.Join(statKinds, ", "))
		}
	case QueryLive:
		if m.Path != LiveShots && m.Path != LiveChannels {
			return m, badQuery("path", "%q is not shots or channels", m.Path)
		}
	case "":
		return m, badQuery("queryType", "choose one of shots, channels, stats, live, annotations")
	default:
		return m, badQuery("queryType", "%q is not one of shots, channels, stats, live, annotations", m.QueryType)
	}
	return m, nil
}

// validPath: a column a shots time series can plot.
func validPath(p string) bool {
	if p == "shotNumber" {
		return true
	}
	for _, prefix := range []string{"channels.", "fields.", "diagnostics.", "daq."} {
		if strings.HasPrefix(p, prefix) && len(p) > len(prefix) {
			return true
		}
	}
	return false
}

// relayTime is a bound as the relay takes it: UTC with microseconds.
func relayTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}
