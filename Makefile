# The two commands a fresh machine needs are `make demo` and `make test`.
GO      ?= go
BIN     := $(CURDIR)/bin
SOPS    := $(BIN)/sops
DEMOKEY := examples/demo-age-key.txt

.PHONY: build demo test lint lint-fast vulncheck release release-snapshot release-check bench fuzz clean

build:
	$(GO) build -o $(BIN)/workato-gitops .

# The main job on the committed examples with the TEST ONLY demo key,
# against a fresh in-process sandbox (no Workato account needed): validate,
# plan, apply, and plan again, which must find nothing left to do.
DEMOSTATE := $(BIN)/demo-sandbox.json
DEMOENV   := SOPS_AGE_KEY_FILE=$(DEMOKEY) WORKATO_API_URL=sandbox:$(DEMOSTATE)
demo: build
	rm -f $(DEMOSTATE)
	$(DEMOENV) $(BIN)/workato-gitops validate examples/tenants
	$(DEMOENV) $(BIN)/workato-gitops plan --out $(BIN)/demo-plan.json examples/tenants
	$(DEMOENV) $(BIN)/workato-gitops apply --plan $(BIN)/demo-plan.json --auto-approve examples/tenants
	$(DEMOENV) $(BIN)/workato-gitops plan --detailed-exitcode examples/tenants

# Every test, as CI runs it: the fast linters, then the tests. The race
# detector sleeps a second when each test binary exits (atexit_sleep_ms),
# for other threads to report; races are still reported as they happen.
# Options of your own in GORACE come later, so they win. The test binaries
# are linked without DWARF (-w): a quarter less linking, most for the 3 of
# them that hold SOPS and its cloud SDKs (main, internal/sopsfile,
# internal/doctor; TestOnlyDecryptersLinkSOPS keeps it so); stack traces
# and race reports do not use it.
test: lint-fast
	GORACE="atexit_sleep_ms=0 $$GORACE" $(GO) test -race -count=1 -ldflags=-w ./...

# Every linter: `make test`'s, and govulncheck.
lint: lint-fast vulncheck

ACTIONLINT := $(BIN)/actionlint

# The linters are pinned; each version installs into its own directory,
# so changing a pin installs the new one.
STATICCHECK_VERSION := v0.8.2
STATICCHECK         := $(BIN)/staticcheck-$(STATICCHECK_VERSION)/staticcheck
GOVULNCHECK_VERSION := v1.9.0
GOVULNCHECK         := $(BIN)/govulncheck-$(GOVULNCHECK_VERSION)/govulncheck

lint-fast: $(ACTIONLINT) $(STATICCHECK)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(ACTIONLINT) .github/workflows/*.yml
	$(STATICCHECK) ./...

# govulncheck reads an offline database built from a pinned version of
# golang.org/x/vulndb (its data/osv entries, from the Go module proxy), so
# the check needs no access to vuln.go.dev and gives the same answer
# everywhere. To update: pick a newer version, then
#   go mod download -json golang.org/x/vulndb@VERSION
# and copy its "Sum" here. The standard library is checked as of
# VULNCHECK_GO, the Go that CI and releases build with (the go command
# fetches it through the module proxy when it is not the local one; go.mod
# names no toolchain, so that `make test` builds with the local Go).
# Not part of `make test`: it type-checks every dependency, several
# minutes on a cold cache; CI runs it as a job of its own.
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
VULNDB_SUM     := h1:mfngRv0Yoh0VApsXKEN82CjD99kl7mtparN3bs3JnqI=
VULNDB         := $(BIN)/vulndb-$(VULNDB_VERSION)
VULNCHECK_GO   := go1.26.10

vulncheck: $(GOVULNCHECK) $(VULNDB)
	GOTOOLCHAIN=$(VULNCHECK_GO) $(GOVULNCHECK) -db file://$(VULNDB) ./...

$(ACTIONLINT):
	GOBIN=$(BIN) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

$(STATICCHECK):
	GOBIN=$(dir $@) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(GOVULNCHECK):
	GOBIN=$(dir $@) $(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)

$(VULNDB):
	@mkdir -p $(BIN)
	$(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) > $@.download.json
	$(GO) run ./tools/vulndb -download $@.download.json -sum $(VULNDB_SUM) -out $@

# Releases (GoReleaser, pinned): `make release-snapshot` builds every
# target into dist/ (archives, and their SHA-256 checksums) from the
# checkout, with no tag and nothing published; `make release-check`
# checks the configuration and builds this machine's binary with it
# (CI); `make release` is the tag's release (.github/workflows/release.yml).
GORELEASER_VERSION := v2.17.0
GORELEASER         := $(BIN)/goreleaser-$(GORELEASER_VERSION)/goreleaser

$(GORELEASER):
	GOBIN=$(dir $@) $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)

release-snapshot: $(GORELEASER)
	$(GORELEASER) release --snapshot --clean

release-check: $(GORELEASER)
	$(GORELEASER) check
	$(GORELEASER) build --snapshot --clean --single-target

release: $(GORELEASER)
	$(GORELEASER) release --clean

# Benchmarks, on one core, with the sops CLI to compare against.
$(SOPS):
	GOBIN=$(BIN) $(GO) install github.com/getsops/sops/v3/cmd/sops@v3.13.3

bench: $(SOPS)
	SOPS=$(SOPS) $(GO) test -run '^$$' -bench . -cpu 1 ./internal/sopsfile/
	$(GO) test -run '^$$' -bench . -benchtime 1x ./internal/apply/ ./internal/workato/ ./internal/sandbox/
	$(GO) test -run '^$$' -bench PlanMemory -benchtime 1x .

# Each fuzz target for FUZZTIME (default 1 minute).
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzManifest -fuzztime $(FUZZTIME) ./internal/spec/
	$(GO) test -run '^$$' -fuzz FuzzKeyText -fuzztime $(FUZZTIME) ./internal/spec/
	$(GO) test -run '^$$' -fuzz FuzzDecrypt -fuzztime $(FUZZTIME) ./internal/sopsfile/
	$(GO) test -run '^$$' -fuzz FuzzParseLedger -fuzztime $(FUZZTIME) ./internal/plan/
	$(GO) test -run '^$$' -fuzz FuzzDecodeEnvelope -fuzztime $(FUZZTIME) ./internal/workato/
	$(GO) test -run '^$$' -fuzz FuzzParsePackage -fuzztime $(FUZZTIME) ./internal/sandbox/
	$(GO) test -run '^$$' -fuzz FuzzReadState -fuzztime $(FUZZTIME) ./internal/sandbox/
	$(GO) test -run '^$$' -fuzz FuzzFromZip -fuzztime $(FUZZTIME) ./internal/pkgzip/
	$(GO) test -run '^$$' -fuzz FuzzUnzip -fuzztime $(FUZZTIME) ./internal/pkgzip/
	$(GO) test -run '^$$' -fuzz FuzzDecodeInputSchema -fuzztime $(FUZZTIME) ./internal/workato/
	$(GO) test -run '^$$' -fuzz FuzzReadSaved -fuzztime $(FUZZTIME) ./internal/plan/
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./internal/catalog/
	$(GO) test -run '^$$' -fuzz FuzzRender -fuzztime $(FUZZTIME) ./internal/export/
	$(GO) test -run '^$$' -fuzz FuzzParseNameStatus -fuzztime $(FUZZTIME) ./internal/scope/
	$(GO) test -run '^$$' -fuzz FuzzReadEntry -fuzztime $(FUZZTIME) ./tools/vulndb/
	$(GO) test -run '^$$' -fuzz FuzzString -fuzztime $(FUZZTIME) ./internal/redact/

clean:
	rm -rf $(BIN) dist
