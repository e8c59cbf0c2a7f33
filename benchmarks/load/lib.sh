# Shared by run.sh, redis.sh and scaling.sh (sourced, not run): the work folder and its cleanup, building and starting the
# LoadApps, per-process CPU and allocation readings, and the warm-up.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
hz=$(getconf CLK_TCK)
pids=() # every process cleanup stops
apps=() # the LoadApps among them
declare -A url pidof

cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    [[ -d "$work/base" ]] && git -C "$root" worktree remove --force "$work/base" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

stop_apps() { # stops the LoadApps started so far, not other servers a script started (redis.sh's Redis)
    local pid kept=()
    for pid in "${apps[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${apps[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        [[ " ${apps[*]} " == *" $pid "* ]] || kept+=("$pid")
    done
    pids=("${kept[@]}")
    apps=()
}

require() { # tools...
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install -y $*)" >&2; exit 1; }
    done
}

build_apps() { # also builds the LoadApps of git revision $BASE, when set, into a worktree of its own
    echo "# building benchmarks/LoadApps (Release)" >&2
    dotnet build "$root/benchmarks/LoadApps/LoadApps.csproj" -c Release -nologo -v quiet >&2
    app="$root/benchmarks/LoadApps/bin/Release/net10.0/LoadApps"
    if [[ -n "${BASE:-}" ]]; then
        echo "# building benchmarks/LoadApps of $BASE ($(git -C "$root" rev-parse --short "$BASE"))" >&2
        git -C "$root" worktree add --detach -q "$work/base" "$BASE" >&2
        dotnet build "$work/base/benchmarks/LoadApps/LoadApps.csproj" -c Release -nologo -v quiet >&2
        base_app="$work/base/benchmarks/LoadApps/bin/Release/net10.0/LoadApps"
    fi
}

# start_app mode[@name] [app arguments...]: starts LoadApps in that mode (base_<mode>: $BASE's build); sets url[mode]
# and pidof[mode] (url[mode@name] and pidof[mode@name] with a name, so one mode can run in several instances)
start_app() {
    local mode=$1 pid line exe=$app
    shift
    [[ "$mode" == base_* ]] && exe=$base_app
    local run=${mode%@*}
    "$exe" "${run#base_}" "$@" >"$work/$mode.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    apps+=("$pid")
    for _ in $(seq 200); do
        grep -q '^LISTENING ' "$work/$mode.log" && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/$mode.log" >&2; exit 1; }
        sleep 0.1
    done
    line=$(grep '^LISTENING ' "$work/$mode.log") || { echo "$mode did not start" >&2; cat "$work/$mode.log" >&2; exit 1; }
    url[$mode]=$(awk '{print $2}' <<<"$line")
    url[$mode]=${url[$mode]/localhost/127.0.0.1}
    pidof[$mode]=$pid
    echo "# $line" >&2
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime of a process, clock ticks
diag() { curl -s "${url[$1]}/_diag"; }              # "<allocated bytes> <requests>" of an app

tiering_ticks() { # pid -> "tid ticks" per thread of the runtime's background JIT (tiered compilation)
    local task ticks
    for task in /proc/"$1"/task/*; do
        [[ "$(cat "$task/comm" 2>/dev/null)" == ".NET Tiered Com"* ]] || continue
        # The thread's name holds spaces: utime and stime are counted from after its closing parenthesis.
        ticks=$(sed 's/.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}') || true
        [[ -n "$ticks" ]] && echo "${task##*/} $ticks" # a thread that ended meanwhile is left out
    done
    return 0
}

# warm pid seconds command...: runs the command (a load of the given length) until a whole run passes with the
# runtime's background JIT idle: the same JIT threads before and after, none of which spent more than one clock
# tick. A fixed warm-up left tiered compilation running into the measured runs: up to 14 % of an app's CPU samples
# on this 2-core machine, more for the apps with more code to compile.
warm() {
    local pid=$1 seconds=$2 before after spent
    shift 2
    for slice in $(seq 20); do
        before=$(tiering_ticks "$pid")
        "$@" >/dev/null
        after=$(tiering_ticks "$pid")
        # A JIT thread that started or ended during the run counts as busy (99 ticks).
        spent=$(awk 'FNR == NR { b[$1] = $2; n++; next } { if ($1 in b) { d = $2 - b[$1]; s += d > 0 ? d : 0; m++ } else s += 99 }
                     END { if (m < n) s += 99; print s + 0 }' <(echo "$before") <(echo "$after"))
        if ((spent <= 1)); then
            echo "# warm after $((slice * seconds))s (background JIT idle over the last ${seconds}s)" >&2
            return
        fi
    done
    echo "# warning: the background JIT was still busy after $((20 * seconds))s of warm-up" >&2
}

median() { sort -g "$1" | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

# Notes the machine's load, then starts a redis-server on 127.0.0.1 and a free port, without persistence; sets
# load_before, port and redis_pid (stopped with the apps).
start_redis() {
    echo "# load before: $(uptime)" >&2
    load_before=$(uptime | sed 's/.*load average: //')
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
    redis_pid=$!; pids+=("$redis_pid")
    for _ in $(seq 100); do redis-cli -p "$port" PING >/dev/null 2>&1 && break; sleep 0.1; done
}
