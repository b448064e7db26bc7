export { NetState, type InitialNetns, type ResolvedEvent } from './net-state.js';
export { labelNetns, isContainerSandbox, type Netns } from './netns.js';
export type { SocketState } from './socket-state.js';
