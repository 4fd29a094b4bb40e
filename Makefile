# Capacity Hub. `make run` serves http://localhost:8080; `make test` runs every test.
GO          ?= go
BIN         := bin/capacityhub
TEMPL       := github.com/a-h/templ/cmd/templ@v0.3.1118
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
# The Go vulnerability database, as the module proxy serves it: a snapshot of golang.org/x/vulndb,
# whose data/osv holds every report as an OSV file. A newer one: `go list -m golang.org/x/vulndb@latest`.
VULNDB      := golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

.PHONY: run build test test-short lint openapi-lint vulncheck generate bench load clean

run: build
	./$(BIN) serve

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/capacityhub

# Test tools from npm, pinned by .tools/package-lock.json: axe-core for the browser test, vnu-jar
# (the Nu HTML Checker, which java runs) for the HTML test, @redocly/cli for the OpenAPI lint.
# --ignore-scripts: vnu-jar's install script would download a Java runtime when none is installed;
# Java comes from Debian (default-jre-headless). The browser test also needs Chromium, the HTML test
# java: without them they skip outside CI and fail in CI. PostgreSQL and Redis tests run when
# DATABASE_URL_TEST and REDIS_URL are set.
TOOLS   := .tools/node_modules/.package-lock.json
REDOCLY := .tools/node_modules/.bin/redocly

test: $(TOOLS)
	$(GO) test -race -count=1 -timeout 10m ./...

$(TOOLS): .tools/package.json .tools/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix .tools --ignore-scripts --no-audit --no-fund --loglevel=error || echo "npm ci failed: the browser and HTML tests and the OpenAPI lint will skip"; \
	else echo "npm not found: the browser and HTML tests and the OpenAPI lint will skip"; fi

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff
	$(GO) run $(TEMPL) generate && git diff --exit-code -- '*_templ.go'
	$(MAKE) --no-print-directory openapi-lint
	$(MAKE) --no-print-directory vulncheck

# The OpenAPI document under Redocly CLI's recommended rules, warnings as errors (redocly.yaml),
# offline, from .tools. Without it: a skip, or a failure when CI=true.
openapi-lint: $(TOOLS)
	@if [ -x $(REDOCLY) ]; then \
		echo "redocly lint internal/web/openapi.json"; \
		REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(REDOCLY) lint --config redocly.yaml internal/web/openapi.json; \
	elif [ "$$CI" = true ]; then echo "openapi-lint: $(REDOCLY) is missing (npm ci --prefix .tools); CI=true, so this fails"; exit 1; \
	else echo "openapi-lint: $(REDOCLY) is missing (npm ci --prefix .tools): skipped"; fi

# Known vulnerabilities in what the code calls, offline: govulncheck reads the OSV files of $(VULNDB)
# from the module cache (it takes a folder of them as a database), and tools/vulncheck fails on
# every called vulnerability that tools/vulncheck/accepted.txt does not list with a reason.
vulncheck:
	@json=$$($(GO) mod download -json $(VULNDB)) || { echo "$$json"; exit 1; }; \
	dir=$$(echo "$$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	test -d "$$dir/data/osv" || { echo "vulncheck: $(VULNDB) has no data/osv"; exit 1; }; \
	echo "$(GO) run $(GOVULNCHECK) -db file://$$dir/data/osv -format json ./..."; \
	$(GO) run $(GOVULNCHECK) -db "file://$$dir/data/osv" -format json ./... > .tools/govulncheck.json
	$(GO) run ./tools/vulncheck -accept tools/vulncheck/accepted.txt < .tools/govulncheck.json

# Regenerates the *_templ.go files from the .templ sources (commit them).
generate:
	$(GO) run $(TEMPL) generate

# Go benchmarks, then the speed table (deploy/bench.sh: the hot pages beside a bare Fiber page, in
# one run, with wrk; BENCH_SECS, BENCH_ROUNDS, BENCH_CONNS; DATABASE_URL/REDIS_URL for PostgreSQL).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...
	./deploy/bench.sh

clean:
	rm -rf bin
