#!/usr/bin/env bash
# The Redis CPU of the counter script alone (issue 18): captures a few hundred of the script calls LoadApps
# catalog-redis makes under wrk (MONITOR, one second), then replays them on the same redis-server with nothing else
# running and prints the time Redis spent inside each script per request (INFO commandstats), for the store's script
# (src/ErrorCatalog.Redis/Redis/RedisBatchScript.cs) and for counter-floor's (INCRBY of each key, no decision). Far
# less noisy than redis.sh's whole-process figure, so a change to the script can be judged here first; MONITOR slows
# Redis, so the captured calls carry more requests each than redis.sh's.
#
# Usage: benchmarks/load/script-replay.sh [NAME=script.lua ...]   (more scripts to compare: the same calls are given to
# each; needs the .NET SDK, wrk, redis-server and python3). Environment: ROUNDS (default 3), REPEATS (default 20).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require wrk redis-server redis-cli python3
start_redis
build_apps
start_app catalog-redis --redis "127.0.0.1:$port"
load() { wrk -t1 -c32 -d"$1"s -s "$here/keys.lua" "${url[catalog-redis]}" -- /accept 64 load_key_ >/dev/null; }
load 3
load 3 &
sleep 1
timeout 1 redis-cli -p "$port" MONITOR >"$work/monitor.txt" || true
wait $!
stop_apps
python3 "$here/replay.py" "$port" "$work/monitor.txt" \
    "store=$root/src/ErrorCatalog.Redis/Redis/RedisBatchScript.cs" "counter-floor=$root/benchmarks/LoadApps/RedisModes.cs" "$@"
