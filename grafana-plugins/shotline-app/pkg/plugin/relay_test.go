package plugin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestRelayForwardsTheGrafanaUserOnEveryCall(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("GET", "/api/v1/me", 200, map[string]any{"name": "alice", "role": "editor", "tokenId": "t1", "via": "grafana"})
	f.answer("POST", "/api/v1/search", 200, map[string]any{"items": []any{}, "total": 0, "nextCursor": nil})
	relay := NewRelay(f.settings("").RelayURL, testToken, f.srv.Client())

	if err := relay.Get(context.Background(), alice, "/api/v1/me", nil, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	if err := relay.Post(context.Background(), &backend.User{Login: "bob", Role: "Admin"}, "/api/v1/search", map[string]any{"sheet": "ions"}, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	if err := relay.Get(context.Background(), nil, "/api/v1/me", nil, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	// An unknown role (a Grafana server admin without org role, …) is not forwarded: the relay then takes the user as a viewer.
	if err := relay.Get(context.Background(), &backend.User{Login: "carol", Role: "Owner"}, "/api/v1/me", nil, &struct{}{}); err != nil {
		t.Fatal(err)
	}

	me := f.callsTo("/api/v1/me")
	search := f.callsTo("/api/v1/search")
	for _, c := range append(me, search...) {
		if c.Header.Get("Authorization") != "Bearer "+testToken {
			t.Errorf("%s %s: Authorization %q", c.Method, c.Path, c.Header.Get("Authorization"))
		}
	}
	if got := [2]string{me[0].Header.Get("X-Grafana-User"), me[0].Header.Get("X-Grafana-Role")}; got != [2]string{"alice", "Editor"} {
		t.Errorf("alice sent as %v", got)
	}
	if got := [2]string{search[0].Header.Get("X-Grafana-User"), search[0].Header.Get("X-Grafana-Role")}; got != [2]string{"bob", "Admin"} {
		t.Errorf("bob sent as %v", got)
	}
	if string(search[0].Body) != `{"sheet":"ions"}` || search[0].Header.Get("Content-Type") != "application/json" {
		t.Errorf("search body %s", search[0].Body)
	}
	if me[1].Header.Get("X-Grafana-User") != "" || me[1].Header.Get("X-Grafana-Role") != "" {
		t.Errorf("no user, but headers %v", me[1].Header)
	}
	if me[2].Header.Get("X-Grafana-User") != "carol" || me[2].Header.Get("X-Grafana-Role") != "" {
		t.Errorf("carol sent as %v", me[2].Header)
	}
}

func TestRelayKeepsABasePath(t *testing.T) {
	u, _ := url.Parse("http://relay:8080/shotline")
	r := NewRelay(u, "t", nil)
	if got := r.URL("/api/v1/shots", url.Values{"limit": {"1"}}); got != "http://relay:8080/shotline/api/v1/shots?limit=1" {
		t.Fatal(got)
	}
}

func TestRelayRefusalsKeepTheRelaysMessageAndDetails(t *testing.T) {
	f := newFakeRelay(t)
	f.answer("POST", "/api/v1/search", 400, map[string]any{
		"error":   "invalid search: where.0.field is not a field of an entry",
		"details": []map[string]string{{"field": "where.0.field", "message": "is not a field of an entry"}},
	})
	f.handle("GET", "/api/v1/shots", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html>bad gateway</html>"))
	})
	relay := NewRelay(f.settings("").RelayURL, testToken, f.srv.Client())

	err := relay.Post(context.Background(), nil, "/api/v1/search", map[string]any{}, nil)
	var re *RelayError
	if !errors.As(err, &re) || re.Status != 400 || len(re.Details) != 1 || re.Details[0].Field != "where.0.field" {
		t.Fatalf("error %#v", err)
	}
	if dataStatus(err) != backend.StatusBadRequest {
		t.Errorf("status %v", dataStatus(err))
	}
	err = relay.Get(context.Background(), nil, "/api/v1/shots", nil, nil)
	if !errors.As(err, &re) || re.Status != 502 || !contains(re.Message, "bad gateway") || dataStatus(err) != backend.StatusBadGateway {
		t.Fatalf("error %#v", err)
	}

	u, _ := url.Parse("http://127.0.0.1:1")
	err = NewRelay(u, "t", nil).Get(context.Background(), nil, "/readyz", nil, nil)
	if !errors.As(err, &re) || re.Status != 0 || !contains(err.Error(), "cannot reach the Shotline relay") {
		t.Fatalf("unreachable: %v", err)
	}
}
