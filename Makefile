# Targets a newcomer needs: `make run` starts the service on its embedded
# store, `make test` runs every test CI runs.

GO        ?= go
BIN       := bin/customer-service
PKGS      := ./...
# The MongoDB stand-in (FerretDB) the MongoDB adapter's tests run against:
# a module of its own, kept out of the service's build.
STANDIN   := test/mongoserver
# The load generator behind `make bench`, a module of its own so that its
# plotting and the rest stay out of the service's build.
BENCH     := test/bench
# Test containers are cleaned up by the tests themselves: the reaper image
# testcontainers-go would start cannot be pulled everywhere.
export TESTCONTAINERS_RYUK_DISABLED := true

.PHONY: run build test lint fuzz test-images test-standin image bench bench-mongodb bench-tool gobench soak

## run: build and start the service on the embedded store (console logs),
## listening on loopback only: it logs a development token. The binary's own
## defaults (:3005, :9005) are for containers; override these to listen
## elsewhere, e.g. `make run CUSTOMER_HTTP_ADDR=:3005`.
run: CUSTOMER_HTTP_ADDR ?= 127.0.0.1:3005
run: CUSTOMER_ADMIN_ADDR ?= 127.0.0.1:9005
run: build
	CUSTOMER_LOG_FORMAT=console CUSTOMER_HTTP_ADDR=$(CUSTOMER_HTTP_ADDR) CUSTOMER_ADMIN_ADDR=$(CUSTOMER_ADMIN_ADDR) ./$(BIN)

## build: static binary in bin/customer-service
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) .

## test: every test, with the race detector
test: test-images test-standin
	cd $(STANDIN) && $(GO) test -race -count=1 ./...
	cd $(BENCH) && CUSTOMER_TEST_MONGOSERVER=$(CURDIR)/bin/mongoserver $(GO) test -race -count=1 ./...
	CUSTOMER_TEST_MONGOSERVER=$(CURDIR)/bin/mongoserver $(GO) test -race -count=1 -timeout 40m $(PKGS)

## test-standin: the MongoDB stand-in as a local binary, bin/mongoserver
test-standin:
	cd $(STANDIN) && CGO_ENABLED=0 $(GO) build -trimpath -o $(CURDIR)/bin/mongoserver .

## lint: formatting and vet
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet $(PKGS)
	cd $(STANDIN) && $(GO) vet ./...
	cd $(BENCH) && $(GO) vet ./...

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzNormalizeEmail$$' -fuzztime=$(FUZZTIME) ./domain/
	$(GO) test -run='^$$' -fuzz='^FuzzNormalizeCountry$$' -fuzztime=$(FUZZTIME) ./domain/
	$(GO) test -run='^$$' -fuzz='^FuzzNewCustomerPatch$$' -fuzztime=$(FUZZTIME) ./domain/
	$(GO) test -run='^$$' -fuzz='^FuzzNewAddress$$' -fuzztime=$(FUZZTIME) ./domain/
	$(GO) test -run='^$$' -fuzz='^FuzzCheckID$$' -fuzztime=$(FUZZTIME) ./domain/
	$(GO) test -run='^$$' -fuzz='^FuzzParseArguments$$' -fuzztime=$(FUZZTIME) ./adapters/httpapi/

## bench: the embedded default store's cost from 200 to 20,000 customers
## (each call from one client, customer.update from 8, peak RSS, data size),
## then customer.update against a bare net/http server doing the same
## transaction on the same store, and the HTTP path against a bare Gin
## handler; writes docs/bench/growth.json and docs/bench/baseline.json.
## BENCH_FLAGS passes flags to the load generator (bin/bench/bench -h),
## e.g. BENCH_FLAGS=-sizes=200,20000,100000.
BENCH_FLAGS ?=
bench: build gobench bench-tool
	./bin/bench/bench -service $(BIN) -gobench bin/bench/gobench.txt $(BENCH_FLAGS)

## bench-mongodb: customer.update through the service against the raw driver
## on the same MongoDB (CUSTOMER_MONGODB_URI, else the FerretDB stand-in);
## writes docs/bench/update.{json,svg}.
bench-mongodb: build gobench bench-tool
	./bin/bench/bench -bench update -service $(BIN) -gobench bin/bench/gobench.txt $(BENCH_FLAGS)

## bench-tool: the load generator as bin/bench/bench
bench-tool:
	@mkdir -p bin/bench
	cd $(BENCH) && $(GO) build -o $(CURDIR)/bin/bench/bench .

gobench:
	@mkdir -p bin/bench
	$(GO) test -run='^$$' -bench='^BenchmarkUpdatePath$$' -benchmem -count=6 ./adapters/httpapi/ > bin/bench/gobench.txt \
		|| { cat bin/bench/gobench.txt; exit 1; }

## soak: SOAK_DURATION of mixed load (create/update/info/list) from
## SOAK_CLIENTS clients offering SOAK_RATE calls/s (0: back to back) against
## the service and database images; prints throughput, answers by status and
## code, goroutines and heap before, at peak and after. `make test` runs a
## 10 s version of it.
SOAK_DURATION ?= 60s
SOAK_CLIENTS  ?= 64
SOAK_RATE     ?= 40
soak: test-images
	SOAK_DURATION=$(SOAK_DURATION) SOAK_CLIENTS=$(SOAK_CLIENTS) SOAK_RATE=$(SOAK_RATE) \
		$(GO) test -count=1 -v -timeout 3h -run '^TestSustainedLoad$$' ./test/soak/

## image: the service image customer-service:dev (FROM scratch, offline)
image:
	rm -rf bin/image && mkdir -p bin/image/data
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o bin/image/customer-service .
	docker build -q -f Dockerfile -t customer-service:dev bin/image

## test-images: the images container tests start (skipped without Docker)
test-images:
	@if docker info >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory image && \
		rm -rf bin/testdb-image && mkdir -p bin/testdb-image/data && \
		(cd $(STANDIN) && CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o $(CURDIR)/bin/testdb-image/mongoserver .) && \
		docker build -q -f $(STANDIN)/Dockerfile -t customer-service-testdb:dev bin/testdb-image; \
	else \
		echo "test-images: no Docker engine answers; container tests will skip"; \
	fi
