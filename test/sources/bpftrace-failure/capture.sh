#!/usr/bin/env bash
# Re-captures the fixtures in this folder: what bpftrace really prints on stderr when it cannot start.
# Run as root, from anywhere: bash test/sources/bpftrace-failure/capture.sh
# Mounts change only inside `unshare -m` (a private mount namespace that ends with the command); the host's
# tracefs, debugfs and /sys/kernel/btf are never touched.
# Each fixture: `# ` header lines (tool versions, the command, how bpftrace ended, the error code ns53 should
# give), a `# ---` line, then bpftrace's stderr byte for byte.
set -euo pipefail
cd "$(dirname "$0")"
[ "$(id -u)" = 0 ] || { echo "capture.sh: run as root" >&2; exit 1; }

VERSION=$(bpftrace --version)
KERNEL=$(uname -r)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/empty" "$WORK/format-only" "$WORK/bad-id"
SETNS=/sys/kernel/tracing/events/syscalls/sys_enter_setns
WRITE=/sys/kernel/tracing/events/syscalls/sys_enter_write
cp "$SETNS/format" "$WORK/format-only/"
cp "$WRITE/format" "$WORK/bad-id/" && echo 999999 >"$WORK/bad-id/id"
: >"$WORK/empty.btf"
NOBODY='setpriv --reuid=65534 --regid=65534 --clear-groups'
QUIT='interval:s:1 { exit(); }'

# capture NAME EXPECTED-CODE COMMAND (run by sh -c)
capture() {
  local name=$1 expect=$2 command=$3 status ended
  set +e
  timeout -s INT 60 sh -c "exec $command" >/dev/null 2>"$WORK/stderr"
  status=$?
  set -e
  if [ "$status" -gt 128 ] && [ "$status" -lt 160 ]; then ended="signal SIG$(kill -l $((status - 128)))"; else ended="code $status"; fi
  {
    echo "# $VERSION (Debian package), kernel $KERNEL, run as root"
    echo "# command: ${command//$WORK/\$WORK}"
    echo "# exit: $ended"
    echo "# expect: $expect"
    echo "# ---"
    cat "$WORK/stderr"
  } >"$name.txt"
  echo "$name: $ended"
}

capture tracepoint-not-found E_TRACING_UNAVAILABLE \
  "bpftrace -f json -e 'tracepoint:syscalls:sys_enter_nosuchcall { exit(); }'"
capture not-root E_ATTACH_DENIED \
  "$NOBODY bpftrace -f json -e 'BEGIN { exit(); }'"
capture not-root-with-capabilities E_ATTACH_DENIED \
  "$NOBODY --inh-caps=+bpf,+perfmon,+sys_admin --ambient-caps=+bpf,+perfmon,+sys_admin bpftrace -f json -e 'BEGIN { exit(); }'"
capture root-without-capabilities E_ATTACH_DENIED \
  "setpriv --inh-caps=-all --bounding-set=-all bpftrace -f json -e 'tracepoint:syscalls:sys_enter_setns { exit(); } $QUIT'"
capture tracefs-unmounted E_TRACING_UNAVAILABLE \
  "unshare -m sh -c 'umount /sys/kernel/tracing 2>/dev/null; mount -t tmpfs none /sys/kernel/debug 2>/dev/null; exec bpftrace -f json -e \"tracepoint:syscalls:sys_enter_setns { exit(); } $QUIT\"'"
capture tracepoint-id-missing E_ATTACH_FAILED \
  "unshare -m sh -c 'mount --bind $WORK/format-only $SETNS && exec bpftrace -f json -e \"tracepoint:syscalls:sys_enter_setns { exit(); } $QUIT\"'"
capture tracepoint-id-invalid E_ATTACH_FAILED \
  "unshare -m sh -c 'mount --bind $WORK/bad-id $WRITE && exec bpftrace -f json -e \"tracepoint:syscalls:sys_enter_write /pid == 1/ { printf(\\\"%r\\\", buf(args->buf, 300)); } $QUIT\"'"
capture stack-limit E_ATTACH_FAILED \
  "env BPFTRACE_STRLEN=200 bpftrace -f json -e 'tracepoint:syscalls:sys_enter_openat { printf(\"%s %s %s %s\", str(args->filename), str(args->filename), str(args->filename), str(args->filename)); }'"
capture unknown-kernel-field E_ATTACH_FAILED \
  "bpftrace -f json -e 'tracepoint:syscalls:sys_enter_setns { printf(\"%d\", curtask->nosuchfield); }'"
capture btf-file-invalid E_ATTACH_FAILED \
  "env BPFTRACE_BTF=$WORK/empty.btf bpftrace -f json -e 'tracepoint:syscalls:sys_enter_setns { printf(\"%d\", curtask->nsproxy->net_ns->ns.inum); } $QUIT'"
