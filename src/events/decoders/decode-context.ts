/** What a decoder may ask of the state above it, without importing it: is this fd worth decoding? */
export interface DecodeContext {
  /** `inet` for a known IPv4/IPv6 socket, `other` for a known non-socket or non-inet fd, else `unknown`. */
  fdKind(tid: number, fd: number): 'inet' | 'other' | 'unknown';
}
