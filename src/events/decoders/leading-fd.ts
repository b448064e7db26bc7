import { parseFdDecoration, type FdDecoration } from '../../../parsers/strace/index.js';
import { opensDecoration, skipDecoration } from '../../../parsers/strace/scan.js';

/** The fd argument at the start of a call's arguments, with its `-y` decoration when printed. */
export interface LeadingFd {
  fd: number;
  decoration: FdDecoration | null;
}

/**
 * Reads the first argument as an fd (`61`, `61<UDP:[61676]>`, `fd=61` under -N) without parsing the rest
 * of the line: deciding to skip a read of a pipe must cost almost nothing.
 */
export function readLeadingFd(text: string, start: number): LeadingFd | null {
  let i = start;
  while (text.charCodeAt(i) === 32) i++;
  if (text.startsWith('fd=', i)) i += 3;
  else if (text.startsWith('sockfd=', i)) i += 7;
  let fd = 0;
  const digitsStart = i;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) fd = fd * 10 + (c - 48);
  if (i === digitsStart) return null;
  if (text.charCodeAt(i) === 60 && opensDecoration(text, i)) {
    const end = skipDecoration(text, i);
    if (end > 0) return { fd, decoration: parseFdDecoration(text.slice(i + 1, end - 1)) };
  }
  return { fd, decoration: null };
}
