package plugin

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Settings of one Shotline datasource instance, as Grafana stores them
// (the shared contract: url, jsonData.defaultSheet, secureJsonData.serviceToken).
type Settings struct {
	// RelayURL is the relay-service base URL (its api role), e.g. http://relay:8080.
	RelayURL *url.URL
	// DefaultSheet is the shot sheet a Shots query without a sheet searches (optional).
	DefaultSheet string
	// ServiceToken is a relay API token, normally of role service; only the backend ever sees it.
	ServiceToken string
}

type jsonData struct {
	DefaultSheet string `json:"defaultSheet"`
}

// SettingsError names the setting that is wrong and why.
type SettingsError struct {
	Field   string
	Message string
}

func (e *SettingsError) Error() string { return e.Field + ": " + e.Message }

// LoadSettings reads and checks an instance's settings. Everything wrong is
// reported by the setting's name, so the health check can say what to fix.
func LoadSettings(s backend.DataSourceInstanceSettings) (Settings, error) {
	var out Settings
	raw := strings.TrimSpace(s.URL)
	if raw == "" {
		return out, &SettingsError{"url", "set the relay-service URL, e.g. http://relay:8080"}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return out, &SettingsError{"url", fmt.Sprintf("%q is not an http(s) URL with a host, e.g. http://relay:8080", raw)}
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return out, &SettingsError{"url", "the relay URL takes no query or fragment"}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	out.RelayURL = u

	if len(s.JSONData) > 0 {
		var jd jsonData
		if err := json.Unmarshal(s.JSONData, &jd); err != nil {
			return out, &SettingsError{"jsonData", "not a JSON object: " + err.Error()}
		}
		out.DefaultSheet = strings.TrimSpace(jd.DefaultSheet)
	}

	out.ServiceToken = strings.TrimSpace(s.DecryptedSecureJSONData["serviceToken"])
	if out.ServiceToken == "" {
		return out, &SettingsError{"secureJsonData.serviceToken", "set a relay API token (role service: POST /api/v1/tokens {\"name\":\"grafana\",\"role\":\"service\"})"}
	}
	return out, nil
}
