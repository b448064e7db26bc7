import { readlinkSync } from 'node:fs';

// The kernel writes an nsfs link as `net:[<inode>]` with the same number `stat -L` gives as st_ino
// (fs/nsfs.c, ns_get_name), so reading the link costs one readlink and needs no stat; and a test can fake
// /proc with a plain symlink to that text.
const NET_LINK = /^net:\[(\d+)\]$/;

/** The inode of a `/proc/.../ns/net` link, or null when it cannot be read (the thread is gone, no permission). */
export function readNetnsInode(link: string): number | null {
  try {
    const match = NET_LINK.exec(readlinkSync(link));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
