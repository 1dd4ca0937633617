package plugin

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// Dialer opens the relay's live feed for one stream (shots or channels).
type Dialer func(ctx context.Context, stream string) (*websocket.Conn, error)

// RelayDialer connects to the relay's WebSocket feed (GET /api/v1/live,
// relay-service/src/api/live.ts) with the service token in the Authorization
// header (the relay also takes ?token=, for browsers; a backend has headers).
func RelayDialer(base *url.URL, token string) Dialer {
	return func(ctx context.Context, stream string) (*websocket.Conn, error) {
		u := *base
		u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1) // http → ws, https → wss
		u.Path = base.Path + "/api/v1/live"
		u.RawQuery = url.Values{"streams": {stream}}.Encode()
		header := http.Header{}
		header.Set("Authorization", "Bearer "+token)
		conn, res, err := websocket.DefaultDialer.DialContext(ctx, u.String(), header)
		if res != nil && res.Body != nil {
			res.Body.Close()
		}
		return conn, err
	}
}

const (
	// subscriberBuffer: messages a slow subscriber may fall behind by before it misses some.
	subscriberBuffer = 256
	// pingEvery and readTimeout notice a relay that went away without closing the connection.
	pingEvery   = 20 * time.Second
	readTimeout = 60 * time.Second
)

// Feeds holds one connection to the relay's live feed per stream, however
// many subscribers it has, and fans its messages out to all of them: fifty
// dashboards following the shots cost the relay one subscriber. A connection
// opens with the first subscriber, reconnects with backoff while it has any,
// and closes after the last one leaves.
type Feeds struct {
	dial       Dialer
	minBackoff time.Duration
	maxBackoff time.Duration

	mu     sync.Mutex
	feeds  map[string]*feed
	closed bool

	connects atomic.Int64
	dropped  atomic.Int64
}

type feed struct {
	subs   map[chan []byte]struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// NewFeeds makes the feeds of one datasource instance.
func NewFeeds(dial Dialer) *Feeds {
	return &Feeds{dial: dial, minBackoff: 500 * time.Millisecond, maxBackoff: 30 * time.Second, feeds: map[string]*feed{}}
}

// Connects counts the connections made to the relay so far.
func (fs *Feeds) Connects() int64 { return fs.connects.Load() }

// Dropped counts messages a subscriber missed because it had fallen behind.
func (fs *Feeds) Dropped() int64 { return fs.dropped.Load() }

// Subscribe follows a stream: messages arrive on the channel (the relay's
// JSON text, one message each) until unsubscribe is called or the feeds close.
func (fs *Feeds) Subscribe(stream string) (messages <-chan []byte, unsubscribe func()) {
	ch := make(chan []byte, subscriberBuffer)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.closed {
		close(ch)
		return ch, func() {}
	}
	f := fs.feeds[stream]
	if f == nil {
		ctx, cancel := context.WithCancel(context.Background())
		f = &feed{subs: map[chan []byte]struct{}{}, cancel: cancel, done: make(chan struct{})}
		fs.feeds[stream] = f
		go fs.run(ctx, stream, f)
	}
	f.subs[ch] = struct{}{}
	var once sync.Once
	return ch, func() { once.Do(func() { fs.leave(stream, f, ch) }) }
}

func (fs *Feeds) leave(stream string, f *feed, ch chan []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if _, ok := f.subs[ch]; !ok {
		return
	}
	delete(f.subs, ch)
	close(ch)
	if len(f.subs) == 0 {
		f.cancel()
		if fs.feeds[stream] == f {
			delete(fs.feeds, stream)
		}
	}
}

// Close ends every feed and every subscription (the instance is disposed of).
func (fs *Feeds) Close() {
	fs.mu.Lock()
	fs.closed = true
	feeds := fs.feeds
	fs.feeds = map[string]*feed{}
	for _, f := range feeds {
		f.cancel()
		for ch := range f.subs {
			close(ch)
		}
		f.subs = map[chan []byte]struct{}{}
	}
	fs.mu.Unlock()
	for _, f := range feeds {
		<-f.done
	}
}

func (fs *Feeds) broadcast(f *feed, msg []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- msg:
		default:
			fs.dropped.Add(1)
		}
	}
}

// run keeps one connection open while the feed has subscribers.
func (fs *Feeds) run(ctx context.Context, stream string, f *feed) {
	defer close(f.done)
	backoff := fs.minBackoff
	for ctx.Err() == nil {
		conn, err := fs.dial(ctx, stream)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			log.DefaultLogger.Warn("cannot connect to the Shotline relay's live feed; retrying", "stream", stream, "error", err.Error(), "retryIn", backoff.String())
		} else {
			fs.connects.Add(1)
			if fs.read(ctx, conn, f) {
				backoff = fs.minBackoff // it delivered: a later drop starts the backoff afresh
			}
			if ctx.Err() != nil {
				return
			}
			log.DefaultLogger.Info("the Shotline relay's live feed closed; reconnecting", "stream", stream, "retryIn", backoff.String())
		}
		// Jitter, so Grafana instances do not all reconnect at once after a relay restart.
		wait := backoff/2 + time.Duration(rand.Int64N(int64(backoff/2)+1))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		backoff = min(backoff*2, fs.maxBackoff)
	}
}

// read passes messages on until the connection fails or ctx ends; delivered: at least one message came.
func (fs *Feeds) read(ctx context.Context, conn *websocket.Conn, f *feed) (delivered bool) {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	conn.SetReadLimit(4 << 20)
	_ = conn.SetReadDeadline(time.Now().Add(readTimeout))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(readTimeout)) })
	pingDone := make(chan struct{})
	defer close(pingDone)
	go func() {
		t := time.NewTicker(pingEvery)
		defer t.Stop()
		for {
			select {
			case <-pingDone:
				return
			case <-t.C:
				if conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(5*time.Second)) != nil {
					return
				}
			}
		}
	}()
	for {
		kind, msg, err := conn.ReadMessage()
		if err != nil {
			return delivered
		}
		_ = conn.SetReadDeadline(time.Now().Add(readTimeout))
		if kind != websocket.TextMessage {
			continue
		}
		delivered = true
		fs.broadcast(f, msg)
	}
}
