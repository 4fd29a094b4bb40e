#!/usr/bin/env bash
# The speed table of issue 10: Capacity Hub's hot pages against a bare Fiber 2 KB page
# (deploy/barefiber), measured in the same run, in interleaved rounds (the median of each row is
# kept), with wrk (Debian package `wrk`) on loopback, each request from another client address
# behind a trusted proxy (deploy/many-clients.lua), so that the per-IP limit is checked on every
# request but refuses none. Prints rps, p50, p99, errors and the share of the bare page per row,
# the server's RSS after the run and how soon the first page was served.
#   deploy/bench.sh            # 5 s per row and round, 3 rounds, 64 connections
#   BENCH_SECS=10 BENCH_ROUNDS=5 BENCH_CONNS=64 deploy/bench.sh
# DATABASE_URL (postgres://…) and REDIS_URL run the product on PostgreSQL and Redis instead.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench.sh: wrk is not installed (apt-get install wrk); skipped"; exit 0; }
secs=${BENCH_SECS:-5} rounds=${BENCH_ROUNDS:-3} conns=${BENCH_CONNS:-64}
dir=$(mktemp -d) hub_pid=
trap 'kill $bare_pid $hub_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/barefiber" ./deploy/barefiber
go build -o "$dir/capacityhub" ./cmd/capacityhub
go build -o "$dir/firstpage" ./deploy/firstpage

ADDR=127.0.0.1:18091 "$dir/barefiber" >/dev/null 2>&1 & bare_pid=$!
hub=http://127.0.0.1:18092
# PostgreSQL wants a SECRET_KEY shared by the nodes: one for this run unless given. firstpage
# (deploy/firstpage) starts the server and times its first page from one polling process.
read -r hub_pid first_ms < <(SECRET_KEY=${SECRET_KEY:-$(head -c 32 /dev/urandom | base64 | tr -d '\n')} \
  ADDR=127.0.0.1:18092 BASE_URL=$hub DATABASE_URL="${DATABASE_URL:-sqlite:$dir/ch.db}" LOG_FORMAT=json \
  TRUSTED_PROXIES=127.0.0.1/32 "$dir/firstpage" -log "$dir/serve.log" "$hub/en/" "$dir/capacityhub" serve) || true
[ -n "${first_ms:-}" ] || { echo "bench.sh: the server did not start:"; cat "$dir/serve.log"; exit 1; }
for _ in $(seq 100); do curl -fs http://127.0.0.1:18091/ -o /dev/null && break; sleep 0.05; done

# A signed-in reader: registered through the API, signed in through the page form.
email="bench-$$@example.org" password="amber kettle Nairobi lantern 47"
curl -fs -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Bench\",\"country\":\"KE\"}" "$hub/api/v1/auth/register"
token=$(curl -fs -c "$dir/jar" -b "$dir/jar" "$hub/en/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -o /dev/null -c "$dir/jar" -b "$dir/jar" -H "Origin: $hub" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=$email" --data-urlencode "password=$password" "$hub/en/login"
grep -q 'session\s' "$dir/jar" || { echo "bench.sh: could not sign in"; exit 1; }
# Every cookie of the jar, as her browser sends them (the session, the form token's seed, lang…).
session=$(awk '!/^#/ || /^#HttpOnly_/ { sub(/^#HttpOnly_/, ""); if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$dir/jar")
lesson=/en/courses/regulating-ai-in-telecoms/what-ai-means-for-telecoms
curl -fs -H "Cookie: $session" "$hub$lesson" | grep -q 'action="/en/logout"' ||
  { echo "bench.sh: the signed-in row would not be signed in"; exit 1; }

# name|url|extra header
rows=(
  "bare Fiber 2 KB page (the limit)|http://127.0.0.1:18091/|"
  "home /en/|$hub/en/|"
  "home /en/, gzip|$hub/en/|Accept-Encoding: gzip"
  "catalogue /en/courses|$hub/en/courses|"
  "course page|$hub/en/courses/regulating-ai-in-telecoms|"
  "lesson page, anonymous|$hub$lesson|"
  "lesson page, anonymous, gzip|$hub$lesson|Accept-Encoding: gzip"
  "lesson page, signed in|$hub$lesson|Cookie: $session"
  "GET /api/v1/courses|$hub/api/v1/courses|"
)
for round in $(seq "$rounds"); do
  for i in "${!rows[@]}"; do
    IFS='|' read -r _ url header <<<"${rows[$i]}"
    args=(-t2 -c"$conns" -d"${secs}s" -s deploy/many-clients.lua)
    [ -n "$header" ] && args+=(-H "$header")
    wrk "${args[@]}" "$url" | awk -v i="$i" '/^RESULT/ {print i, $2, $3, $4, $5}' >>"$dir/results"
  done
done
rss=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$hub_pid/status")

printf '%-36s %8s %7s %7s %6s %8s\n' page rps "p50 ms" "p99 ms" errors "vs limit"
# Per row, the round with the median rps; the limit is row 0's median.
sort -k1,1n -k2,2n "$dir/results" | awk -v rounds="$rounds" '
  { n[$1]++; if (n[$1] == int((rounds + 1) / 2)) { rps[$1] = $2; p50[$1] = $3; p99[$1] = $4; err[$1] = $5 } }
  END { for (i = 0; i in rps; i++) print i, rps[i], p50[i], p99[i], err[i], rps[i] / rps[0] * 100 }' |
while read -r i rps p50 p99 errs share; do
  IFS='|' read -r name _ _ <<<"${rows[$i]}"
  printf '%-36s %8s %7s %7s %6s %7.1f%%\n' "$name" "$rps" "$p50" "$p99" "$errs" "$share"
done
echo "server RSS after the run: $rss MB; first page served $first_ms ms after start ($(grep -o '"database":"[a-z]*"' "$dir/serve.log" | head -1 | cut -d'"' -f4 || true))"
