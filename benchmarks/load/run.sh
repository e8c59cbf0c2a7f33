#!/usr/bin/env bash
# Whole-process load measurement: a plain endpoint app, the built-in rate limiter (UseRateLimiter) and this library
# (UseApiErrorCatalog), the same endpoints (benchmarks/LoadApps), each on a free port of 127.0.0.1, driven by wrk on
# the accept path and the refusal path; the refusal paths are compared with a plain endpoint answering a bare 429.
# Two more paths of the plain app send the catalog's responses as constants (static_accept: the three X-RateLimit
# headers; static_refusal: the refusal's headers and 448-byte body): what Kestrel spends sending those bytes, with no
# decision made, so the library's own share of a ratio is the distance from its static twin.
#
# Per path: server-side managed bytes per request (GC.GetTotalAllocatedBytes(true) difference, read from the app's
# /_diag endpoint before and after, over the app's own count of requests; /_diag itself is not counted) and server
# CPU microseconds per request (utime + stime from /proc/<pid>/stat), each also against its plain twin measured in
# the same round. Paths run interleaved, ROUNDS times; the table shows the median of the rounds.
#
# Usage: benchmarks/load/run.sh            (from anywhere; needs the .NET SDK and wrk: apt-get install -y wrk)
# Environment: DURATION (s per measured run, default 5), WARMUP (s per warm-up slice, default 3: each path is driven
#              in slices until a whole slice passes with the runtime's background JIT idle), ROUNDS (default 5),
#              CONNECTIONS (default 32), THREADS (wrk threads, default 1), KEYS (accept-path keys, default 64),
#              LOGGING=1 (apps log to the console at Warning, as in production; default: no logging providers),
#              FRESH (default 1: every round starts, checks and warms new app processes; 0: one process per app),
#              BASE (a git revision: its build's catalog paths run beside this one's, as base_accept and base_refusal,
#              so a change's before and after share one run).
# FRESH=1 because one process is one sample: the JIT's tiering and profile-guided choices differ from start to start,
# and two processes of the same build, driven alike in the same rounds, read a median 4-7 % apart here, which rounds
# of one process cannot average out.
set -euo pipefail

DURATION=${DURATION:-5}
WARMUP=${WARMUP:-3}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
KEYS=${KEYS:-64}
LOGGING=${LOGGING:-0}
FRESH=${FRESH:-1}

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require wrk
build_apps

# path name -> "app path key-mode expected-status"; twins: the plain path each is compared with.
declare -A spec=(
    [plain_accept]="plain /accept keys 200"
    [builtin_accept]="builtin /accept keys 200"
    [catalog_accept]="catalog /accept keys 200"
    [static_accept]="plain /accept-static keys 200"
    [plain_429]="plain /refuse refuse 429"
    [builtin_refusal]="builtin /refuse refuse 429"
    [catalog_refusal]="catalog /refuse refuse 429"
    [static_refusal]="plain /refuse-static refuse 429"
)
declare -A twin=(
    [plain_accept]=plain_accept [builtin_accept]=plain_accept [catalog_accept]=plain_accept
    [plain_429]=plain_429 [builtin_refusal]=plain_429 [catalog_refusal]=plain_429
    [static_accept]=plain_accept [static_refusal]=plain_429
)
# The library's paths are also compared with the built-in's of the same round (the issue's "strictly below").
declare -A versus=([catalog_accept]=builtin_accept [catalog_refusal]=builtin_refusal)
order=(plain_accept builtin_accept catalog_accept static_accept plain_429 builtin_refusal catalog_refusal static_refusal)
modes=(plain builtin catalog)
if [[ -n "${BASE:-}" ]]; then
    spec[base_accept]="base_catalog /accept keys 200"
    spec[base_refusal]="base_catalog /refuse refuse 429"
    twin[base_accept]=plain_accept twin[base_refusal]=plain_429
    versus[base_accept]=builtin_accept versus[base_refusal]=builtin_refusal
    order=(plain_accept builtin_accept base_accept catalog_accept static_accept plain_429 builtin_refusal base_refusal catalog_refusal static_refusal)
    modes+=(base_catalog)
fi

drive() { # path seconds -> wrk output
    read -r mode path keymode _ <<<"${spec[$1]}"
    if [[ "$keymode" == keys ]]; then
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s -s "$here/keys.lua" "${url[$mode]}" -- "$path" "$KEYS"
    else
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s -H "X-API-Key: load_refuse_key" "${url[$mode]}$path"
    fi
}

# start_apps: (re)starts the three apps, checks that every path answers what it should (and the catalog's accept path
# carries its headers; this also uses up the built-in refuse key's one permit), and warms every path.
start_apps() {
    stop_apps
    for mode in "${modes[@]}"; do
        flags=()
        [[ "$LOGGING" == 1 ]] && flags+=(--logging)
        start_app "$mode" "${flags[@]}"
    done
    for name in "${order[@]}"; do
        read -r mode path keymode status <<<"${spec[$name]}"
        key=load_key_0001; [[ "$keymode" == refuse ]] && key=load_refuse_key
        curl -s -o /dev/null -H "X-API-Key: $key" "${url[$mode]}$path" # uses the built-in refuse key's one permit
        got=$(curl -s -o "$work/body" -D "$work/headers" -w '%{http_code}' -H "X-API-Key: $key" "${url[$mode]}$path")
        [[ "$got" == "$status" ]] || { echo "$name: expected $status, got $got" >&2; cat "$work/headers" "$work/body" >&2; exit 1; }
        if [[ "$name" == catalog_* || "$name" == base_* ]]; then
            grep -qi '^X-RateLimit-Remaining:' "$work/headers" || { echo "$name: no X-RateLimit-Remaining" >&2; exit 1; }
        fi
        if [[ "$name" == catalog_refusal && "${shown:-}" != 1 ]]; then
            shown=1
            echo "# catalog refusal: $(tr -d '\r' <"$work/headers" | grep -iE '^(retry-after|x-ratelimit-remaining|content-length):' | tr '\n' ' ')" >&2
            echo "#   body: $(cat "$work/body")" >&2
        fi
    done

    echo "# warm-up: ${WARMUP}s slices per path until the runtime's background JIT is idle" >&2
    for name in "${order[@]}"; do
        read -r mode _ <<<"${spec[$name]}"
        warm "${pidof[$mode]}" "$WARMUP" drive "$name" "$WARMUP"
    done
}

results="$work/results" # round path requests bytes ticks seconds non2xx
: >"$results"
for round in $(seq "$ROUNDS"); do
    [[ "$round" == 1 || "$FRESH" == 1 ]] && start_apps
    for name in "${order[@]}"; do
        read -r mode _ _ status <<<"${spec[$name]}"
        pid=${pidof[$mode]}
        read -r alloc0 count0 <<<"$(diag "$mode")"
        t0=$(ticks "$pid")
        out=$(drive "$name" "$DURATION")
        t1=$(ticks "$pid")
        read -r alloc1 count1 <<<"$(diag "$mode")"
        non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
        echo "$round $name $((count1 - count0)) $((alloc1 - alloc0)) $((t1 - t0)) $DURATION ${non2xx:-0}" >>"$results"
        echo "# round $round $name: $((count1 - count0)) requests, $(awk -v b=$((alloc1 - alloc0)) -v t=$((t1 - t0)) -v hz="$hz" -v n=$((count1 - count0)) \
            'BEGIN { printf "%.1f B/req, %.2f us/req", b / n, t * 1e6 / hz / n }')" >&2
        if [[ "$status" == 200 && "${non2xx:-0}" != 0 ]] || [[ "$status" == 429 && "${non2xx:-0}" == 0 ]]; then
            echo "$name: unexpected statuses (non-2xx: ${non2xx:-0})" >&2
            exit 1
        fi
    done
done

# Per round: bytes/req, CPU us/req, both against the twin of the same round, and the CPU of the library's paths against
# the built-in's of the same round; then the median over rounds.
awk -v hz="$hz" -v twins="$(for k in "${!twin[@]}"; do printf '%s=%s ' "$k" "${twin[$k]}"; done)" \
    -v versus="$(for k in "${!versus[@]}"; do printf '%s=%s ' "$k" "${versus[$k]}"; done)" -v order="${order[*]}" '
function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
BEGIN {
    n = split(twins, pairs, " "); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); twin[kv[1]] = kv[2] }
    n = split(versus, pairs, " "); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); vs[kv[1]] = kv[2] }
}
{
    round = $1; name = $2
    req[round, name] = $3; bpr[round, name] = $4 / $3; cpu[round, name] = $5 * 1e6 / hz / $3; rps[round, name] = $3 / $6
    rounds[round] = 1
}
END {
    count = split(order, names, " ")
    for (i = 1; i <= count; i++) {
        name = names[i]; t = twin[name]; lb = lc = lr = ld = lq = lv = ""
        for (r in rounds) {
            lb = lb " " bpr[r, name]; lc = lc " " cpu[r, name]; lq = lq " " rps[r, name]
            ld = ld " " (bpr[r, name] - bpr[r, t]); lr = lr " " (cpu[r, name] / cpu[r, t])
            if (name in vs) lv = lv " " (cpu[r, name] / cpu[r, vs[name]])
        }
        B[name] = median(lb); C[name] = median(lc); D[name] = median(ld); R[name] = median(lr); Q[name] = median(lq)
        V[name] = name in vs ? sprintf("%.3fx", median(lv)) : ""
    }
    printf "\n%-16s %-10s %9s %12s %14s %12s %10s %12s\n", "path", "twin", "req/s", "bytes/req", "bytes vs twin", "cpu us/req", "cpu ratio", "cpu vs built-in"
    for (i = 1; i <= count; i++) {
        name = names[i]
        printf "%-16s %-10s %9.0f %12.1f %+14.1f %12.2f %9.3fx %12s\n", name, twin[name], Q[name], B[name], D[name], C[name], R[name], V[name]
    }
    print ""
    for (i = 1; i <= count; i++) {
        name = names[i]
        printf "path=%s bytes_per_req=%.1f cpu_us_per_req=%.2f cpu_ratio=%.3f\n", name, B[name], C[name], R[name]
    }
}' "$results"
echo "# $ROUNDS rounds x ${DURATION}s per path, $([[ "$FRESH" == 1 ]] && echo "new processes each round" || echo "one process per app"), wrk -t$THREADS -c$CONNECTIONS, $KEYS keys on the accept path, logging=$LOGGING, $(nproc) cores" >&2
