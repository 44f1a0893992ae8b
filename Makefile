# misskey-wasm: `make serve` builds and serves the demo; `make test` runs every test.
GO ?= go
DIST := dist
# make serve ADDR=127.0.0.1:9000 FAKE_ADDR=127.0.0.1:9001 picks other ports.
ADDR ?= 127.0.0.1:8080
FAKE_ADDR ?= 127.0.0.1:8081
# The demo's server and build tool, built once (not `go run`: it turns the
# server's clean exit on Ctrl-C into exit status 1).
SERVER := $(DIST)/.bin/misskey-wasm-demo
# fg runs the server with the terminal's foreground to itself, so that
# Ctrl-C stops the server alone and make exits 0 (web/internal/fg).
FG := $(DIST)/.bin/fg
# go.mod names the toolchain (a patch release with the standard library's
# security fixes); let the go command fetch it from the module proxy.
export GOTOOLCHAIN := auto

# govulncheck runs offline against a pinned copy of the Go vulnerability
# database, fetched as a module from the proxy.
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.1.4
VULNDB := golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

.PHONY: build serve test vet vulncheck bench clean generate

# Each step says what it does. The go command may first download the Go
# toolchain that go.mod names, before any of this project's code runs (it
# prints one line, "go: downloading go1.26.11", then nothing until done):
# the first line below says whether it will. Compiling ./web names every
# 20th package it compiles (go build -v; none when all are cached; a shell
# loop, not awk, which would hold the lines back).
build: SHELL := /bin/bash
build: .SHELLFLAGS := -o pipefail -c
build:
	@want=$$(sed -n 's/^toolchain //p' go.mod); \
	have=$$(cd / && GOTOOLCHAIN=local $(GO) env GOVERSION 2>/dev/null || echo none); \
	cache=$$(cd / && GOTOOLCHAIN=local $(GO) env GOMODCACHE GOOS GOARCH 2>/dev/null | paste -sd' '); \
	set -- $$cache; \
	if [ "$$have" = none ]; then \
	  echo "make: no working '$(GO)' command: install Go 1.26 or later (go.dev/dl)"; exit 1; \
	elif [ "$$have" = "$$want" ] || [ "$$(printf '%s\n%s\n' "$$want" "$$have" | sort -V | tail -n1)" = "$$have" ]; then \
	  echo "make: using $$have"; \
	elif [ -d "$$1/golang.org/toolchain@v0.0.1-$$want.$$2-$$3" ]; then \
	  echo "make: using $$want (go.mod's toolchain, downloaded before)"; \
	else \
	  echo "make: go.mod asks for $$want and this is $$have: the go command first downloads $$want (72 MB, 241 MB unpacked); it prints one line, then nothing until done"; \
	fi
	@echo "make: compiling the build tool and demo server (./web) into $(SERVER); the first time, with Go's standard library"
	@$(GO) build -v -o $(SERVER) ./web 2>&1 | { n=0; while IFS= read -r line; do \
	  case "$$line" in \
	  ""|*[!A-Za-z0-9._~/-]*) echo "$$line" ;; \
	  *) n=$$((n + 1)); if [ $$((n % 20)) = 1 ]; then echo "make: … compiling $$line (package $$n)"; fi ;; \
	  esac; done; }
	@$(GO) build -o $(FG) ./web/internal/fg
	$(SERVER) -build $(DIST)

serve: build
	$(FG) $(SERVER) -dist $(DIST) -addr $(ADDR) -fake-addr $(FAKE_ADDR)

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
