#!/usr/bin/env bash
# The naive order against a slow, serial API, as a shell loop of curl calls: log in, list the
# servers, then list each server's schedules one after another. Prints the total wall time, the
# number of requests, and when the first, middle and last server (in list order) had its
# schedules, as `key=value` lines (times in ms from the login) and a summary line.
#
# Usage: scripts/bench-naive.sh [URL]
#   URL: an emulator already running on 127.0.0.1 (examples/measure_slow_api.rs passes its
#   own). Without one, the script starts `target/release/bsched emulator` itself (the demo
#   fleet) with LATENCY_MS (default 300) per request, and stops it at the end.
# Needs curl; talks only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

url=${1:-}
if [[ -z $url ]]; then
  bin=target/release/bsched
  port=$((20000 + RANDOM % 20000))
  url="http://127.0.0.1:$port/"
  "$bin" emulator --listen "127.0.0.1:$port" --latency-ms "${LATENCY_MS:-300}" >/dev/null &
  emu=$!
  trap 'kill "$emu" 2>/dev/null' EXIT
  for _ in $(seq 100); do curl -s -o /dev/null "$url" && break; sleep 0.1; done
fi
case $url in
  http://127.0.0.1:*) ;;
  *) echo "bench-naive.sh: only http://127.0.0.1:PORT/ is allowed, not $url" >&2; exit 2 ;;
esac

ms() { echo $(( $(date +%s%N) / 1000000 )); }
requests=0
# call FUNC [ARGS...]: one POST, its answer on stdout. It runs in $(...), a subshell, so the
# callers count the requests.
call() {
  local func=$1; shift
  curl -sS --max-time 120 -d "func=$func" -d out=json -d lang=en "$@" "$url"
}

t0=$(ms)
requests=$((requests + 1))
tok=$(call auth -d username=demo@bsched.test -d password=demo -d sok=ok \
      | sed -n 's/.*"\$id": *"\([^"]*\)".*/\1/p')
if [[ -z $tok ]]; then echo "bench-naive.sh: the login failed" >&2; exit 1; fi

# The server list, a page of 1000 at a time.
ids=()
page=1
while :; do
  requests=$((requests + 1))
  answer=$(call instances -d "auth=$tok" -d "p_num=$page" -d p_cnt=1000)
  mapfile -t got < <(grep -o '"id":{"\$":"[0-9]*"}' <<<"$answer" | grep -o '[0-9][0-9]*')
  ids+=("${got[@]}")
  total=$(grep -o '"p_elems":{"\$":"[0-9]*"}' <<<"$answer" | grep -o '[0-9][0-9]*' || echo 0)
  if (( ${#got[@]} == 0 || ${#ids[@]} >= total )); then break; fi
  page=$((page + 1))
done
n=${#ids[@]}
if (( n == 0 )); then echo "bench-naive.sh: no servers listed" >&2; exit 1; fi
echo "bench-naive.sh: $n servers listed after $(( $(ms) - t0 )) ms; listing each one's schedules" >&2

first=0 middle=$((n / 2)) last=$((n - 1))
first_ms=0 middle_ms=0 last_ms=0 failed=0
for i in "${!ids[@]}"; do
  requests=$((requests + 1))
  answer=$(call instances.fleio_bckps.schedule -d "auth=$tok" -d "elid=${ids[$i]}")
  if grep -q '"error"' <<<"$answer"; then failed=$((failed + 1)); fi
  now=$(( $(ms) - t0 ))
  (( i == first )) && first_ms=$now
  (( i == middle )) && middle_ms=$now
  (( i == last )) && last_ms=$now
  if (( (i + 1) % 100 == 0 )); then
    echo "bench-naive.sh: $((i + 1)) / $n after $now ms" >&2
  fi
done
total_ms=$(( $(ms) - t0 ))

echo "servers=$n"
echo "requests=$requests"
echo "failed=$failed"
echo "total_ms=$total_ms"
echo "first_ms=$first_ms"
echo "middle_ms=$middle_ms"
echo "last_ms=$last_ms"
echo "naive curl loop: $n servers, $requests requests ($failed refused) in $total_ms ms; schedules of the first / middle / last server after $first_ms / $middle_ms / $last_ms ms"
