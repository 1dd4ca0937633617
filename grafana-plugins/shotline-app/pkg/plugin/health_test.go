package plugin

import (
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func ready() map[string]any {
	return map[string]any{"status": "ready", "checks": map[string]any{"kafka": map[string]any{"ok": true}, "store": map[string]any{"ok": true}}, "down": []string{}}
}

func TestHealthIsOkWhenTheRelayIsReadyAndTakesTheToken(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/readyz", 200, ready())
	f.answer("GET", "/api/v1/me", 200, map[string]any{"name": "alice", "role": "editor", "tokenId": "t1", "via": "grafana"})
	res, err := f.datasource("").CheckHealth(t.Context(), &backend.CheckHealthRequest{PluginContext: backend.PluginContext{User: alice}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusOk || res.Message != `Shotline relay ready (kafka, store); the service token "grafana" acts for Grafana users (you: alice, editor)` {
		t.Fatalf("%v %q", res.Status, res.Message)
	}
	if f.callsTo("/api/v1/me")[0].Header.Get("X-Grafana-User") != "alice" {
		t.Error("the user was not forwarded")
	}
}

func TestHealthNamesTheDependencyThatIsDown(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/readyz", 503, map[string]any{
		"status": "not ready",
		"checks": map[string]any{"kafka": map[string]any{"ok": true}, "store": map[string]any{"ok": false, "reason": "no answer within 2000 ms"}},
		"down":   []string{"store: no answer within 2000 ms"},
	})
	res, _ := f.datasource("").CheckHealth(t.Context(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusError || !contains(res.Message, "is not ready: store: no answer within 2000 ms") {
		t.Fatalf("%q", res.Message)
	}
}

func TestHealthSaysWhenTheTokenIsRefusedOrNotAServiceToken(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/readyz", 200, ready())
	f.answer("GET", "/api/v1/me", 401, map[string]any{"error": "invalid or revoked token"})
	res, _ := f.datasource("").CheckHealth(t.Context(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusError || !contains(res.Message, "refuses the service token (invalid or revoked token)") {
		t.Fatalf("%q", res.Message)
	}
	f.answer("GET", "/api/v1/me", 200, map[string]any{"name": "ops", "role": "viewer", "tokenId": "t2"})
	res, _ = f.datasource("").CheckHealth(t.Context(), &backend.CheckHealthRequest{PluginContext: backend.PluginContext{User: alice}})
	if res.Status != backend.HealthStatusOk || !contains(res.Message, `acts as "ops", role viewer — use a token of role service`) {
		t.Fatalf("%q", res.Message)
	}
}

func TestHealthOfSomethingElseAtTheURL(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/readyz", 200, map[string]any{"hello": "world"})
	res, _ := f.datasource("").CheckHealth(t.Context(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusError || !contains(res.Message, "not a Shotline readiness answer") {
		t.Fatalf("%q", res.Message)
	}
}
