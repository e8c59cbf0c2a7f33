#!/usr/bin/env bash
# Redis load measurement (issues 7 and 18): this library on Redis checking IP + minute + month + credits limits per
# key, against RedisRateLimiting (one Redis fixed window per key) and a plain endpoint, on one redis-server started
# here (127.0.0.1, a free port), same endpoints (benchmarks/LoadApps), driven by wrk on the accept path and on the
# refusal path.
#
# Per path: server-side managed bytes per request (GC.GetTotalAllocatedBytes(true) over the app's request count, read
# from /_diag), server CPU µs per request (/proc/<pid>/stat), the ratio to RedisRateLimiting's path and to plain's
# measured in the same round, redis-server's own CPU µs per request, and Redis commands per request from INFO
# commandstats (the script calls the app sends: EVAL*/EVALSHA*/FCALL*; every other command, mostly those a script runs
# inside Redis, is listed apart). Besides the library with all four limits (catalog-redis) it measures the library
# with the minute limit alone (catalog-redis-one, like for like with RedisRateLimiting) and one bare script call per
# request through StackExchange.Redis (redis-floor), and one thread-pool hop per request with no Redis at all
# (hop-floor). Three more rows bound what any store can reach: catalog-memory (catalog-redis's limits and headers on
# the in-memory store: the same decisions with no Redis), shared-reply-floor (no limits; requests wait for a shared
# PING, one in flight, as the store's lanes make them wait for a shared script call) and counter-floor (the same with
# a script call that only INCRBYs each waiting request's three key counters and one shared IP counter: no decision,
# the least Redis work those four limits take).
#
# The refusal paths send keys load_refuse_0001..0064, whose month limit (RedisRateLimiting: 30-day window) allows 10
# requests: the warm-up drives them into the refusing state, and each measured run starts with CONFIG RESETSTAT, so
# commands per request there are those of refusals after their window's first refusal. plain-429 (a bare 429) is the
# refusals' plain twin. The "refused" column is the share of non-2xx answers wrk saw (0 on accept paths, 1 on refusal
# paths).
#
# The last lines are the issue 18 targets, one `target=` line each, machine-readable; REDIS_US_BASELINE is the Redis
# CPU µs/request of catalog-redis that the Redis CPU target halves (measured on the store before issue 18).
#
# Usage: benchmarks/load/redis.sh   (needs the .NET SDK, wrk and redis-server: apt-get install -y wrk redis-server)
# Environment: DURATION (s per run, default 5), WARMUP (s per warm-up slice, default 3; slices run until the runtime's
# background JIT is idle), CONNECTIONS (default 32), THREADS (default 1),
# ROUNDS (interleaved rounds, default 5; the table shows each metric's median), REDIS_US_BASELINE (default 16.25: the 2026-12-05 run).
set -euo pipefail

DURATION=${DURATION:-5}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-5}
REDIS_US_BASELINE=${REDIS_US_BASELINE:-16.25}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require wrk redis-server redis-cli
start_redis

build_apps
modes=(plain hop-floor redis-floor catalog-memory shared-reply-floor counter-floor catalog-redis catalog-redis-one redis-ratelimiting)
for mode in "${modes[@]}"; do
    start_app "$mode" --redis "127.0.0.1:$port"
done

# Each path: name, app mode, URL path, key prefix, the path its CPU is compared with (RedisRateLimiting's), its plain twin.
paths=(
    "plain plain /accept load_key_ redis-ratelimiting plain"
    "hop-floor hop-floor /accept load_key_ redis-ratelimiting plain"
    "redis-floor redis-floor /accept load_key_ redis-ratelimiting plain"
    "catalog-memory catalog-memory /accept load_key_ redis-ratelimiting plain"
    "shared-reply-floor shared-reply-floor /accept load_key_ redis-ratelimiting plain"
    "counter-floor counter-floor /accept load_key_ redis-ratelimiting plain"
    "catalog-redis catalog-redis /accept load_key_ redis-ratelimiting plain"
    "catalog-redis-one catalog-redis-one /accept load_key_ redis-ratelimiting plain"
    "redis-ratelimiting redis-ratelimiting /accept load_key_ redis-ratelimiting plain"
    "plain-429 plain /refuse load_key_ redis-ratelimiting-refusal plain-429"
    "catalog-redis-refusal catalog-redis /accept load_refuse_ redis-ratelimiting-refusal plain-429"
    "catalog-redis-one-refusal catalog-redis-one /accept load_refuse_ redis-ratelimiting-refusal plain-429"
    "redis-ratelimiting-refusal redis-ratelimiting /accept load_refuse_ redis-ratelimiting-refusal plain-429"
)
names=()
declare -A mode_of path_of prefix_of peer_of twin_of
for line in "${paths[@]}"; do
    read -r name m p k peer twin <<<"$line"
    names+=("$name"); mode_of[$name]=$m; path_of[$name]=$p; prefix_of[$name]=$k; peer_of[$name]=$peer; twin_of[$name]=$twin
done

calls() { redis-cli -p "$port" INFO commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ {sub("cmdstat_", "", $1); printf "%s=%s ", $1, $3}'; }
load() { # name seconds: wrk on that path
    local name=$1
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s -s "$here/keys.lua" "${url[${mode_of[$name]}]}" -- "${path_of[$name]}" 64 "${prefix_of[$name]}"
}

echo "# warm-up: ${WARMUP}s slices per path until the runtime's background JIT is idle (refusing keys reach their limit)" >&2
for name in "${names[@]}"; do
    warm "${pidof[${mode_of[$name]}]}" "$WARMUP" load "$name" "$WARMUP"
done

# Interleaved rounds (the machine's load drifts); each metric is the median of the rounds.
for round in $(seq "$ROUNDS"); do
    for name in "${names[@]}"; do
        mode=${mode_of[$name]}
        redis-cli -p "$port" CONFIG RESETSTAT >/dev/null
        read -r bytes0 req0 < <(diag "$mode"); cpu0=$(ticks "${pidof[$mode]}"); rcpu0=$(ticks "$redis_pid"); t0=$(date +%s.%N)
        load "$name" "$DURATION" >"$work/$name.wrk"
        t1=$(date +%s.%N); cpu1=$(ticks "${pidof[$mode]}"); rcpu1=$(ticks "$redis_pid"); read -r bytes1 req1 < <(diag "$mode")
        n=$((req1 - req0))
        stats=$(calls)
        awk -v b=$((bytes1 - bytes0)) -v n=$n 'BEGIN{printf "%.1f\n", b/n}' >>"$work/$name.bytes"
        awk -v c=$((cpu1 - cpu0)) -v n=$n -v hz="$hz" 'BEGIN{printf "%.2f\n", c*1e6/hz/n}' >>"$work/$name.cpu"
        awk -v c=$((rcpu1 - rcpu0)) -v n=$n -v hz="$hz" 'BEGIN{printf "%.2f\n", c*1e6/hz/n}' >>"$work/$name.rcpu"
        awk -v n=$n -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f\n", n/(b-a)}' >>"$work/$name.rps"
        awk '/requests in/ {t = $1} /Non-2xx/ {r = $NF} END {printf "%.3f\n", t ? r / t : 0}' "$work/$name.wrk" >>"$work/$name.refused"
        awk -v n=$n -v s="$stats" 'BEGIN{split(s, p, " "); t=0; for (i in p) { split(p[i], kv, "="); if (kv[1] ~ /^(eval|fcall)/) t += kv[2] } printf "%.4f\n", t/n}' >>"$work/$name.cmds"
        awk -v n=$n -v s="$stats" 'BEGIN{split(s, p, " "); for (i in p) { split(p[i], kv, "="); if (kv[1] !~ /^(eval|fcall|config|info)/) printf "%s=%.2f ", kv[1], kv[2]/n } print ""}' >"$work/$name.inner"
    done
done

# Ratios are taken per round (each path against its RedisRateLimiting path and its plain twin of the same round),
# then their median.
ratio() { paste "$work/$1.cpu" "$work/$2.cpu" | awk '{print $1 / $2}' >"$work/$1.vs.$2"; median "$work/$1.vs.$2"; }
declare -A B C R Q K F VR VP
for name in "${names[@]}"; do
    B[$name]=$(median "$work/$name.bytes"); C[$name]=$(median "$work/$name.cpu"); R[$name]=$(median "$work/$name.rcpu")
    Q[$name]=$(median "$work/$name.rps"); K[$name]=$(median "$work/$name.cmds"); F[$name]=$(median "$work/$name.refused")
    VR[$name]=$(ratio "$name" "${peer_of[$name]}"); VP[$name]=$(ratio "$name" "${twin_of[$name]}")
done
echo "# load after: $(uptime)" >&2
load_after=$(uptime | sed 's/.*load average: //')

printf "\n%-27s %9s %8s %11s %11s %11s %9s %12s %10s  %s\n" path "req/s" refused "bytes/req" "cpu us/req" "vs RRL cpu" "vs plain" "redis us/req" "cmds/req" "other commands per request (in scripts)"
for name in "${names[@]}"; do
    printf "%-27s %9s %8s %11s %11s %10.3fx %8.3fx %12s %10s  %s\n" "$name" "${Q[$name]}" "${F[$name]}" "${B[$name]}" "${C[$name]}" \
        "${VR[$name]}" "${VP[$name]}" "${R[$name]}" "${K[$name]}" "$(cat "$work/$name.inner")"
done
echo
for name in catalog-memory shared-reply-floor counter-floor catalog-redis catalog-redis-one redis-ratelimiting catalog-redis-refusal catalog-redis-one-refusal redis-ratelimiting-refusal; do
    printf "path=%s bytes_per_req=%s cpu_us_per_req=%s cpu_ratio=%.3f redis_commands_per_req=%s redis_us_per_req=%s rrl_cpu_ratio=%.3f refused=%s\n" \
        "$name" "${B[$name]}" "${C[$name]}" "${VP[$name]}" "${K[$name]}" "${R[$name]}" "${VR[$name]}" "${F[$name]}"
done
# The issue 18 targets, on the accept path of catalog-redis (and its refusal path for the last one).
verdict() { # name value comparison limit
    awk -v t="$1" -v v="$2" -v l="$3" 'BEGIN { printf "target=%s value=%s limit=%s pass=%s\n", t, v, l, (v + 0 <= l + 0) ? "yes" : "no" }'
}
verdict server_cpu_vs_redis_ratelimiting "$(printf %.3f "${VR[catalog-redis]}")" 0.6
verdict bytes_per_req "${B[catalog-redis]}" 600
verdict redis_commands_per_req "${K[catalog-redis]}" 0.5
verdict redis_us_per_req "${R[catalog-redis]}" "$(awk -v b="$REDIS_US_BASELINE" 'BEGIN { printf "%.2f", b / 2 }')"
verdict refusal_redis_commands_per_req "${K[catalog-redis-refusal]}" 0.05
# The floors under the two CPU targets, measured in the same run: what no store that waits for a shared Redis call
# (server CPU) or that writes those four counters (Redis CPU) can go below.
printf "floor=server_cpu_vs_redis_ratelimiting shared_reply=%.3f counter=%.3f in_memory=%.3f\n" "${VR[shared-reply-floor]}" "${VR[counter-floor]}" "${VR[catalog-memory]}"
printf "floor=redis_us_per_req counter=%s\n" "${R[counter-floor]}"
echo "# median of $ROUNDS interleaved rounds x ${DURATION}s per path, wrk -t$THREADS -c$CONNECTIONS, 64 keys, one redis-server 127.0.0.1:$port, $(nproc) cores; load average before: $load_before, after: $load_after" >&2
