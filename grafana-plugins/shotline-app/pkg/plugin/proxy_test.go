package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

type proxyAnswer struct {
	res *backend.CallResourceResponse
}

func (p *proxyAnswer) Send(res *backend.CallResourceResponse) error {
	p.res = res
	return nil
}

func callProxy(t *testing.T, d *Datasource, user *backend.User, method, url string, headers map[string][]string, body string) *backend.CallResourceResponse {
	t.Helper()
	path := url
	if i := strings.IndexByte(url, '?'); i >= 0 {
		path = url[:i]
	}
	var answer proxyAnswer
	req := &backend.CallResourceRequest{PluginContext: backend.PluginContext{User: user}, Path: path, Method: method, URL: url, Headers: headers, Body: []byte(body)}
	if err := d.CallResource(t.Context(), req, &answer); err != nil {
		t.Fatal(err)
	}
	if answer.res == nil {
		t.Fatal("no answer sent")
	}
	return answer.res
}

func TestProxyForwardsAnEntryChangeAsTheGrafanaUser(t *testing.T) {
	f := newFakeRelay(t)
	f.handle("PATCH", "/api/v1/sheets/ions/entries/e1", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("ETag", `"4"`)
		w.Header().Set("X-Internal", "not forwarded")
		_, _ = w.Write([]byte(`{"id":"e1","revision":4}`))
	})
	d := f.datasource("")
	res := callProxy(t, d, alice, "PATCH", "relay/sheets/ions/entries/e1?dryRun=true&tag=a&tag=b",
		map[string][]string{"Content-Type": {"application/json"}, "If-Match": {`"3"`}, "Cookie": {"grafana_session=secret"}, "Authorization": {"Bearer grafana-user-token"}},
		`{"fields":{"note":"clean"}}`)

	if res.Status != 200 || string(res.Body) != `{"id":"e1","revision":4}` {
		t.Fatalf("answer %d %s", res.Status, res.Body)
	}
	if got := res.Headers["Etag"]; len(got) != 1 || got[0] != `"4"` {
		t.Errorf("ETag back to the browser: %v", res.Headers)
	}
	if got := res.Headers["Content-Type"]; len(got) != 1 || got[0] != "application/json; charset=utf-8" {
		t.Errorf("Content-Type: %v", res.Headers)
	}
	if _, ok := res.Headers["X-Internal"]; ok {
		t.Errorf("only the listed headers come back: %v", res.Headers)
	}
	calls := f.callsTo("/api/v1/sheets/ions/entries/e1")
	if len(calls) != 1 {
		t.Fatalf("relay calls: %v", calls)
	}
	c := calls[0]
	if c.Method != "PATCH" || string(c.Body) != `{"fields":{"note":"clean"}}` {
		t.Errorf("forwarded %s %s", c.Method, c.Body)
	}
	if c.Header.Get("If-Match") != `"3"` || c.Header.Get("Content-Type") != "application/json" {
		t.Errorf("If-Match and Content-Type forwarded: %v", c.Header)
	}
	if c.Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("the service token, never the browser's credentials: %q", c.Header.Get("Authorization"))
	}
	if c.Header.Get("Cookie") != "" {
		t.Errorf("Grafana's session cookie reached the relay")
	}
	if c.Header.Get("X-Grafana-User") != "alice" || c.Header.Get("X-Grafana-Role") != "Editor" {
		t.Errorf("acts for alice as Editor: %v", c.Header)
	}
	if c.Query.Get("dryRun") != "true" || strings.Join(c.Query["tag"], ",") != "a,b" {
		t.Errorf("query forwarded: %v", c.Query)
	}
}

func TestProxyPassesRelayRefusalsThroughUnchanged(t *testing.T) {
	f := newFakeRelay(t)
	conflict := `{"error":"the entry changed meanwhile","current":{"id":"e1","revision":5,"fields":{"note":"theirs"}}}`
	f.handle("PUT", "/api/v1/sheets/ions/entries/e1", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", `"5"`)
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(conflict))
	})
	f.answer("POST", "/api/v1/sheets", 400, map[string]any{"error": "invalid body: name must match pattern", "details": []map[string]string{{"field": "name", "message": "must match pattern"}}})
	f.answer("DELETE", "/api/v1/tokens/t1", 403, map[string]any{"error": "this needs the admin role"})
	d := f.datasource("")

	res := callProxy(t, d, alice, "PUT", "relay/sheets/ions/entries/e1", nil, `{}`)
	if res.Status != 409 || string(res.Body) != conflict || res.Headers["Etag"][0] != `"5"` {
		t.Errorf("409 with the current entry: %d %s %v", res.Status, res.Body, res.Headers)
	}
	res = callProxy(t, d, alice, "POST", "relay/sheets", map[string][]string{"content-type": {"application/json"}}, `{"name":"bad name"}`)
	var refusal struct {
		Details []ErrorDetail `json:"details"`
	}
	if res.Status != 400 || json.Unmarshal(res.Body, &refusal) != nil || len(refusal.Details) != 1 || refusal.Details[0].Field != "name" {
		t.Errorf("400 with field details: %d %s", res.Status, res.Body)
	}
	if ct := f.callsTo("/api/v1/sheets")[0].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("lower-case header names from Grafana are forwarded too: %q", ct)
	}
	if res = callProxy(t, d, alice, "DELETE", "relay/tokens/t1", nil, ""); res.Status != 403 {
		t.Errorf("403: %d %s", res.Status, res.Body)
	}
}

func TestProxyPassesAFileDownloadThrough(t *testing.T) {
	f := newFakeRelay(t)
	f.handle("GET", "/api/v1/search/export", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="ions.csv"`)
		_, _ = w.Write([]byte("shotNumber,note\n1,clean\n"))
	})
	res := callProxy(t, f.datasource(""), alice, "GET", "relay/search/export?format=csv", nil, "")
	if res.Status != 200 || string(res.Body) != "shotNumber,note\n1,clean\n" {
		t.Fatalf("%d %q", res.Status, res.Body)
	}
	if res.Headers["Content-Disposition"][0] != `attachment; filename="ions.csv"` || res.Headers["Content-Type"][0] != "text/csv; charset=utf-8" {
		t.Errorf("headers: %v", res.Headers)
	}
}

func TestProxyRefusesPathsAndMethodsItDoesNotForward(t *testing.T) {
	f := newFakeRelay(t)
	d := f.datasource("")
	for _, tc := range []struct {
		method, url string
		status      int
		says        string
	}{
		{"GET", "relay/", 400, "empty"},
		{"GET", "relay/sheets/../tokens", 400, ".."},
		{"GET", "relay/sheets//x", 400, "segments"},
		{"GET", `relay/sheets\..\tokens`, 400, "backslash"},
		{"GET", "relay/live", 400, "live feed is the datasource"},
		{"OPTIONS", "relay/sheets", 405, "GET, POST, PUT, PATCH and DELETE"},
	} {
		res := callProxy(t, d, alice, tc.method, tc.url, nil, "")
		if res.Status != tc.status || !strings.Contains(string(res.Body), tc.says) {
			t.Errorf("%s %s: %d %s, want %d naming %q", tc.method, tc.url, res.Status, res.Body, tc.status, tc.says)
		}
	}
	if len(f.calls) != 0 {
		t.Errorf("nothing reached the relay: %v", f.calls)
	}
}

func TestProxySaysWhenTheRelayIsDownOrTheSettingsAreBad(t *testing.T) {
	f := newFakeRelay(t)
	d := f.datasource("")
	f.srv.Close()
	res := callProxy(t, d, alice, "GET", "relay/me", nil, "")
	if res.Status != 502 || !strings.Contains(string(res.Body), "cannot reach the Shotline relay") {
		t.Errorf("relay down: %d %s", res.Status, res.Body)
	}
	broken := &Datasource{settingsErr: errBadSettingsForTest}
	res = callProxy(t, broken, alice, "GET", "relay/me", nil, "")
	if res.Status != 400 || !strings.Contains(string(res.Body), "datasource settings") {
		t.Errorf("bad settings: %d %s", res.Status, res.Body)
	}
}

var errBadSettingsForTest = &QueryError{Field: "url", Message: "missing"}

func TestProxyLeavesTheOtherResourcesAlone(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/sheets", 200, map[string]any{"items": []map[string]any{{"name": "ions", "title": "Ions"}}})
	status, options, body := getResource(t, f.datasource(""), "sheets", "sheets")
	if status != 200 || len(options) != 1 || options[0].Value != "ions" {
		t.Errorf("the sheets picker still answers options: %d %s", status, body)
	}
}

func TestEventsStreamForwardsTheRelaysRawMessages(t *testing.T) {
	relay := newWSRelay(t)
	d := relay.datasource()
	defer d.Dispose()
	sub, err := d.SubscribeStream(t.Context(), &backend.SubscribeStreamRequest{Path: LiveEvents, PluginContext: backend.PluginContext{User: alice}})
	if err != nil || sub.Status != backend.SubscribeStreamStatusOK {
		t.Fatalf("subscribe to events: %v %v", sub, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	viewers := []*packets{{}, {}}
	var wg sync.WaitGroup
	for _, p := range viewers {
		wg.Add(1)
		go func(p *packets) {
			defer wg.Done()
			if err := d.RunStream(ctx, &backend.RunStreamRequest{Path: LiveEvents}, backend.NewStreamSender(p)); err != nil {
				t.Error(err)
			}
		}(p)
	}
	eventually(t, "two viewers on one relay connection", func() bool {
		c, _ := relay.counts(eventStreams)
		return d.feeds.subscribers(eventStreams) == 2 && c == 1
	})
	status := `{"type":"status","status":{"relay":"ok"}}`
	channels := `{"type":"channels","at":"2026-11-20T12:00:00.000Z","values":{"energy_J":3.5}}`
	relay.publish(eventStreams, shotMessage)
	relay.publish(eventStreams, `{"type":"something-newer"}`)
	relay.publish(eventStreams, channels)
	relay.publish(eventStreams, status)
	for _, p := range viewers {
		eventually(t, "three messages at each viewer", func() bool { return len(p.all()) == 3 })
		var got []string
		for i, raw := range p.all() {
			var frame struct {
				Schema *struct {
					Fields []struct {
						Name string `json:"name"`
					} `json:"fields"`
				} `json:"schema"`
				Data struct {
					Values [][]string `json:"values"`
				} `json:"data"`
			}
			if err := json.Unmarshal(raw, &frame); err != nil {
				t.Fatal(err)
			}
			if (i == 0) != (frame.Schema != nil) {
				t.Errorf("frame %d: the schema goes with the first frame only: %s", i, raw)
			}
			if i == 0 && (len(frame.Schema.Fields) != 1 || frame.Schema.Fields[0].Name != "message") {
				t.Errorf("one string field named message: %s", raw)
			}
			got = append(got, frame.Data.Values[0]...)
		}
		if strings.Join(got, "\n") != strings.Join([]string{shotMessage, channels, status}, "\n") {
			t.Errorf("the relay's messages as they came, in order, without hello or unknown types:\n%s", strings.Join(got, "\n"))
		}
	}
	cancel()
	wg.Wait()
}
