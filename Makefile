# KAA — build, test and run.  See README.md.
#
#   make            build the three programs and the unit tests
#   make run        install what is missing, build, generate the demo site and
#                   keys, start nginx + kaa-fcgi on 127.0.0.1:8080
#   make stop       stop what `make run` started (by pid)
#   make check      install what is missing, then every test
#   make install    PREFIX=/usr/local DESTDIR=
#
# Out-of-tree builds: B=build/asan EXTRA_CFLAGS='-fsanitize=address,undefined'
# (OPT sets optimisation, default -O2 -g.)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SHAREDIR?= $(PREFIX)/share/kaa
B       ?= build
CC      ?= cc
PKG_CONFIG ?= pkg-config

PKGS     = fcgi libcmark libsodium sqlite3 inih jansson
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT     ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -fno-common
# CFLAGS/LDFLAGS from the command line are added, never replace the above.
ALL_CFLAGS = $(OPT) $(WARN) $(EXTRA_CFLAGS) $(CFLAGS)
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

LIB_SRC  = $(wildcard lib/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/obj/%.o)
GEN_OBJ  = $(patsubst %.c,$(B)/obj/%.o,$(wildcard generator/*.c))
FCGI_OBJ = $(patsubst %.c,$(B)/obj/%.o,$(wildcard fcgi/*.c))
CLI_OBJ  = $(patsubst %.c,$(B)/obj/%.o,$(wildcard cli/*.c))
TEST_SRC = $(wildcard tests/unit/check_*.c)
TEST_BIN = $(TEST_SRC:tests/unit/%.c=$(B)/tests/%)
BINS     = $(B)/bin/kaa-gen $(B)/bin/kaa-fcgi $(B)/bin/kaa-inbox

# Quiet by default; V=1 shows the commands.
Q = $(if $(V),,@)

# Keep test objects: they are not intermediate files to throw away.
.SECONDARY:

.PHONY: all deps run stop check unit unit-san unit-valgrind golden integration \
        browser site install clean bench
all: $(BINS) $(TEST_BIN)

$(B)/obj/%.o: %.c $(wildcard include/*.h)
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CHECK_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libkaa.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/bin/kaa-gen: $(GEN_OBJ) $(B)/libkaa.a
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(B)/bin/kaa-fcgi: $(FCGI_OBJ) $(B)/libkaa.a
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(B)/bin/kaa-inbox: $(CLI_OBJ) $(B)/libkaa.a
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Unit tests may also link the objects of the program they test (all but main).
$(B)/tests/check_%: $(B)/obj/tests/unit/check_%.o $(B)/libkaa.a \
    $(filter-out %/main.o,$(GEN_OBJ) $(FCGI_OBJ) $(CLI_OBJ))
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.a,$^) $(B)/libkaa.a $(PKG_LIBS) $(CHECK_LIBS)

deps:
	@sh scripts/deps.sh

# --- the demo system -------------------------------------------------------
RUN_CONF ?= conf/exempelkommun.ini
run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run.sh start $(RUN_CONF)
stop:
	@sh scripts/run.sh stop

site: all
	$(B)/bin/kaa-gen site -c conf/exempelkommun.ini

# --- tests -----------------------------------------------------------------
check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit golden unit-san unit-valgrind integration browser

unit: $(TEST_BIN)
	@sh tests/run-unit.sh $(TEST_BIN)

unit-san:
	@$(MAKE) --no-print-directory B=build/san OPT='-O1 -g' \
	    EXTRA_CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer' all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    sh tests/run-unit.sh $(TEST_BIN:$(B)/%=build/san/%)

unit-valgrind: $(TEST_BIN)
	@VALGRIND=1 sh tests/run-unit.sh $(TEST_BIN)

golden: all
	@sh tests/golden/run.sh

integration: all
	@sh tests/integration/run.sh
	@echo "integration again, with the ASan+UBSan build:"
	@KAA_BIN_DIR=build/san/bin sh tests/integration/run.sh

browser: all
	@sh tests/browser/run.sh

# libcmark alone over the corpus, through kaa-gen's own page_markdown.
$(B)/bench/cmark-floor: bench/cmark-floor.c $(B)/obj/generator/page.o \
    $(B)/obj/generator/fm.o $(B)/libkaa.a
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ \
	    $(PKG_LIBS) -lpthread

bench: all $(B)/bench/cmark-floor
	@CMARK_FLOOR=$(B)/bench/cmark-floor sh bench/site-bench.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/site $(DESTDIR)$(SHAREDIR)/content $(DESTDIR)$(SHAREDIR)/conf
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	cp -R site/. $(DESTDIR)$(SHAREDIR)/site/
	cp -R content/. $(DESTDIR)$(SHAREDIR)/content/
	cp -R conf/. $(DESTDIR)$(SHAREDIR)/conf/

clean:
	rm -rf build
