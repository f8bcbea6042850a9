#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 cluster (no systemd needed), makes a test role and a UTF-8 test
# database, checks that the role can sign in with the URL it prints, and prints that URL on stdout.
# Idempotent. Everything else goes to stderr.
#
# The URL uses the cluster's Unix socket with password authentication, not TCP: a CI sandbox may
# resolve "localhost" to ::1 only, or have no loopback the server can reach, while the socket
# directory always exists. TCP settings are left as Debian made them (listen on "localhost").
set -euo pipefail
version=15
cluster=main
socket_dir=/var/run/postgresql
conf_dir="/etc/postgresql/${version}/${cluster}"
role=ketapath
database=ketapath_test
# sslmode=disable: a Unix socket has no TLS, and a PGSSLMODE in the environment must not matter.
url="postgresql://${role}:${role}@%2Fvar%2Frun%2Fpostgresql/${database}?sslmode=disable"

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
as_postgres() { $sudo su postgres -c "$1"; }

if ! pg_lsclusters -h 2>/dev/null | grep -q "^${version} ${cluster} "; then
  $sudo env LANG=C.UTF-8 pg_createcluster --locale C.UTF-8 "$version" "$cluster" >&2
fi

# Password sign-in on the socket for every role of the test database (the role-separation test
# signs in as an application role it creates): after the postgres superuser's own "peer" line,
# ahead of the catch-all "peer" rule.
hba_line="local   ${database}   all   scram-sha-256"
hba="${conf_dir}/pg_hba.conf"
if ! $sudo grep -qxF "$hba_line" "$hba"; then
  if $sudo grep -qE '^local +all +postgres +peer' "$hba"; then
    $sudo sed -i -E "0,/^local +all +postgres +peer/s//&\n${hba_line}/" "$hba"
  else
    $sudo sed -i "1i ${hba_line}" "$hba"
  fi
fi

if pg_lsclusters -h | grep -q "^${version} ${cluster} .* online"; then
  $sudo pg_ctlcluster "$version" "$cluster" restart >&2
else
  $sudo pg_ctlcluster "$version" "$cluster" start >&2
fi
for _ in $(seq 1 60); do
  if as_postgres "pg_isready -q -h ${socket_dir}"; then break; fi
  sleep 0.5
done

as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='${role}'\"" | grep -q 1 ||
  as_postgres "psql -qc \"CREATE ROLE ${role} LOGIN PASSWORD '${role}' CREATEDB\"" >&2
# CREATEROLE: the role-separation test makes (and drops) an application role of its own.
as_postgres "psql -qc \"ALTER ROLE ${role} PASSWORD '${role}' CREATEROLE\"" >&2
# The store keeps clinical text in UTF-8; a database made under LANG=C would be SQL_ASCII.
encoding="$(as_postgres "psql -qtAc \"SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname='${database}'\"")"
if [[ -n "$encoding" && "$encoding" != "UTF8" ]]; then
  as_postgres "psql -qc \"DROP DATABASE ${database}\"" >&2
  encoding=""
fi
if [[ -z "$encoding" ]]; then
  as_postgres "psql -qc \"CREATE DATABASE ${database} OWNER ${role} ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'\"" >&2
fi

# The check the tests would otherwise make one by one: sign in exactly as they will.
if ! check="$(psql "$url" -qtAc "SELECT current_user || ' ' || pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()" 2>&1)"; then
  echo "start-postgres: cannot sign in as ${role} with ${url/:${role}@/:***@}: ${check}" >&2
  pg_lsclusters >&2 || true
  $sudo tail -n 30 "/var/log/postgresql/postgresql-${version}-${cluster}.log" >&2 || true
  exit 1
fi
if [[ "$check" != "${role} UTF8" ]]; then
  echo "start-postgres: expected '${role} UTF8', the server answered '${check}'" >&2
  exit 1
fi
echo "$url"
