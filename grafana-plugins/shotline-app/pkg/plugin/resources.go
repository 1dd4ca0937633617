package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Option is one value of a template variable or picker: { text, value }.
type Option struct {
	Text  string `json:"text"`
	Value string `json:"value"`
	// Type of a field option (number, integer, text, …), for the query editor's pickers.
	Type string `json:"type,omitempty"`
}

// CallResource serves the template variables and the query editor's pickers:
//
//	GET resources/sheets                      sheets (not archived)
//	GET resources/campaigns                   campaigns of stored shots, the running one first
//	GET resources/channels                    relay channels
//	GET resources/shots/recent?limit=&campaign=   recent shot numbers, newest first
//	GET resources/fields?sheet=               what a Shots query can filter or plot: channels.*, and the sheet's layout fields
//
// each answering [{ "text", "value" }], as the Grafana user of the call; and
//
//	resources/relay/<path>                    the relay's /api/v1/<path>, any method (proxy.go)
func (d *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	if isProxyPath(req.Path) {
		return d.proxy(ctx, req, sender)
	}
	status, body := d.resource(ctx, req)
	encoded, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return sender.Send(&backend.CallResourceResponse{
		Status:  status,
		Headers: map[string][]string{"Content-Type": {"application/json"}},
		Body:    encoded,
	})
}

type resourceError struct {
	Error string `json:"error"`
}

func (d *Datasource) resource(ctx context.Context, req *backend.CallResourceRequest) (int, any) {
	if d.settingsErr != nil {
		return http.StatusBadRequest, resourceError{"datasource settings: " + d.settingsErr.Error()}
	}
	if req.Method != http.MethodGet {
		return http.StatusMethodNotAllowed, resourceError{fmt.Sprintf("%s %s: the resources are read with GET", req.Method, req.Path)}
	}
	query := url.Values{}
	if i := strings.IndexByte(req.URL, '?'); i >= 0 {
		query, _ = url.ParseQuery(req.URL[i+1:])
	}
	user := req.PluginContext.User
	var options []Option
	var err error
	switch strings.Trim(req.Path, "/") {
	case "sheets":
		options, err = d.sheetOptions(ctx, user)
	case "campaigns":
		options, err = d.campaignOptions(ctx, user)
	case "channels":
		options, err = d.channelOptions(ctx, user)
	case "shots/recent":
		options, err = d.recentShotOptions(ctx, user, query)
	case "fields":
		options, err = d.fieldOptions(ctx, user, query)
	default:
		return http.StatusNotFound, resourceError{fmt.Sprintf("no resource %q: sheets, campaigns, channels, shots/recent, fields", req.Path)}
	}
	if err != nil {
		var qe *QueryError
		if errors.As(err, &qe) {
			return http.StatusBadRequest, resourceError{qe.Error()}
		}
		var re *RelayError
		if errors.As(err, &re) && re.Status >= 400 && re.Status < 500 {
			return re.Status, resourceError{re.Error()}
		}
		return http.StatusBadGateway, resourceError{err.Error()}
	}
	if options == nil {
		options = []Option{}
	}
	return http.StatusOK, options
}

func (d *Datasource) sheetOptions(ctx context.Context, user *backend.User) ([]Option, error) {
	var answer struct {
		Items []struct {
			Name  string `json:"name"`
			Title string `json:"title"`
		} `json:"items"`
	}
	if err := d.relay.Get(ctx, user, "/api/v1/sheets", nil, &answer); err != nil {
		return nil, err
	}
	out := make([]Option, len(answer.Items))
	for i, s := range answer.Items {
		text := s.Name
		if s.Title != "" && s.Title != s.Name {
			text = s.Title + " (" + s.Name + ")"
		}
		out[i] = Option{Text: text, Value: s.Name}
	}
	return out, nil
}

func (d *Datasource) campaignOptions(ctx context.Context, user *backend.User) ([]Option, error) {
	var answer struct {
		Items []struct {
			Campaign *string `json:"campaign"`
		} `json:"items"`
		Current *struct {
			Name string `json:"name"`
		} `json:"current"`
	}
	if err := d.relay.Get(ctx, user, "/api/v1/stats/campaigns", nil, &answer); err != nil {
		return nil, err
	}
	var out []Option
	seen := map[string]bool{}
	if answer.Current != nil {
		out = append(out, Option{Text: answer.Current.Name + " (running)", Value: answer.Current.Name})
		seen[answer.Current.Name] = true
	}
	for _, c := range answer.Items {
		if c.Campaign != nil && !seen[*c.Campaign] {
			seen[*c.Campaign] = true
			out = append(out, Option{Text: *c.Campaign, Value: *c.Campaign})
		}
	}
	return out, nil
}

func (d *Datasource) channelOptions(ctx context.Context, user *backend.User) ([]Option, error) {
	channels, err := fetchChannels(ctx, d.relay, user)
	if err != nil {
		return nil, err
	}
	out := make([]Option, len(channels))
	for i, c := range channels {
		out[i] = Option{Text: c.Label(), Value: c.Name}
	}
	return out, nil
}

func (d *Datasource) recentShotOptions(ctx context.Context, user *backend.User, query url.Values) ([]Option, error) {
	limit := 50
	if s := query.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return nil, badQuery("limit", "%q is not a number from 1 to 1000", s)
		}
		limit = n
	}
	q := url.Values{"limit": {strconv.Itoa(limit)}}
	if c := query.Get("campaign"); c != "" {
		q.Set("campaign", c)
	}
	var answer struct {
		Items []Shot `json:"items"`
	}
	if err := d.relay.Get(ctx, user, "/api/v1/shots", q, &answer); err != nil {
		return nil, err
	}
	out := make([]Option, len(answer.Items))
	for i, s := range answer.Items {
		n := strconv.FormatInt(s.ShotNumber, 10)
		out[i] = Option{Text: n, Value: n}
	}
	return out, nil
}

// fieldOptions: the channels (channels.<name>) and, with a sheet (or the
// default sheet), its layout's fields (fields.<key>, labelled with their unit).
func (d *Datasource) fieldOptions(ctx context.Context, user *backend.User, query url.Values) ([]Option, error) {
	channels, err := fetchChannels(ctx, d.relay, user)
	if err != nil {
		return nil, err
	}
	out := []Option{{Text: "Shot number", Value: "shotNumber", Type: "integer"}}
	for _, c := range channels {
		out = append(out, Option{Text: c.Label(), Value: "channels." + c.Name, Type: "number"})
	}
	sheet := query.Get("sheet")
	if sheet == "" {
		sheet = d.settings.DefaultSheet
	}
	if sheet == "" {
		return out, nil
	}
	fields, err := fetchLayout(ctx, d.relay, user, sheet)
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		text := f.Label
		if f.Unit != "" {
			text += " [" + f.Unit + "]"
		}
		out = append(out, Option{Text: text, Value: "fields." + f.Key, Type: f.Type})
	}
	return out, nil
}
