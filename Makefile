# Build, test, run and install the Swift rtpengine. See README.md.
SHELL := /bin/bash
PREFIX ?= /usr
DESTDIR ?=
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=

# Debian packages the build and the tests need. baresip-core makes the end-to-end call
# test with kamailio; gcc builds bench/relay's load generator for the load test.
DEB_DEPS := pkg-config libglib2.0-dev libssl-dev libsrtp2-dev libsystemd-dev \
            netcat-openbsd groff-base mandoc baresip-core gcc \
            libip4tc-dev libip6tc-dev iptables iproute2 debhelper lintian fakeroot dpkg-dev
# Test peers Debian ships as services: rtpengine-daemon (the reference the differential
# tests compare with) and kamailio. They are unpacked into .build-peers/, never installed,
# so no rtpengine or SIP server is enabled or started on the machine (tools/unpack-peers.sh).
PEERS := rtpengine-daemon kamailio

missing = $(shell for p in $(DEB_DEPS); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done)

.PHONY: all build deps peers check test run install clean man-check fuzz difftest package-test

all: build

build:
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS)

# Installs what is missing with apt; silent when everything is present.
deps:
	@m="$(missing)"; if [ -n "$$m" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "make deps: missing Debian packages: $$m; run as root to install them" >&2; exit 1; fi; \
		echo "make deps: installing $$m"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$m >/dev/null; \
	fi

# The service-shipping test peers, unpacked (see PEERS).
peers: deps
	@tools/unpack-peers.sh $(PEERS)

check: deps peers
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --build-tests
	$(MAKE) --no-print-directory man-check
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory difftest
	$(SWIFT) test $(SWIFT_BUILD_FLAGS) --skip-build

# The generative differential tester against rtpengine 10.5 (tools/difftest/README.md):
# fixed seeds must show no difference beyond the known list, a random seed explores.
DIFF_SEQUENCES ?= 600
difftest:
	DIFF_SEQUENCES=$(DIFF_SEQUENCES) tools/difftest/run.sh

# libFuzzer over the ng and SDP parsers for a bounded time (FUZZ_SECONDS).
FUZZ_SECONDS ?= 60
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

test: check

# Man pages render without warnings.
man-check:
	@for f in man/*.[0-9]; do \
		out=$$(LC_ALL=C.UTF-8 groff -ww -z -man "$$f" 2>&1); \
		if [ -n "$$out" ]; then echo "$$f: $$out" >&2; exit 1; fi; \
		out=$$(mandoc -T lint -W warning "$$f" 2>&1); \
		if [ -n "$$out" ]; then echo "$$out" >&2; exit 1; fi; \
	done; echo "man pages: lint clean"

run: deps build
	.build/release/rtpengine --config-file=conf.d/rtpengine.conf

install: build
	install -D -m 0755 .build/release/rtpengine $(DESTDIR)$(PREFIX)/bin/rtpengine
	install -D -m 0755 .build/release/rtpengine-supervisor $(DESTDIR)$(PREFIX)/bin/rtpengine-supervisor
	install -D -m 0755 .build/release/rtpengine-ctl $(DESTDIR)$(PREFIX)/bin/rtpengine-ctl
	install -D -m 0644 conf.d/rtpengine.conf $(DESTDIR)/usr/share/doc/rtpengine/examples/rtpengine.conf
	@# Never overwrite an operator's existing configuration.
	[ -e $(DESTDIR)/etc/rtpengine/rtpengine.conf ] || \
		install -D -m 0644 conf.d/rtpengine.conf $(DESTDIR)/etc/rtpengine/rtpengine.conf
	for m in $(wildcard man/*.[0-9]); do \
		install -D -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$$(basename $$m); done
	for u in $(wildcard systemd/*.service); do \
		install -D -m 0644 $$u $(DESTDIR)/lib/systemd/system/$$(basename $$u); done

# Builds the .deb, lintian, install, purge (root; takes a static release build).
package-test: deps
	debian/tests/package-test.sh

clean:
	rm -rf .build
