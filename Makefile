# misskey-wasm: `make serve` builds and serves the demo; `make test` runs every test.
GO ?= go
DIST := dist
# go.mod names the toolchain (a patch release with the standard library's
# security fixes); let the go command fetch it from the module proxy.
export GOTOOLCHAIN := auto

# govulncheck runs offline against a pinned copy of the Go vulnerability
# database, fetched as a module from the proxy.
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.1.4
VULNDB := golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

.PHONY: build serve test vet vulncheck bench clean generate

build:
	$(GO) run ./web -build $(DIST)

serve: build
	$(GO) run ./web -dist $(DIST)

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || (gofmt -l . && false)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./misskey/...

vulncheck:
	dir=$$($(GO) mod download -json $(VULNDB) | sed -n 's/.*"Dir": "\(.*\)".*/\1/p'); \
	test -d "$$dir/data/osv" && $(GO) run $(GOVULNCHECK) -db "file://$$dir/data/osv" ./...

# Regenerate the types of every endpoint and entity (wasm/misskey-api.d.ts,
# misskey/endpoints_gen.go, misskey/permissions_list.go) from the vendored
# OpenAPI document; a test fails when the committed files are not current.
generate:
	$(GO) generate ./misskey

# Native tests of the core and the fake, the bindings under Node (wasm/node_test.go
# runs them), the end-to-end tests in headless Chromium (web/), and the type
# tests with the TypeScript compiler (npm, pinned, into dist/npm-tools).
test: vet vulncheck
	$(GO) test -count=1 ./...

# Benchmark in headless Chromium against raw fetch and misskey-js (installed
# from npm into $(DIST)/bench); prints a table and writes $(DIST)/bench/results.md.
bench: build
	$(GO) run ./web/bench -dist $(DIST)

clean:
	rm -rf $(DIST)
