# Capacity Hub. `make run` serves http://localhost:8080; `make test` runs every test.
GO          ?= go
BIN         := bin/capacityhub
TEMPL       := github.com/a-h/templ/cmd/templ@v0.3.1118
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
# The Go vulnerability database, as the module proxy serves it: a snapshot of golang.org/x/vulndb,
# whose data/osv holds every report as an OSV file. A newer one: `go list -m golang.org/x/vulndb@latest`.
VULNDB      := golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

.PHONY: run build test test-short lint vulncheck generate bench load clean

run: build
	./$(BIN) serve

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/capacityhub

# The browser test needs axe-core from npm (.tools/package-lock.json pins it) and Chromium; without
# them it skips outside CI and fails in CI. PostgreSQL and Redis tests run when DATABASE_URL_TEST
# and REDIS_URL are set.
test: .tools/node_modules/axe-core/axe.min.js
	$(GO) test -race -count=1 -timeout 10m ./...

.tools/node_modules/axe-core/axe.min.js: .tools/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix .tools --no-audit --no-fund --loglevel=error || echo "npm ci failed: the browser test will skip"; \
	else echo "npm not found: the browser test will skip"; fi

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) mod tidy -diff
	$(GO) run $(TEMPL) generate && git diff --exit-code -- '*_templ.go'
	$(MAKE) --no-print-directory vulncheck

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

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...
	./deploy/load.sh

clean:
	rm -rf bin
