#!/usr/bin/env bash
# Load run: serves a fresh instance on loopback and drives it with wrk (Debian package `wrk`) for a
# bounded time. Prints requests per second and latency for the home page. Only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "load.sh: wrk is not installed (apt-get install wrk); skipped"; exit 0; }
duration="${LOAD_DURATION:-10s}"
port="${LOAD_PORT:-18080}"
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

go build -o "$dir/capacityhub" ./cmd/capacityhub
start=$(date +%s%N)
# The server believes X-Forwarded-For from loopback, and wrk sends each request from another
# address (deploy/many-clients.lua), as behind a reverse proxy: the anonymous per-IP limit is then
# checked on every request but never refuses one.
ADDR="127.0.0.1:$port" DATABASE_URL="sqlite:$dir/ch.db" LOG_FORMAT=json TRUSTED_PROXIES=127.0.0.1/32 \
  "$dir/capacityhub" serve >"$dir/serve.log" 2>&1 &
pid=$!
for _ in $(seq 200); do curl -fs "http://127.0.0.1:$port/en/" -o /dev/null && break; sleep 0.05; done
echo "first page served $(( ($(date +%s%N) - start) / 1000000 )) ms after start (fresh database)"

for path in /en/ /ar/ /fr/courses /fr/courses/regulating-ai-in-telecoms/bias-and-discrimination; do
  echo "--- GET $path, gzip, 2 threads, 32 connections, $duration"
  wrk -t2 -c32 -d"$duration" -s deploy/many-clients.lua -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port$path" |
    grep -E 'Requests/sec|Latency|requests in|Non-2xx'
done
