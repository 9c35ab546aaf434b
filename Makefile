# bttui: build, set-up, tests, demo, benchmarks, fuzzing.  GNU make.
#
#   make            build ./bttui
#   make deps       install missing Debian packages (apt-get, sudo if not root)
#   make test       deps, unit tests, unit tests under ASan+UBSan, integration
#                   tests on 127.0.0.1, a short fuzz smoke run
#   make demo       deps, build, run the TUI on a local loopback swarm
#
# Objects go to $(BUILD) (default build/); helpers may set BUILD and LIB_SRCS
# to build one module's test alone.

BUILD	?= build
PREFIX	?= /usr/local
DESTDIR	?=
SAN	?=
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5

PKGS	 = ncursesw libcrypto libcurl
VERSION	 = 0.1.0

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wformat=2 \
	   -Wundef
ifeq ($(SAN),1)
OPT	 = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=undefined
else
OPT	 = -O2 -g
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=gnu11 $(WARN) $(OPT) -pthread -Isrc \
	     -DBTTUI_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(OPT) -pthread $(LDFLAGS)

MAIN_SRC  = src/tui/main.c
LIB_SRCS ?= $(filter-out $(MAIN_SRC),$(wildcard src/ipc/*.c src/engine/*.c src/tui/*.c))
LIB_OBJS  = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
LIB	  = $(BUILD)/libbttui.a
TEST_SRCS = $(wildcard tests/test_*.c)
TESTS	  = $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS	  = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

# Debian packages: what builds bttui, what its tests and demo run.
DEB_PKGS = gcc make pkg-config libncurses-dev libssl-dev \
	   libcurl4-openssl-dev libcmocka-dev clang libclang-rt-14-dev tmux \
	   curl iproute2 procps time python3 python3-pil fonts-dejavu-core \
	   valgrind \
	   opentracker aria2 transmission-cli mktorrent

.PHONY: all deps test test-unit test-asan test-integration fuzz fuzz-smoke \
	demo bench screenshots install clean tools valgrind

all: bttui

# Copied then renamed: a running ./bttui (a test, the demo) does not block it.
bttui: $(BUILD)/bttui
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/bttui: $(BUILD)/obj/tui/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# What every unit test may use besides the library (tests/sandbox.c, a
# scratch directory; tests/offscreen.c, a curses terminal into /dev/null).
TEST_SUPPORT = $(BUILD)/testsupport/sandbox.o $(BUILD)/testsupport/offscreen.o
$(BUILD)/testsupport/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(LIB) $(TEST_SUPPORT)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests -MMD -MP -o $@ $< $(TEST_SUPPORT) $(LIB) \
	    $(PKG_LIBS) $(shell pkg-config --libs cmocka 2>/dev/null) -lm

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
		    grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "deps: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo=sudo; fi; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    --no-install-recommends $$missing

# Unit tests: each tests/test_<module>.c is its own cmocka binary.
test-unit: $(TESTS)
	@tests/run-unit.sh $(TESTS)

# The unit tests and one loopback download (aria2c seeding, bttui's two
# processes downloading) under ASan+UBSan.
test-asan:
	$(MAKE) BUILD=$(BUILD)/asan SAN=1 test-unit
	$(MAKE) BUILD=$(BUILD)/asan SAN=1 $(BUILD)/asan/bttui
	@echo "== download_aria2 under ASan+UBSan"
	@BTTUI=$(BUILD)/asan/bttui sh tests/integration/download_aria2.sh

test-integration: bttui tools
	@BUILD=$(BUILD) tests/run-integration.sh

test:
	$(MAKE) deps
	$(MAKE) test-unit
	$(MAKE) test-asan
	$(MAKE) test-integration
	$(MAKE) fuzz-smoke

# libFuzzer targets, built with clang into $(BUILD)/fuzz.  The library is
# compiled once with fuzzer instrumentation, then linked into each target.
FUZZ_SAN    = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=gnu11 -g -O1 -pthread -Isrc \
	      -DBTTUI_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(FUZZ_SAN)
FUZZ_LIB_SRCS = $(filter-out src/tui/%,$(LIB_SRCS))
FUZZ_OBJS   = $(patsubst src/%.c,$(BUILD)/fuzzobj/%.o,$(FUZZ_LIB_SRCS))
.SECONDARY: $(FUZZ_OBJS)
$(BUILD)/fuzzobj/%.o: src/%.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
	    $(PKG_LIBS) -lm

fuzz: $(FUZZERS)
	@tests/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZERS)

fuzz-smoke: $(FUZZERS)
	@tests/run-fuzz.sh $(FUZZ_SMOKE_SECONDS) $(FUZZERS)

# Test tools (a hostile peer, a broken tracker...): tests/tools/<name>.c,
# built against the library like the unit tests.  tests/tools/hp_*.c are
# parts of hostile_peer, tests/tools/relay_*.c of udprelay, tcprelay,
# udpecho and bottleneck, not tools of their own.
TOOL_SRCS = $(filter-out tests/tools/hp_%.c tests/tools/relay_%.c,\
	    $(wildcard tests/tools/*.c))
TOOLS	  = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))
$(BUILD)/tools/hostile_peer: tests/tools/hp_fast.c
$(BUILD)/tools/udprelay $(BUILD)/tools/tcprelay $(BUILD)/tools/udpecho \
    $(BUILD)/tools/bottleneck: \
    tests/tools/relay_util.c
$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $(filter %.c,$^) $(LIB) \
	    $(PKG_LIBS) -lm
tools: $(TOOLS)

demo:
	$(MAKE) deps
	$(MAKE) bttui
	@tests/demo/demo.sh

bench: bttui tools
	@sh tests/bench/run.sh

screenshots: bttui
	@tests/screenshots/screenshots.sh

valgrind: $(TESTS)
	@tests/valgrind.sh $(TESTS)

install: bttui
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 bttui $(DESTDIR)$(PREFIX)/bin/bttui
	install -m 644 docs/bttui.1 $(DESTDIR)$(PREFIX)/share/man/man1/bttui.1

clean:
	rm -rf $(BUILD) bttui
