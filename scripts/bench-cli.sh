#!/usr/bin/env bash
# `bsched schedules list` as a whole process, beside curl making the same two requests (login,
# list) against the same emulator, in one run. Needs a release build and curl; talks only to
# 127.0.0.1. Usage: scripts/bench-cli.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
bin=target/release/bsched
port=$((20000 + RANDOM % 20000))
url="http://127.0.0.1:$port/"
"$bin" emulator --listen "127.0.0.1:$port" >/dev/null &
emu=$!
trap 'kill $emu 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "$url" && break; sleep 0.1; done
export BSCHED_URL=$url BSCHED_USERNAME=demo@bsched.test BSCHED_PASSWORD=demo
export XDG_CONFIG_HOME=$(mktemp -d) XDG_DATA_HOME=$(mktemp -d)

ms() { echo $(( $(date +%s%N) / 1000000 )); }

bsched_once() { "$bin" schedules list --instance 5203770 >/dev/null; }
curl_once() {
  local tok
  tok=$(curl -s -d func=auth -d username=demo@bsched.test -d password=demo -d out=json -d sok=ok "$url" \
        | sed -n 's/.*"\$id": *"\([^"]*\)".*/\1/p')
  curl -s -d func=instances.fleio_bckps.schedule -d elid=5203770 -d out=json -d lang=en \
       -d "auth=$tok" "$url" >/dev/null
}

bsched_once; curl_once # warm up
# Alternate the two so that both see the same machine load.
tb=0; tc=0
for _ in $(seq "$runs"); do
  t0=$(ms); bsched_once; t1=$(ms); curl_once; t2=$(ms)
  tb=$((tb + t1 - t0)); tc=$((tc + t2 - t1))
done
awk -v b="$tb" -v c="$tc" -v n="$runs" 'BEGIN {
  printf "bsched schedules list: %.1f ms per run; curl (login + list, 2 processes): %.1f ms per run; ratio %.2f over %d runs\n", b/n, c/n, b/c, n }'
