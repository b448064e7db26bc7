/**
 * dockerd's file descriptor table. File descriptors belong to the process (every thread shares them) and
 * Linux hands out the lowest free number, so a closed number comes back for the next socket or file: the
 * reader must not confuse the old owner with the new one.
 */
export class FdTable {
  /** The `-yy` decoration of each open fd (e.g. `UDP:[61676]`), or null when free. */
  private readonly slots: (string | null)[] = [];
  private lowestFree = 0;

  /** Opens the lowest free fd with this decoration; returns its number. */
  open(decoration: string): number {
    let fd = this.lowestFree;
    while (fd < this.slots.length && this.slots[fd] !== null) fd++;
    if (fd === this.slots.length) this.slots.push(decoration);
    else this.slots[fd] = decoration;
    this.lowestFree = fd + 1;
    return fd;
  }

  /** Frees an fd (its number becomes the first candidate again if it is the lowest). */
  close(fd: number): void {
    if (this.slots[fd] === null || this.slots[fd] === undefined) throw new Error(`close of fd ${fd}, which is not open`);
    this.slots[fd] = null;
    if (fd < this.lowestFree) this.lowestFree = fd;
  }

  /** How strace -yy prints the fd: `61<UDP:[61676]>`. */
  ref(fd: number): string {
    const decoration = this.slots[fd];
    if (decoration === null || decoration === undefined) throw new Error(`fd ${fd} is not open`);
    return `${fd}<${decoration}>`;
  }

  /** How many fds are open (for sanity checks in tests). */
  get openCount(): number {
    return this.slots.filter((slot) => slot !== null).length;
  }
}
