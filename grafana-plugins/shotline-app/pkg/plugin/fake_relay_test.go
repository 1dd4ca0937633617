package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// fakeRelay imitates the relay-service HTTP API for unit tests: each route
// answers what the test sets (shaped like the relay's response schemas), and
// every request is recorded with its headers, query and body.
type fakeRelay struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	calls  []call
}

type call struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

const testToken = "shl_test_service_token"

func newFakeRelay(t *testing.T) *fakeRelay {
	t.Helper()
	f := &fakeRelay{t: t, routes: map[string]http.HandlerFunc{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.calls = append(f.calls, call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		h := f.routes[r.Method+" "+r.URL.Path]
		f.mu.Unlock()
		if h == nil {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"no route ` + r.Method + " " + r.URL.Path + `"}`))
			return
		}
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// answer makes route answer status with body as JSON.
func (f *fakeRelay) answer(method, path string, status int, body any) {
	f.handle(method, path, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	})
}

func (f *fakeRelay) handle(method, path string, h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[method+" "+path] = h
}

// callsTo lists the recorded requests to a path.
func (f *fakeRelay) callsTo(path string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeRelay) settings(defaultSheet string) Settings {
	u, _ := url.Parse(f.srv.URL)
	return Settings{RelayURL: u, DefaultSheet: defaultSheet, ServiceToken: testToken}
}

// datasource is a datasource instance on this relay.
func (f *fakeRelay) datasource(defaultSheet string) *Datasource {
	s := f.settings(defaultSheet)
	return newDatasourceFor("shotline", s, NewRelay(s.RelayURL, s.ServiceToken, f.srv.Client()), NewFeeds(RelayDialer(s.RelayURL, s.ServiceToken)))
}

var alice = &backend.User{Login: "alice", Role: "Editor", Name: "Alice"}

// runQuery runs one query as alice over [from, to).
func runQuery(t *testing.T, d *Datasource, model map[string]any, from, to time.Time) backend.DataResponse {
	t.Helper()
	raw, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	qt, _ := model["queryType"].(string)
	res, err := d.QueryData(context.Background(), &backend.QueryDataRequest{
		PluginContext: backend.PluginContext{User: alice},
		Queries: []backend.DataQuery{{
			RefID: "A", QueryType: qt, JSON: raw, Interval: time.Minute, MaxDataPoints: 1000,
			TimeRange: backend.TimeRange{From: from, To: to},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.Responses["A"]
}

func f64(v float64) *float64 { return &v }
func str(v string) *string   { return &v }

// shotJSON is a stored shot as GET /api/v1/shots answers it (ShotRecordSchema).
func shotJSON(n int64, receivedAt string, campaign *string, channels map[string]float64, triggeredBy []string, thresholds map[string]any, aliases map[string]string) map[string]any {
	s := map[string]any{
		"uid":         "0193a1b2-0000-7000-8000-00000000000" + string(rune('0'+n%10)),
		"shotNumber":  n,
		"campaign":    campaign,
		"receivedAt":  receivedAt,
		"storedAt":    receivedAt,
		"channels":    channels,
		"triggeredBy": triggeredBy,
		"thresholds":  thresholds,
		"source":      map[string]any{"endpoint": "tcp://laser:5556", "topic": "", "laserCounter": n + 1000},
	}
	if aliases != nil {
		s["aliases"] = aliases
	}
	return s
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
