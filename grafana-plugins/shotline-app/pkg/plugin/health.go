package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Readiness is the relay's GET /readyz answer (relay-service/src/api/health.ts):
// 200 when every dependency answers, 503 naming each one that is down.
type Readiness struct {
	Status string `json:"status"`
	Checks map[string]struct {
		OK     bool   `json:"ok"`
		Reason string `json:"reason,omitempty"`
	} `json:"checks"`
	Down []string `json:"down"`
}

func (r Readiness) names() []string {
	names := make([]string, 0, len(r.Checks))
	for n := range r.Checks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// readiness asks /readyz; a 503 is an answer too (its body says what is down).
func readiness(ctx context.Context, relay *Relay) (Readiness, error) {
	var r Readiness
	if _, err := relay.GetAccepting(ctx, nil, "/readyz", nil, &r, http.StatusServiceUnavailable); err != nil {
		return r, err
	}
	if r.Status == "" {
		return r, &RelayError{Method: "GET", Path: "/readyz", Status: http.StatusOK, Message: "not a Shotline readiness answer: is this the relay-service's URL?"}
	}
	return r, nil
}

// CheckHealth: the relay is ready (else which dependency is down and why),
// and the service token is accepted (and acts for Grafana users).
func (d *Datasource) CheckHealth(ctx context.Context, req *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	fail := func(msg string) (*backend.CheckHealthResult, error) {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}, nil
	}
	if d.settingsErr != nil {
		return fail("Datasource settings: " + d.settingsErr.Error())
	}
	r, err := readiness(ctx, d.relay)
	if err != nil {
		return fail(err.Error())
	}
	if r.Status != "ready" {
		down := r.Down
		if len(down) == 0 {
			for _, n := range r.names() {
				if c := r.Checks[n]; !c.OK {
					down = append(down, n+": "+c.Reason)
				}
			}
		}
		return fail("The Shotline relay at " + d.settings.RelayURL.String() + " is not ready: " + strings.Join(down, "; "))
	}
	var me struct {
		Name string `json:"name"`
		Role string `json:"role"`
		Via  string `json:"via"`
	}
	if err := d.relay.Get(ctx, req.PluginContext.User, "/api/v1/me", nil, &me); err != nil {
		var re *RelayError
		if errors.As(err, &re) && re.Status == http.StatusUnauthorized {
			return fail("The relay is ready but refuses the service token (" + re.Message + "): issue one with POST /api/v1/tokens {\"name\":\"grafana\",\"role\":\"service\"}")
		}
		return fail(err.Error())
	}
	checks := r.names()
	msg := fmt.Sprintf("Shotline relay ready (%s)", strings.Join(checks, ", "))
	if me.Via != "" {
		msg += fmt.Sprintf("; the service token %q acts for Grafana users (you: %s, %s)", me.Via, me.Name, me.Role)
	} else {
		msg += fmt.Sprintf("; the token acts as %q, role %s — use a token of role service so writes are recorded under each Grafana user", me.Name, me.Role)
	}
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: msg}, nil
}
