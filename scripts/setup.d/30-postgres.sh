#!/usr/bin/env bash
# PostgreSQL for the postgres sink's tests (idempotent).
# - SLUICE_TEST_PG_URL set: the tests use that server; nothing is installed.
# - Otherwise the tests use postgres://postgres:sluice-test-pw@127.0.0.1:5432/postgres: a server
#   already listening there is used as it is; on a fresh machine (as root) PostgreSQL is installed
#   with apt-get, started, and the postgres role given that password if it has none.
# The restart tests also need the server binaries (initdb, pg_ctl), which the same package brings.
set -euo pipefail

say() { echo "[30-postgres] $*"; }
reachable() { (exec 3<>"/dev/tcp/127.0.0.1/5432") 2>/dev/null; }

if [ -n "${SLUICE_TEST_PG_URL:-}" ]; then
  say "SLUICE_TEST_PG_URL is set: the PostgreSQL tests use that server."
  exit 0
fi

server_binaries() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }

if reachable; then
  say "PostgreSQL is listening on 127.0.0.1:5432; the tests use it."
  server_binaries || say "note: no server binaries (initdb, pg_ctl): the database-restart test will be skipped (apt-get install postgresql to run it)."
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  cat <<'MSG'
[30-postgres] No PostgreSQL on 127.0.0.1:5432, and this script can only install one as root with apt-get.
[30-postgres] Either install and start PostgreSQL (e.g. `sudo apt-get install postgresql`), then give the
[30-postgres] postgres role the test password:
[30-postgres]     sudo -u postgres psql -c "ALTER ROLE postgres PASSWORD 'sluice-test-pw'"
[30-postgres] or point the tests at any server you have (a database they may create schemas in):
[30-postgres]     export SLUICE_TEST_PG_URL=postgres://user:password@host:5432/database
MSG
  exit 1
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! server_binaries; then
  say "installing PostgreSQL with apt-get…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi

# Start every cluster Debian knows of (a fresh install has one, <version>/main); create one if none.
if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
  pg_createcluster "$version" main >/dev/null
fi
pg_lsclusters -h | while read -r version cluster _; do
  pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
done

for _ in $(seq 1 60); do reachable && break; sleep 0.5; done
if ! reachable; then
  say "PostgreSQL was installed but does not listen on 127.0.0.1:5432 (see pg_lsclusters); set SLUICE_TEST_PG_URL to a server the tests can use."
  exit 1
fi

# The role gets the test password only if it has none (a password someone set is left alone).
runuser -u postgres -- psql -qAt -c \
  "DO \$\$ BEGIN IF (SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'postgres') THEN ALTER ROLE postgres PASSWORD 'sluice-test-pw'; END IF; END \$\$;"
say "PostgreSQL is running on 127.0.0.1:5432; the tests connect as postgres/sluice-test-pw."
