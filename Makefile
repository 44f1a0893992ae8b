# misskey-wasm: `make serve` builds and serves the demo; `make test` runs every test.
GO ?= go
DIST := dist

.PHONY: build serve test vet bench clean

build:
	$(GO) run ./web -build $(DIST)

serve: build
	$(GO) run ./web -dist $(DIST)

vet:
	test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || (gofmt -l . && false)
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/... ./misskey/...

# Native tests of the core and the fake, the bindings under Node (wasm/node_test.go
# runs them), and the end-to-end tests in headless Chromium (web/).
test: vet
	$(GO) test -count=1 ./...

bench: build
	$(GO) run ./bench

clean:
	rm -rf $(DIST)
