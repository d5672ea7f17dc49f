#!/bin/sh
# Installs what building, running and testing need, if it is missing:
# Debian packages with apt-get, npm packages from package-lock.json.
#   deps.sh         for make, make run and make check
#   deps.sh bench   also the benchmarks' peers and load generator
set -eu
PKGS="build-essential pkg-config libfcgi-dev libcmark-dev libsodium-dev libsqlite3-dev
libinih-dev libjansson-dev check nginx-light curl sqlite3 valgrind python3 tmux
chromium default-jre-headless nodejs npm
libcsv-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core poppler-utils cmark
openssh-server openssh-client mandoc man-db groff-base gettext locales procps
systemd openssl clang libclang-rt-14-dev libseccomp-dev"
[ "${1:-}" != bench ] || PKGS="$PKGS wrk php-fpm php-cli php-sqlite3 hugo hyperfine time
weasyprint"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
# nginx-light or full nginx: either is fine.
case " $missing " in *" nginx-light "*) command -v nginx >/dev/null && missing=$(echo "$missing" | sed 's/ nginx-light//') ;; esac
# node/npm may come from elsewhere (the image ships them).
command -v node >/dev/null && missing=$(echo "$missing" | sed 's/ nodejs//')
command -v npm >/dev/null && missing=$(echo "$missing" | sed 's/ npm//')
if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# kaa-inbox in Swedish: tests/i18n-check.sh runs it with LANG=sv_SE.UTF-8.
if ! locale -a 2>/dev/null | grep -qix 'sv_SE\.utf-\{0,1\}8'; then
	echo "deps: making the locale sv_SE.UTF-8"
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO localedef -i sv_SE -f UTF-8 sv_SE.UTF-8
fi
# npm packages for the browser tests, pinned by the lock file.
if [ -f package-lock.json ]; then
	if [ ! -f node_modules/.package-lock.json ] ||
	   ! cmp -s package-lock.json node_modules/.kaa-lock-stamp 2>/dev/null; then
		echo "deps: npm ci"
		npm ci --ignore-scripts --no-audit --no-fund >/dev/null
		cp package-lock.json node_modules/.kaa-lock-stamp
	fi
fi
