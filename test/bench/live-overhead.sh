#!/usr/bin/env bash
# live-overhead.sh: what tracing costs a real dockerd, as DNS queries per second through Docker's
# embedded DNS server (127.0.0.11), measured with dnsperf from inside container web's network
# namespace in the test/e2e/lab lab, once per "tracer" row: nothing attached, ns53 attach (strace), ...
#
#   sudo bash test/bench/live-overhead.sh          (npm run bench:live builds first, then runs this)
#
# Environment (defaults in brackets):
#   NS53_LAB_NAME   which lab to use or bring up [perf]; labs "ns53" and "dev" are refused
#   DURATION        seconds per dnsperf run [10]        REPEATS   runs per tracer, median qps reported [3]
#   WARMUP          seconds of untraced warm-up [3]     CLIENTS   dnsperf -c [4]
#   OUTSTANDING     dnsperf -q [64]                     TIMEOUT   dnsperf -t, seconds until "lost" [5]
#   TRACERS         rows to run, in order ["none ns53-strace ns53-bpftrace"]
#   BENCH_DIR       work directory (query file, dnsperf and ns53 output) [a new mktemp -d]
#   KEEP=1          keep the work directory (it is deleted at the end otherwise)
#
# Runs are interleaved (round 1: every tracer, round 2: every tracer, ...) so drift hits all rows alike.
# Safety: all traffic stays inside the lab's namespaces; only processes this script started are
# stopped, by PID; the lab is taken down at the end only if this script brought it up.
set -euo pipefail
shopt -s nullglob

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
LAB_SH=$ROOT/test/e2e/lab/lab.sh
# shellcheck source=SCRIPTDIR/../e2e/lab/proc.sh
. "$ROOT/test/e2e/lab/proc.sh"
NS53_JS=$ROOT/dist/src/cli/main.js

export NS53_LAB_NAME=${NS53_LAB_NAME:-perf}
LAB=${NS53_LAB_DIR:-/tmp/$NS53_LAB_NAME-lab}
DURATION=${DURATION:-10}
REPEATS=${REPEATS:-3}
WARMUP=${WARMUP:-3}
CLIENTS=${CLIENTS:-4}
OUTSTANDING=${OUTSTANDING:-64}
TIMEOUT=${TIMEOUT:-5}
TRACERS=${TRACERS:-none ns53-strace ns53-bpftrace}
DOCKER=${NS53_DOCKER:-/usr/bin/docker}
SERVER=127.0.0.11
CONTAINER=web

# ---------------------------------------------------------------------------------------
# Tracer rows. A row is an id in TRACERS with a label. "none" attaches nothing; a row with a
# TRACER_BACKEND runs `ns53 attach --backend <backend>` around each dnsperf run. To add a row
# (issue 4: bpftrace), add it here and to the TRACERS default; for a tracer that is not an ns53
# backend, add a case to tracer_start / tracer_stop / tracer_seen below.
declare -A TRACER_LABEL=(
  [none]="none"
  [ns53-strace]="ns53 attach (strace)"
  [ns53-bpftrace]="ns53 attach (bpftrace)"
)
declare -A TRACER_BACKEND=(
  [ns53-strace]=strace
  [ns53-bpftrace]=bpftrace
)
# backends that ptrace dockerd: before the run, wait until every dockerd thread has a tracer
declare -A TRACER_PTRACE=(
  [ns53-strace]=1
)

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }

# ---------------------------------------------------------------------------------------
# processes this script started (stopped only by these PIDs)

NS53_PID=""
NS53_CHILDREN=""
DNSPERF_PID=""
LAB_STARTED=0
WORK=""
FAILURES=0

wait_gone() { # pid comm-regex tenths-of-a-second
  local i
  for ((i = 0; i < $3; i++)); do
    pid_is "$1" "$2" || return 0
    sleep 0.1
  done
  return 1
}

stop_ns53() { # SIGINT ns53 (it stops its strace itself), then make sure its children are gone too
  local p
  if [[ -n $NS53_PID ]]; then
    if pid_is "$NS53_PID" 'node|ns53'; then
      kill -INT "$NS53_PID" 2>/dev/null || true
      wait_gone "$NS53_PID" 'node|ns53' 150 || { log "ns53 (pid $NS53_PID) ignored SIGINT for 15 s; SIGTERM"; kill -TERM "$NS53_PID" 2>/dev/null || true; }
    fi
    wait "$NS53_PID" 2>/dev/null || true
  fi
  for p in $NS53_CHILDREN; do
    if pid_is "$p" 'strace|bpftrace'; then
      log "ns53's tracer child (pid $p) outlived it; SIGINT"
      kill -INT "$p" 2>/dev/null || true
      wait_gone "$p" 'strace|bpftrace' 100 || kill -TERM "$p" 2>/dev/null || true
    fi
  done
  NS53_PID=""
  NS53_CHILDREN=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  ((rc == 130 || rc == 143)) && log "interrupted; stopping what this script started"
  if [[ -n $DNSPERF_PID ]] && pid_is "$DNSPERF_PID" dnsperf; then
    kill -INT "$DNSPERF_PID" 2>/dev/null || true
    wait_gone "$DNSPERF_PID" dnsperf 50 || kill -TERM "$DNSPERF_PID" 2>/dev/null || true
  fi
  stop_ns53
  if ((LAB_STARTED)); then
    log "taking down the lab this script brought up ($NS53_LAB_NAME)"
    "$LAB_SH" down >/dev/null 2>&1 || log "WARNING: lab.sh down failed; run: NS53_LAB_NAME=$NS53_LAB_NAME $LAB_SH down"
  fi
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ ${KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf -- "$WORK"; fi
  fi
  exit "$rc"
}

# ---------------------------------------------------------------------------------------
# preconditions and the lab

preflight() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (it runs dnsperf in a container's network namespace and ptraces dockerd)"
  command -v dnsperf >/dev/null || die "dnsperf not found: apt-get install dnsperf"
  command -v nsenter >/dev/null || die "nsenter not found (util-linux)"
  [[ -x $DOCKER ]] || die "no docker CLI at $DOCKER (Debian docker.io; or set NS53_DOCKER)"
  [[ -f $NS53_JS ]] || die "$NS53_JS missing: run npm run build (npm run bench:live does)"
  case $NS53_LAB_NAME in
    ns53 | dev) die "NS53_LAB_NAME=$NS53_LAB_NAME is the test lab or a developer's lab; use another name (default perf)" ;;
  esac
  local v
  for v in DURATION REPEATS WARMUP CLIENTS OUTSTANDING TIMEOUT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number: '${!v}'"
  done
  ((DURATION > 0 && REPEATS > 0 && CLIENTS > 0 && OUTSTANDING > 0 && TIMEOUT > 0)) || die "DURATION, REPEATS, CLIENTS, OUTSTANDING and TIMEOUT must be > 0"
  local t
  for t in $TRACERS; do
    [[ -n ${TRACER_LABEL[$t]:-} ]] || die "unknown tracer row '$t' (known: ${!TRACER_LABEL[*]})"
    if [[ $t != none ]]; then command -v "${TRACER_BACKEND[$t]:-strace}" >/dev/null || die "$t needs ${TRACER_BACKEND[$t]:-strace}"; fi
  done
}

lab_up() {
  local st
  if st=$("$LAB_SH" status 2>/dev/null); then
    [[ $st == "mode default"* ]] || die "lab $NS53_LAB_NAME is up in host-resolver mode; this benchmark needs a default lab (it is left as it is)"
    log "reusing lab $NS53_LAB_NAME, which is up (it will be left up)"
  else
    log "bringing up lab $NS53_LAB_NAME (taken down again at the end)"
    LAB_STARTED=1
    "$LAB_SH" up >/dev/null
  fi
  DPID=$("$LAB_SH" pid)
  SANDBOX=$("$DOCKER" -H "unix://$LAB/docker.sock" inspect -f '{{.NetworkSettings.SandboxKey}}' "$CONTAINER")
  [[ -n $SANDBOX && -e $SANDBOX ]] || die "no SandboxKey for container $CONTAINER in lab $NS53_LAB_NAME"
}

write_queries() { # one answered name (A 10.0.0.5) and one NXDOMAIN, alternating
  printf '%s\n' 'www.example.test A' 'nope.nx.example.test A' >"$WORK/queries.txt"
}

# ---------------------------------------------------------------------------------------
# dnsperf

run_dnsperf() { # seconds out-file: dnsperf -v (one "> RCODE name type latency" line per answer) to out-file
  nsenter --net="$SANDBOX" dnsperf -v -s "$SERVER" -d "$WORK/queries.txt" \
    -c "$CLIENTS" -q "$OUTSTANDING" -t "$TIMEOUT" -l "$1" >"$2" 2>&1 &
  DNSPERF_PID=$!
  local rc=0
  wait "$DNSPERF_PID" || rc=$?
  DNSPERF_PID=""
  ((rc == 0)) || { tail -n 20 "$2" >&2; die "dnsperf exited with status $rc"; }
  grep -q '^  Queries per second:' "$2" || { tail -n 20 "$2" >&2; die "dnsperf printed no statistics"; }
}

parse_dnsperf() { # out-file -> "qps completed lost avg_s stddev_s p50_s p99_s"
  # p50/p99: nearest rank over the per-answer latencies that -v prints (dnsperf 2.10 has no histogram)
  local f=$1 stats pct
  stats=$(awk '
    /^  Queries completed:/ { c = $3 }
    /^  Queries lost:/ { l = $3 }
    /^  Queries per second:/ { q = $4 }
    /^  Average Latency \(s\):/ { a = $4 }
    /^  Latency StdDev \(s\):/ { s = $4 }
    END { printf "%s %s %s %s %s", q, c, l, a, s }' "$f")
  pct=$(awk '/^> / && $NF ~ /^[0-9.]+$/ { print $NF }' "$f" | sort -g | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "- -"; exit }
      i50 = int(NR * 0.50); if (i50 < NR * 0.50) i50++
      i99 = int(NR * 0.99); if (i99 < NR * 0.99) i99++
      print v[i50 < 1 ? 1 : i50], v[i99 < 1 ? 1 : i99]
    }')
  printf '%s %s\n' "$stats" "$pct"
}

# ---------------------------------------------------------------------------------------
# tracers

dockerd_threads_stopped() { # prints "tid:state" for each dockerd thread in T or t state
  local st s
  for st in /proc/"$DPID"/task/*/status; do
    s=$(awk '/^State:/ { print $2 }' "$st" 2>/dev/null) || continue
    [[ $s == T || $s == t ]] && printf '%s:%s ' "$(basename "$(dirname "$st")")" "$s"
  done
  return 0
}

dockerd_traced_by() { # prints the distinct non-zero TracerPids of dockerd's threads
  awk '/^TracerPid:/ && $2 != 0 { print $2 }' /proc/"$DPID"/task/*/status 2>/dev/null | sort -u | tr '\n' ' '
}

all_threads_traced() {
  local st tp
  for st in /proc/"$DPID"/task/*/status; do
    tp=$(awk '/^TracerPid:/ { print $2 }' "$st" 2>/dev/null) || continue
    [[ -z $tp || $tp != 0 ]] || return 1
  done
  return 0
}

tracer_start() { # tracer run-prefix
  local t=$1 pre=$2 i
  [[ $t == none ]] && return 0
  local backend=${TRACER_BACKEND[$t]}
  node "$NS53_JS" attach --pid "$DPID" --backend "$backend" --format ndjson >"$pre.ndjson" 2>"$pre.ns53.err" &
  NS53_PID=$!
  for ((i = 0; i < 300; i++)); do
    grep -q '^ns53: attached' "$pre.ns53.err" 2>/dev/null && break
    pid_is "$NS53_PID" 'node|ns53' || { cat "$pre.ns53.err" >&2; die "ns53 exited before attaching"; }
    sleep 0.1
  done
  ((i < 300)) || { cat "$pre.ns53.err" >&2; die "ns53 did not print 'attached' within 30 s"; }
  NS53_CHILDREN=$(cat /proc/"$NS53_PID"/task/*/children 2>/dev/null | tr -s ' \n' ' ' || true)
  if [[ -n ${TRACER_PTRACE[$t]:-} ]]; then
    for ((i = 0; i < 100; i++)); do
      all_threads_traced && break
      sleep 0.1
    done
    ((i < 100)) || die "not every dockerd thread has a tracer 10 s after ns53 said attached"
  fi
  sleep 1 # settle
}

tracer_stop() { # tracer run-prefix -> sets STOP_NOTE; counts hard failures in FAILURES
  local t=$1 pre=$2 pid rc=0 stopped traced
  STOP_NOTE=""
  [[ $t == none ]] && return 0
  pid=$NS53_PID
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || rc=$?
  NS53_PID=""
  stop_ns53 # only acts on tracer children that outlived ns53
  ((rc == 0)) || { STOP_NOTE+="ns53 exited with status $rc; "; FAILURES=$((FAILURES + 1)); }
  sleep 0.5
  stopped=$(dockerd_threads_stopped)
  traced=$(dockerd_traced_by)
  if [[ -n $stopped ]]; then STOP_NOTE+="dockerd threads left stopped: $stopped; "; FAILURES=$((FAILURES + 1)); fi
  if [[ -n $traced ]]; then STOP_NOTE+="dockerd threads still traced by $traced; "; FAILURES=$((FAILURES + 1)); fi
  grep -q '^{"type":"summary"' "$pre.ndjson" || { STOP_NOTE+="no summary line from ns53; "; FAILURES=$((FAILURES + 1)); }
  local lost
  lost=$({ grep '^{"type":"summary"' "$pre.ndjson" | grep -o '"lostEvents":[0-9]*' || true; } | cut -d: -f2)
  [[ -z $lost || $lost == 0 ]] || STOP_NOTE+="bpftrace lost $lost events; "
  return 0
}

tracer_seen() { # tracer run-prefix -> sessions the tracer reported, or "-"
  [[ $1 == none ]] && { echo -; return; }
  local n
  n=$(grep '^{"type":"summary"' "$2.ndjson" | tail -n 1 | grep -o '"sessions":[0-9]*' | head -n 1 | cut -d: -f2 || true)
  echo "${n:--}"
}

# ---------------------------------------------------------------------------------------
# report

fmt_int() { awk -v n="$1" 'BEGIN { if (n !~ /^[0-9.]+$/) { print n; exit } s = sprintf("%d", n + 0.5); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
fmt_ms() { awk -v s="$1" 'BEGIN { if (s !~ /^[0-9.]+$/) { print "-"; exit } m = s * 1000; if (m < 10) printf "%.2f ms\n", m; else if (m < 100) printf "%.1f ms\n", m; else printf "%.0f ms\n", m }'; }

machine_facts() {
  local cpu
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  echo "- Machine: $(nproc) CPUs ($cpu), kernel $(uname -r)"
  echo "- $(dnsperf -h 2>&1 | awk '/^Version/ { print "dnsperf " $2; exit }'), $(strace -V 2>&1 | sed -n "1s/ -- version / /p"), $(dockerd --version 2>/dev/null | sed 's/^Docker version /dockerd /')"
  echo "- node $(node --version), ns53 at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (src/ has uncommitted changes)')"
  echo "- dnsperf -c $CLIENTS -q $OUTSTANDING -t $TIMEOUT -l $DURATION -s $SERVER, from container $CONTAINER's network namespace; queries: www.example.test A (NOERROR), nope.nx.example.test A (NXDOMAIN), alternating; $REPEATS runs per row after a ${WARMUP} s warm-up, interleaved"
  echo "- dockerd pid $DPID in lab $NS53_LAB_NAME (forwards each query from the container's namespace to dnsmasq 10.77.0.2 in namespace $NS53_LAB_NAME-up)"
}

main() {
  local t0
  t0=$(now)
  preflight
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  WORK=${BENCH_DIR:-}
  if [[ -n $WORK ]]; then mkdir -p "$WORK"; WORK=$(cd "$WORK" && pwd); KEEP=1; else WORK=$(mktemp -d /tmp/ns53-live-bench.XXXXXX); fi
  lab_up
  write_queries
  log "dockerd pid $DPID; dnsperf in $SANDBOX; work dir $WORK"

  if ((WARMUP > 0)); then
    log "warm-up: ${WARMUP} s untraced"
    run_dnsperf "$WARMUP" "$WORK/warmup.out"
  fi

  local -a rows
  read -ra rows <<<"$TRACERS"
  local r t pre res seen q c l
  declare -A RES=() SEEN=() NOTE=()
  for ((r = 1; r <= REPEATS; r++)); do
    for t in "${rows[@]}"; do
      pre=$WORK/$t.$r
      tracer_start "$t" "$pre"
      log "run $r/$REPEATS, tracer ${TRACER_LABEL[$t]}: dnsperf ${DURATION} s"
      run_dnsperf "$DURATION" "$pre.dnsperf"
      tracer_stop "$t" "$pre"
      res=$(parse_dnsperf "$pre.dnsperf")
      seen=$(tracer_seen "$t" "$pre")
      RES[$t.$r]=$res
      SEEN[$t.$r]=$seen
      NOTE[$t.$r]=$STOP_NOTE
      read -r q c l _ <<<"$res"
      log "  $(fmt_int "$q") q/s, $c completed, $l lost$([[ $seen != - ]] && echo ", tracer saw $seen sessions")${STOP_NOTE:+; PROBLEM: $STOP_NOTE}"
      [[ $t == none ]] || sleep 1 # let dockerd settle after the detach
    done
  done

  # per tracer: the run with the median qps gives qps and latencies; lost and sessions are summed
  declare -A MED=() LOST=() COMPL=() SEENSUM=() RANGE=()
  local i n line med
  for t in "${rows[@]}"; do
    local -a sorted=()
    mapfile -t sorted < <(for ((r = 1; r <= REPEATS; r++)); do printf '%s %s\n' "${RES[$t.$r]%% *}" "$r"; done | sort -g)
    n=${#sorted[@]}
    med=${sorted[$(((n - 1) / 2))]##* }
    MED[$t]=$med
    RANGE[$t]="$(fmt_int "${sorted[0]%% *}")–$(fmt_int "${sorted[n - 1]%% *}")"
    LOST[$t]=0; COMPL[$t]=0; SEENSUM[$t]=0
    for ((i = 1; i <= REPEATS; i++)); do
      read -r _ c l _ <<<"${RES[$t.$i]}"
      LOST[$t]=$((LOST[$t] + l)); COMPL[$t]=$((COMPL[$t] + c))
      [[ ${SEEN[$t.$i]} == - ]] || SEENSUM[$t]=$((SEENSUM[$t] + SEEN[$t.$i]))
    done
  done
  local base_q=""
  [[ -n ${MED[none]:-} ]] && base_q=$(cut -d' ' -f1 <<<"${RES[none.${MED[none]}]}")

  local report=$WORK/report.md q a s p50 p99 ratio seen_cell
  {
    echo "| tracer | queries/s (median of $REPEATS) | vs none | avg latency ± stddev | p50 | p99 | lost (of $REPEATS runs) | ns53 sessions seen / queries completed |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for t in "${rows[@]}"; do
      read -r q c l a s p50 p99 <<<"${RES[$t.${MED[$t]}]}"
      if [[ -n $base_q ]]; then
        ratio=$(awk -v q="$q" -v b="$base_q" 'BEGIN { r = q / b; if (r >= 0.1) printf "%.2f×", r; else printf "%.3f× (%.0f× fewer)", r, b / q }')
      else ratio="-"; fi
      if [[ $t == none ]]; then seen_cell="-"
      else seen_cell="$(fmt_int "${SEENSUM[$t]}") / $(fmt_int "${COMPL[$t]}")"; fi
      echo "| ${TRACER_LABEL[$t]} | $(fmt_int "$q") (${RANGE[$t]}) | $ratio | $(fmt_ms "$a") ± $(fmt_ms "$s") | $(fmt_ms "$p50") | $(fmt_ms "$p99") | $(fmt_int "${LOST[$t]}") | $seen_cell |"
    done
    echo
    machine_facts
    echo "- queries/s: the run with the median rate (range of the $REPEATS runs in brackets); its latencies are shown. p50/p99: nearest rank over the per-answer latencies of \`dnsperf -v\`. lost: no answer within ${TIMEOUT} s, summed over all runs."
    local problems=""
    for t in "${rows[@]}"; do
      for ((i = 1; i <= REPEATS; i++)); do
        [[ -z ${NOTE[$t.$i]} ]] || problems+="  - ${TRACER_LABEL[$t]} run $i: ${NOTE[$t.$i]}"$'\n'
        if [[ $t != none ]]; then
          read -r _ c _ <<<"${RES[$t.$i]}"
          line=${SEEN[$t.$i]}
          if [[ $line == - ]] || ((line < c)); then
            problems+="  - ${TRACER_LABEL[$t]} run $i: the tracer saw $line sessions, fewer than the $c queries dnsperf completed"$'\n'
            FAILURES=$((FAILURES + 1))
          fi
        fi
      done
    done
    if [[ -n $problems ]]; then
      echo "- Checks FAILED:"
      printf '%s' "$problems"
    else
      echo "- Checks: every traced run's ns53 summary counted at least as many sessions as dnsperf completed queries; after each detach no dockerd thread was stopped (State T/t) or still traced."
    fi
  } >"$report"
  echo
  cat "$report"
  echo
  log "total $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s (without the build)"
  ((FAILURES == 0)) || { log "$FAILURES check(s) failed"; exit 1; }
}

main "$@"
