#!/usr/bin/env bash
# Redis load measurement (issue 7): this library on Redis checking IP + minute + month + credits limits per key,
# against RedisRateLimiting (one Redis fixed window per key) and a plain endpoint, on one redis-server started here
# (127.0.0.1, a free port), same endpoints (benchmarks/LoadApps), driven by wrk on the accept path.
#
# Per app: server-side managed bytes per request (GC.GetTotalAllocatedBytes(true) over the app's request count, read
# from /_diag), server CPU µs per request (/proc/<pid>/stat), the ratio to RedisRateLimiting and to plain measured in
# the same run, redis-server's own CPU µs per request, and Redis commands per request from INFO commandstats
# (EVAL/EVALSHA sent by the app; the commands a script runs inside Redis are listed apart). Besides the library with
# all four limits (catalog-redis) it measures the library with the minute limit alone (catalog-redis-one, like for
# like with RedisRateLimiting) and one bare script call per request through StackExchange.Redis (redis-floor).
#
# Usage: benchmarks/load/redis.sh   (needs the .NET SDK, wrk and redis-server: apt-get install -y wrk redis-server)
# Environment: DURATION (s per run, default 5), WARMUP (s per warm-up slice, default 3; slices run until the runtime's
# background JIT is idle), CONNECTIONS (default 32), THREADS (default 1),
# ROUNDS (interleaved rounds, default 5; the table shows each metric's median).
set -euo pipefail

DURATION=${DURATION:-5}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-5}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require wrk redis-server redis-cli

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!; pids+=("$redis_pid")
for _ in $(seq 100); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.1; done

build_apps
modes=(plain redis-floor catalog-redis catalog-redis-one redis-ratelimiting)
for mode in "${modes[@]}"; do
    start_app "$mode" --redis "127.0.0.1:$port"
done

calls() { redis-cli -p "$port" INFO commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ {sub("cmdstat_", "", $1); printf "%s=%s ", $1, $3}'; }

echo "# warm-up: ${WARMUP}s slices per app until the runtime's background JIT is idle" >&2
for mode in "${modes[@]}"; do
    warm "${pidof[$mode]}" "$WARMUP" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP"s -s "$here/keys.lua" "${url[$mode]}" -- /accept 64
done

# Interleaved rounds (the machine's load drifts); each metric is the median of the rounds.
for round in $(seq "$ROUNDS"); do
    for mode in "${modes[@]}"; do
        redis-cli -p "$port" CONFIG RESETSTAT >/dev/null
        read -r bytes0 req0 < <(diag "$mode"); cpu0=$(ticks "${pidof[$mode]}"); rcpu0=$(ticks "$redis_pid"); t0=$(date +%s.%N)
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION"s -s "$here/keys.lua" "${url[$mode]}" -- /accept 64 >"$work/$mode.wrk"
        t1=$(date +%s.%N); cpu1=$(ticks "${pidof[$mode]}"); rcpu1=$(ticks "$redis_pid"); read -r bytes1 req1 < <(diag "$mode")
        n=$((req1 - req0))
        stats=$(calls)
        awk -v b=$((bytes1 - bytes0)) -v n=$n 'BEGIN{printf "%.1f\n", b/n}' >>"$work/$mode.bytes"
        awk -v c=$((cpu1 - cpu0)) -v n=$n -v hz="$hz" 'BEGIN{printf "%.2f\n", c*1e6/hz/n}' >>"$work/$mode.cpu"
        awk -v c=$((rcpu1 - rcpu0)) -v n=$n -v hz="$hz" 'BEGIN{printf "%.2f\n", c*1e6/hz/n}' >>"$work/$mode.rcpu"
        awk -v n=$n -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f\n", n/(b-a)}' >>"$work/$mode.rps"
        awk -v n=$n -v s="$stats" 'BEGIN{split(s, p, " "); t=0; for (i in p) { split(p[i], kv, "="); if (kv[1] ~ /^eval/) t += kv[2] } printf "%.3f\n", t/n}' >>"$work/$mode.cmds"
        awk -v n=$n -v s="$stats" 'BEGIN{split(s, p, " "); for (i in p) { split(p[i], kv, "="); if (kv[1] !~ /^(eval|config|info)/) printf "%s=%.2f ", kv[1], kv[2]/n } print ""}' >"$work/$mode.inner"
    done
done

# Ratios are taken per round (each app against RedisRateLimiting and plain of the same round), then their median.
ratio() { paste "$work/$1.cpu" "$work/$2.cpu" | awk '{print $1 / $2}' >"$work/$1.vs.$2"; median "$work/$1.vs.$2"; }
declare -A B C R Q K VR VP
for mode in "${modes[@]}"; do
    B[$mode]=$(median "$work/$mode.bytes"); C[$mode]=$(median "$work/$mode.cpu"); R[$mode]=$(median "$work/$mode.rcpu")
    Q[$mode]=$(median "$work/$mode.rps"); K[$mode]=$(median "$work/$mode.cmds")
    VR[$mode]=$(ratio "$mode" redis-ratelimiting); VP[$mode]=$(ratio "$mode" plain)
done

printf "\n%-20s %9s %11s %11s %11s %9s %11s %10s  %s\n" app "req/s" "bytes/req" "cpu us/req" "vs RRL cpu" "vs plain" "redis us/req" "cmds/req" "in-script commands per request"
for mode in "${modes[@]}"; do
    printf "%-20s %9s %11s %11s %10.3fx %8.3fx %12s %10s  %s\n" "$mode" "${Q[$mode]}" "${B[$mode]}" "${C[$mode]}" \
        "${VR[$mode]}" "${VP[$mode]}" "${R[$mode]}" "${K[$mode]}" "$(cat "$work/$mode.inner")"
done
echo
for mode in catalog-redis catalog-redis-one redis-ratelimiting; do
    printf "path=%s bytes_per_req=%s cpu_us_per_req=%s cpu_ratio=%.3f redis_commands_per_req=%s\n" "$mode" "${B[$mode]}" "${C[$mode]}" "${VP[$mode]}" "${K[$mode]}"
done
echo "# median of $ROUNDS interleaved rounds x ${DURATION}s per app, wrk -t$THREADS -c$CONNECTIONS, one redis-server 127.0.0.1:$port, $(nproc) cores" >&2
