# The two commands a fresh machine needs are `make demo` and `make test`.
GO      ?= go
BIN     := $(CURDIR)/bin
SOPS    := $(BIN)/sops
DEMOKEY := examples/demo-age-key.txt

.PHONY: build demo test lint bench fuzz clean

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

# Every test, as CI runs it.
test: lint
	$(GO) test -race -count=1 ./...

ACTIONLINT := $(BIN)/actionlint

lint: $(ACTIONLINT)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(ACTIONLINT) .github/workflows/*.yml

$(ACTIONLINT):
	GOBIN=$(BIN) $(GO) install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

# Benchmarks, on one core, with the sops CLI to compare against.
$(SOPS):
	GOBIN=$(BIN) $(GO) install github.com/getsops/sops/v3/cmd/sops@v3.13.3

bench: $(SOPS)
	SOPS=$(SOPS) $(GO) test -run '^$$' -bench . -cpu 1 ./internal/spec/
	$(GO) test -run '^$$' -bench . -benchtime 1x ./internal/apply/ ./internal/workato/ ./internal/sandbox/
	$(GO) test -run '^$$' -bench PlanMemory -benchtime 1x .

# Each fuzz target for FUZZTIME (default 1 minute).
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzManifest -fuzztime $(FUZZTIME) ./internal/spec/
	$(GO) test -run '^$$' -fuzz FuzzKeyText -fuzztime $(FUZZTIME) ./internal/spec/
	$(GO) test -run '^$$' -fuzz FuzzParseLedger -fuzztime $(FUZZTIME) ./internal/plan/
	$(GO) test -run '^$$' -fuzz FuzzDecodeEnvelope -fuzztime $(FUZZTIME) ./internal/workato/
	$(GO) test -run '^$$' -fuzz FuzzParsePackage -fuzztime $(FUZZTIME) ./internal/sandbox/
	$(GO) test -run '^$$' -fuzz FuzzFromZip -fuzztime $(FUZZTIME) ./internal/pkgzip/
	$(GO) test -run '^$$' -fuzz FuzzUnzip -fuzztime $(FUZZTIME) ./internal/pkgzip/
	$(GO) test -run '^$$' -fuzz FuzzDecodeInputSchema -fuzztime $(FUZZTIME) ./internal/workato/
	$(GO) test -run '^$$' -fuzz FuzzReadSaved -fuzztime $(FUZZTIME) ./internal/plan/
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime $(FUZZTIME) ./internal/catalog/
	$(GO) test -run '^$$' -fuzz FuzzRender -fuzztime $(FUZZTIME) ./internal/export/
	$(GO) test -run '^$$' -fuzz FuzzParseNameStatus -fuzztime $(FUZZTIME) ./internal/scope/

clean:
	rm -rf $(BIN)
