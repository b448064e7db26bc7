import { atomText, integerOf, parseArgs } from '../../../parsers/strace/index.js';
import type { CallDecoder } from './call-decoder.js';
import { readLeadingFd } from './leading-fd.js';

/** close() frees the number even when it fails with EINTR; only EBADF means nothing was open. */
const closeDecoder: CallDecoder = {
  fdFilter: 'tracked-fd',
  decode(call) {
    const lead = readLeadingFd(call.args, 0);
    if (!lead || call.result.errno === 'EBADF') return [];
    return [{ type: 'close', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd }];
  },
};

const closeRangeDecoder: CallDecoder = {
  decode(call) {
    const [first, last, flags] = parseArgs(call.args);
    const from = integerOf(first);
    const to = atomText(last) === '~0U' ? Number.MAX_SAFE_INTEGER : integerOf(last);
    if (from === null || to === null || call.result.errno !== null) return [];
    if ((atomText(flags) ?? '').includes('CLOSE_RANGE_CLOEXEC')) return []; // only marks them close-on-exec
    return [{ type: 'close-range', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, first: from, last: to }];
  },
};

/** dup/dup2/dup3 and fcntl(F_DUPFD*): the new number refers to the same open socket or file. */
const dupDecoder: CallDecoder = {
  decode(call) {
    const lead = readLeadingFd(call.args, 0);
    const newFd = call.result.value;
    if (!lead || newFd === null || newFd < 0 || newFd === lead.fd) return [];
    return [{ type: 'dup', tid: call.tid, time: call.time, ref: call.ref, syscall: call.name, fd: lead.fd, newFd }];
  },
};

const fcntlDecoder: CallDecoder = {
  mustMention: ['F_DUPFD'],
  decode(call) {
    const command = atomText(parseArgs(call.args)[1]) ?? '';
    return command.includes('F_DUPFD') ? dupDecoder.decode(call, { fdKind: () => 'unknown' }) : [];
  },
};

/** Decoders for the calls that change which numbers name which open files. */
export const fdCallDecoders: Readonly<Record<string, CallDecoder>> = {
  close: closeDecoder,
  close_range: closeRangeDecoder,
  dup: dupDecoder,
  dup2: dupDecoder,
  dup3: dupDecoder,
  fcntl: fcntlDecoder,
  fcntl64: fcntlDecoder,
};
