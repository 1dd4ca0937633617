package plugin

import (
	"context"
	"encoding/json"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// LiveEvents is the Grafana Live path (ds/<uid>/events) of the shared
// components' live feed (src/api/grafanaClient.ts): the relay's own JSON
// messages, shot, channels and status, each as it came, one per frame in a
// single string field "message". Like shots and channels it is the same for
// every viewer, so all of them share one relay connection (Feeds).
const LiveEvents = "events"

// eventStreams is what the events path follows of the relay's feed.
const eventStreams = "shots,channels,status"

// eventTypes are the messages passed on; the relay's hello (and anything newer) is not.
var eventTypes = map[string]bool{"shot": true, "channels": true, "status": true}

// runEvents forwards the relay's messages until Grafana ends the stream.
func (d *Datasource) runEvents(ctx context.Context, sender *backend.StreamSender) error {
	messages, unsubscribe := d.feeds.Subscribe(eventStreams)
	defer unsubscribe()
	include := data.IncludeAll // the schema (one string field) once, then data only
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg, ok := <-messages:
			if !ok {
				return nil
			}
			frame := eventFrame(msg)
			if frame == nil {
				continue
			}
			if err := sender.SendFrame(frame, include); err != nil {
				return err
			}
			include = data.IncludeDataOnly
		}
	}
}

// eventFrame: nil for a message that is not a shot, channels or status message.
func eventFrame(msg []byte) *data.Frame {
	var head struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(msg, &head) != nil || !eventTypes[head.Type] {
		return nil
	}
	return data.NewFrame(LiveEvents, data.NewField("message", nil, []string{string(msg)}))
}
