import type { TraceStamp } from '../../parsers/strace/index.js';

const DAY = 86400;
const HALF_DAY = DAY / 2;

/**
 * Turns each line's printed stamp into seconds on one running clock: `-t`/`-tt` wrap at midnight (a jump back
 * of more than half a day is taken as the next day), and `-r` deltas are summed from the first line.
 * Time comes from the trace, never from the machine's clock.
 */
export class TraceClock {
  private last: number | null = null;
  private dayOffset = 0;
  private relativeSum = 0;
  private clockKind: TraceStamp['clock'] | null = null;

  /** Which clock the trace uses, once a stamp has been seen. */
  get kind(): TraceStamp['clock'] | null {
    return this.clockKind;
  }

  /** Seconds for a line stamped `printed` on `clock`; null when the line carries no stamp. */
  read(clock: TraceStamp['clock'] | null, printed: number): number | null {
    if (clock === null) return null;
    this.clockKind ??= clock;
    let seconds: number;
    if (clock === 'relative') {
      this.relativeSum += printed;
      seconds = this.relativeSum;
    } else if (clock === 'time-of-day') {
      if (this.last !== null && printed + this.dayOffset < this.last - HALF_DAY) this.dayOffset += DAY;
      seconds = printed + this.dayOffset;
    } else {
      seconds = printed;
    }
    this.last = seconds;
    return seconds;
  }
}
