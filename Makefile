# mes — two commands do all set-up on a fresh Debian 12 machine with the Swift toolchain:
#   make demo   start the app on the demo account
#   make test   run every test (unit, integration over HTTP, end-to-end in tmux)
# Both first install any missing Debian package (and nothing when all are present).

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

SWIFT ?= swift
CONFIGURATION ?= debug
BIN := .build/$(CONFIGURATION)

# Every Debian package the build, the tests, the benchmarks or the demo use.
DEBIAN_PACKAGES := pkg-config libncurses-dev ncurses-term libsqlite3-dev libsodium-dev \
	libmicrohttpd-dev libqrencode-dev libical-dev tmux poppler-utils openssl curl zbar-tools \
	libcairo2-dev libpango1.0-dev fonts-dejavu-core qpdf dpkg-dev lintian groff-base libcurl4-openssl-dev \
	libkeyutils-dev zsh fish binutils
# What `make bench BENCH=server` needs besides: nginx serves the comparison, wrk loads both
# (installed by that benchmark's setup only: `make test` does not need them).
BENCH_SERVER_PACKAGES := nginx-light wrk
# What `make bench` (no BENCH: every figure of issue 20) and `make bench BENCH=start` need
# besides: neomutt, the anchor of the start-up figure. Installed by the benchmark's setup only.
BENCH_START_PACKAGES := neomutt
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help setup build build-release demo test bench clean torture fuzz deb deb-check

help:
	@echo "make demo   start mes on the demo account (installs what is missing, builds)"
	@echo "make test   run all tests (installs what is missing, builds)"
	@echo "make bench  run the benchmarks (release build)"
	@echo "make torture  1,000 SIGKILLs of mes and mes-server, then the checks (long)"
	@echo "make fuzz TARGET=… SECONDS=…  run one libFuzzer harness (Tests/Fuzz/README.md)"
	@echo "make deb    build the Debian package mes_<version>_<arch>.deb (release, in .build/deb)"
	@echo "make deb-check  make deb, then lintian, an install into a scratch root, mes --demo from it"

setup:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "Debian packages: all present."; \
	fi

# The build fails on any compiler warning (the codebase keeps none).
build: setup
	@mkdir -p .build
	$(SWIFT) build --configuration $(CONFIGURATION) 2>&1 | tee .build/build.log
	@! grep -E '(^|: )warning:' .build/build.log

build-release:
	$(MAKE) build CONFIGURATION=release

demo: build
	$(BIN)/mes --demo

test: build
	@mkdir -p .build
	$(SWIFT) build --build-tests 2>&1 | tee .build/build-tests.log
	@! grep -E '(^|: )warning:' .build/build-tests.log
	$(SWIFT) test --skip-build --disable-swift-testing 2>&1 | tee .build/test.log

# Benchmarks print figures; they run in release mode. `make bench BENCH=vault` runs one; with no
# BENCH, `mes-bench all` prints every figure of issue 20 with its anchor and ratio (~10 minutes).
bench: setup
	@if [ "$(BENCH)" = server ]; then $(MAKE) --no-print-directory setup DEBIAN_PACKAGES="$(BENCH_SERVER_PACKAGES)"; fi
	@if [ -z "$(BENCH)" ] || [ "$(firstword $(BENCH))" = start ]; then $(MAKE) --no-print-directory setup DEBIAN_PACKAGES="$(BENCH_START_PACKAGES)"; fi
	@mkdir -p .build
	$(SWIFT) build --configuration release 2>&1 | tee .build/build-release.log
	.build/release/mes-bench $(or $(BENCH),all)

# A thousand SIGKILLs of mes and mes-server (issue 21; `make test` runs 30 of them). Niced: the
# machine may be shared. TORTURE_KILLS=N changes the count, MES_TORTURE_SEED=S replays a run.
TORTURE_KILLS ?= 1000
torture: build
	$(SWIFT) build --build-tests 2>&1 | tee .build/build-tests.log
	MES_TORTURE_KILLS=$(TORTURE_KILLS) nice -n 19 $(SWIFT) test --skip-build --disable-swift-testing --filter TortureTests 2>&1 \
	  | tee .build/torture.log

# libFuzzer harnesses (Tests/Fuzz/README.md): `make fuzz TARGET=fhir-json SECONDS=600`. Targets:
# fhir-json po sanitizer rtf server-request key-slots icalendar measures-import. Built apart
# (.build/fuzz) with the address sanitizer and coverage; libFuzzer's driver comes from the
# toolchain's compiler-rt. Swift's backtracer is off: a trap is reported by libFuzzer (the
# backtracer reading the stack trips the address sanitizer and hides the cause).
TARGET ?= fhir-json
SECONDS ?= 60
FUZZER_LIB = $(firstword $(wildcard $(dir $(shell readlink -f $$(command -v $(SWIFT))))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
FUZZ_FLAGS = -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table -Xswiftc -DFUZZING \
	-Xswiftc -enable-testing -Xlinker $(FUZZER_LIB) -Xlinker -lstdc++
fuzz: setup
	@test -n "$(FUZZER_LIB)" || { echo "libclang_rt.fuzzer_no_main not found beside $(SWIFT)"; exit 1; }
	nice -n 19 $(SWIFT) build --build-path .build/fuzz --product mes-fuzz $(FUZZ_FLAGS)
	@mkdir -p .build/fuzz/corpus/$(TARGET) .build/fuzz/crashes
	MES_FUZZ_TARGET=$(TARGET) SWIFT_BACKTRACE=enable=no nice -n 19 .build/fuzz/debug/mes-fuzz .build/fuzz/corpus/$(TARGET) Tests/Fuzz/$(TARGET) \
	  -max_total_time=$(SECONDS) -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	  -artifact_prefix=.build/fuzz/crashes/$(TARGET)- 2>&1 | tee .build/fuzz/$(TARGET).log

# The Debian package (Packaging/deb.sh says what goes in and why). Release mode with the Swift
# runtime and Foundation linked statically, so that the package depends on Debian's libraries
# only (static FoundationNetworking links libcurl: libcurl4-openssl-dev); its own build folder,
# so the debug and benchmark builds stay as they are.
DEB_DIR := .build/deb
deb: setup
	@mkdir -p .build
	$(SWIFT) build --configuration release --static-swift-stdlib --build-path $(DEB_DIR) --product mes 2>&1 | tee .build/build-deb.log
	$(SWIFT) build --configuration release --static-swift-stdlib --build-path $(DEB_DIR) --product mes-server 2>&1 | tee -a .build/build-deb.log
	@! grep -E '\.swift:[0-9]+:[0-9]+: warning:' .build/build-deb.log
	Packaging/deb.sh $(DEB_DIR)/release $(DEB_DIR)

# What CI runs after `make test`: the package's metadata and contents, lintian (no error), an
# install into a scratch root with dpkg, then mes --version and mes --demo from it (tmux).
deb-check: deb
	Packaging/check-deb.sh "$$(ls -t $(DEB_DIR)/mes_*.deb | head -n 1)"

clean:
	rm -rf .build
