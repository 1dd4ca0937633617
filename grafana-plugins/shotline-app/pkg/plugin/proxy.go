package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// The shared components in Grafana (src/api/grafanaClient.ts) reach the
// relay through this proxy: resources/relay/<path> is the relay's
// /api/v1/<path>, called with the service token on behalf of the Grafana user
// (X-Grafana-User / X-Grafana-Role), so the relay applies that user's role
// and records them on writes. The browser never holds a relay token.

// proxyPrefix is the resource path under which the relay's API is forwarded.
const proxyPrefix = "relay/"

// proxiedRequestHeaders go to the relay as the browser sent them.
var proxiedRequestHeaders = []string{"Content-Type", "If-Match", "Accept"}

// proxiedAnswerHeaders come back from the relay to the browser.
var proxiedAnswerHeaders = []string{"Content-Type", "Etag", "Content-Disposition", "Retry-After"}

var proxiedMethods = map[string]bool{
	http.MethodGet: true, http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true, http.MethodDelete: true,
}

// isProxyPath tells CallResource which requests are the proxy's.
func isProxyPath(path string) bool {
	return strings.HasPrefix(strings.TrimPrefix(path, "/"), proxyPrefix)
}

// proxy forwards one resource call to the relay and its answer back, status and all.
func (d *Datasource) proxy(ctx context.Context, req *backend.CallResourceRequest, sender backend.CallResourceResponseSender) error {
	return sender.Send(d.forward(ctx, req))
}

func (d *Datasource) forward(ctx context.Context, req *backend.CallResourceRequest) *backend.CallResourceResponse {
	if d.settingsErr != nil {
		return jsonAnswer(http.StatusBadRequest, "datasource settings: "+d.settingsErr.Error())
	}
	if !proxiedMethods[req.Method] {
		return jsonAnswer(http.StatusMethodNotAllowed, fmt.Sprintf("%s: the relay proxy forwards GET, POST, PUT, PATCH and DELETE", req.Method))
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(req.Path, "/"), proxyPrefix)
	if err := checkProxyPath(rest); err != nil {
		return jsonAnswer(http.StatusBadRequest, err.Error())
	}
	query := url.Values{}
	if i := strings.IndexByte(req.URL, '?'); i >= 0 {
		var err error
		if query, err = url.ParseQuery(req.URL[i+1:]); err != nil {
			return jsonAnswer(http.StatusBadRequest, "query: "+err.Error())
		}
	}
	header := http.Header{}
	for _, name := range proxiedRequestHeaders {
		if v := firstHeader(req.Headers, name); v != "" {
			header.Set(name, v)
		}
	}
	var body []byte
	if len(req.Body) > 0 {
		body = req.Body
	}
	path := "/api/v1/" + rest
	res, data, err := d.relay.exchange(ctx, req.PluginContext.User, req.Method, path, query, body, header)
	if err != nil {
		var re *RelayError
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return jsonAnswer(http.StatusGatewayTimeout, fmt.Sprintf("%s %s: no answer from the Shotline relay in time", req.Method, path))
		case errors.As(err, &re):
			return jsonAnswer(http.StatusBadGateway, re.Error())
		default:
			return jsonAnswer(http.StatusBadGateway, err.Error())
		}
	}
	headers := map[string][]string{}
	for _, name := range proxiedAnswerHeaders {
		if v := res.Header.Values(name); len(v) > 0 {
			headers[name] = v
		}
	}
	return &backend.CallResourceResponse{Status: res.StatusCode, Headers: headers, Body: data}
}

// checkProxyPath refuses what the relay's API has no use for and a forwarded
// path must not carry: an empty path, `.`/`..` segments (the URL would be
// resolved to another route), backslashes, and the live WebSocket, which is
// the "events" stream in Grafana.
func checkProxyPath(rest string) error {
	if rest == "" {
		return errors.New("path: empty; resources/relay/<path> forwards to the relay's /api/v1/<path>")
	}
	if strings.ContainsAny(rest, "\\?#") {
		return fmt.Errorf("path %q: no backslash, ? or # in a relay path", rest)
	}
	for _, segment := range strings.Split(rest, "/") {
		if segment == "" || segment == "." || segment == ".." {
			return fmt.Errorf("path %q: empty, . and .. segments are not forwarded", rest)
		}
	}
	if rest == "live" || strings.HasPrefix(rest, "live/") {
		return fmt.Errorf("path %q: the live feed is the datasource's %q stream in Grafana", rest, LiveEvents)
	}
	return nil
}

func firstHeader(headers map[string][]string, name string) string {
	for k, v := range headers {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// jsonAnswer is a refusal of the proxy itself, shaped like the relay's ({ error }).
func jsonAnswer(status int, message string) *backend.CallResourceResponse {
	body, _ := json.Marshal(resourceError{message})
	return &backend.CallResourceResponse{Status: status, Headers: map[string][]string{"Content-Type": {"application/json"}}, Body: body}
}
