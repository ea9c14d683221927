package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

type rawConfig struct {
	API struct {
		URL        string `yaml:"url"`
		DataCenter string `yaml:"dataCenter"`
	} `yaml:"api"`
	Parallelism int `yaml:"parallelism"`
	Guards      struct {
		MaxDeletesPerTenant *int `yaml:"maxDeletesPerTenant"`
		MaxDeletesTotal     *int `yaml:"maxDeletesTotal"`
	} `yaml:"guards"`
	Ignore     []string          `yaml:"ignore"`
	RateLimits map[string]string `yaml:"rateLimits"`
	Rollout    struct {
		Canary         []string `yaml:"canary"`
		CanaryCount    int      `yaml:"canaryCount"`
		WaveSize       int      `yaml:"waveSize"`
		MaxFailedShare float64  `yaml:"maxFailedShare"`
	} `yaml:"rollout"`
}

// Rollout is the progressive rollout of an apply across the fleet: the
// canary tenants first (those named, or else the first CanaryCount tenants
// with changes), then waves of WaveSize tenants (0: all the rest at once).
// After a wave, when the share of its tenants that failed is above
// MaxFailedShare, the later waves are not applied. The zero Rollout is one
// wave, as before.
type Rollout struct {
	Canary         []string
	CanaryCount    int
	WaveSize       int
	MaxFailedShare float64
}

// Enabled reports whether the config asks for waves.
func (r Rollout) Enabled() bool { return len(r.Canary) > 0 || r.CanaryCount > 0 || r.WaveSize > 0 }

// RateLimit is a rate budget from the config: Requests per Per, or
// unlimited when both are zero.
type RateLimit struct {
	Requests int
	Per      time.Duration
}

// parseRate reads "N/DURATION" (e.g. "600/1m") or "unlimited".
func parseRate(s string) RateLimit {
	n, d, ok := strings.Cut(s, "/")
	if !ok {
		return RateLimit{}
	}
	requests, _ := strconv.Atoi(n)
	num := strings.TrimRight(d, "hms")
	count, _ := strconv.Atoi(num)
	unit := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour}[d[len(num):]]
	return RateLimit{Requests: requests, Per: time.Duration(count) * unit}
}

// minFingerprintKey is the shortest fingerprint key accepted: 32 bytes of
// key for HMAC-SHA256.
const minFingerprintKey = 32

// loadConfig reads workato-gitops.yaml when there is one. Problems are
// recorded as diagnostics and the defaults are used, so that the manifests
// are still checked.
func (l *loader) loadConfig() (Config, *File) {
	cfg := Config{
		Parallelism: DefaultParallelism,
		Guards:      Guards{MaxDeletesPerTenant: DefaultMaxDeletesPerTenant, MaxDeletesTotal: DefaultMaxDeletesTotal},
	}
	rel := ConfigFile
	data, err := readLimited(filepath.Join(l.dir, rel), l.opts.MaxFileSize)
	if errors.Is(err, os.ErrNotExist) {
		rel = "workato-gitops.yml"
		data, err = readLimited(filepath.Join(l.dir, rel), l.opts.MaxFileSize)
	}
	if errors.Is(err, os.ErrNotExist) {
		return cfg, nil
	}
	file := l.display(rel)
	cfg.Pos = Pos{File: file, Line: 1}
	if err != nil {
		l.diags = append(l.diags, Diagnostic{File: file, Message: errText(err)})
		return cfg, nil
	}
	d := digest(rel, data)
	doc, ds := parseDocument(file, data)
	if ds == nil {
		ds = checkEncryption(doc, false, "/fingerprintKey", "encrypt it with `workato-gitops encrypt workato-gitops.yaml` (a .sops.yaml rule with encrypted_regex: ^fingerprintKey$)")
	}
	if ds == nil {
		ds = validate(l.schemas.config, doc)
	}
	if ds != nil {
		l.diags = append(l.diags, ds...)
		return cfg, &d
	}
	var raw rawConfig
	if err := doc.root.Decode(&raw); err != nil {
		l.diags = append(l.diags, Diagnostic{File: file, Message: "cannot decode: " + errText(err)})
		return cfg, &d
	}
	cfg.APIURL, cfg.DataCenter, cfg.Ignore = raw.API.URL, raw.API.DataCenter, raw.Ignore
	for class, v := range raw.RateLimits {
		if cfg.RateLimits == nil {
			cfg.RateLimits = map[string]RateLimit{}
		}
		cfg.RateLimits[class] = parseRate(v) // the schema vouched for its form
	}
	cfg.Rollout = Rollout{Canary: raw.Rollout.Canary, CanaryCount: raw.Rollout.CanaryCount,
		WaveSize: raw.Rollout.WaveSize, MaxFailedShare: raw.Rollout.MaxFailedShare}
	if raw.Parallelism > 0 {
		cfg.Parallelism = raw.Parallelism
	}
	if v := raw.Guards.MaxDeletesPerTenant; v != nil {
		cfg.Guards.MaxDeletesPerTenant = *v
	}
	if v := raw.Guards.MaxDeletesTotal; v != nil {
		cfg.Guards.MaxDeletesTotal = *v
	}
	l.configKey(&cfg, doc, data)
	return cfg, &d
}

// configKey decrypts the fingerprint key, when the config has one.
func (l *loader) configKey(cfg *Config, doc *document, data []byte) {
	raw, ok := doc.value["fingerprintKey"].(string)
	if !ok {
		return
	}
	if !strings.HasPrefix(raw, encPrefix) {
		return
	}
	if l.opts.SkipDecrypt {
		cfg.FingerprintKeySealed = true
		return
	}
	leaves, err := decrypt(l.opts.Decrypter, doc, data, func(ptr string) bool { return ptr == "/fingerprintKey" })
	if err != nil {
		var p *DecryptProblem
		if errors.As(err, &p) {
			l.diags = append(l.diags, problemDiag(doc, p))
		} else {
			l.diags = append(l.diags, Diagnostic{File: doc.file, Message: errText(err)})
		}
		return
	}
	key := leaves["/fingerprintKey"]
	if len(key.canonical()) < minFingerprintKey {
		l.diags = append(l.diags, Diagnostic{File: doc.file, Line: doc.line("/fingerprintKey"), Field: "fingerprintKey",
			Message: "too short: use at least 32 random characters (e.g. `openssl rand -base64 32`)"})
		return
	}
	cfg.FingerprintKey = key
}

// checkCanaries reports each canary name of the config that names no
// tenant.
func (l *loader) checkCanaries(repo *Repo) {
	names := map[string]bool{}
	for _, t := range repo.Tenants {
		names[t.Name] = true
	}
	for i, name := range repo.Config.Rollout.Canary {
		if !names[name] {
			l.diags = append(l.diags, Diagnostic{File: repo.Config.File, Line: repo.Config.Line,
				Field: "rollout.canary[" + strconv.Itoa(i) + "]", Message: "names no tenant: " + strconv.Quote(name)})
		}
	}
}
