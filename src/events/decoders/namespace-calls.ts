import { atomText, decodeCStringText, parseArgs, parseFdDecoration, type ArgValue } from '../../../parsers/strace/index.js';
import type { CallDecoder } from './call-decoder.js';
import { readLeadingFd } from './leading-fd.js';

const CLONE_NEWNET = 0x40000000;

/** Whether a setns/unshare flag argument includes the network namespace (`CLONE_NEWNET`, `0` = any type). */
function mentionsNetns(flags: string, zeroMeansAny: boolean): boolean {
  if (flags.includes('CLONE_NEWNET')) return true;
  const numeric = Number(flags);
  if (!Number.isInteger(numeric)) return false;
  return numeric === 0 ? zeroMeansAny : (numeric & CLONE_NEWNET) !== 0;
}

const setnsDecoder: CallDecoder = {
  decode(call) {
    const lead = readLeadingFd(call.args, 0);
    if (!lead || call.result.errno !== null) return [];
    const flags = atomText(parseArgs(call.args)[1]) ?? '';
    if (!mentionsNetns(flags, true)) return [];
    const decoration = lead.decoration;
    // With nstype 0 the fd decides the type: skip fds that are visibly another kind of namespace.
    if (!flags.includes('CLONE_NEWNET') && decoration?.kind === 'other' && /^\w+:\[\d+\]$/.test(decoration.text)) return [];
    const after = /\bnet:\[(\d+)\]/.exec(call.result.annotation ?? '');
    return [{ type: 'netns-enter', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, decoration, inodeAfter: after ? Number(after[1]) : null }];
  },
};

const unshareDecoder: CallDecoder = {
  decode(call) {
    const flags = atomText(parseArgs(call.args)[0]) ?? '';
    if (call.result.errno !== null || !mentionsNetns(flags, false)) return [];
    return [{ type: 'netns-unshare', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name }];
  },
};

function pathOf(value: ArgValue | undefined): string | null {
  return value?.kind === 'string' ? decodeCStringText(value.text, value.start) : null;
}

/**
 * open/openat of what can be a network namespace: remembered so that an undecorated `setns(38, CLONE_NEWNET)`
 * can be traced to its path. Namespace files are `…/netns/…` bind mounts (Docker, ip netns, CNI) or
 * `/proc/…/ns/net`, or show as `net:[…]` under -y; other files (most of dockerd's opens) are not followed.
 */
function openDecoder(pathIndex: number): CallDecoder {
  return {
    mustMention: ['ns', 'net:['],
    decode(call) {
      const { value, decoration } = call.result;
      if (value === null || value < 0) return [];
      const path = pathOf(parseArgs(call.args)[pathIndex]);
      if (path === null) return [];
      const fdDecoration = decoration === null ? null : parseFdDecoration(decoration);
      return [{ type: 'fd-open', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: value, path, decoration: fdDecoration }];
    },
  };
}

/** Decoders for the calls that move a thread between network namespaces or name a namespace file. */
export const namespaceCallDecoders: Readonly<Record<string, CallDecoder>> = {
  setns: setnsDecoder,
  unshare: unshareDecoder,
  open: openDecoder(0),
  openat: openDecoder(1),
  openat2: openDecoder(1),
};
