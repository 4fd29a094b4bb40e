# Capacity Hub. `make run` serves http://localhost:8080; `make test` runs every test.
GO          ?= go
BIN         := bin/capacityhub
TEMPL       := github.com/a-h/templ/cmd/templ@v0.3.1118
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run build test test-short lint generate bench load clean

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

# Regenerates the *_templ.go files from the .templ sources (commit them).
generate:
	$(GO) run $(TEMPL) generate

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...
	./deploy/load.sh

clean:
	rm -rf bin
