#!/usr/bin/env bash
# What one Redis primary carries (issue 18, docs/scaling.md): N app instances (LoadApps catalog-redis: IP + minute +
# month + credits limits per key, the plan redis.sh measures) sharing one redis-server started here (127.0.0.1, a free
# port), K active API keys sent round robin by one wrk per instance at wrk's maximum rate (wrk2 is not available, so
# the offered rate is not set: the achieved rate R is reported).
#
# Per (N, K): R (requests/s over all instances), Redis commands/s and per request (the script calls the apps send,
# from INFO commandstats), redis-server's CPU µs per request and its share of one core, and so the request rate at
# which one redis-server core saturates (1e6 / µs per request); the apps' CPU µs per request.
# Per K, once: Redis memory per active key (INFO memory used_memory after FLUSHALL, then after every key was touched,
# divided by K; the clients' buffers, mem_clients_normal, left out) and the Redis keys per API key, per limit.
# Then a memory probe of every kind of key the store writes (LoadApps catalog-redis-kinds: sliding minute, month,
# credits, concurrency; K=KINDS_KEYS): the keys are touched, then touched again in the next UTC minute, so each
# sliding counter also has its previous window; MEMORY USAGE of sampled keys of each kind (window counter, previous
# window, lease set; lease sets only exist while requests are in flight, so they are sampled under load).
# Keys are told apart by their limit's name between colons (…:minute:…, …:month:…, …:ip:…, …:concurrency:…leases),
# so a key layout that moves the prefix or adds hash tags is still counted.
#
# Usage: benchmarks/load/scaling.sh   (needs the .NET SDK, wrk and redis-server: apt-get install -y wrk redis-server)
# Environment: INSTANCES (default "1 2"), KEYS_LIST (default "64 1000 10000"), DURATION (s per run, default 5),
# ROUNDS (interleaved rounds over INSTANCES, default 3; medians), CONNECTIONS (per instance's wrk, default 32),
# WARMUP (s per warm-up slice, default 3), KINDS_KEYS (default 1000; 0 skips the memory probe, which waits for the
# next UTC minute).
set -euo pipefail

INSTANCES=${INSTANCES:-1 2}
KEYS_LIST=${KEYS_LIST:-64 1000 10000}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-3}
KINDS_KEYS=${KINDS_KEYS:-1000}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require wrk redis-server redis-cli
start_redis
rc() { redis-cli -p "$port" "$@"; }
# Redis's memory without its clients' buffers (which grow and shrink with the load, not with the keys).
used_memory() {
    sleep 1
    rc INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" {u = $2} $1 == "mem_clients_normal" {c = $2} END {print u - c}'
}
script_calls() { rc INFO commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_(eval|fcall)/ {t += $3} END {print t + 0}'; }
count() { rc --scan --pattern "$1" | wc -l; }
sample_usage() { # pattern: mean MEMORY USAGE of up to 10 keys matching it ("-" when none)
    (rc --scan --pattern "$1" || true) | head -10 | while read -r key; do rc MEMORY USAGE "$key" SAMPLES 0; done |
        awk '$1 + 0 > 0 {s += $1; n++} END {if (n) printf "%.0f", s / n; else printf "-"}'
}

build_apps
max_n=$(tr ' ' '\n' <<<"$INSTANCES" | sort -g | tail -1)
max_k=$(tr ' ' '\n' <<<"$KEYS_LIST" | sort -g | tail -1)
for i in $(seq "$max_n"); do
    start_app "catalog-redis@$i" --redis "127.0.0.1:$port" --keys "$max_k"
done

touch_keys() { # url keys: load until every key has its month counter (2 s slices; a loaded machine may need several)
    local slice
    for slice in $(seq 10); do
        wrk -t1 -c"$CONNECTIONS" -d2s -s "$here/keys.lua" "$1" -- /accept "$2" >/dev/null
        (($(count '*:month:*') >= $2)) && return
    done
    echo "# warning: not every one of $2 keys was touched" >&2
}

drive() { # instances keys seconds: one wrk per instance 1..n, at once
    local n=$1 k=$2 s=$3 i running=()
    for i in $(seq "$n"); do
        wrk -t1 -c"$CONNECTIONS" -d"$s"s -s "$here/keys.lua" "${url[catalog-redis@$i]}" -- /accept "$k" >"$work/wrk.$i" &
        running+=($!)
    done
    wait "${running[@]}"
}

echo "# warm-up: ${WARMUP}s slices per instance until the runtime's background JIT is idle" >&2
for i in $(seq "$max_n"); do
    warm "${pidof[catalog-redis@$i]}" "$WARMUP" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP"s -s "$here/keys.lua" "${url[catalog-redis@$i]}" -- /accept 64
done

declare -A MEM KEYS_PER
# One throwaway cycle first: without it the first reading after the warm-up came out twice the later ones (788
# against 402 bytes per key at K=64).
rc FLUSHALL SYNC >/dev/null
touch_keys "${url[catalog-redis@1]}" 64
for k in $KEYS_LIST; do
    # Memory: an empty database, then every key touched once (round robin: K requests touch K keys).
    rc FLUSHALL SYNC >/dev/null
    sleep 0.5
    mem0=$(used_memory)
    touch_keys "${url[catalog-redis@1]}" "$k"
    mem1=$(used_memory)
    total=$(rc DBSIZE)
    MEM[$k]=$(awk -v a="$mem0" -v b="$mem1" -v k="$k" 'BEGIN {printf "%.0f", (b - a) / k}')
    KEYS_PER[$k]=$(printf "minute=%s month=%s credits=%s ip=%s all=%s" \
        "$(awk -v c="$(count '*:minute:*')" -v k="$k" 'BEGIN {printf "%.2f", c / k}')" \
        "$(awk -v c="$(count '*:month:*')" -v k="$k" 'BEGIN {printf "%.2f", c / k}')" \
        "$(awk -v c="$(count '*:credits:*')" -v k="$k" 'BEGIN {printf "%.2f", c / k}')" \
        "$(count '*:ip:*')" \
        "$(awk -v c="$total" -v k="$k" 'BEGIN {printf "%.2f", c / k}')")
    echo "# K=$k: used_memory $mem0 -> $mem1, $total keys: ${KEYS_PER[$k]}" >&2
    for name in minute month credits; do
        echo "$k $name $(sample_usage "*:$name:*")" >>"$work/usage"
    done

    for round in $(seq "$ROUNDS"); do
        for n in $INSTANCES; do
            rc CONFIG RESETSTAT >/dev/null
            req0=0; cpu0=0
            for i in $(seq "$n"); do
                read -r _ r < <(diag "catalog-redis@$i"); req0=$((req0 + r)); cpu0=$((cpu0 + $(ticks "${pidof[catalog-redis@$i]}")))
            done
            rcpu0=$(ticks "$redis_pid"); t0=$(date +%s.%N)
            drive "$n" "$k" "$DURATION"
            t1=$(date +%s.%N); rcpu1=$(ticks "$redis_pid")
            req1=0; cpu1=0
            for i in $(seq "$n"); do
                read -r _ r < <(diag "catalog-redis@$i"); req1=$((req1 + r)); cpu1=$((cpu1 + $(ticks "${pidof[catalog-redis@$i]}")))
            done
            calls=$(script_calls)
            id="$n.$k"
            req=$((req1 - req0))
            awk -v n=$req -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f\n", n / (b - a)}' >>"$work/$id.rps"
            awk -v c="$calls" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f\n", c / (b - a)}' >>"$work/$id.cps"
            awk -v c="$calls" -v n=$req 'BEGIN {printf "%.3f\n", c / n}' >>"$work/$id.cpr"
            awk -v c=$((rcpu1 - rcpu0)) -v n=$req -v hz="$hz" 'BEGIN {printf "%.2f\n", c * 1e6 / hz / n}' >>"$work/$id.rus"
            awk -v c=$((rcpu1 - rcpu0)) -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.0f\n", 100 * c / hz / (b - a)}' >>"$work/$id.rcore"
            awk -v c=$((cpu1 - cpu0)) -v n=$req -v hz="$hz" 'BEGIN {printf "%.2f\n", c * 1e6 / hz / n}' >>"$work/$id.aus"
            rm -f "$work/wrk.all"; for i in $(seq "$n"); do cat "$work/wrk.$i" >>"$work/wrk.all"; done
            awk '/Non-2xx/ {r += $NF} END {printf "%d\n", r}' "$work/wrk.all" >>"$work/$id.non2xx"
        done
    done
done

if ((KINDS_KEYS > 0)); then
    stop_apps
    start_app catalog-redis-kinds --redis "127.0.0.1:$port" --keys "$KINDS_KEYS"
    kinds=${url[catalog-redis-kinds]}
    rc FLUSHALL SYNC >/dev/null
    sleep 0.5
    kmem0=$(used_memory)
    touch_keys "$kinds" "$KINDS_KEYS"
    # The next UTC minute: each sliding minute counter now has a previous window beside its current one.
    sleep $((61 - 10#$(date -u +%S)))
    wrk -t1 -c"$CONNECTIONS" -d2s -s "$here/keys.lua" "$kinds" -- /accept "$KINDS_KEYS" >/dev/null
    for _ in $(seq 10); do
        (($(count "*:minute:*") >= 2 * KINDS_KEYS)) && break
        wrk -t1 -c"$CONNECTIONS" -d2s -s "$here/keys.lua" "$kinds" -- /accept "$KINDS_KEYS" >/dev/null
    done
    kmem1=$(used_memory)
    # Window counters are named by their window's index: the two minutes touched are the two indices seen.
    read -r minute_previous minute_now < <(rc --scan --pattern '*:minute:*' | awk -F: '{print $NF}' | sort -u | sort -g | tail -2 | xargs) || true
    if [[ -z "${minute_now:-}" ]]; then minute_now=${minute_previous:-none}; minute_previous=none; fi
    leases=$(
        wrk -t1 -c"$CONNECTIONS" -d5s -s "$here/keys.lua" "$kinds" -- /accept "$KINDS_KEYS" >/dev/null &
        # A lease set lives while its key has a request in flight: sampled until one is seen.
        for _ in $(seq 20); do
            sleep 0.2
            usage=$(sample_usage '*:concurrency:*leases*')
            [[ "$usage" != "-" ]] && break
        done
        echo "$usage"
        wait
    )
    counter=$(sample_usage "*:minute:*$minute_now")
    previous=$(sample_usage "*:minute:*$minute_previous")
    kinds_total=$(rc DBSIZE)
fi
echo "# load after: $(uptime)" >&2
load_after=$(uptime | sed 's/.*load average: //')

printf "\n%-9s %6s %9s %11s %9s %13s %10s %16s %12s %10s %12s\n" instances keys "req/s" "redis cmd/s" "cmd/req" "redis us/req" "redis core" "1-core sat. req/s" "app us/req" "B/key" "non-2xx"
for k in $KEYS_LIST; do
    for n in $INSTANCES; do
        id="$n.$k"
        rus=$(median "$work/$id.rus")
        printf "%-9s %6s %9s %11s %9s %13s %9s%% %16.0f %12s %10s %12s\n" "$n" "$k" "$(median "$work/$id.rps")" "$(median "$work/$id.cps")" \
            "$(median "$work/$id.cpr")" "$rus" "$(median "$work/$id.rcore")" "$(awk -v u="$rus" 'BEGIN {print 1e6 / u}')" \
            "$(median "$work/$id.aus")" "${MEM[$k]}" "$(median "$work/$id.non2xx")"
    done
done
echo
for k in $KEYS_LIST; do
    echo "keys=$k redis_bytes_per_active_key=${MEM[$k]} redis_keys_per_api_key: ${KEYS_PER[$k]}"
done
awk '{u[$2] = u[$2] " K=" $1 ":" $3} END {for (n in u) printf "memory_usage key:%s (window counter, bytes):%s\n", n, u[n]}' "$work/usage" | sort
if ((KINDS_KEYS > 0)); then
    printf "kinds (sliding minute + month + credits + concurrency, %s keys, two minutes touched): redis_bytes_per_active_key=%s redis_keys_per_api_key=%s\n" \
        "$KINDS_KEYS" "$(awk -v a="$kmem0" -v b="$kmem1" -v k="$KINDS_KEYS" 'BEGIN {printf "%.0f", (b - a) / k}')" \
        "$(awk -v c="$kinds_total" -v k="$KINDS_KEYS" 'BEGIN {printf "%.2f", c / k}')"
    echo "memory_usage window_counter=$counter previous_window=$previous lease_set_under_load=$leases"
fi
echo "# median of $ROUNDS interleaved rounds x ${DURATION}s, one wrk -t1 -c$CONNECTIONS per instance, one redis-server 127.0.0.1:$port, $(nproc) cores; load average before: $load_before, after: $load_after" >&2
