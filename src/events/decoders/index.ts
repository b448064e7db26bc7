import type { CallDecoder } from './call-decoder.js';
import { fdCallDecoders } from './fd-calls.js';
import { ioCallDecoders } from './io-calls.js';
import { namespaceCallDecoders } from './namespace-calls.js';
import { processCallDecoders } from './process-calls.js';
import { socketCallDecoders } from './socket-calls.js';

export type { CallDecoder } from './call-decoder.js';
export type { DecodeContext } from './decode-context.js';
export { fdFilterAccepts, classifyDecoration, type FdFilter } from './fd-filter.js';

/** Every syscall the sessions read, by name; any other call is skipped after its name is read. */
export const callDecoders: ReadonlyMap<string, CallDecoder> = new Map(
  Object.entries({ ...namespaceCallDecoders, ...socketCallDecoders, ...ioCallDecoders, ...fdCallDecoders, ...processCallDecoders }),
);
