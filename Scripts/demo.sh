#!/usr/bin/env bash
# discoveryd demo: a real HAProxy kept in step with a file of "machines", over the Runtime API, without
# a single reload.
#
#   Scripts/demo.sh
#
# What it does (everything on loopback, everything stopped and removed at the end, also on Ctrl-C):
#   1. builds discoveryd;
#   2. starts five tiny HTTP servers on 127.0.0.11-22 that answer with their name (a second HAProxy,
#      Fixtures/demo/fleet-haproxy.cfg), standing in for the machines of Fixtures/demo/instances.yaml;
#   3. starts the load balancer, HAProxy with Fixtures/demo/haproxy.cfg: backends with 10 empty slots;
#   4. runs discoveryd with the static-file provider and the Runtime API sink on a copy of the fixture;
#   5. sends requests through HAProxy to show them balanced over web-1, web-2 and web-3;
#   6. adds web-5 to the fixture and shows it taking traffic within seconds, in a new slot, while no
#      other server moves and HAProxy keeps its process id;
#   7. removes web-2 and shows it receiving nothing more.
#
# Needs: bash, Swift 6, HAProxy 2.6+ (installed with the system package manager when run as root),
# Linux (the whole 127.0.0.0/8 is loopback there; on macOS alias 127.0.0.11-22 on lo0 first).
# Ports used: 127.0.0.1:18080, 19090, 19999 and 8080/9090/9091 on 127.0.0.11-22.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
fixtures="$repo/Fixtures/demo"
runtime_port=19999
web_port=18080

bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
say() { printf '    %s\n' "$*"; }
fail() { printf '\ndemo: %s\n' "$*" >&2; exit 1; }

# --- HAProxy --------------------------------------------------------------------------------------

install_haproxy() {
    if command -v haproxy >/dev/null 2>&1; then return; fi
    bold "HAProxy is not installed"
    local manager="" command=""
    if command -v apt-get >/dev/null 2>&1; then manager=apt-get; command="apt-get update && apt-get install -y haproxy"
    elif command -v dnf >/dev/null 2>&1; then manager=dnf; command="dnf install -y haproxy"
    elif command -v yum >/dev/null 2>&1; then manager=yum; command="yum install -y haproxy"
    elif command -v apk >/dev/null 2>&1; then manager=apk; command="apk add haproxy"
    elif command -v zypper >/dev/null 2>&1; then manager=zypper; command="zypper install -y haproxy"
    elif command -v brew >/dev/null 2>&1; then manager=brew; command="brew install haproxy"
    fi
    [ -n "$manager" ] || fail "install HAProxy 2.6 or later (https://www.haproxy.org), then run this again"
    if [ "$manager" = brew ] || [ "$(id -u)" -eq 0 ]; then
        say "installing it: $command"
        DEBIAN_FRONTEND=noninteractive sh -c "$command" >/dev/null
        # Debian starts a system HAProxy on install; the demo runs its own and does not need that one.
        if [ "$manager" = apt-get ]; then service haproxy stop >/dev/null 2>&1 || true; fi
    else
        fail "run as root, or install it first:  sudo sh -c '$command'"
    fi
    command -v haproxy >/dev/null 2>&1 || fail "HAProxy is still missing after: $command"
}

haproxy_version_ok() {
    local version major minor
    version="$(haproxy -v 2>/dev/null | sed -n 's/^HA-\{0,1\}Proxy version \([0-9]*\.[0-9]*\).*/\1/p' | head -n1)"
    major="${version%%.*}"; minor="${version#*.}"
    [ -n "$version" ] && { [ "$major" -gt 2 ] || { [ "$major" -eq 2 ] && [ "$minor" -ge 6 ]; }; } \
        || fail "HAProxy ${version:-?} is too old: the Runtime API sink needs 2.6 or later (add server without experimental mode)"
    say "HAProxy $version"
}

# --- Talking to HAProxy without extra tools (bash's /dev/tcp) -------------------------------------

runtime() { # runtime "<command>": one Runtime API command on the load balancer's stats socket
    exec 3<>"/dev/tcp/127.0.0.1/$runtime_port" || return 1
    printf '%s\n' "$1" >&3
    cat <&3
    exec 3<&-
}

http_get() { # http_get <port>: the body of GET / through HAProxy (the name of the server that answered)
    local reply
    exec 4<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET / HTTP/1.0\r\nHost: demo\r\n\r\n' >&4
    reply="$(cat <&4)"
    exec 4<&-
    case "$reply" in
        "HTTP/1.0 200"*|"HTTP/1.1 200"*) printf '%s\n' "$reply" | tail -n1 | tr -d '\r' ;;
        *) printf '%s\n' "$reply" | head -n1 | tr -d '\r' | cut -d' ' -f2,3 ;;
    esac
}

traffic() { # traffic <count>: who answered <count> requests to the web frontend
    local i
    for ((i = 0; i < $1; i++)); do http_get "$web_port"; done | sort | uniq -c | sed 's/^ */        /'
}

slots() { # the web backend's slots: name, address:port, and whether it takes traffic
    runtime "show servers state demo-web-8080-local" \
        | awk 'NF > 10 && $1 ~ /^[0-9]+$/ { printf "        %-6s %-18s %s\n", $4, $5 ":" $19, ($7 % 2 == 1 ? "maint (free)" : "ready") }'
}

haproxy_pid() { runtime "show info" | sed -n 's/^Pid: //p'; }

wait_for() { # wait_for <seconds> <description> <command...>: poll until the command succeeds
    local limit=$1 what=$2 start=$SECONDS
    shift 2
    until "$@" >/dev/null 2>&1; do
        [ $((SECONDS - start)) -lt "$limit" ] || fail "$what did not happen within ${limit}s (logs: $work)"
        sleep 0.2
    done
}

answers_with() { # answers_with <name>...: 12 requests answered by exactly these servers
    local seen expected
    seen="$(for ((i = 0; i < 12; i++)); do http_get "$web_port"; done | sort -u | tr '\n' ' ')"
    expected="$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')"
    [ "$seen" = "$expected" ]
}

port_free() { ! (exec 5<>"/dev/tcp/$1/$2") 2>/dev/null; }

fleet_up() { (exec 6<>/dev/tcp/127.0.0.11/8080) 2>/dev/null; }

now_ms() { # milliseconds since the epoch (bash 5's EPOCHREALTIME; whole seconds elsewhere)
    if [ -n "${EPOCHREALTIME:-}" ]; then local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); else echo $(($(date +%s) * 1000)); fi
}

# --- Cleanup: everything this script started ------------------------------------------------------

work=""
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "$work" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- The demo -------------------------------------------------------------------------------------

bold "1. Checking the tools and building discoveryd"
install_haproxy
haproxy_version_ok
if [ "$(uname -s)" = Darwin ]; then
    say "macOS: 127.0.0.11-22 must be aliased on lo0, e.g.: for i in 11 12 13 15 21 22; do sudo ifconfig lo0 alias 127.0.0.\$i up; done"
fi
for endpoint in 127.0.0.1:$runtime_port 127.0.0.1:$web_port 127.0.0.1:19090 127.0.0.11:8080 127.0.0.15:8080; do
    port_free "${endpoint%:*}" "${endpoint#*:}" || fail "$endpoint is in use; stop what listens there first"
done
say "building (a first build takes several minutes; swift build's progress follows)"
# pipefail makes a failed build fail the pipeline; each progress line is indented as it comes (portable,
# unlike sed's unbuffered flag).
(cd "$repo" && swift build --product discoveryd 2>&1 | while IFS= read -r line; do say "$line"; done) \
    || fail "swift build failed"
discoveryd="$(cd "$repo" && swift build --show-bin-path)/discoveryd"
[ -x "$discoveryd" ] || fail "no discoveryd binary at $discoveryd"

work="$(mktemp -d "${TMPDIR:-/tmp}/discoveryd-demo.XXXXXX")"
cp "$fixtures/instances.yaml" "$work/instances.yaml"
cat >"$work/config.yaml" <<EOF
# Generated by Scripts/demo.sh: the static fleet in instances.yaml, HAProxy over its Runtime API.
static:
  path: instances.yaml
haproxy:
  runtime_socket: tcp://127.0.0.1:$runtime_port
  backend:
    name_prefix: demo
polling:
  interval_seconds: 5
  jitter_seconds: 0
logging:
  level: info
EOF
say "working copy of the fixture and the configuration: $work"

bold "2. Starting the fleet: tiny HTTP servers that answer with their name"
haproxy -db -f "$fixtures/fleet-haproxy.cfg" >"$work/fleet.log" 2>&1 &
pids+=($!)
wait_for 10 "the fleet starting" fleet_up
say "web-1 127.0.0.11:8080, web-2 .12:8080, web-3 .13:8080, web-5 .15:8080, api-1 .21:9090, api-2 .22:9091"

bold "3. Starting the load balancer: HAProxy with empty slots (Fixtures/demo/haproxy.cfg)"
haproxy -db -f "$fixtures/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
wait_for 10 "HAProxy's Runtime API answering" runtime "show info"
pid_before="$(haproxy_pid)"
say "HAProxy process $pid_before; backend demo-web-8080-local before discoveryd runs:"
slots | head -n 4
say "        ... (10 slots, all free: requests get 503)"

bold "4. Starting discoveryd (static file -> HAProxy Runtime API)"
"$discoveryd" -c "$work/config.yaml" >"$work/discoveryd.log" 2>&1 &
pids+=($!)
wait_for 20 "traffic reaching web-1, web-2 and web-3" answers_with web-1 web-2 web-3
say "discoveryd filled the slots (its log: $work/discoveryd.log):"
slots | head -n 4

bold "5. Requests through HAProxy (127.0.0.1:$web_port) are balanced over the three servers"
traffic 9

bold "6. Scaling out: adding web-5 (127.0.0.15) to the fixture"
cat >>"$work/instances.yaml" <<'EOF'

  # Added by Scripts/demo.sh: a new machine joins the web service.
  - id: web-5
    address: 127.0.0.15
    region: local
    tags:
      HAProxy:Service:Name: web
      HAProxy:Service:Port: 8080
EOF
start=$(now_ms)
wait_for 20 "web-5 taking traffic" answers_with web-1 web-2 web-3 web-5
elapsed_ms=$(($(now_ms) - start))
say "web-5 takes traffic ${elapsed_ms} ms after the edit. It got a free slot; no other server moved:"
slots | head -n 5
traffic 12
say "HAProxy process: before $pid_before, now $(haproxy_pid) (no reload)"

bold "7. Scaling in: removing web-2 from the fixture"
awk 'BEGIN { skip = 0 }
     /^  - id: / { skip = ($3 == "web-2") }
     /^  #/ { if (skip) next }
     { if (!skip) print }' "$work/instances.yaml" >"$work/instances.yaml.new"
mv "$work/instances.yaml.new" "$work/instances.yaml"
wait_for 20 "web-2 leaving" answers_with web-1 web-3 web-5
say "web-2's slot is free again (in maintenance); the others did not move:"
slots | head -n 5
traffic 9

bold "Done. Everything this demo started is being stopped and $work removed."
say "Try it on your own HAProxy: docs in README.md, section 'Runtime API sink'."
