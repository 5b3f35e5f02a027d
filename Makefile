# ParallelEVM — the commands a newcomer needs. `make run` and `make test` work
# on a fresh Debian machine with only the Swift toolchain present.

SWIFT        ?= swift
SHARED       ?= $(abspath ../shared)
RELEASE_BIN   = .build/release/pevm
APT_PACKAGES  = libsecp256k1-dev libssl-dev pkg-config
export PEVM_SHARED = $(SHARED)

.PHONY: setup build test conformance bench run tsan clean format

## setup: install the system libraries (libsecp256k1, OpenSSL) when missing.
setup:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## build: release build of the library and the `pevm` CLI.
build: setup
	$(SWIFT) build -c release

## test: unit tests and the fast conformance suites (RLP, trie, transactions, …).
test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## conformance: the Ethereum conformance suites through the release CLI.
conformance: build
	@echo "conformance suites are added as the EVM lands"

## bench: primitive micro-benchmarks.
bench: build
	$(RELEASE_BIN) microbench

## run: the main job on a bundled fixture.
run: build
	$(RELEASE_BIN) microbench

## tsan: the test suite under ThreadSanitizer.
tsan: setup
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build .build-*
