#!/usr/bin/env bash
# ns53 Docker-DNS lab: a private dockerd (Debian docker.io 20.10) inside its own network
# namespace, with a dnsmasq upstream in a second namespace, to record real strace logs of
# dockerd's embedded-DNS forwarding (the container-netns "setns" path, or with --host-resolver
# the host-namespace path to a loopback resolver).
#
#   lab.sh up [--host-resolver] | down | pid | netns | status
#   lab.sh scenario <mixed|drop|answered|nxdomain|refused|reject|api-only|tcp|host> [--facts <file.json>]
#   lab.sh record <scenario> <outdir> -- <strace flags...>
#   lab.sh fixtures [<fixtures/replay dir>]     (re-records the whole fixture set)
#   lab.sh rule <none|reject|drop|api-only>      (leaves exactly that scenario's rule in FORWARD, for ns53 diagnose)
#
# Safety: nothing here touches the machine's own network configuration. Namespaces
# ns53-host (dockerd) and ns53-up (dnsmasq) are joined only by a veth pair, neither has a
# default route, and all iptables rules go into ns53-host. Processes are stopped only by
# the PIDs in this lab's pid files (after checking the process name). With --host-resolver,
# dockerd runs in a private mount namespace whose /etc/resolv.conf (a bind mount there only)
# names the lab's loopback dnsmasq inside ns53-host.
# See README.md beside this file.
set -euo pipefail
shopt -s nullglob

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/proc.sh
. "$SCRIPT_DIR/proc.sh"
# NS53_LAB_NAME names one lab, so that two can run side by side (e.g. a developer's and a test's).
LAB_NAME=${NS53_LAB_NAME:-ns53}
[[ $LAB_NAME =~ ^[a-z][a-z0-9]{0,9}$ ]] || { printf '[lab] ERROR: NS53_LAB_NAME must match [a-z][a-z0-9]{0,9}: %s\n' "$LAB_NAME" >&2; exit 1; }
LAB=${NS53_LAB_DIR:-/tmp/$LAB_NAME-lab}
LAB=${LAB%/}

NS_HOST=$LAB_NAME-host        # dockerd's network namespace
NS_UP=$LAB_NAME-up           # dnsmasq's network namespace
NSPATH_HOST=/var/run/netns/$NS_HOST
NSPATH_UP=/var/run/netns/$NS_UP
VETH_HOST=ns53-h           # veth end inside ns53-host
VETH_UP=ns53-u             # veth end inside ns53-up
HOST_IP=10.77.0.1
UP_IP=10.77.0.2
# --host-resolver: a second dnsmasq inside ns53-host, on a loopback address only. Not 127.0.0.53:
# dockerd 20.10's resolvconf.Path() switches to /run/systemd/resolve/resolv.conf when that is the
# only nameserver in /etc/resolv.conf.
LO_IP=127.0.77.53
NET_NAME=labnet
SUBNET=172.18.0.0/16
GATEWAY=172.18.0.1
WEB_IP=172.18.0.2
API_IP=172.18.0.3
IMAGE=labbox               # same image name as the shared captures
NAME_OK=www.example.test            # A -> 10.0.0.5 (NOERROR); AAAA -> REFUSED
NAME_NX=nope.nx.example.test        # NXDOMAIN (any type)
NAME_REFUSED=other.example.test     # REFUSED (dnsmasq has no upstream servers)
ANSWER_IP=10.0.0.5
SCENARIOS="mixed drop answered nxdomain refused reject api-only tcp host"
HOST_SCENARIOS="host"      # the only scenarios for a host-resolver lab (and only there)
GZIP_OVER=$((3 * 512 * 1024)) # record gzips trace files larger than this (1.5 MiB)

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---------------------------------------------------------------------------------------
# preconditions

check_lab_path() {
  [[ $LAB =~ ^/[A-Za-z0-9._/-]+$ ]] || die "NS53_LAB_DIR must be an absolute path of [A-Za-z0-9._/-]: '$LAB'"
  case $LAB in
    / | /tmp | /var | /var/* | /run | /run/* | /etc | /etc/* | /usr | /usr/* | /root | /home | /proc/* | /sys/* | /dev/*)
      die "refusing to use '$LAB' as the lab directory" ;;
  esac
}

need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root"; }

need_cmds() {
  local c missing=()
  for c in ip nsenter setsid iptables dnsmasq dockerd containerd runc strace busybox tar gzip sed awk timeout python3 stat; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
  done
  [[ -x /bin/busybox ]] || missing+=("/bin/busybox (busybox-static)")
  ((${#missing[@]} == 0)) || die "missing commands: ${missing[*]} (see test/e2e/lab/README.md for the packages)"
}

# The docker CLI: prefer Debian's docker.io client (same version as the daemon).
docker_bin() {
  if [[ -n ${NS53_DOCKER:-} ]]; then printf '%s\n' "$NS53_DOCKER"
  elif [[ -x /usr/bin/docker ]]; then printf '%s\n' /usr/bin/docker
  else command -v docker || die "no docker CLI found"
  fi
}
DOCKER=""
dk() {
  [[ -n $DOCKER ]] || DOCKER=$(docker_bin)
  timeout --foreground "${DK_TIMEOUT:-60}" "$DOCKER" -H "unix://$LAB/docker.sock" "$@"
}

in_host_ns() { nsenter --net="$NSPATH_HOST" "$@"; }
in_up_ns() { nsenter --net="$NSPATH_UP" "$@"; }
ns_iptables() { in_host_ns iptables -w 10 "$@"; }

# ---------------------------------------------------------------------------------------
# pid-file based process control (never by name)

read_pid() { # file -> pid or empty
  local f=$1 p=""
  [[ -s $f ]] && p=$(tr -dc '0-9' <"$f" 2>/dev/null || true)
  printf '%s' "$p"
}

stop_pid() { # pid comm-regex label [grace-seconds]
  local pid=$1 want=$2 label=$3 grace=${4:-20} i
  pid_is "$pid" "$want" || return 0
  log "stopping $label (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    pid_is "$pid" "$want" || return 0
    sleep 0.1
  done
  log "$label (pid $pid) did not exit after ${grace}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    pid_is "$pid" "$want" || return 0
    sleep 0.1
  done
  log "WARNING: $label (pid $pid) is still alive"
}

dockerd_pid() { # prints the running lab dockerd's pid or fails
  local p
  p=$(read_pid "$LAB/dockerd.pid")
  [[ -n $p ]] || p=$(read_pid "$LAB/dockerd.launch.pid")
  pid_is "$p" dockerd || return 1
  printf '%s\n' "$p"
}

# ---------------------------------------------------------------------------------------
# lab mode: "default" (daemon.json "dns": [UP_IP], forwarded from the container netns) or
# "host-resolver" (no "dns"; a loopback nameserver forwarded from dockerd's own netns)

lab_mode() { # the mode `up` wrote into the lab directory
  if [[ $(cat "$LAB/mode" 2>/dev/null || true) == host-resolver ]]; then echo host-resolver; else echo default; fi
}

dns_log() { # the query log of the dnsmasq that dockerd forwards to in this lab's mode
  if [[ $(lab_mode) == host-resolver ]]; then echo "$LAB/dnsmasq-lo.log"; else echo "$LAB/dnsmasq.log"; fi
}

# Runs a command where dockerd's mounts are visible. In host-resolver mode dockerd lives in a
# private mount namespace, so its netns bind mounts (the SandboxKeys) exist only in there.
in_dockerd_mnt() {
  if [[ $(lab_mode) == host-resolver ]]; then
    local p
    p=$(dockerd_pid) || die "lab dockerd is not running (dir $LAB)"
    nsenter --mount="/proc/$p/ns/mnt" -- "$@"
  else
    "$@"
  fi
}

procs_in_mntns() { # mnt:[inode] -> PIDs of the processes still in that mount namespace
  local -a links=(/proc/[0-9]*/ns/mnt)
  # one stat for all: "'/proc/<pid>/ns/mnt' -> 'mnt:[<inode>]'" (processes that exit meanwhile are skipped)
  stat -c %N "${links[@]}" 2>/dev/null | awk -v want="'$1'" '$3 == want { split($1, p, "/"); print p[3] }'
  return 0
}

# ---------------------------------------------------------------------------------------
# down

lab_mounts() { # mount points at or under $LAB, deepest first
  awk -v lab="$LAB" '{ mp = $5; gsub(/\\040/, " ", mp); if (mp == lab || index(mp, lab "/") == 1) print mp }' \
    /proc/self/mountinfo | sort -r
}

cmd_down() {
  need_root
  check_lab_path
  local t0 p f d id i
  t0=$(now)

  # 1. an interrupted `record` may have left strace attached
  stop_pid "$(read_pid "$LAB/strace.pid")" strace "strace" 5

  # 2. containers and network, while dockerd still answers
  if p=$(dockerd_pid) && [[ -S $LAB/docker.sock ]]; then
    DK_TIMEOUT=40 dk rm -f web api >/dev/null 2>&1 || true
    DK_TIMEOUT=20 dk network rm "$NET_NAME" >/dev/null 2>&1 || true
  fi

  # 3. dockerd (it stops its managed containerd itself)
  stop_pid "$(read_pid "$LAB/dockerd.pid")" dockerd dockerd 30
  stop_pid "$(read_pid "$LAB/dockerd.launch.pid")" dockerd dockerd 30

  # 4. leftovers of the managed containerd: daemon, shims, container init processes
  stop_pid "$(read_pid "$LAB/exec/containerd/containerd.pid")" containerd containerd 15
  for d in "$LAB"/exec/containerd/daemon/io.containerd.runtime.v2.task/*/*/; do
    id=$(basename "$d")
    p=$(read_pid "$d/init.pid")
    if [[ -n $p ]] && grep -qs "$id" "/proc/$p/cgroup"; then
      log "killing container init of $id (pid $p)"
      kill -KILL "$p" 2>/dev/null || true
    fi
    p=$(read_pid "$d/shim.pid")
    if [[ -n $p ]] && tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -q -- "$id"; then
      stop_pid "$p" 'containerd-shim.*' "containerd-shim of $id" 10
    fi
  done
  # containerd 1.6.20 writes no shim.pid: `up` noted each shim's PID (its container init's parent)
  if [[ -f $LAB/shims ]]; then
    while read -r p id; do
      if [[ $id =~ ^[0-9a-f]{64}$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -q -- "-id $id "; then
        stop_pid "$p" 'containerd-shim.*' "containerd-shim of ${id:0:12}" 10
      fi
    done <"$LAB/shims"
  fi

  # 5. dnsmasq (and the loopback one of a host-resolver lab)
  stop_pid "$(read_pid "$LAB/dnsmasq.pid")" dnsmasq dnsmasq 10
  stop_pid "$(read_pid "$LAB/dnsmasq.launch.pid")" dnsmasq dnsmasq 10
  stop_pid "$(read_pid "$LAB/dnsmasq-lo.pid")" dnsmasq "loopback dnsmasq" 10
  stop_pid "$(read_pid "$LAB/dnsmasq-lo.launch.pid")" dnsmasq "loopback dnsmasq" 10

  # 5b. host-resolver mode: dockerd's private mount namespace (its resolv.conf bind mount, netns
  # bind mounts and data-root mount) goes away with the last process in it; all of those were
  # stopped above. Never visible here, so step 6 finds nothing of it.
  if [[ -s $LAB/dockerd.mntns ]]; then
    local mntns
    local -a left=()
    mntns=$(<"$LAB/dockerd.mntns")
    for ((i = 0; i < 50; i++)); do
      mapfile -t left < <(procs_in_mntns "$mntns")
      ((${#left[@]} == 0)) && break
      sleep 0.1
    done
    if ((${#left[@]})); then
      log "WARNING: processes still in dockerd's mount namespace $mntns (not killed: not from a pid file):"
      for p in "${left[@]}"; do log "  pid $p $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" || true)"; done
    fi
  fi

  # 6. mounts under the lab dir (netns bind mounts, container rootfs, ...)
  for ((i = 0; i < 5; i++)); do
    mapfile -t mps < <(lab_mounts)
    ((${#mps[@]} == 0)) && break
    for f in "${mps[@]}"; do
      umount "$f" 2>/dev/null || umount -l "$f" 2>/dev/null || log "WARNING: cannot unmount $f"
    done
  done
  if [[ -n $(lab_mounts) ]]; then log "WARNING: mounts left under $LAB:"; lab_mounts >&2; fi

  # 7. shim sockets that containerd keeps outside its state dir (/run/containerd/s/<sha256>)
  if [[ -f $LAB/shim-sockets ]]; then
    while read -r f; do
      [[ $f =~ ^/run/containerd/s/[0-9a-f]{64}$ ]] && rm -f "$f"
    done <"$LAB/shim-sockets"
  fi

  if [[ -e $LAB/runcontainerd.created ]]; then
    rmdir /run/containerd/s 2>/dev/null || true
    rmdir /run/containerd 2>/dev/null || true
  fi

  # 7b. dockerd's trust key, if this lab created it
  if [[ -e $LAB/keyjson.created && -f /etc/docker/key.json ]]; then rm -f /etc/docker/key.json; fi

  # 8. namespaces (deleting them also deletes the veth pair and every rule in them)
  for d in "$NS_HOST" "$NS_UP"; do
    if [[ -e /var/run/netns/$d ]]; then
      ip netns delete "$d" 2>/dev/null || log "WARNING: cannot delete netns $d"
    fi
  done

  # 8b. /run/netns, if this lab created it and no namespace is left in it
  if [[ -e $LAB/runnetns.created && -d /run/netns && -z $(ls -A /run/netns) ]]; then
    if awk '$5 == "/run/netns" { f = 1 } END { exit !f }' /proc/self/mountinfo; then
      umount /run/netns 2>/dev/null || true
    fi
    rmdir /run/netns 2>/dev/null || true
  fi

  # 9. the lab directory, only if it is ours
  if [[ -d $LAB ]]; then
    if [[ -n $(lab_mounts) ]]; then
      log "WARNING: not removing $LAB: something is still mounted under it"
    elif [[ -e $LAB/.ns53-lab ]]; then
      rm -rf --one-file-system "$LAB"
    elif [[ -z $(ls -A "$LAB") ]]; then
      rmdir "$LAB"
    else
      log "WARNING: $LAB has no .ns53-lab marker, leaving it alone"
    fi
  fi
  log "down done in $(elapsed "$t0")s"
}

# ---------------------------------------------------------------------------------------
# up

wait_for() { # seconds description command...
  local secs=$1 i
  shift 2 # $2 only documents what is awaited
  for ((i = 0; i < secs * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  return 1
}

setup_netns() {
  log "creating namespaces $NS_HOST and $NS_UP"
  # the first `ip netns add` on a machine creates /run/netns and bind-mounts it onto itself
  [[ -e /run/netns ]] || touch "$LAB/runnetns.created"
  ip netns add "$NS_HOST"
  ip netns add "$NS_UP"
  ip -n "$NS_HOST" link set lo up
  ip -n "$NS_UP" link set lo up
  # the veth pair is created inside ns53-host with its peer directly in ns53-up: no
  # interface ever exists in the machine's own namespace
  ip -n "$NS_HOST" link add "$VETH_HOST" type veth peer name "$VETH_UP" netns "$NS_UP"
  ip -n "$NS_HOST" addr add "$HOST_IP/24" dev "$VETH_HOST"
  ip -n "$NS_UP" addr add "$UP_IP/24" dev "$VETH_UP"
  ip -n "$NS_HOST" link set "$VETH_HOST" up
  ip -n "$NS_UP" link set "$VETH_UP" up
  # forwarding only inside the dockerd namespace (net.* sysctls are per namespace)
  ip netns exec "$NS_HOST" sysctl -qw net.ipv4.ip_forward=1
  # belt and braces: neither namespace has a default route
  if ip -n "$NS_HOST" route show default | grep -q . || ip -n "$NS_UP" route show default | grep -q .; then
    die "unexpected default route in a lab namespace"
  fi
}

dig_a() { # server name -> succeeds if busybox nslookup prints the expected answer
  in_host_ns timeout --foreground 5 busybox nslookup -type=a "$2" "$1" 2>&1 | grep -q "$ANSWER_IP"
}

run_dnsmasq() { # label netns-path listen-address file-base: the lab zone, on one address only
  local label=$1 nspath=$2 ip=$3 base=$4
  log "starting $label on $ip (namespace ${nspath##*/})"
  : >"$LAB/$base.log"
  # cwd / like a service (dockerd's cwd shows up in traces as AT_FDCWD</>)
  cd /
  setsid nsenter --net="$nspath" dnsmasq \
    --conf-file=/dev/null --no-resolv --no-hosts --no-poll --keep-in-foreground \
    --bind-interfaces --listen-address="$ip" --port=53 \
    --user=root --group=root --pid-file="$LAB/$base.pid" \
    --cache-size=0 \
    --host-record="$NAME_OK,$ANSWER_IP" \
    --address=/nx.example.test/ \
    --log-queries=extra --log-facility="$LAB/$base.log" \
    </dev/null >"$LAB/$base.out" 2>&1 &
  echo "$!" >"$LAB/$base.launch.pid"
  # dnsmasq writes its pid file after binding its sockets: a query sent earlier would get no
  # answer and cost busybox's 2.5 s retransmission delay
  wait_for 15 "$label pid file" test -s "$LAB/$base.pid" || true
  if ! wait_for 15 "$label answers" dig_a "$ip" "$NAME_OK"; then
    cat "$LAB/$base.out" >&2 || true
    die "$label does not answer A $NAME_OK on $ip"
  fi
}

start_dnsmasq() { run_dnsmasq dnsmasq "$NSPATH_UP" "$UP_IP" dnsmasq; }

# host-resolver mode: the same zone on a loopback address inside ns53-host (dockerd's namespace).
# A 127/8 address needs no interface address: lo's `local 127.0.0.0/8` route makes it local,
# and dnsmasq binds a --listen-address that no interface carries.
start_lo_dnsmasq() { run_dnsmasq "loopback dnsmasq" "$NSPATH_HOST" "$LO_IP" dnsmasq-lo; }

# host-resolver mode: dockerd's mount namespace is set up by this script (run by sh inside
# `unshare --mount --propagation slave`, already in ns53-host), which then execs dockerd.
# - It unmounts this namespace's copies of nsfs mounts (ip netns files, other labs' netns bind
#   mounts), so that dockerd's mount namespace keeps no network namespace alive. Unmounting in
#   a slave copy never propagates to the machine's namespace.
# - It bind-mounts the lab's resolv.conf onto /etc/resolv.conf, in this namespace only.
# shellcheck disable=SC2016 # expanded by sh, not here
MNTNS_INIT='set -e
awk '\''{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "nsfs") print $5; break } }'\'' /proc/self/mountinfo |
  sort -r | while read -r m; do umount -l "$m" 2>/dev/null || :; done
mount --bind "$1" /etc/resolv.conf
shift
exec "$@"'

start_dockerd() { # mode
  local mode=$1
  log "starting dockerd in namespace $NS_HOST ($mode mode)"
  {
    echo '{'
    echo '  "storage-driver": "vfs",'
    # host-resolver: no "dns", so that dockerd takes its nameserver from /etc/resolv.conf
    [[ $mode == host-resolver ]] || echo "  \"dns\": [\"$UP_IP\"],"
    echo '  "bridge": "none",'
    echo '  "iptables": true,'
    echo '  "ip-forward": true,'
    echo '  "userland-proxy": false,'
    echo '  "log-level": "info"'
    echo '}'
  } >"$LAB/daemon.json"
  local -a launch=(setsid nsenter --net="$NSPATH_HOST")
  if [[ $mode == host-resolver ]]; then
    printf 'nameserver %s\n' "$LO_IP" >"$LAB/resolv.conf"
    chmod 644 "$LAB/resolv.conf"
    launch+=(unshare --mount --propagation slave -- sh -c "$MNTNS_INIT" lab-mntns "$LAB/resolv.conf")
  fi
  # dockerd 20.10 creates its trust key /etc/docker/key.json if missing (no flag moves it):
  # remember whether the lab created it, so that `down` removes it again
  [[ -e /etc/docker/key.json ]] || touch "$LAB/keyjson.created"
  # containerd 1.6 keeps shim sockets in /run/containerd/s whatever its state dir is
  [[ -e /run/containerd ]] || touch "$LAB/runcontainerd.created"
  # nsenter --net (not `ip netns exec`, which remounts /sys and breaks cgroup detection).
  # The managed containerd lives under --data-root/containerd and --exec-root/containerd.
  cd /
  "${launch[@]}" dockerd \
    --config-file "$LAB/daemon.json" \
    --data-root "$LAB/data" \
    --exec-root "$LAB/exec" \
    --pidfile "$LAB/dockerd.pid" \
    -H "unix://$LAB/docker.sock" \
    </dev/null >"$LAB/dockerd.log" 2>&1 &
  local launched=$! i
  echo "$launched" >"$LAB/dockerd.launch.pid"
  for ((i = 0; i < 300; i++)); do
    if ! kill -0 "$launched" 2>/dev/null; then
      tail -n 30 "$LAB/dockerd.log" >&2 || true
      die "dockerd exited during startup (log: $LAB/dockerd.log)"
    fi
    if [[ -S $LAB/docker.sock ]] && DK_TIMEOUT=5 dk version >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  ((i < 300)) || { tail -n 30 "$LAB/dockerd.log" >&2 || true; die "dockerd API not ready after 60s"; }
  local p
  p=$(read_pid "$LAB/dockerd.pid")
  [[ $p == "$launched" ]] || log "note: dockerd pidfile says '$p', launched pid $launched"
}

# host-resolver mode: check that dockerd sees the lab's resolv.conf and that the machine does not
check_host_resolver() {
  local p mine theirs
  p=$(dockerd_pid) || die "lab dockerd is not running"
  mine=$(readlink /proc/self/ns/mnt)
  theirs=$(readlink "/proc/$p/ns/mnt")
  [[ -n $theirs && $theirs != "$mine" ]] || die "dockerd is not in a mount namespace of its own ($theirs)"
  echo "$theirs" >"$LAB/dockerd.mntns"
  # inside: /etc/resolv.conf is the lab's file (same device and inode) and names the loopback dnsmasq only
  [[ $(nsenter --mount="/proc/$p/ns/mnt" -- stat -L -c %d:%i /etc/resolv.conf) == "$(stat -c %d:%i "$LAB/resolv.conf")" ]] ||
    die "dockerd's /etc/resolv.conf is not the lab's $LAB/resolv.conf"
  [[ $(nsenter --mount="/proc/$p/ns/mnt" -- cat /etc/resolv.conf) == "nameserver $LO_IP" ]] ||
    die "dockerd's /etc/resolv.conf does not name $LO_IP only"
  # outside: the machine's file is unchanged and no mount was added for it
  [[ $(sha256sum </etc/resolv.conf) == "$(<"$LAB/machine-resolv.sha256")" ]] ||
    die "the machine's /etc/resolv.conf changed while the lab started"
  [[ $(grep -c resolv.conf /proc/self/mountinfo || true) == "$(<"$LAB/machine-resolv.mounts")" ]] ||
    die "a resolv.conf mount appeared in the machine's mount namespace"
  log "dockerd's mount namespace $theirs: /etc/resolv.conf = 'nameserver $LO_IP' (bind mount there only)"
}

build_image() {
  log "importing image $IMAGE from /bin/busybox"
  local root=$LAB/image/rootfs a
  rm -rf "$LAB/image"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in sh nslookup sleep cat ls ps; do ln -s busybox "$root/bin/$a"; done
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$LAB/image/rootfs.tar" .
  dk import --change 'CMD ["/bin/sh"]' "$LAB/image/rootfs.tar" "$IMAGE" >/dev/null
}

container_running() { [[ $(dk inspect -f '{{.State.Running}}' "$1" 2>/dev/null) == true ]]; }

create_containers() {
  log "creating network $NET_NAME ($SUBNET) and containers web ($WEB_IP), api ($API_IP)"
  dk network create --driver bridge --subnet "$SUBNET" --gateway "$GATEWAY" "$NET_NAME" >/dev/null
  dk run -d --name web --hostname web --network "$NET_NAME" --ip "$WEB_IP" "$IMAGE" sleep 2147483647 >/dev/null
  dk run -d --name api --hostname api --network "$NET_NAME" --ip "$API_IP" "$IMAGE" sleep 2147483647 >/dev/null
  local c key
  for c in web api; do
    wait_for 30 "$c running" container_running "$c" || die "container $c is not running"
    key=$(dk inspect -f '{{.NetworkSettings.SandboxKey}}' "$c")
    in_dockerd_mnt test -e "$key" || die "SandboxKey of $c ($key) does not exist"
  done
  # remember containerd's shim socket paths, so that `down` can remove stale ones
  # (containerd 1.6 puts them in /run/containerd/s/sha256(<address>/<ns>/<id>)), and each shim's
  # PID (the parent of the container's init; containerd 1.6.20 writes no shim.pid), so that `down`
  # can stop shims that a dead dockerd/containerd left behind
  local id cpid spid
  for c in web api; do
    id=$(dk inspect -f '{{.Id}}' "$c")
    printf '/run/containerd/s/%s\n' \
      "$(printf '%s' "$LAB/exec/containerd/containerd.sock/moby/$id" | sha256sum | cut -d' ' -f1)" >>"$LAB/shim-sockets"
    cpid=$(dk inspect -f '{{.State.Pid}}' "$c")
    spid=$(awk '$1 == "PPid:" { print $2 }' "/proc/$cpid/status" 2>/dev/null || true)
    if pid_is "$spid" 'containerd-shim.*'; then printf '%s %s\n' "$spid" "$id" >>"$LAB/shims"; fi
  done
}

smoke_test() {
  local c out
  for c in web api; do
    out=$(DK_TIMEOUT=30 dk exec "$c" nslookup -type=a "$NAME_OK" 127.0.0.11 2>&1 || true)
    grep -q "$ANSWER_IP" <<<"$out" || { printf '%s\n' "$out" >&2; die "$c cannot resolve $NAME_OK through 127.0.0.11"; }
  done
}

cmd_up() {
  local mode=default
  case "$#:${1:-}" in
    0:) ;;
    1:--host-resolver) mode=host-resolver ;;
    *) die "usage: lab.sh up [--host-resolver]" ;;
  esac
  need_root
  need_cmds
  check_lab_path
  if [[ $mode == host-resolver ]]; then
    command -v unshare >/dev/null || die "missing command: unshare (util-linux)"
    [[ -f /etc/resolv.conf ]] || die "--host-resolver bind-mounts over /etc/resolv.conf, which is not a file here"
  fi
  local t0
  t0=$(now)
  if [[ -d $LAB && ! -e $LAB/.ns53-lab && -n $(ls -A "$LAB") ]]; then
    die "$LAB exists, is not empty and is not a lab directory (no .ns53-lab marker)"
  fi
  cmd_down 2>/dev/null || true # leftovers of an earlier run, whatever its mode
  mkdir -p "$LAB/data" "$LAB/exec"
  chmod 711 "$LAB"
  touch "$LAB/.ns53-lab"
  echo "$mode" >"$LAB/mode"
  if [[ $mode == host-resolver ]]; then
    sha256sum </etc/resolv.conf >"$LAB/machine-resolv.sha256"
    { grep -c resolv.conf /proc/self/mountinfo || true; } >"$LAB/machine-resolv.mounts"
  fi
  setup_netns
  start_dnsmasq
  [[ $mode == host-resolver ]] && start_lo_dnsmasq
  start_dockerd "$mode"
  [[ $mode == host-resolver ]] && check_host_resolver
  build_image
  create_containers
  smoke_test
  log "lab is up in $(elapsed "$t0")s ($mode mode, dir $LAB); dockerd pid:"
  dockerd_pid
}

cmd_pid() { dockerd_pid || die "lab dockerd is not running (dir $LAB)"; }

# Each container's name, IP and network namespace inode as the kernel reports it for the container's init
# process (stat -L -c %i /proc/<State.Pid>/ns/net): what ns53 must name as an attempt's namespace.
cmd_netns() {
  dockerd_pid >/dev/null || die "lab dockerd is not running (dir $LAB)"
  local c cpid ip
  for c in web api; do
    cpid=$(dk inspect -f '{{.State.Pid}}' "$c")
    ip=$(dk inspect -f "{{(index .NetworkSettings.Networks \"$NET_NAME\").IPAddress}}" "$c")
    printf '%s %s %s\n' "$c" "$ip" "$(stat -L -c %i "/proc/$cpid/ns/net")"
  done
}

cmd_status() {
  local p mode
  p=$(dockerd_pid) || { echo "down"; return 1; }
  mode=$(lab_mode)
  if [[ $mode == host-resolver ]]; then
    echo "mode host-resolver: no daemon.json \"dns\"; dockerd's /etc/resolv.conf (its own mount namespace) names $LO_IP, dialled from $NS_HOST without setns"
    echo "dockerd pid $p, dnsmasq pid $(read_pid "$LAB/dnsmasq.pid"), loopback dnsmasq pid $(read_pid "$LAB/dnsmasq-lo.pid")"
  else
    echo "mode default: daemon.json \"dns\": [\"$UP_IP\"], dialled from the container namespaces (setns)"
    echo "dockerd pid $p, dnsmasq pid $(read_pid "$LAB/dnsmasq.pid")"
  fi
  dk ps --format '{{.Names}} {{.Status}}'
}

# ---------------------------------------------------------------------------------------
# scenarios

RULES=()
add_rule() { # iptables match spec (inserted at the top of FORWARD in ns53-host)
  ns_iptables -I FORWARD "$@"
  RULES+=("$*")
  echo "rule added (ns $NS_HOST): iptables -I FORWARD $*"
}
show_rule_counters() {
  echo "rule counters before removal (pkts bytes target prot opt in out source destination):"
  ns_iptables -L FORWARD -n -v -x | awk '/dpt:53/ { print "  " $0; c[$3] += $1 } END { for (t in c) print "counter: " t " " c[t] }'
}
remove_rules() {
  local spec
  local -a args
  for spec in ${RULES[@]+"${RULES[@]}"}; do
    read -ra args <<<"$spec"
    while ns_iptables -D FORWARD "${args[@]}" 2>/dev/null; do
      echo "rule removed: iptables -D FORWARD $spec"
    done
  done
  RULES=()
}

# The FORWARD rules of the scenarios, by name: `lab.sh rule` leaves one of them in place (until the next
# `lab.sh rule` or `lab.sh down`), so a command such as `ns53 diagnose` can be run against it.
rule_spec() {
  case $1 in
    none) ;;
    reject) echo "-s $SUBNET -p udp --dport 53 -j REJECT" ;;
    drop) echo "-p udp --dport 53 -j DROP" ;;
    api-only) echo "-s $API_IP -p udp --dport 53 -j REJECT" ;;
    *) die "unknown rule '$1' (one of: none reject drop api-only)" ;;
  esac
}

cmd_rule() { # <none|reject|drop|api-only>
  (($# == 1)) || die "usage: lab.sh rule <none|reject|drop|api-only>"
  local want spec
  want=$(rule_spec "$1")
  need_root
  dockerd_pid >/dev/null || die "lab is not up (run: lab.sh up)"
  RULES=()
  for spec in reject drop api-only; do RULES+=("$(rule_spec "$spec")"); done
  remove_rules
  if [[ -n $want ]]; then
    # shellcheck disable=SC2086
    add_rule $want
  fi
  RULES=()
}

nsl() { # container name [type] : one busybox nslookup via the embedded DNS
  local c=$1 name=$2 type=${3:-} out rc=0
  local -a targs=()
  [[ -n $type ]] && targs=("-type=$type")
  out=$(DK_TIMEOUT=60 dk exec "$c" nslookup ${targs[@]+"${targs[@]}"} "$name" 127.0.0.11 2>&1) || rc=$?
  printf '%s\n' "--- $c: nslookup ${targs[*]:+${targs[*]} }$name 127.0.0.11 (exit $rc)" "$out"
  # interrupted (Ctrl-C / SIGTERM): leave now, the EXIT trap removes the rules
  if ((rc == 130 || rc == 143)); then exit "$rc"; fi
}

par() { # run several "container name [type]" lookups concurrently, print outputs in order
  local tmp i j spec rc=0 r
  local -a pids=()
  tmp=$(mktemp -d "$LAB/par.XXXXXX")
  i=0
  for spec in "$@"; do
    # shellcheck disable=SC2086
    nsl $spec >"$tmp/$i" 2>&1 &
    pids+=("$!")
    i=$((i + 1))
  done
  for j in "${pids[@]}"; do
    r=0
    wait "$j" || r=$?
    ((r == 130 || r == 143)) && rc=$r
  done
  for ((j = 0; j < i; j++)); do cat "$tmp/$j"; done
  rm -rf "$tmp"
  if ((rc)); then exit "$rc"; fi
}

scenario_desc() {
  case $1 in
    mixed) cat <<EOF
Phase 1 (no rule): concurrently, 4 busybox nslookups through 127.0.0.11 (each sends an A and an AAAA query):
web: $NAME_OK, web: $NAME_NX, api: $NAME_OK, api: $NAME_NX.
Phase 2: in ns53-host \`iptables -I FORWARD -s $API_IP -p udp --dport 53 -j REJECT\`, then the same 4
nslookups concurrently again; api's forwarded queries get ICMP port-unreachable (read = ECONNREFUSED),
web's still reach dnsmasq. The rule is then removed.
EOF
      ;;
    drop) cat <<EOF
In ns53-host \`iptables -I FORWARD -p udp --dport 53 -j DROP\`; one \`nslookup $NAME_OK 127.0.0.11\` from
web (A + AAAA; busybox retransmits unanswered queries); dockerd 20.10 waits 4 s per attempt, then closes the
socket (no reply to the client). The rule is then removed.
EOF
      ;;
    answered) echo "One \`nslookup -type=a $NAME_OK 127.0.0.11\` from web: a single A query, answered NOERROR $ANSWER_IP by dnsmasq." ;;
    nxdomain) echo "One \`nslookup -type=a $NAME_NX 127.0.0.11\` from web: a single A query, answered NXDOMAIN by dnsmasq." ;;
    refused) echo "One \`nslookup -type=a $NAME_REFUSED 127.0.0.11\` from web: dnsmasq (no upstream servers) answers REFUSED; dockerd 20.10 relays it." ;;
    reject) cat <<EOF
In ns53-host \`iptables -I FORWARD -s $SUBNET -p udp --dport 53 -j REJECT\` (whole bridge subnet), then
concurrently \`nslookup -type=a $NAME_OK 127.0.0.11\` from web and from api: every forwarded attempt fails
with ECONNREFUSED; dockerd 20.10 sends no reply, so busybox retransmits. The rule is then removed.
EOF
      ;;
    api-only) cat <<EOF
In ns53-host \`iptables -I FORWARD -s $API_IP -p udp --dport 53 -j REJECT\`, then concurrently
\`nslookup -type=a $NAME_OK 127.0.0.11\` from web and from api: web's attempt is answered NOERROR, api's
attempts fail with ECONNREFUSED (busybox retransmits). The rule is then removed.
EOF
      ;;
    tcp) echo "One DNS-over-TCP query (A $NAME_OK) to 127.0.0.11:53 from web's network namespace (host python3 test/e2e/lab/dnstcp.py under nsenter --net=<SandboxKey>); dockerd forwards it over TCP to $UP_IP:53 (NOERROR)." ;;
    host) cat <<EOF
Host-resolver lab (daemon.json has no "dns"; dockerd's /etc/resolv.conf, a bind mount in its own mount
namespace, names only $LO_IP, a dnsmasq on lo in $NS_HOST). From web, one after the other:
\`nslookup -type=a $NAME_OK 127.0.0.11\`, then \`nslookup -type=a $NAME_NX 127.0.0.11\`. dockerd 20.10
treats a 127/8 nameserver from the host file as HostLoopback and dials it from its own network namespace,
with no setns.
EOF
      ;;
    *) die "unknown scenario '$1' (one of: $SCENARIOS)" ;;
  esac
}

scenario_expect() { # what the upstream attempts should be (derived from the scenario design)
  case $1 in
    mixed) cat <<EOF
20 upstream attempts (each: setns into the container netns, UDP connect to $UP_IP:53, getsockname = container IP):
- web ($WEB_IP), 8: phase 1 {A www NOERROR, AAAA www REFUSED, A nope NXDOMAIN, AAAA nope NXDOMAIN} + the same 4 in phase 2.
- api ($API_IP), 12: phase 1 the same 4; phase 2 8 x ECONNREFUSED (A and AAAA for each of the two names, each
  sent twice by busybox, because dockerd 20.10 sends the client no reply when the only upstream fails).
Outcomes: NOERROR 3, REFUSED 3, NXDOMAIN 6, ECONNREFUSED 8.
EOF
      ;;
    drop) cat <<EOF
4 upstream attempts, all from web ($WEB_IP): A and AAAA $NAME_OK, each sent twice by busybox (the retransmission
~2.5 s after the first); every attempt times out: read() = EAGAIN only, then close() ~4 s after the write.
Outcomes: timeout 4.
EOF
      ;;
    answered) echo "1 upstream attempt from web ($WEB_IP): A $NAME_OK -> NOERROR ($ANSWER_IP)." ;;
    nxdomain) echo "1 upstream attempt from web ($WEB_IP): A $NAME_NX -> NXDOMAIN." ;;
    refused) echo "1 upstream attempt from web ($WEB_IP): A $NAME_REFUSED -> REFUSED (relayed to the client; busybox does not retry)." ;;
    reject) echo "4 upstream attempts: web ($WEB_IP) 2, api ($API_IP) 2 (busybox sends each A query twice); all ECONNREFUSED." ;;
    api-only) echo "3 upstream attempts: web ($WEB_IP) 1 -> NOERROR; api ($API_IP) 2 (query + busybox retransmission) -> ECONNREFUSED." ;;
    tcp) echo "1 upstream attempt over TCP from web's netns ($WEB_IP): SOCK_STREAM socket, connect = EINPROGRESS, A $NAME_OK -> NOERROR." ;;
    host) echo "2 upstream attempts, both from dockerd's own netns ($NS_HOST, no setns; UDP connect to $LO_IP:53, getsockname = 127.0.0.1): A $NAME_OK -> NOERROR ($ANSWER_IP), then A $NAME_NX -> NXDOMAIN." ;;
  esac
}

scenario_body() {
  case $1 in
    mixed)
      echo "== phase 1: no rule"
      par "web $NAME_OK" "web $NAME_NX" "api $NAME_OK" "api $NAME_NX"
      sleep 1
      echo "== phase 2: REJECT from api ($API_IP)"
      add_rule -s "$API_IP" -p udp --dport 53 -j REJECT
      par "web $NAME_OK" "web $NAME_NX" "api $NAME_OK" "api $NAME_NX"
      show_rule_counters
      ;;
    drop)
      add_rule -p udp --dport 53 -j DROP
      nsl web "$NAME_OK"
      # busybox gives up after 5 s, its retransmissions were sent ~2.5 s in: wait until
      # dockerd's 4 s deadlines for them have passed, so the trace shows every close()
      echo "(waiting 5 s for dockerd's read deadlines)"
      sleep 5
      show_rule_counters
      ;;
    answered) nsl web "$NAME_OK" a ;;
    nxdomain) nsl web "$NAME_NX" a ;;
    host)
      nsl web "$NAME_OK" a
      nsl web "$NAME_NX" a
      ;;
    refused) nsl web "$NAME_REFUSED" a ;;
    reject)
      add_rule -s "$SUBNET" -p udp --dport 53 -j REJECT
      par "web $NAME_OK a" "api $NAME_OK a"
      show_rule_counters
      ;;
    api-only)
      add_rule -s "$API_IP" -p udp --dport 53 -j REJECT
      par "web $NAME_OK a" "api $NAME_OK a"
      show_rule_counters
      ;;
    tcp)
      local key
      key=$(dk inspect -f '{{.NetworkSettings.SandboxKey}}' web)
      echo "--- web (nsenter --net=$key): dnstcp.py 127.0.0.11 $NAME_OK A"
      in_dockerd_mnt nsenter --net="$key" timeout --foreground 20 python3 "$SCRIPT_DIR/dnstcp.py" 127.0.0.11 "$NAME_OK" A 2>&1 || echo "(failed: exit $?)"
      ;;
  esac
}

check_scenario_mode() { # scenario: dies unless the running lab's mode fits it
  local mode
  mode=$(lab_mode)
  if [[ " $HOST_SCENARIOS " == *" $1 "* ]]; then
    [[ $mode == host-resolver ]] ||
      die "scenario '$1' needs a host-resolver lab (lab.sh up --host-resolver); the lab in $LAB is in default mode"
  elif [[ $mode == host-resolver ]]; then
    die "scenario '$1' needs a default lab (lab.sh up): it is about the container-netns path to $UP_IP (daemon.json \"dns\") and FORWARD rules, which a host-resolver lab does not use; there, use: $HOST_SCENARIOS"
  fi
}

check_scenario() { # scenario: known, lab up, mode fits
  scenario_desc "$1" >/dev/null
  dockerd_pid >/dev/null || die "lab is not up (run: lab.sh up)"
  check_scenario_mode "$1"
}

run_scenario() { # in a subshell: rules are removed on any exit
  local name=$1
  check_scenario "$name"
  (
    trap remove_rules EXIT
    trap 'exit 130' INT TERM
    echo "== scenario $name ($(date -u +%FT%TZ))"
    scenario_body "$name"
  )
}

cmd_scenario() { # <name> [--facts <file.json>]
  local usage name facts="" tmp rc=0
  usage="usage: lab.sh scenario <$(tr ' ' '|' <<<"$SCENARIOS")> [--facts <file.json>]"
  (($# >= 1)) || die "$usage"
  name=$1
  shift
  while (($#)); do
    case $1 in
      --facts) [[ $# -ge 2 && -n $2 ]] || die "$usage"; facts=$2; shift 2 ;;
      --facts=?*) facts=${1#--facts=}; shift ;;
      *) die "$usage" ;;
    esac
  done
  need_root
  if [[ -z $facts ]]; then
    run_scenario "$name"
    return
  fi
  [[ -d $(dirname -- "$facts") ]] || die "--facts: the directory of '$facts' does not exist"
  check_scenario "$name"
  tmp=$(mktemp -d "$LAB/facts.XXXXXX")
  facts_begin
  # the clients' output still goes to stdout, as without --facts; a copy is read for the rule counters
  run_scenario "$name" | tee "$tmp/scenario.out" || rc=$?
  if ((rc == 130 || rc == 143)); then
    rm -rf "$tmp"
    die "interrupted; no facts written"
  fi
  facts_end "$tmp/scenario.out" "$tmp/dnsmasq.window" "$facts"
  rm -rf "$tmp"
  ((rc == 0)) || log "WARNING: scenario exited with $rc (facts written to $facts)"
  return "$rc"
}

# ---------------------------------------------------------------------------------------
# measured facts (shared by `scenario --facts` and `record`): what reached the upstream dnsmasq
# during one scenario run (its query log, from the line where facts_begin left it) and what the
# scenario's REJECT/DROP rules caught (the "counter:" lines the scenario prints)

FACTS_LOG=""
FACTS_FROM=1
FACT_ANSWERED=0
FACT_REJECTED=0
FACT_DROPPED=0

facts_begin() {
  FACTS_LOG=$(dns_log)
  [[ -f $FACTS_LOG ]] || die "no dnsmasq log $FACTS_LOG"
  FACTS_FROM=$(($(wc -l <"$FACTS_LOG") + 1))
}

dnsmasq_summary() { # dnsmasq log excerpt (--log-queries=extra) -> one line per (type, name, answer)
  awk '
    {
      for (i = 1; i <= NF; i++) if ($i ~ /^dnsmasq[^ ]*\[[0-9]+\]:$/) break
      key = $(i + 1) " " $(i + 2); what = $(i + 3)
      if (what ~ /^query\[/) {
        t = what; sub(/^query\[/, "", t); sub(/\]$/, "", t)
        if (!(key in qt)) order[++n] = key
        qt[key] = t; qn[key] = $(i + 4); next
      }
      if ((what == "config" || what == "reply" || what == "cached") && !(key in res)) {
        name = $(i + 4); val = $(i + 6)
        if (name == "error") res[key] = val
        else if (val == "NXDOMAIN" || val == "NODATA" || val == "NODATA-IPv6" || val == "NODATA-IPv4") res[key] = val
        else res[key] = "NOERROR " val
      }
    }
    END {
      printf "queries received by dnsmasq: %d\n", n
      for (j = 1; j <= n; j++) { k = order[j]; c[qt[k] " " qn[k] " -> " (k in res ? res[k] : "(no answer logged)")]++ }
      for (x in c) printf "  %d x %s\n", c[x], x
    }' "$1"
}

facts_end() { # scenario-output window-file json-file: sets FACT_*, writes the log window and the JSON
  local scen_out=$1 window=$2 json=$3
  tail -n +"$FACTS_FROM" "$FACTS_LOG" >"$window"
  FACT_ANSWERED=$(dnsmasq_summary "$window" | awk 'NR == 1 { print $NF }')
  FACT_REJECTED=$(awk '$1 == "counter:" && $2 == "REJECT" { n += $3 } END { print n + 0 }' "$scen_out")
  FACT_DROPPED=$(awk '$1 == "counter:" && $2 == "DROP" { n += $3 } END { print n + 0 }' "$scen_out")
  # answered attempts by rcode as dnsmasq logged them (NODATA is a NOERROR answer)
  dnsmasq_summary "$window" | awk -v answered="$FACT_ANSWERED" -v rejected="$FACT_REJECTED" -v dropped="$FACT_DROPPED" '
    $2 == "x" { for (i = 3; i <= NF; i++) if ($i == "->") { r = $(i + 1); if (r ~ /^NODATA/) r = "NOERROR"; rc[r] += $1 } }
    END {
      printf "{\"attempts\": %d, \"answered\": %d, \"rejected\": %d, \"dropped\": %d, \"rcodes\": {", answered + rejected + dropped, answered, rejected, dropped
      sep = ""; for (r in rc) { printf "%s\"%s\": %d", sep, r, rc[r]; sep = ", " }
      print "}}"
    }' >"$json"
}

# ---------------------------------------------------------------------------------------
# record

sed_pat() { printf '%s' "$1" | sed -e 's/[]\/$*.^[]/\\&/g'; }
sed_rep() { printf '%s' "$1" | sed -e 's/[\/&]/\\&/g'; }
hexesc() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | sed -e 's/../\\x&/g'; }

# lab path -> stock path, longest first
rewrite_pairs() {
  printf '%s\t%s\n' \
    "$LAB/docker.sock" /var/run/docker.sock \
    "$LAB/daemon.json" /etc/docker/daemon.json \
    "$LAB/key.json" /etc/docker/key.json \
    "$LAB/exec" /var/run/docker \
    "$LAB/data" /var/lib/docker
}

rewrite_paths() { # file: in-place fixed-string rewrite (plain and \xNN-escaped forms, for -xx)
  local f=$1 from to script=""
  while IFS=$'\t' read -r from to; do
    script+="s/$(sed_pat "$from")/$(sed_rep "$to")/g;"
    script+="s/$(sed_pat "$(hexesc "$from")")/$(sed_rep "$(hexesc "$to")")/g;"
  done < <(rewrite_pairs)
  sed -i -e "$script" "$f"
}

stock_path() { # one path, rewritten like the trace
  local p=$1 from to
  while IFS=$'\t' read -r from to; do
    if [[ $p == "$from"* ]]; then printf '%s\n' "$to${p#"$from"}"; return; fi
  done < <(rewrite_pairs)
  printf '%s\n' "$p"
}

all_threads_traced() { # dockerd-pid strace-pid
  local st tp
  for st in /proc/"$1"/task/*/status; do
    tp=$(awk '/^TracerPid:/ { print $2 }' "$st" 2>/dev/null) || continue
    [[ -z $tp || $tp == "$2" ]] || return 1
  done
  return 0
}

flag_notes() { # strace flags... -> what a reader of this trace should know about its format
  local a has_s=0 has_y=0 has_yy=0 has_xx=0 has_r=0 has_ff=0 has_stderr=0 has_t=0
  for a in "$@"; do
    case $a in
      -s) has_s=1 ;; -y) has_y=1 ;; -yy) has_yy=1 ;; -xx) has_xx=1 ;; -r) has_r=1 ;; -ff) has_ff=1 ;;
      --stderr) has_stderr=1 ;; -t | -tt | -ttt) has_t=1 ;;
    esac
  done
  ((has_stderr)) && echo "- Written by redirecting strace's stderr (a copied terminal session): the file starts with \`strace: Process N attached with M threads\` and ends with \`strace: Process N detached\` lines; other threads' lines are prefixed \`[pid N]\`."
  ((has_ff)) && echo "- \`-ff\`: one file per thread (\`trace.<tid>\`), without a pid column; threads that made no calls during the recording have tiny files. Read them as one trace by merging on timestamps."
  ((has_r)) && echo "- \`-r\`: the timestamp is relative to the previous line (any thread), not absolute."
  ((has_t || has_r || has_ff)) || echo "- No timestamps and no \`-T\`."
  ((has_y || has_yy)) || echo "- No \`-y\`: file descriptors are bare numbers, e.g. \`setns(20, CLONE_NEWNET)\`; only \`connect\`/\`getsockname\` arguments give addresses."
  ((has_y && !has_yy)) && echo "- \`-y\` (not \`-yy\`): files show their path (\`20<net:[...]>\`, \`45</var/run/docker/netns/...>\`), sockets only \`63<socket:[inode]>\`."
  ((has_xx)) && echo "- \`-xx\`: every string is printed as \\xNN escapes, including paths, the \`<...>\` fd decorations and the \`inet_addr(\"...\")\` strings of socket addresses (strace 6.1); the DNS names appear only hex-encoded. The path rewrite handled the escaped forms too."
  ((has_s)) || echo "- strace's default \`-s 32\`: data strings (DNS packets, JSON) are cut to 32 bytes and end in \`...\`; path arguments and \`-y\` decorations are never cut. The path rewrite ran after the cut."
  return 0
}

STRACE_PID=""
stop_strace() {
  # SIGINT makes strace detach. A SIGINT that arrives before strace has installed its handler is lost (a
  # background job of this non-interactive shell ignores it until then), so it is repeated every 2 s before
  # SIGTERM and, last, SIGKILL (the kernel then detaches dockerd itself). $STRACE_PID is our own child, so
  # it is signalled while alive even before it has exec'd strace.
  local i sig
  if [[ -n $STRACE_PID ]]; then
    for sig in INT INT INT TERM KILL; do
      pid_alive "$STRACE_PID" || break
      kill "-$sig" "$STRACE_PID" 2>/dev/null || true
      for ((i = 0; i < 20; i++)); do
        pid_alive "$STRACE_PID" || break
        sleep 0.1
      done
    done
    wait "$STRACE_PID" 2>/dev/null || true
  fi
  STRACE_PID=""
  rm -f "$LAB/strace.pid"
}

cmd_record() {
  need_root
  [[ $# -ge 3 && $3 == "--" ]] || die "usage: lab.sh record <scenario> <outdir> -- <strace flags...>"
  local scenario=$1 out=$2
  shift 3
  scenario_desc "$scenario" >/dev/null
  local dpid
  dpid=$(dockerd_pid) || die "lab is not up (run: lab.sh up)"
  check_scenario_mode "$scenario"
  command -v strace >/dev/null || die "strace not found"

  # flags: strip -p/-o (and their arguments) and the pseudo flag --stderr
  local -a raw=("$@") flags=()
  local use_stderr=0 ff=0 follow=0 i a
  for ((i = 0; i < ${#raw[@]}; i++)); do
    a=${raw[i]}
    case $a in
      --stderr) use_stderr=1 ;;
      -o | -p)
        if ((i + 1 < ${#raw[@]})) && [[ ${raw[i + 1]} != -* ]]; then i=$((i + 1)); fi ;;
      -o?* | -p?* | --output=* | --attach=*) ;;
      -ff) ff=1; follow=1; flags+=("$a") ;;
      -f | --follow-forks) follow=1; flags+=("$a") ;;
      *) flags+=("$a") ;;
    esac
  done
  ((follow)) || flags=(-f "${flags[@]}")
  ((use_stderr && ff)) && die "--stderr and -ff cannot be combined"

  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  rm -f "$out"/trace "$out"/trace.* "$out/NOTES.md"

  local -a cmd=(strace "${flags[@]}" -p "$dpid")
  local target
  if ((use_stderr)); then
    target="stderr redirected to trace.strace"
  elif ((ff)); then
    cmd+=(-o "$out/trace")
    target="trace.<tid> files (-ff -o trace)"
  else
    cmd+=(-o "$out/trace.strace")
    target="trace.strace (-o)"
  fi

  # context at recording time
  local c key ino cid cpid
  local ctx=""
  for c in web api; do
    key=$(dk inspect -f '{{.NetworkSettings.SandboxKey}}' "$c")
    ino=$(in_dockerd_mnt stat -L -c %i "$key")
    cid=$(dk inspect -f '{{.Id}}' "$c")
    cpid=$(dk inspect -f '{{.State.Pid}}' "$c")
    ctx+="| $c | $(dk inspect -f "{{(index .NetworkSettings.Networks \"$NET_NAME\").IPAddress}}" "$c") | \`$(stock_path "$key")\` (\`$key\` in the lab) | $ino | ${cid:0:12} | $cpid |"$'\n'
  done
  local host_ino nthreads
  host_ino=$(stat -L -c %i "/proc/$dpid/ns/net")
  nthreads=$(find "/proc/$dpid/task" -mindepth 1 -maxdepth 1 | wc -l)
  facts_begin

  log "recording scenario '$scenario' into $out"
  log "  ${cmd[*]}"
  local t0 started
  t0=$(now)
  started=$(date -u +%FT%TZ)
  if ((use_stderr)); then
    "${cmd[@]}" 2>"$out/trace.strace" &
  else
    "${cmd[@]}" 2>"$LAB/strace.stderr" &
  fi
  STRACE_PID=$!
  echo "$STRACE_PID" >"$LAB/strace.pid"
  trap 'stop_strace' EXIT
  trap 'stop_strace; exit 130' INT TERM

  for ((i = 0; i < 150; i++)); do
    # $! is our own child; until it has exec'd strace its comm is still bash, so only its death counts here
    pid_alive "$STRACE_PID" || die "strace exited before attaching"
    if [[ $(awk '/^TracerPid:/ { print $2 }' "/proc/$dpid/status") == "$STRACE_PID" ]] &&
      all_threads_traced "$dpid" "$STRACE_PID"; then break; fi
    sleep 0.2
  done
  ((i < 150)) || die "strace did not attach to dockerd $dpid within 30s"
  sleep 1 # settle

  local scen_out=$LAB/scenario.out rc=0
  run_scenario "$scenario" >"$scen_out" 2>&1 || rc=$?
  if ((rc == 130 || rc == 143)); then
    stop_strace
    die "interrupted; the partial recording in $out is not a fixture (no NOTES.md written)"
  fi
  sleep 1
  stop_strace
  trap - EXIT INT TERM
  local secs
  secs=$(elapsed "$t0")
  ((rc == 0)) || log "WARNING: scenario exited with $rc"

  facts_end "$scen_out" "$LAB/dnsmasq.window" "$out/measured.json"

  # path rewrite, size check, gzip when large
  local f residue=0 sizes="" n
  local -a files=()
  for f in "$out"/trace "$out"/trace.*; do [[ -f $f ]] && files+=("$f"); done
  ((${#files[@]} > 0)) || die "strace wrote no output in $out"
  for f in "${files[@]}"; do
    rewrite_paths "$f"
    n=$(grep -c -e 'ns53' -e "$(hexesc ns53)" "$f" || true)
    residue=$((residue + n))
  done
  local gz=0
  for f in "${files[@]}"; do
    # 1.5 MiB, not 2: mixed--xx is 1.8-2.1 MB and should not flip between .gz and plain
    if (($(stat -c %s "$f") > GZIP_OVER)); then gzip -9n "$f"; gz=1; fi
  done
  sizes=$(cd "$out" && stat -c '%n %s bytes' trace*)

  # cross-checks: what reached dnsmasq and what the rules caught (from facts_end, as in measured.json),
  # and what the trace shows
  local measured found
  measured="$((FACT_ANSWERED + FACT_REJECTED + FACT_DROPPED)) attempts = $FACT_ANSWERED answered by dnsmasq + $FACT_REJECTED caught by REJECT (ECONNREFUSED) + $FACT_DROPPED caught by DROP (timeout)."
  found=$(cd "$out" && zcat -f trace* | awk '
    /connect\(/ && /htons\(53\)/ { c++ }
    /ECONNREFUSED/ && !/connect\(/ { r++ }
    /setns\(/ && !/resumed>/ { s++ }
    END { printf "%d `connect(...htons(53)...)` calls, %d `setns(` calls, %d lines with ECONNREFUSED.", c, s, r }')

  local rewrite_table
  rewrite_table=$(rewrite_pairs | awk -F'\t' '{ printf "| `%s` | `%s` |\n", $1, $2 }')

  {
    echo "# ${out##*/}"
    echo
    echo "Real strace recording of dockerd $(dockerd --version | sed 's/^Docker version //') forwarding embedded-DNS queries,"
    echo "made by \`test/e2e/lab/lab.sh record $scenario <outdir> -- ${raw[*]}\` on $started (UTC)."
    echo
    echo "## strace command"
    echo
    echo '```'
    if ((use_stderr)); then echo "${cmd[*]} 2> $out/trace.strace"; else echo "${cmd[*]}"; fi
    echo '```'
    echo
    echo "Output: $target. dockerd pid $dpid ($nthreads threads when attached); recording took ${secs}s."
    echo "The recorder waited until every dockerd thread showed strace as TracerPid, slept 1 s, ran the"
    echo "scenario, slept 1 s and stopped strace with SIGINT."
    echo
    echo "Format notes:"
    echo
    flag_notes "${raw[@]}"
    echo
    echo "Files:"
    echo
    echo '```'
    echo "$sizes"
    echo '```'
    if ((gz)); then
      echo
      echo "Trace files over $((GZIP_OVER / 1024)) KiB are gzipped (\`gzip -9n\`); the tool reads \`.gz\` transparently."
    fi
    echo
    echo "## Path rewrite"
    echo
    echo "The lab runs dockerd with its own --data-root/--exec-root/-H socket under \`$LAB\`. After recording,"
    echo "these fixed strings were replaced everywhere in the trace with \`sed\` (also their \`\\xNN\`-escaped"
    echo "forms, for -xx), exactly like the shared captures, so the fixture looks like a stock install."
    echo "Lengths printed by strace (e.g. sun_path lengths, \`[112 => 27]\`) were not adjusted."
    echo
    echo "| lab path | written as |"
    echo "|---|---|"
    echo "$rewrite_table"
    echo
    echo "Lines still containing \`ns53\` (plain or \\xNN-escaped) after the rewrite: $residue."
    echo
    echo "## Scenario: $scenario"
    echo
    scenario_desc "$scenario"
    echo
    if [[ $(lab_mode) == host-resolver ]]; then
      echo "Upstream: dnsmasq $LO_IP:53 on lo in $NS_HOST, dockerd's own namespace. daemon.json has no \"dns\"; dockerd's"
      echo "/etc/resolv.conf (a bind mount in its private mount namespace) names only $LO_IP. Records: A $NAME_OK -> $ANSWER_IP;"
      echo "AAAA $NAME_OK -> REFUSED; *.nx.example.test -> NXDOMAIN; anything else -> REFUSED."
      echo "dockerd dials it from its own network namespace (HostLoopback, no setns), so dnsmasq sees 127.0.0.1."
    else
      echo "Upstream: dnsmasq $UP_IP:53 (daemon.json \"dns\"), in namespace $NS_UP. Records: A $NAME_OK -> $ANSWER_IP;"
      echo "AAAA $NAME_OK -> REFUSED; *.nx.example.test -> NXDOMAIN; anything else -> REFUSED."
      echo "Container traffic reaches it through dockerd's bridge and MASQUERADE in $NS_HOST, so dnsmasq sees $HOST_IP."
    fi
    echo
    echo "### What the clients printed (scenario exit status $rc)"
    echo
    echo '```'
    cat "$scen_out"
    echo '```'
    echo
    echo "## Expected upstream attempts"
    echo
    scenario_expect "$scenario"
    echo
    echo "Measured while recording (independent of strace): $measured"
    echo
    echo "Found in the trace by grep: $found"
    echo
    echo "### Ground truth from dnsmasq (log lines written during the recording)"
    echo
    echo '```'
    dnsmasq_summary "$LAB/dnsmasq.window"
    echo
    sed -e 's/^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* //' "$LAB/dnsmasq.window"
    echo '```'
    echo
    echo "## Containers at recording time"
    echo
    echo "dockerd's own network namespace ($NS_HOST): inode $host_ino."
    echo
    echo "| container | IP | SandboxKey | netns inode | id | init pid |"
    echo "|---|---|---|---|---|---|"
    printf '%s' "$ctx"
    echo
    echo "## Versions"
    echo
    echo '```'
    strace -V 2>&1 | head -1 || true
    dockerd --version || true
    echo "containerd $(containerd --version | awk '{ print $3 }'), runc $(runc --version | awk 'NR==1 { print $3 }')"
    echo "kernel $(uname -r)"
    dnsmasq --version 2>&1 | head -1 || true
    busybox 2>&1 | head -1 || true
    echo '```'
  } >"$out/NOTES.md"
  log "recorded in ${secs}s: $(tr '\n' ' ' <<<"$sizes")"
}

# ---------------------------------------------------------------------------------------
# fixtures: the whole set

declare -A FLAGSETS=(
  [ttt-T-yy]="-f -ttt -T -yy -s 4096"
  [blog]="-f --stderr"
  [y]="-f -tt -y -s 4096 -o"
  [xx]="-f -ttt -xx -yy -s 4096 -o"
  [r]="-f -r -T -yy -s 4096 -o"
  [s32]="-f -ttt -yy -o"
  [ff]="-ff -tt -T -yy -s 4096 -o trace"
)

cmd_fixtures() {
  need_root
  local dest=${1:-$SCRIPT_DIR/../../../fixtures/replay} s fs
  mkdir -p "$dest"
  dest=$(cd "$dest" && pwd)
  dockerd_pid >/dev/null || die "lab is not up (run: lab.sh up)"
  [[ $(lab_mode) == default ]] || die "the fixture set is recorded in a default lab (lab.sh up), not a host-resolver lab"
  local -a flags
  for s in mixed drop; do
    for fs in ttt-T-yy blog y xx r s32 ff; do
      read -ra flags <<<"${FLAGSETS[$fs]}"
      cmd_record "$s" "$dest/$s--$fs" -- "${flags[@]}"
    done
  done
  for s in tcp api-only answered; do
    read -ra flags <<<"${FLAGSETS[ttt-T-yy]}"
    cmd_record "$s" "$dest/$s--ttt-T-yy" -- "${flags[@]}"
  done
}

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
  local sub=${1:-}
  [[ -n $sub ]] || { usage; exit 2; }
  shift
  case $sub in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    pid) cmd_pid "$@" ;;
    netns) cmd_netns "$@" ;;
    status) cmd_status "$@" ;;
    scenario) cmd_scenario "$@" ;;
    record) cmd_record "$@" ;;
    fixtures) cmd_fixtures "$@" ;;
    rule) cmd_rule "$@" ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"
