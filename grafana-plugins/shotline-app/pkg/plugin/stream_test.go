package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// wsRelay imitates the relay's live feed (GET /api/v1/live?streams=…, a real
// WebSocket server): it counts connections per stream, checks the token, and
// sends what the test publishes to every open connection of a stream.
type wsRelay struct {
	srv      *httptest.Server
	mu       sync.Mutex
	conns    map[string][]*websocket.Conn
	connects map[string]int
	closed   map[string]int
}

func newWSRelay(t *testing.T) *wsRelay {
	t.Helper()
	r := &wsRelay{conns: map[string][]*websocket.Conn{}, connects: map[string]int{}, closed: map[string]int{}}
	upgrader := websocket.Upgrader{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/api/v1/live" || req.Header.Get("Authorization") != "Bearer "+testToken {
			http.Error(w, `{"error":"authentication required"}`, http.StatusUnauthorized)
			return
		}
		stream := req.URL.Query().Get("streams")
		conn, err := upgrader.Upgrade(w, req, nil)
		if err != nil {
			return
		}
		// Hello first, then publish may write: one writer at a time, as gorilla/websocket needs.
		_ = conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","streams":["`+stream+`"]}`))
		r.mu.Lock()
		r.conns[stream] = append(r.conns[stream], conn)
		r.connects[stream]++
		r.mu.Unlock()
		// Read until the client goes (the relay's hub does the same through ws).
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				break
			}
		}
		r.mu.Lock()
		r.closed[stream]++
		r.mu.Unlock()
	}))
	t.Cleanup(func() {
		r.dropAll()
		r.srv.Close()
	})
	return r
}

func (r *wsRelay) publish(stream, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns[stream] {
		_ = c.WriteMessage(websocket.TextMessage, []byte(msg))
	}
}

// dropAll closes every connection, as a relay restart does.
func (r *wsRelay) dropAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s, cs := range r.conns {
		for _, c := range cs {
			_ = c.Close()
		}
		delete(r.conns, s)
	}
}

func (r *wsRelay) counts(stream string) (connects, closed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.connects[stream], r.closed[stream]
}

func (r *wsRelay) datasource() *Datasource {
	u, _ := url.Parse(r.srv.URL)
	s := Settings{RelayURL: u, ServiceToken: testToken}
	feeds := NewFeeds(RelayDialer(u, testToken))
	feeds.minBackoff, feeds.maxBackoff = 10*time.Millisecond, 50*time.Millisecond
	return newDatasourceFor("shotline", s, NewRelay(u, testToken, nil), feeds)
}

// packets records what RunStream sends to Grafana.
type packets struct {
	mu  sync.Mutex
	got []json.RawMessage
}

func (p *packets) Send(pkt *backend.StreamPacket) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got = append(p.got, append(json.RawMessage(nil), pkt.Data...))
	return nil
}

func (p *packets) all() []json.RawMessage {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]json.RawMessage(nil), p.got...)
}

// eventually waits for cond (what the test waits for is named; it fails after 10 s).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (fs *Feeds) subscribers(stream string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.feeds[stream]; f != nil {
		return len(f.subs)
	}
	return 0
}

const shotMessage = `{"type":"shot","shot":{"uid":"0193a1b2-0000-7000-8000-000000000042","shotNumber":42,"campaign":"run3","receivedAt":"2026-11-20T12:00:00.123456Z","channels":{"energy_J":3.5,"pointing/x":0.25},"triggeredBy":["energy_J"],"thresholds":{"energy_J":{"kind":"above","above":1}},"source":{"endpoint":"tcp://laser:5556","topic":""}}}`

func TestFiftyViewersOfAStreamShareOneRelayConnection(t *testing.T) {
	relay := newWSRelay(t)
	d := relay.datasource()
	defer d.Dispose()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	const viewers = 50
	senders := make([]*packets, viewers)
	var wg sync.WaitGroup
	for i := range senders {
		senders[i] = &packets{}
		wg.Add(1)
		go func(p *packets) {
			defer wg.Done()
			if err := d.RunStream(ctx, &backend.RunStreamRequest{Path: LiveShots}, backend.NewStreamSender(p)); err != nil {
				t.Error(err)
			}
		}(senders[i])
	}
	eventually(t, "50 subscribers and a connection", func() bool {
		c, _ := relay.counts("shots")
		return d.feeds.subscribers(LiveShots) == viewers && c == 1
	})
	relay.publish("shots", shotMessage)
	for i, p := range senders {
		eventually(t, "the shot at every viewer", func() bool { return len(p.all()) == 1 })
		var frame struct {
			Schema struct {
				Fields []struct{ Name string } `json:"fields"`
			} `json:"schema"`
			Data struct {
				Values []json.RawMessage `json:"values"`
			} `json:"data"`
		}
		if err := json.Unmarshal(p.all()[0], &frame); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			names := []string{}
			for _, f := range frame.Schema.Fields {
				names = append(names, f.Name)
			}
			want := []string{"time", "shotNumber", "campaign", "uid", "triggeredBy", "channels.energy_J", "channels.pointing/x"}
			if len(names) != len(want) {
				t.Fatalf("fields %v", names)
			}
			for j := range want {
				if names[j] != want[j] {
					t.Fatalf("fields %v, want %v", names, want)
				}
			}
			if string(frame.Data.Values[1]) != "[42]" || string(frame.Data.Values[5]) != "[3.5]" {
				t.Errorf("values %s", frame.Data.Values)
			}
		}
	}
	if c, _ := relay.counts("shots"); c != 1 || d.feeds.Connects() != 1 {
		t.Fatalf("%d relay connections for %d viewers (feeds counted %d)", c, viewers, d.feeds.Connects())
	}

	cancel()
	wg.Wait()
	eventually(t, "the relay connection closed after the last viewer left", func() bool {
		_, closed := relay.counts("shots")
		return closed == 1
	})
	if d.feeds.subscribers(LiveShots) != 0 {
		t.Error("subscribers left behind")
	}
}

func TestTheFeedReconnectsAfterTheRelayDropsIt(t *testing.T) {
	relay := newWSRelay(t)
	d := relay.datasource()
	defer d.Dispose()
	messages, unsubscribe := d.feeds.Subscribe(LiveShots)
	defer unsubscribe()
	<-messages // hello
	relay.dropAll()
	eventually(t, "a second connection", func() bool { c, _ := relay.counts("shots"); return c == 2 })
	<-messages // hello again
	relay.publish("shots", shotMessage)
	select {
	case msg := <-messages:
		if !contains(string(msg), `"shotNumber":42`) {
			t.Fatalf("%s", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no message after the reconnection")
	}
}

func TestChannelFramesSendTheirSchemaOnlyWhenItChanges(t *testing.T) {
	relay := newWSRelay(t)
	d := relay.datasource()
	defer d.Dispose()
	ctx, cancel := context.WithCancel(context.Background())
	p := &packets{}
	done := make(chan error)
	go func() {
		done <- d.RunStream(ctx, &backend.RunStreamRequest{Path: LiveChannels}, backend.NewStreamSender(p))
	}()
	eventually(t, "the channels connection", func() bool { c, _ := relay.counts("channels"); return c == 1 && d.feeds.subscribers(LiveChannels) == 1 })
	relay.publish("channels", `{"type":"channels","at":"2026-11-20T12:00:00.100Z","values":{"energy_J":1.5,"pressure_mbar":0.001}}`)
	relay.publish("channels", `{"type":"channels","at":"2026-11-20T12:00:00.200Z","values":{"energy_J":1.6,"pressure_mbar":0.002}}`)
	relay.publish("channels", `{"type":"channels","at":"2026-11-20T12:00:00.300Z","values":{"energy_J":1.7,"pressure_mbar":0.002,"new_J":9}}`)
	relay.publish("channels", `{"type":"status","status":{}}`)
	eventually(t, "three frames", func() bool { return len(p.all()) == 3 })
	hasSchema := func(raw json.RawMessage) bool {
		var m map[string]json.RawMessage
		_ = json.Unmarshal(raw, &m)
		_, ok := m["schema"]
		return ok
	}
	got := p.all()
	if !hasSchema(got[0]) || hasSchema(got[1]) || !hasSchema(got[2]) {
		t.Fatalf("schema sent: %v %v %v", hasSchema(got[0]), hasSchema(got[1]), hasSchema(got[2]))
	}
	if !contains(string(got[1]), "1.6") {
		t.Errorf("second frame %s", got[1])
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestStreamsAreOnlyShotsAndChannelsAndNobodyPublishes(t *testing.T) {
	d := newWSRelay(t).datasource()
	defer d.Dispose()
	for path, want := range map[string]backend.SubscribeStreamStatus{"shots": backend.SubscribeStreamStatusOK, "channels": backend.SubscribeStreamStatusOK, "status": backend.SubscribeStreamStatusNotFound, "shots/alice": backend.SubscribeStreamStatusNotFound} {
		res, err := d.SubscribeStream(t.Context(), &backend.SubscribeStreamRequest{Path: path, PluginContext: backend.PluginContext{User: alice}})
		if err != nil || res.Status != want {
			t.Errorf("%s: %v %v", path, res, err)
		}
	}
	res, _ := d.PublishStream(t.Context(), &backend.PublishStreamRequest{Path: "shots"})
	if res.Status != backend.PublishStreamStatusPermissionDenied {
		t.Errorf("publish %v", res.Status)
	}
}

func TestLiveQueryAnswersTheCurrentStateOnItsChannel(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/relay/channels", 200, relayChannels())
	f.serveShots(threeShots())
	d := f.datasource("")
	res := runQuery(t, d, map[string]any{"queryType": "live", "path": "channels"}, from, to)
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	frame := res.Frames[0]
	if frame.Meta.Channel != "ds/shotline/channels" || len(frame.Fields) != 3 || fieldByName(t, frame, "energy_J").At(0).(float64) != 3.25 {
		t.Fatalf("%s %d", frame.Meta.Channel, len(frame.Fields))
	}
	res = runQuery(t, d, map[string]any{"queryType": "live", "path": "shots"}, from, to)
	frame = res.Frames[0]
	if frame.Meta.Channel != "ds/shotline/shots" || fieldByName(t, frame, "shotNumber").At(0).(int64) != 4 || fieldByName(t, frame, "shotNumber").At(2).(int64) != 7 {
		t.Fatalf("%+v", frame)
	}
}
