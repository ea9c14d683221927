package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// ErrDropped is returned by the in-process Transport for an injected
// dropped connection, where a network client would see a reset or EOF.
var ErrDropped = errors.New("sandbox: connection dropped (injected fault)")

// Transport returns a RoundTripper that serves requests in-process, with no
// listener, through the same pipeline as ServeHTTP: latency, faults, limits
// and state. The request's host is ignored; its path must start with /api.
func (s *Server) Transport() http.RoundTripper { return transport{s} }

type transport struct{ s *Server }

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	r := req.Clone(req.Context())
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.RemoteAddr = "sandbox"
	r.RequestURI = r.URL.RequestURI()
	rec, drop := t.s.serve(r)
	if drop {
		if err := req.Context().Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ErrDropped)
	}
	status := rec.code()
	body := bytes.Clone(rec.body.Bytes())
	h := rec.header.Clone()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}
