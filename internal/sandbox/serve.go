package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// LoadSeedFile is LoadSeed with the seed document in the file at path.
func (s *Server) LoadSeedFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sandbox: seed: %w", err)
	}
	defer f.Close()
	if err := s.LoadSeed(f); err != nil {
		return fmt.Errorf("sandbox: seed %s: %w", path, err)
	}
	return nil
}

// Serve answers HTTP on ln until ctx is done, then shuts down, giving
// requests in flight five seconds to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("sandbox: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sandbox: shutdown: %w", err)
	}
	return nil
}
