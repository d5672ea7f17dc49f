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
# (OPT sets optimisation, default -O2 -g.) SECCOMP=0 builds a kaa-fcgi that
# does not confine its processes (for valgrind; see include/confine.h).

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SHAREDIR?= $(PREFIX)/share/kaa
MANDIR  ?= $(PREFIX)/share/man
# Where kaa-inbox finds its message catalogues: the build tree's, so that
# $(B)/bin/kaa-inbox speaks Swedish uninstalled; `make install` builds the
# installed kaa-inbox again with $(PREFIX)/share/locale.
LOCALEDIR ?= $(CURDIR)/$(B)/locale
INST_LOCALEDIR = $(PREFIX)/share/locale
LINGUAS  = sv
MO_FILES = $(LINGUAS:%=$(B)/locale/%/LC_MESSAGES/kaa-inbox.mo)
B       ?= build
CC      ?= cc
PKG_CONFIG ?= pkg-config

# Each program links only what it uses: kaa-fcgi faces the network and
# carries no cmark, cairo, pango or libcsv; kaa-gen no libfcgi or SQLite.
# (libcsv has no pkg-config file.)
GEN_PKGS  = libcmark inih pangocairo cairo-pdf
GEN_XLIBS = -lcsv -lpthread
FCGI_PKGS = fcgi libsodium sqlite3 inih jansson libseccomp
CLI_PKGS  = libsodium sqlite3 inih jansson
CLI_XLIBS = -lcsv
PKGS     = $(sort $(GEN_PKGS) $(FCGI_PKGS) $(CLI_PKGS))
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
SECCOMP ?= 1
ifeq ($(SECCOMP),0)
CPPFLAGS += -DKAA_NO_SECCOMP
endif
OPT     ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -fno-common
# CFLAGS/LDFLAGS from the command line are added, never replace the above.
ALL_CFLAGS = $(OPT) $(WARN) $(EXTRA_CFLAGS) $(CFLAGS)
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) $(GEN_XLIBS)
GEN_LIBS   := $(shell $(PKG_CONFIG) --libs $(GEN_PKGS) 2>/dev/null) $(GEN_XLIBS)
FCGI_LIBS  := $(shell $(PKG_CONFIG) --libs $(FCGI_PKGS) 2>/dev/null)
CLI_LIBS   := $(shell $(PKG_CONFIG) --libs $(CLI_PKGS) 2>/dev/null) $(CLI_XLIBS)
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
        browser site install clean bench bench-letters anywhere letters letters-san \
        link-check man-check i18n-check pot FORCE bench-inbox bench-eservice \
        deps-bench deploy-check fuzz fuzz-check
all: $(BINS) $(TEST_BIN) $(MO_FILES)

# Header dependencies come from the compiler (-MMD -MP: build/obj/*.d).
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CHECK_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# kaa-inbox's main() binds its text domain to LOCALEDIR; main.o is built
# again when LOCALEDIR changes ($(B)/localedir holds the last one).
$(B)/obj/cli/main.o: CPPFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"'
$(B)/obj/cli/main.o: $(B)/localedir
$(B)/localedir: FORCE
	@mkdir -p $(@D)
	@echo '$(LOCALEDIR)' | cmp -s - $@ || echo '$(LOCALEDIR)' > $@
FORCE:

# kaa-inbox's message catalogues, one po/LANG.po per language in LINGUAS.
$(B)/locale/%/LC_MESSAGES/kaa-inbox.mo: po/%.po
	@mkdir -p $(@D)
	@$(if $(V),,echo "  MSGFMT  $<")
	$(Q)msgfmt --check -o $@ $<

# After changing kaa-inbox's words: the template from the sources (cli/, and
# lib/'s error texts that kaa-inbox prints, marked with N_()), merged into
# each catalogue (then translate what is new or fuzzy).
I18N_LIB = lib/archive.c lib/conf.c lib/inbox.c lib/key.c
pot:
	xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 --add-comments=TRANSLATORS \
	    --package-name=kaa-inbox --msgid-bugs-address= --sort-by-file \
	    -o po/kaa-inbox.pot $(sort $(wildcard cli/*.c)) $(I18N_LIB)
	for l in $(LINGUAS); do msgmerge -q --update --backup=none po/$$l.po po/kaa-inbox.pot; done

$(B)/libkaa.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

# --as-needed: a library none of the program's objects uses is not linked
# (tests/link-check.sh checks what each program ends up needing).
$(B)/bin/kaa-gen: $(GEN_OBJ) $(B)/libkaa.a
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(GEN_LIBS)
$(B)/bin/kaa-fcgi: $(FCGI_OBJ) $(B)/libkaa.a
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(FCGI_LIBS)
$(B)/bin/kaa-inbox: $(CLI_OBJ) $(B)/libkaa.a
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $^ $(CLI_LIBS)

# Unit tests may also link the objects of the program they test (all but main).
$(B)/tests/check_%: $(B)/obj/tests/unit/check_%.o $(B)/libkaa.a \
    $(filter-out %/main.o,$(GEN_OBJ) $(FCGI_OBJ) $(CLI_OBJ))
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter-out %.a,$^) $(B)/libkaa.a $(PKG_LIBS) $(CHECK_LIBS)

deps:
	@sh scripts/deps.sh
deps-bench:
	@sh scripts/deps.sh bench

# --- the demo system -------------------------------------------------------
RUN_CONF ?= conf/exempelregionen.ini
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
	@$(MAKE) --no-print-directory unit golden unit-san unit-valgrind \
	    link-check man-check i18n-check letters letters-san integration anywhere browser \
	    deploy-check fuzz-check

unit: $(TEST_BIN)
	@sh tests/run-unit.sh $(TEST_BIN)

unit-san:
	@$(MAKE) --no-print-directory B=build/san OPT='-O1 -g' SECCOMP=0 \
	    EXTRA_CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer' all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    LSAN_OPTIONS=suppressions=tests/lsan.supp \
	    sh tests/run-unit.sh $(TEST_BIN:$(B)/%=build/san/%)

unit-valgrind: $(TEST_BIN)
	@VALGRIND=1 sh tests/run-unit.sh $(TEST_BIN)

golden: all
	@sh tests/golden/run.sh

integration: all
	@sh tests/integration/run.sh
	@sh tests/integration/region.sh
	@sh tests/integration/pull.sh
	@sh tests/integration/commit.sh
	@sh tests/integration/activate.sh
	@sh tests/integration/hostile.sh
	@sh tests/nginx-pages.sh $(B)/bin
	@echo "integration again, with the ASan+UBSan build (SECCOMP=0: the sanitizers' runtime needs calls the filter refuses):"
	@KAA_BIN_DIR=build/san/bin KAA_SECCOMP=0 sh tests/integration/run.sh
	@KAA_BIN_DIR=build/san/bin sh tests/integration/region.sh
	@KAA_BIN_DIR=build/san/bin sh tests/integration/pull.sh
	@KAA_BIN_DIR=build/san/bin sh tests/integration/commit.sh
	@KAA_BIN_DIR=build/san/bin sh tests/integration/activate.sh
	@KAA_BIN_DIR=build/san/bin sh tests/integration/hostile.sh

browser: all
	@sh tests/browser/run.sh

# make run's script from a copy of the tree in a mode-0700 directory.
anywhere: all
	@sh tests/anywhere/run.sh $(B)/bin

# kaa-gen letters against poppler's tools: pages, fonts, window areas; then
# the same with the ASan+UBSan build (made by unit-san), whose any report
# fails (leaks are left to the unit tests: fontconfig keeps its caches).
letters: all
	@sh tests/letters/run.sh $(B)/bin/kaa-gen
letters-san:
	@ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    sh tests/letters/run.sh build/san/bin/kaa-gen

# The man pages: lint clean, and every command and option the programs'
# own usage prints is in its page (and no other).
man-check: all
	@sh tests/man-check.sh $(B)/bin

# kaa-inbox in Swedish: the catalogue complete and up to date with the
# sources, LANG=sv_SE.UTF-8 picks it, LC_ALL=C does not.
i18n-check: all
	@sh tests/i18n-check.sh $(B)/bin

# libFuzzer targets (clang, ASan + UBSan; tests/fuzz/run.sh): each plays
# tests/fuzz/regressions/ and corpus/, then fuzzes for FUZZ_SECONDS;
# make check runs a short pass.
FUZZ_SECONDS ?= 60
fuzz:
	@B=$(B) sh tests/fuzz/run.sh $(FUZZ_SECONDS)
fuzz-check:
	@B=$(B) sh tests/fuzz/run.sh 10

# The systemd units (verify, exposure) and the TLS example's nginx.
deploy-check: all
	@sh tests/deploy-check.sh $(B)/bin

# Each program carries only the libraries it uses.
link-check: all
	@sh tests/link-check.sh $(B)/bin

# libcmark alone over the corpus, through kaa-gen's own page_markdown.
$(B)/bench/cmark-floor: bench/cmark-floor.c $(B)/obj/generator/page.o \
    $(B)/obj/generator/fm.o $(B)/libkaa.a
	@mkdir -p $(@D)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ \
	    $(PKG_LIBS) -lpthread

$(B)/bench/seal-floor: bench/seal-floor.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs libsodium)
$(B)/bench/inbox-fill: bench/inbox-fill.c $(B)/libkaa.a
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CLI_LIBS)

$(B)/bench/fsync-floor: bench/fsync-floor.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

# kaa-fcgi against its PHP-FPM peer behind the same nginx (about 3 minutes).
bench-eservice: deps-bench all $(B)/bench/fsync-floor
	@KAA_BIN_DIR=$(B)/bin FSYNC_FLOOR=$(B)/bench/fsync-floor sh bench/eservice-bench.sh

# kaa-inbox pull and export against bare libsodium (about 3 minutes).
bench-inbox: deps-bench all $(B)/bench/seal-floor $(B)/bench/inbox-fill
	@KAA_INBOX=$(B)/bin/kaa-inbox SEAL_FLOOR=$(B)/bench/seal-floor \
	    INBOX_FILL=$(B)/bench/inbox-fill sh bench/inbox-bench.sh

bench: deps-bench all $(B)/bench/cmark-floor
	@CMARK_FLOOR=$(B)/bench/cmark-floor sh bench/site-bench.sh
	@$(MAKE) --no-print-directory bench-eservice

# kaa-gen letters against WeasyPrint on the same letters (about 4 minutes).
bench-letters: deps-bench all
	@KAA_GEN=$(B)/bin/kaa-gen sh bench/letters-bench.sh

install: all
	@$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory B=$(B)/install LOCALEDIR='$(INST_LOCALEDIR)' $(B)/install/bin/kaa-inbox
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/site $(DESTDIR)$(SHAREDIR)/content $(DESTDIR)$(SHAREDIR)/conf
	install -m 0755 $(B)/bin/kaa-gen $(B)/bin/kaa-fcgi $(B)/install/bin/kaa-inbox $(DESTDIR)$(BINDIR)/
	for l in $(LINGUAS); do \
	    install -d $(DESTDIR)$(INST_LOCALEDIR)/$$l/LC_MESSAGES && \
	    install -m 0644 $(B)/locale/$$l/LC_MESSAGES/kaa-inbox.mo $(DESTDIR)$(INST_LOCALEDIR)/$$l/LC_MESSAGES/ || exit 1; \
	done
	cp -R site/. $(DESTDIR)$(SHAREDIR)/site/
	cp -R content/. $(DESTDIR)$(SHAREDIR)/content/
	cp -R conf/. $(DESTDIR)$(SHAREDIR)/conf/
	install -d $(DESTDIR)$(SHAREDIR)/deploy
	install -m 0644 deploy/* $(DESTDIR)$(SHAREDIR)/deploy/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 0644 docs/man/kaa-gen.1 docs/man/kaa-inbox.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 docs/man/kaa-fcgi.8 $(DESTDIR)$(MANDIR)/man8/

clean:
	rm -rf build
