import type { ContainerInfo } from './container-info.js';

/** Containers read from somewhere (the Engine API, /proc, a meta file), with what to tell the user about them. */
export interface ContainerSnapshot {
  containers: ContainerInfo[];
  /** Notes for the summary: where the names came from, or why there are none. */
  notes: string[];
}
