# salesbot — build, test and run targets. `make` alone lists them.
#
# The Dockerfile builds with `make build BIN=/out/salesbot`, so the image gets
# exactly the binary this file describes: static (CGO_ENABLED=0), stripped, and
# with the zoneinfo database embedded (-tags timetzdata), because reminders and
# digests run in each user's Slack time zone and the runtime image may have no
# /usr/share/zoneinfo.

GO       ?= go
BIN      ?= bin/salesbot
PKG      := ./cmd/salesbot
FUZZTIME ?= 30s

GO_BUILD = CGO_ENABLED=0 $(GO) build -trimpath -tags timetzdata -ldflags="-s -w" -o $(BIN) $(PKG)

.DEFAULT_GOAL := help
.PHONY: help build test test-cluster soak fuzz lint run console docker clean

help: ## list the targets
	@echo "usage: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		awk 'BEGIN { FS = ":.*## " } { printf "  %-12s %s\n", $$1, $$2 }'

build: ## static binary in bin/salesbot (or: make build BIN=/out/salesbot)
	$(GO_BUILD)

# Each test package starts its own redis-server on a free port
# (internal/redistest), or uses REDIS_URL when it is set; this target only
# makes sure the binary is there. The chart tests draw Chinese with the CJK
# font of fonts-wqy-microhei, or the one SALESBOT_FONT names. The race
# detector needs cgo, hence a C compiler.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

test: ## go vet + every test (race detector when a C compiler is present)
	@if [ -z "$(REDIS_URL)" ] && ! command -v redis-server >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "redis-server is missing: installing it with apt-get"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get -qq update >/dev/null && \
			apt-get -qq install -y --no-install-recommends redis-server >/dev/null || exit 1; \
		else \
			echo "redis-server is missing: run 'sudo apt-get install -y redis-server' (or set REDIS_URL)"; \
			exit 1; \
		fi; \
	fi
	@if [ -z "$(SALESBOT_FONT)" ] && [ ! -f $(CJK_FONT) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "$(CJK_FONT) is missing: installing fonts-wqy-microhei with apt-get"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get -qq update >/dev/null && \
			apt-get -qq install -y --no-install-recommends fonts-wqy-microhei >/dev/null || exit 1; \
		else \
			echo "$(CJK_FONT) is missing: run 'sudo apt-get install -y fonts-wqy-microhei' (or set SALESBOT_FONT to a .ttf/.ttc with Chinese glyphs)"; \
			exit 1; \
		fi; \
	fi
	$(GO) vet ./...
	@if command -v "$$($(GO) env CC)" >/dev/null 2>&1; then \
		echo "CGO_ENABLED=1 $(GO) test -race -count=1 ./..."; \
		CGO_ENABLED=1 $(GO) test -race -count=1 ./...; \
	else \
		echo "note: no C compiler ($$($(GO) env CC)) found, so running the tests without -race"; \
		echo "$(GO) test -count=1 ./..."; \
		$(GO) test -count=1 ./...; \
	fi

# With REDISTEST_CLUSTER=1, internal/redistest starts, for each test
# package, a Redis Cluster of six redis-servers (three masters with a
# replica each, joined by redis-cli --cluster create) instead of one server,
# and hands it to the tests as REDIS_URL would be. This target runs on it the
# store's whole suite, the replicas tests (several `salesbot serve` processes
# on one Redis, each test on a cluster of its own) and the failover tests
# (a master killed, and handed over, under traffic; a Sentinel set too) and
# the growth test (a fourth master added, a slot moved to it under traffic,
# then a rebalance). redis-cli comes with redis-server (Debian's redis-tools).
CLUSTER_RUN := Replicas|Failover|Grows

test-cluster: ## store suite, replicas, failover and growth tests on a real 3-master Redis Cluster
	@for bin in redis-server redis-cli; do \
		command -v $$bin >/dev/null 2>&1 && continue; \
		if [ "$$(id -u)" = 0 ]; then \
			echo "$$bin is missing: installing redis-server (with redis-tools) with apt-get"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get -qq update >/dev/null && \
			apt-get -qq install -y --no-install-recommends redis-server redis-tools >/dev/null || exit 1; \
		else \
			echo "$$bin is missing: run 'sudo apt-get install -y redis-server redis-tools'"; \
			exit 1; \
		fi; \
	done
	REDISTEST_CLUSTER=1 $(GO) test -count=1 -timeout 8m ./internal/redistest/ ./store/
	REDISTEST_CLUSTER=1 $(GO) test -count=1 -timeout 8m -run '$(CLUSTER_RUN)' ./cmd/salesbot/

# TestSoak (cmd/loadgen/soak_test.go, build tag soak) runs mixed traffic for
# SOAK_DURATION (default 2m) while its own Redis is killed and restarted twice.
soak: ## Redis-restart soak test, 2m or SOAK_DURATION=10m (not part of test)
	SOAK_DURATION=$(SOAK_DURATION) $(GO) test -tags soak -run TestSoak -count=1 -timeout 30m -v ./cmd/loadgen/

fuzz: ## run every Fuzz target for 30s each (FUZZTIME=...; not part of test)
	@set -e; found=0; \
	for pkg in $$($(GO) list ./...); do \
		for fn in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			found=1; \
			echo "== $$pkg $$fn"; \
			$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done; \
	if [ $$found = 0 ]; then echo "no Fuzz targets found"; fi

lint: ## gofmt check, go vet, staticcheck
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then \
		echo "these files need gofmt -w:"; echo "$$unformatted"; exit 1; \
	fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@latest ./...

run: ## the bot (HTTP, or Socket Mode when SLACK_APP_TOKEN is set)
	$(GO) run $(PKG) serve

console: ## terminal console with sample leads
	$(GO) run $(PKG) console --demo

docker: ## container image salesbot
	docker build -t salesbot .

clean: ## remove build output
	rm -rf bin
