// Package plugin is the Shotline datasource backend: queries, health check,
// resources for template variables and the live streams, each against the
// relay-service HTTP API (relay-service/src/api/).
package plugin

import (
	"context"
	"errors"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// PluginID is the nested datasource's id (src/datasource/plugin.json).
const PluginID = "shotline-shotline-datasource"

// Datasource is one configured Shotline datasource. Grafana makes a new one
// whenever its settings change (and disposes of the old one).
type Datasource struct {
	uid         string
	settings    Settings
	settingsErr error
	relay       *Relay
	feeds       *Feeds
}

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ backend.StreamHandler         = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// NewDatasource is the instance factory. Bad settings do not fail it: they
// are reported by the health check and by every query, naming the setting.
func NewDatasource(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	d := &Datasource{uid: s.UID}
	d.settings, d.settingsErr = LoadSettings(s)
	if d.settingsErr != nil {
		log.DefaultLogger.Warn("Shotline datasource settings are incomplete", "uid", s.UID, "error", d.settingsErr.Error())
		return d, nil
	}
	opts, err := s.HTTPClientOptions(ctx)
	if err != nil {
		return nil, err
	}
	client, err := httpclient.New(opts)
	if err != nil {
		return nil, err
	}
	d.relay = NewRelay(d.settings.RelayURL, d.settings.ServiceToken, client)
	d.feeds = NewFeeds(RelayDialer(d.settings.RelayURL, d.settings.ServiceToken))
	return d, nil
}

// newDatasourceFor makes a datasource around a relay client (tests).
func newDatasourceFor(uid string, settings Settings, relay *Relay, feeds *Feeds) *Datasource {
	return &Datasource{uid: uid, settings: settings, relay: relay, feeds: feeds}
}

// Dispose closes the live feeds of an instance whose settings changed.
func (d *Datasource) Dispose() {
	if d.feeds != nil {
		d.feeds.Close()
	}
}

// QueryData runs each query of the request (at once: they are independent).
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	response := backend.NewQueryDataResponse()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, q := range req.Queries {
		wg.Add(1)
		go func(q backend.DataQuery) {
			defer wg.Done()
			res := d.query(ctx, req.PluginContext, q)
			mu.Lock()
			response.Responses[q.RefID] = res
			mu.Unlock()
		}(q)
	}
	wg.Wait()
	return response, nil
}

func (d *Datasource) query(ctx context.Context, pc backend.PluginContext, q backend.DataQuery) backend.DataResponse {
	if d.settingsErr != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, "datasource settings: "+d.settingsErr.Error())
	}
	m, err := ParseQuery(q)
	if err != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, err.Error())
	}
	call := queryCall{d: d, user: pc.User, q: q, m: m}
	var res backend.DataResponse
	switch m.QueryType {
	case QueryShots:
		res.Frames, err = call.shots(ctx)
	case QueryChannels:
		res.Frames, err = call.channels(ctx)
	case QueryStats:
		res.Frames, err = call.stats(ctx)
	case QueryAnnotations:
		res.Frames, err = call.annotations(ctx)
	case QueryLive:
		res.Frames, err = call.live(ctx)
	}
	if err != nil {
		return errorResponse(err)
	}
	return res
}

// errorResponse: a bad query is the user's to fix (400 naming the member);
// a relay refusal keeps the relay's status and message (which names the field
// for a 400); the relay unreachable is a bad gateway.
func errorResponse(err error) backend.DataResponse {
	var qe *QueryError
	if errors.As(err, &qe) {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, qe.Error())
	}
	var re *RelayError
	if errors.As(err, &re) {
		msg := re.Error()
		if re.Status == 400 && len(re.Details) > 0 {
			msg = "the relay refused the query: " + re.Message
		}
		return backend.ErrDataResponseWithSource(dataStatus(err), backend.ErrorSourceDownstream, msg)
	}
	return backend.ErrDataResponseWithSource(dataStatus(err), backend.ErrorSourcePlugin, err.Error())
}

// queryCall is one query being answered.
type queryCall struct {
	d    *Datasource
	user *backend.User
	q    backend.DataQuery
	m    QueryModel
}
