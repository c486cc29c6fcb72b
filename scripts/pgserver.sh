#!/usr/bin/env bash
# pgserver.sh: a throwaway PostgreSQL 15 + pgvector server for the test suite.
#
# Usage:
#   scripts/pgserver.sh install       # once per machine, as root; idempotent, fast when done
#   scripts/pgserver.sh start DIR     # new cluster in DIR; prints the connection URL on stdout
#   scripts/pgserver.sh url DIR       # prints the URL of the cluster in DIR again
#   scripts/pgserver.sh restart DIR   # fast restart (fault tests: server restarted mid-ingest)
#   scripts/pgserver.sh stop DIR      # fast shutdown; idempotent
#
#   D=$(mktemp -d); URL=$(scripts/pgserver.sh start "$D"); ...; scripts/pgserver.sh stop "$D"; rm -rf "$D"
#
# `start` creates two databases: `rag` (with CREATE EXTENSION vector done) and `noext`
# (without it, for the missing-extension test). The server listens only on a unix socket in DIR
# (listen_addresses=''), trust auth, user postgres, fsync off. URL format:
#   postgresql://postgres@/rag?host=DIR&port=PORT
# (use .../noext?... for the second database). With PGSERVER_TCP=1 it listens on a free
# 127.0.0.1 port as well and the URL is postgresql://postgres@127.0.0.1:PORT/rag.
# Layout: DIR/data (PGDATA), DIR/server.log, DIR/.s.PGSQL.PORT (socket), DIR/url.
# DIR must be reachable by the postgres user (a `mktemp -d` under /tmp is; pytest's
# /tmp/pytest-of-root/... is not, its parent is 0700 root) and short enough for a socket path.
#
# How pgvector gets here (Debian 12 has PostgreSQL 15 but no pgvector package): `install` fetches
# Debian's pgvector source package from trixie with `apt-get source`, using a private deb-src list
# on the same mirror the system's apt sources use, a private lists dir and no cache files, so the
# system's apt configuration and state are untouched. apt checks the trixie InRelease signature
# against the system's Debian archive keyring and the source files against its hashes. Then it
# builds against postgresql-server-dev-15 (pinned to the installed server's version, so the server
# package is not upgraded) and installs into the server's extension dir.
#
# Measured here: install cold ~37 s (apt-get of the dev package + clang, ~14 s; fetch + build
# ~23 s), warm 0.01 s; start ~1.6 s (initdb, start, two databases); restart ~0.4 s; stop ~0.2 s.
#
# Environment: PGSERVER_PORT (default 5432; with a socket in DIR any port is free),
# PGSERVER_TCP=1, PGSERVER_MIRROR (default: the system's Debian mirror),
# PGSERVER_PGVECTOR_SUITE (default trixie), PG_MAJOR (default 15).
set -euo pipefail

PG_MAJOR=${PG_MAJOR:-15}
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_CONFIG=$PG_BIN/pg_config
SUITE=${PGSERVER_PGVECTOR_SUITE:-trixie}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "pgserver: $*" >&2; exit 1; }
log() { echo "pgserver: $*" >&2; }

# Run a command as the postgres user (Postgres refuses to run as root); as ourselves otherwise.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

ext_dir() { echo "$("$PG_CONFIG" --sharedir)/extension"; }

pkg_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)" = "ii " ]
}

# The system's Debian mirror: the repository serving this release's codename.
system_mirror() {
    local codename uri
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    uri=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 2>/dev/null |
        awk -v c="$codename" '$1 == c { print $2; exit }')
    echo "${uri:-http://deb.debian.org/debian/}"
}

# Package names for apt-get install, the server dev package pinned to the installed server's
# version when the package lists still offer it.
pin_dev() {
    local srv_ver p
    srv_ver=$(dpkg-query -W -f='${Version}' "postgresql-$PG_MAJOR" 2>/dev/null || true)
    for p in "$@"; do
        if [ "$p" = "postgresql-server-dev-$PG_MAJOR" ] && [ -n "$srv_ver" ] &&
            apt-cache madison "$p" 2>/dev/null | awk '{print $3}' | grep -qxF "$srv_ver"; then
            echo "$p=$srv_ver"
        else
            echo "$p"
        fi
    done
}

WORK=
cmd_install() {
    local ext
    ext=$(ext_dir)
    if [ -f "$ext/vector.control" ]; then
        log "pgvector already installed ($(grep default_version "$ext/vector.control"))"
        return 0
    fi
    [ "$(id -u)" -eq 0 ] || die "install needs root (apt-get, make install into $ext)"
    [ -x "$PG_BIN/postgres" ] || die "PostgreSQL $PG_MAJOR server not found in $PG_BIN (apt-get install postgresql-$PG_MAJOR)"

    # Build dependencies. The dev package is pinned to the installed server's version when that
    # version is still available, so installing it does not upgrade the server.
    local dev_pkg="postgresql-server-dev-$PG_MAJOR" want=()
    pkg_installed "$dev_pkg" || want+=("$dev_pkg")
    pkg_installed build-essential || want+=(build-essential)
    pkg_installed dpkg-dev || want+=(dpkg-dev)
    if [ ${#want[@]} -gt 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        log "apt-get install ${want[*]}"
        if ! apt-get install -y -q --no-install-recommends $(pin_dev "${want[@]}") >&2; then
            log "apt-get install failed; apt-get update once and retry"
            apt-get update -q >&2
            apt-get install -y -q --no-install-recommends $(pin_dev "${want[@]}") >&2
        fi
    fi

    WORK=$(mktemp -d /tmp/pgvector-build.XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
    local work=$WORK mirror
    # Trixie's key must be in the keyring apt checks the private source against.
    mkdir -m 700 "$work/gnupg"
    if command -v gpg >/dev/null &&
        ! gpg --homedir "$work/gnupg" --batch --show-keys "$KEYRING" 2>/dev/null | grep -qi "/$SUITE)"; then
        log "warning: no $SUITE key in $KEYRING (apt-get install debian-archive-keyring); apt will refuse the source"
    fi
    mirror=${PGSERVER_MIRROR:-$(system_mirror)}
    mkdir -p "$work/lists/partial" "$work/src"
    chmod 755 "$work"
    chown -R _apt:root "$work/lists" "$work/src" 2>/dev/null || true # apt's download sandbox user
    echo "deb-src [signed-by=$KEYRING] $mirror $SUITE main" >"$work/sources.list"
    local apt_opts=(
        -o "Dir::Etc::SourceList=$work/sources.list"
        -o "Dir::Etc::SourceParts=/dev/null"
        -o "Dir::State::Lists=$work/lists"
        -o "Dir::Cache::pkgcache="
        -o "Dir::Cache::srcpkgcache="
        -o "APT::Get::List-Cleanup=0"
    )
    log "fetching pgvector source from $mirror $SUITE (private deb-src list)"
    apt-get -q "${apt_opts[@]}" update >&2
    (cd "$work/src" && apt-get -q "${apt_opts[@]}" source --only-source pgvector >&2)
    local srcdir
    srcdir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -1)
    [ -n "$srcdir" ] || die "apt-get source pgvector gave no source tree in $work/src"
    log "building $(basename "$srcdir") against $("$PG_CONFIG" --version)"
    make -s -C "$srcdir" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" >&2
    make -s -C "$srcdir" PG_CONFIG="$PG_CONFIG" install >&2
    [ -f "$ext/vector.control" ] || die "build finished but $ext/vector.control is missing"
    log "pgvector installed ($(grep default_version "$ext/vector.control"))"
}

# Port written into the cluster's config by `start`.
cluster_port() { sed -n "s/^port = \([0-9]*\).*/\1/p" "$1/data/postgresql.conf" | tail -1; }

cluster_url() {
    local dir=$1 port
    port=$(cluster_port "$dir")
    if grep -q "^listen_addresses = '127.0.0.1'" "$dir/data/postgresql.conf"; then
        echo "postgresql://postgres@127.0.0.1:$port/rag"
    else
        echo "postgresql://postgres@/rag?host=$dir&port=$port"
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

is_running() { as_pg "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

psql_in() { # DIR DB SQL
    local port
    port=$(cluster_port "$1")
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$1" -p "$port" -U postgres -d "$2" -c "$3" >&2
}

cmd_start() {
    [ $# -eq 1 ] || die "usage: start DIR"
    [ -x "$PG_BIN/initdb" ] || die "no $PG_BIN/initdb (apt-get install postgresql-$PG_MAJOR)"
    [ -f "$(ext_dir)/vector.control" ] || die "pgvector is not installed; run: $0 install"
    mkdir -p "$1"
    local dir port
    dir=$(cd "$1" && pwd -P)
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$dir"
        chmod 755 "$dir"
        runuser -u postgres -- test -w "$dir" -a -x "$dir" ||
            die "$dir is not reachable by the postgres user (a parent dir is closed to it); use a dir from mktemp -d under /tmp"
    fi
    if [ -f "$dir/data/PG_VERSION" ]; then
        if ! is_running "$dir"; then
            as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >&2
        fi
        cluster_url "$dir"
        return 0
    fi

    if [ "${PGSERVER_TCP:-0}" = 1 ]; then port=${PGSERVER_PORT:-$(free_port)}; else port=${PGSERVER_PORT:-5432}; fi
    local sock="$dir/.s.PGSQL.$port"
    [ ${#sock} -le 107 ] || die "socket path $sock is longer than 107 bytes; use a shorter DIR"

    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
    {
        echo "# pgserver.sh"
        if [ "${PGSERVER_TCP:-0}" = 1 ]; then
            echo "listen_addresses = '127.0.0.1'"
        else
            echo "listen_addresses = ''"
        fi
        echo "port = $port"
        echo "unix_socket_directories = '$dir'"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
        echo "max_connections = 100"
        echo "logging_collector = off"
    } | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null; then
        tail -20 "$dir/server.log" >&2 || true
        die "server did not start (log: $dir/server.log)"
    fi
    psql_in "$dir" postgres "CREATE DATABASE rag"
    psql_in "$dir" rag "CREATE EXTENSION IF NOT EXISTS vector"
    psql_in "$dir" postgres "CREATE DATABASE noext"
    cluster_url "$dir" | as_pg tee "$dir/url"
}

cmd_stop() {
    [ $# -eq 1 ] || die "usage: stop DIR"
    [ -f "$1/data/PG_VERSION" ] || return 0
    local dir
    dir=$(cd "$1" && pwd -P)
    if is_running "$dir"; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2
    fi
}

cmd_restart() {
    [ $# -eq 1 ] || die "usage: restart DIR"
    [ -f "$1/data/PG_VERSION" ] || die "no cluster in $1 (run: $0 start $1)"
    local dir
    dir=$(cd "$1" && pwd -P)
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >&2
}

cmd_url() {
    [ $# -eq 1 ] || die "usage: url DIR"
    [ -f "$1/data/PG_VERSION" ] || die "no cluster in $1"
    cluster_url "$(cd "$1" && pwd -P)"
}

case "${1:-}" in
install) shift; cmd_install "$@" ;;
start) shift; cmd_start "$@" ;;
stop) shift; cmd_stop "$@" ;;
restart) shift; cmd_restart "$@" ;;
url) shift; cmd_url "$@" ;;
*) die "usage: $0 install | start DIR | stop DIR | restart DIR | url DIR" ;;
esac
