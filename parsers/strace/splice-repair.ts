/**
 * Undoes strace's habit, on stderr, of writing a diagnostic into the middle of a trace line:
 *
 *   clone3({flags=…}strace: Process 13134 attached
 *    => {parent_tid=[13134]}, 88) = 13134
 *
 * The diagnostic becomes a line of its own, and the cut-off start is joined to the next physical line.
 * Pure and stateful: one instance per input stream.
 */
export class SpliceRepair {
  private carried: string | null = null;

  /** A line start is waiting for its continuation: the next line must come through {@link push}. */
  get carrying(): boolean {
    return this.carried !== null;
  }

  /** Takes one physical line and passes on the logical lines it completes, in order (zero, one or two). */
  push(line: string, emit: (logical: string) => void): void {
    let text = line;
    if (this.carried !== null) {
      // A continuation never starts with a pid prefix (that was printed with the head): if this line does,
      // the continuation is missing (an edited or de-duplicated log) and the head stands alone.
      if (line.startsWith('[pid ')) emit(this.carried);
      else text = this.carried + line;
      this.carried = null;
    }
    const at = findSplicedDiagnostic(text);
    if (at <= 0) {
      emit(text);
      return;
    }
    const head = text.slice(0, at);
    emit(text.slice(at));
    if (head.trim().length > 0) this.carried = head;
  }

  /** At end of input: a start still waiting for its continuation is passed on as it is. */
  end(emit: (logical: string) => void): void {
    if (this.carried !== null) emit(this.carried);
    this.carried = null;
  }
}

const MARKER = 'strace: Process ';
const ATTACH_DETACH = /^strace: Process \d+ (?:attached|detached)/;
const PROGRAM_PATH = /\/[\w./-]*$/;

/** Index where a spliced `strace: Process N attached|detached` message starts, or -1 (0 = not spliced). */
function findSplicedDiagnostic(text: string): number {
  // The message runs to the end of the physical line: skip the scan unless the line ends like one.
  if (!(text.endsWith('attached') || text.endsWith('detached') || text.endsWith(' threads'))) return -1;
  const at = text.indexOf(MARKER);
  if (at <= 0) return at;
  if (!ATTACH_DETACH.test(text.slice(at, at + 48)) || insideString(text, at)) return -1;
  const path = PROGRAM_PATH.exec(text.slice(Math.max(0, at - 256), at));
  return path ? at - path[0].length : at;
}

/** True when `at` lies inside a quoted string argument (a payload that merely contains the words). */
function insideString(text: string, at: number): boolean {
  let inside = false;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \\ */ && inside) i++;
    else if (c === 34 /* " */) inside = !inside;
  }
  return inside;
}
