package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// maxRelayAnswer bounds what one relay answer may hold (a search page of
// 1000 entries is a few MB): a wrong URL pointing at something huge must not
// fill the plugin's memory.
const maxRelayAnswer = 64 << 20

// Relay calls the relay-service HTTP API with the service token, acting for
// the Grafana user of each call.
type Relay struct {
	base  *url.URL
	token string
	http  *http.Client
}

// NewRelay makes a client for base (no trailing slash) with the given token.
func NewRelay(base *url.URL, token string, client *http.Client) *Relay {
	if client == nil {
		client = http.DefaultClient
	}
	return &Relay{base: base, token: token, http: client}
}

// ErrorDetail is one failing field of a relay refusal ({ field, message }).
type ErrorDetail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// RelayError is a relay answer other than 2xx, or no answer at all (Status 0).
type RelayError struct {
	Method  string
	Path    string
	Status  int
	Message string
	Details []ErrorDetail
}

func (e *RelayError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("cannot reach the Shotline relay (%s %s): %s", e.Method, e.Path, e.Message)
	}
	return fmt.Sprintf("the Shotline relay refused %s %s (%d): %s", e.Method, e.Path, e.Status, e.Message)
}

// URL is the absolute URL of a relay path (e.g. /api/v1/shots) with a query.
func (r *Relay) URL(path string, query url.Values) string {
	u := *r.base
	u.Path = r.base.Path + path
	u.RawQuery = query.Encode()
	return u.String()
}

// Get fetches path and decodes its JSON answer into out.
func (r *Relay) Get(ctx context.Context, user *backend.User, path string, query url.Values, out any) error {
	_, err := r.do(ctx, user, http.MethodGet, path, query, nil, out, nil)
	return err
}

// GetAccepting is Get that also decodes the answer of the statuses in `also`
// (e.g. the 503 of /readyz, whose body says what is down); it returns the status.
func (r *Relay) GetAccepting(ctx context.Context, user *backend.User, path string, query url.Values, out any, also ...int) (int, error) {
	return r.do(ctx, user, http.MethodGet, path, query, nil, out, also)
}

// Post sends body as JSON to path and decodes the JSON answer into out.
func (r *Relay) Post(ctx context.Context, user *backend.User, path string, body any, out any) error {
	_, err := r.do(ctx, user, http.MethodPost, path, nil, body, out, nil)
	return err
}

func (r *Relay) do(ctx context.Context, user *backend.User, method, path string, query url.Values, body any, out any, also []int) (int, error) {
	var encoded []byte
	header := http.Header{"Accept": {"application/json"}}
	if body != nil {
		var err error
		if encoded, err = json.Marshal(body); err != nil {
			return 0, fmt.Errorf("encoding the request to %s: %w", path, err)
		}
		header.Set("Content-Type", "application/json")
	}
	res, data, err := r.exchange(ctx, user, method, path, query, encoded, header)
	if err != nil {
		if res != nil {
			return res.StatusCode, err
		}
		return 0, err
	}
	if (res.StatusCode < 200 || res.StatusCode > 299) && !slices.Contains(also, res.StatusCode) {
		return res.StatusCode, relayRefusal(method, path, res.StatusCode, data)
	}
	if out == nil {
		return res.StatusCode, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return res.StatusCode, &RelayError{Method: method, Path: path, Status: res.StatusCode, Message: "the answer is not the JSON expected (is this the relay-service's URL?): " + err.Error()}
	}
	return res.StatusCode, nil
}

// exchange sends one request as user (body nil: none) and reads the whole
// answer, whatever its status, up to maxRelayAnswer bytes. The error is a
// RelayError (Status 0: no answer) or the context's; with an answer read too
// far to use, res is returned along with the error.
func (r *Relay) exchange(ctx context.Context, user *backend.User, method, path string, query url.Values, body []byte, header http.Header) (*http.Response, []byte, error) {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.URL(path, query), reader)
	if err != nil {
		return nil, nil, &RelayError{Method: method, Path: path, Message: err.Error()}
	}
	for name, values := range header {
		req.Header[name] = values
	}
	r.authorize(req.Header, user)
	res, err := r.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, &RelayError{Method: method, Path: path, Message: err.Error()}
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxRelayAnswer+1))
	if err != nil {
		return res, nil, &RelayError{Method: method, Path: path, Status: res.StatusCode, Message: "reading the answer: " + err.Error()}
	}
	if len(data) > maxRelayAnswer {
		return res, nil, &RelayError{Method: method, Path: path, Status: res.StatusCode, Message: fmt.Sprintf("answer larger than %d bytes", maxRelayAnswer)}
	}
	return res, data, nil
}

// authorize sets the service token and the Grafana user it acts for, so the
// relay checks that user's role and records them on writes
// (relay-service/src/auth/plugin.ts). Without a user (alert evaluation) the
// relay treats the call as a viewer's.
func (r *Relay) authorize(h http.Header, user *backend.User) {
	h.Set("Authorization", "Bearer "+r.token)
	if user == nil || strings.TrimSpace(user.Login) == "" {
		return
	}
	h.Set("X-Grafana-User", user.Login)
	switch user.Role {
	case "Viewer", "Editor", "Admin", "None":
		h.Set("X-Grafana-Role", user.Role)
	}
}

func relayRefusal(method, path string, status int, data []byte) error {
	var body struct {
		Error   string        `json:"error"`
		Details []ErrorDetail `json:"details"`
	}
	e := &RelayError{Method: method, Path: path, Status: status}
	if json.Unmarshal(data, &body) == nil && body.Error != "" {
		e.Message, e.Details = body.Error, body.Details
	} else {
		text := strings.TrimSpace(string(data))
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		e.Message = http.StatusText(status)
		if text != "" {
			e.Message += ": " + text
		}
	}
	return e
}

// dataStatus is the Grafana status of a failed relay call: the caller's fault
// (400, 401, 403, 404) stays so; the relay being down or failing is a bad gateway.
func dataStatus(err error) backend.Status {
	var re *RelayError
	if errors.As(err, &re) {
		switch re.Status {
		case http.StatusBadRequest:
			return backend.StatusBadRequest
		case http.StatusUnauthorized:
			return backend.StatusUnauthorized
		case http.StatusForbidden:
			return backend.StatusForbidden
		case http.StatusNotFound:
			return backend.StatusNotFound
		case http.StatusTooManyRequests:
			return backend.StatusTooManyRequests
		}
		return backend.StatusBadGateway
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return backend.StatusTimeout
	}
	return backend.StatusInternal
}
