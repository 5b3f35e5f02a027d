# ParallelEVM — the commands a newcomer needs. `make run` and `make test` work
# on a fresh Debian machine with only the Swift toolchain present.

SWIFT        ?= swift
SHARED       ?= $(abspath ../shared)
STATE_TESTS   = $(SHARED)/ethereum-tests/GeneralStateTests
BLOCK_TESTS   = $(SHARED)/ethereum-tests/BlockchainTests
SPEC_FILLS    = .build/spec-fills
KNOWN         = Tests/known-failures
RELEASE_BIN   = .build/release/pevm
APT_PACKAGES  = libsecp256k1-dev libssl-dev pkg-config
BLOCKS        = Fixtures/blocks
BENCH_FIXTURES = .build/fixtures
WORKLOADS     = transfers hot-transfers erc20 erc20-hot-sender erc20-hot-recipient \
                amm-one-pool amm-many-pools mix
export PEVM_SHARED = $(SHARED)

.PHONY: setup build test replay conformance conformance-prague-osaka known-failures bench run tsan clean format \
  fixtures fixtures-reference bench-fixtures

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

## conformance: GeneralStateTests (Cancun and older; sequentially, then every case as a
## one-transaction block on the two-worker speculative pipeline and on Block-STM) and
## BlockchainTests (ValidBlocks, InvalidBlocks; sequentially, then every block on the
## pipeline and on Block-STM) through the release CLI,
## then the mainnet block replays; fails on a failure missing from the known-failures
## lists or a listed case that passes.
conformance: build
	$(RELEASE_BIN) statetest $(STATE_TESTS) --known-failures $(KNOWN)/GeneralStateTests.txt
	$(RELEASE_BIN) statetest $(STATE_TESTS) --block-stm 2 --known-failures $(KNOWN)/GeneralStateTests.txt
	PEVM_BLOCK_STM=1 $(RELEASE_BIN) statetest $(STATE_TESTS) --block-stm 2 --known-failures $(KNOWN)/GeneralStateTests.txt
	$(RELEASE_BIN) blocktest $(BLOCK_TESTS) --known-failures $(KNOWN)/BlockchainTests.txt
	$(RELEASE_BIN) blocktest $(BLOCK_TESTS) --block-workers 2 --known-failures $(KNOWN)/BlockchainTests.txt
	PEVM_BLOCK_STM=1 $(RELEASE_BIN) blocktest $(BLOCK_TESTS) --block-workers 2 --known-failures $(KNOWN)/BlockchainTests.txt
	$(RELEASE_BIN) replay $(SHARED)/blocks/mainnet
	$(RELEASE_BIN) replay --workers 2 --check $(SHARED)/blocks/mainnet Fixtures/blocks
	$(RELEASE_BIN) replay --workers 16 --check $(SHARED)/blocks/mainnet Fixtures/blocks

## conformance-prague-osaka: the same tests re-filled for Prague and Osaka.
conformance-prague-osaka: build $(SPEC_FILLS)/.extracted
	$(RELEASE_BIN) statetest $(SPEC_FILLS)/GeneralStateTests-Prague \
	  --known-failures $(KNOWN)/GeneralStateTests-Prague.txt
	$(RELEASE_BIN) statetest $(SPEC_FILLS)/GeneralStateTests-Osaka \
	  --known-failures $(KNOWN)/GeneralStateTests-Osaka.txt

$(SPEC_FILLS)/.extracted: $(SHARED)/spec-fills/GeneralStateTests-Prague-Osaka.tar.xz
	rm -rf $(SPEC_FILLS) && mkdir -p $(SPEC_FILLS)
	tar -xJf $< -C $(SPEC_FILLS)
	touch $@

## known-failures: regenerate the four known-failures lists from the current EVM.
known-failures: build $(SPEC_FILLS)/.extracted
	-$(RELEASE_BIN) statetest $(STATE_TESTS) --write-known-failures $(KNOWN)/GeneralStateTests.txt >/dev/null
	-$(RELEASE_BIN) blocktest $(BLOCK_TESTS) --write-known-failures $(KNOWN)/BlockchainTests.txt >/dev/null
	-$(RELEASE_BIN) statetest $(SPEC_FILLS)/GeneralStateTests-Prague \
	  --write-known-failures $(KNOWN)/GeneralStateTests-Prague.txt >/dev/null
	-$(RELEASE_BIN) statetest $(SPEC_FILLS)/GeneralStateTests-Osaka \
	  --write-known-failures $(KNOWN)/GeneralStateTests-Osaka.txt >/dev/null

## bench: sequential against Block-STM on the mainnet and synthetic blocks, then the primitives.
bench: build
	$(RELEASE_BIN) bench --workers 2 --runs 5 $(SHARED)/blocks/mainnet Fixtures/blocks
	$(RELEASE_BIN) microbench

## run: the main job on the bundled fixtures: replay the synthetic blocks of Fixtures/blocks.
run: build
	$(RELEASE_BIN) replay $(BLOCKS)

## fixtures: regenerate the committed 30M-gas synthetic blocks in Fixtures/blocks (seed 1).
fixtures: build
	for kind in $(WORKLOADS); do \
	  $(RELEASE_BIN) generate $$kind --gas 30M --seed 1 --output $(BLOCKS)/$$kind-30M.json || exit 1; done

## fixtures-reference: check every committed fixture against the Python execution
## specification's t8n (needs `pip install ethereum-execution==2.20.0`).
fixtures-reference:
	for file in $(BLOCKS)/*.json; do python3 Tests/tools/spec-t8n.py $$file --check --quiet || exit 1; done

## bench-fixtures: the 1G-gas synthetic blocks, generated into .build/fixtures (not committed).
bench-fixtures: build
	@mkdir -p $(BENCH_FIXTURES)
	for kind in $(WORKLOADS); do \
	  $(RELEASE_BIN) generate $$kind --gas 1G --seed 1 --output $(BENCH_FIXTURES)/$$kind-1G.json || exit 1; done

## tsan: the Block-STM tests under ThreadSanitizer (a smaller fixture selection);
## any sanitizer report fails the run. One test at a time: each runs its own threads,
## and tests side by side on two cores starved each other past their time limits.
tsan: setup
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	PEVM_TSAN_QUICK=1 TSAN_OPTIONS=halt_on_error=1 \
	  $(SWIFT) test --skip-build --no-parallel --sanitize=thread --scratch-path .build-tsan --filter BlockSTMTests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build .build-*
