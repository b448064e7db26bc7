import type { FdDecoration, InetAddress } from '../../parsers/strace/index.js';
import type { NetEvent } from '../events/net-event.js';
import type { Netns } from './netns.js';
import { NetnsRegistry } from './netns-registry.js';
import type { FdEntry, ProcessState, ThreadState } from './process-state.js';
import { isInetSocket, type SocketState } from './socket-state.js';

/** An event with what the state knows about it: the socket its fd names, and sockets it let go. */
export interface ResolvedEvent {
  event: NetEvent;
  /** The socket the event's fd refers to (after the event), for socket, I/O, address and close events. */
  socket: SocketState | null;
  /** For accept: the new connection. */
  accepted: SocketState | null;
  /** Sockets whose last fd this event closed (close, close_range, dup2 over an fd, exit of a process). */
  released: SocketState[];
  /** The calling thread's namespace after the event. */
  netns: Netns;
  /** The process (fd table) the calling thread belongs to: DNS ids are matched within one process. */
  process: number;
}

/** What a live tracer saw of the target's namespaces as the trace began (from /proc). */
export interface InitialNetns {
  /** The target's process id (its main thread). */
  pid: number;
  /** The inode of the target's own (main thread's) network namespace: the host's, for dockerd. */
  hostInode: number | null;
  /** Each thread's namespace inode at attach time. */
  threads: ReadonlyMap<number, number>;
  /**
   * The target's socket fds at attach time, each with the namespace its socket lives in (fd → netns inode):
   * dockerd's DNS listeners were opened in the containers' namespaces long before any trace.
   */
  socketFds?: ReadonlyMap<number, number>;
}

/** `/proc/self/ns/net`, `/proc/thread-self/ns/net`, `/proc/PID/ns/net`, `/proc/PID/task/TID/ns/net`. */
const PROC_NETNS = /^\/proc\/(self|thread-self|\d+)(?:\/task\/(\d+))?\/ns\/net$/;

/**
 * The one reducer: thread → network namespace, process → fd table, fd → socket. Threads start in the traced
 * process's own namespace; a socket takes its creator's namespace at socket() time and keeps it.
 */
export class NetState {
  readonly namespaces = new NetnsRegistry();
  private readonly threads = new Map<number, ThreadState>();
  private readonly processes = new Map<number, ProcessState>();
  private mainProcess: (ProcessState) | null = null;
  private nextSocketId = 1;
  /** The target's fd table and the socket namespaces /proc gave for its fds; an fd leaves it when the trace reuses it. */
  private seededSockets: { fds: Map<number, FdEntry>; netns: Map<number, number> } | null = null;

  /**
   * Starts from what /proc said at attach time: the host namespace's inode (so a setns back to it through an
   * fd opened before the trace is still recognised as the host), and threads that were elsewhere.
   */
  seed(initial: InitialNetns): void {
    if (initial.hostInode !== null) this.namespaces.learnInode(this.namespaces.host, initial.hostInode);
    // The main thread first: the first thread seen names the process.
    this.thread(initial.pid);
    for (const [tid, inode] of initial.threads) {
      if (inode === initial.hostInode) continue;
      const thread = this.thread(tid);
      thread.netns = this.namespaces.forInode(inode);
      thread.netnsKnown = true;
    }
    if (initial.socketFds && initial.socketFds.size > 0) this.seededSockets = { fds: this.thread(initial.pid).process.fds, netns: new Map(initial.socketFds) };
  }

  /** What the fd is, for decoders deciding whether to read a call: see DecodeContext. */
  fdKind(tid: number, fd: number): 'inet' | 'other' | 'unknown' {
    const entry = this.thread(tid).process.fds.get(fd);
    if (!entry) return 'unknown';
    return entry.kind === 'socket' && isInetSocket(entry.socket) ? 'inet' : 'other';
  }

  /** The socket the thread's fd names, if the state holds one (a tracer that reads sockets itself asks). */
  socketOf(tid: number, fd: number): Pick<SocketState, 'inode'> | null {
    const entry = this.thread(tid).process.fds.get(fd);
    return entry?.kind === 'socket' ? entry.socket : null;
  }

  /** Applies one event and says which sockets and namespace it concerns. */
  apply(event: NetEvent): ResolvedEvent {
    const thread = this.thread(event.tid);
    const resolved: ResolvedEvent = { event, socket: null, accepted: null, released: [], netns: thread.netns, process: thread.process.pid };
    const fds = thread.process.fds;
    switch (event.type) {
      case 'thread-start':
        this.startThread(thread, event.child, event.sameProcess, event.sharesFiles);
        break;
      case 'thread-exit':
        resolved.released = this.exitThread(thread);
        break;
      case 'netns-enter':
        thread.netns = this.enteredNetns(thread, event.fd, event.decoration, event.inodeAfter);
        thread.netnsKnown = true;
        break;
      case 'netns-unshare':
        thread.netns = this.namespaces.fresh();
        thread.netnsKnown = true;
        break;
      case 'fd-open':
        resolved.released = this.assign(fds, event.fd, this.openedFile(thread, event.path, event.decoration));
        break;
      case 'socket': {
        const socket = this.newSocket(thread, event.family, event.protocol, event);
        if (event.netnsInode !== null) socket.netns = this.socketNetns(thread, event.netnsInode);
        this.fillFromDecoration(socket, event.decoration);
        resolved.released = this.assign(fds, event.fd, { kind: 'socket', socket });
        resolved.socket = socket;
        break;
      }
      case 'connect': {
        const socket = this.socketAt(thread, event.fd, event.decoration, event.address);
        if (socket && (event.errno === null || event.errno === 'EINPROGRESS')) socket.remote = event.address;
        resolved.socket = socket;
        break;
      }
      case 'local-address':
      case 'peer-address': {
        const socket = this.socketAt(thread, event.fd, event.decoration, null);
        if (socket && event.type === 'local-address') socket.local = event.address;
        if (socket && event.type === 'peer-address') socket.remote ??= event.address;
        resolved.socket = socket;
        break;
      }
      case 'accept': {
        const listener = this.socketAt(thread, event.fd, event.decoration, event.peer);
        resolved.socket = listener;
        if (listener) {
          const connection = this.newSocket(thread, listener.family, 'tcp', event);
          connection.netns = listener.netns;
          connection.local = listener.local;
          connection.remote = event.peer;
          resolved.released = this.assign(fds, event.newFd, { kind: 'socket', socket: connection });
          resolved.accepted = connection;
        }
        break;
      }
      case 'socket-error':
        resolved.socket = this.socketAt(thread, event.fd, event.decoration, null);
        break;
      case 'send':
      case 'receive':
        resolved.socket = this.socketAt(thread, event.fd, event.decoration, event.peer);
        break;
      case 'close': {
        const entry = fds.get(event.fd);
        if (entry?.kind === 'socket') resolved.socket = entry.socket;
        resolved.released = this.release(fds, event.fd);
        break;
      }
      case 'close-range':
        for (const fd of [...fds.keys()]) {
          if (fd >= event.first && fd <= event.last) resolved.released.push(...this.release(fds, fd));
        }
        break;
      case 'dup': {
        const entry = fds.get(event.fd);
        if (entry) resolved.released = this.assign(fds, event.newFd, entry);
        break;
      }
    }
    resolved.netns = thread.netns;
    return resolved;
  }

  /** The thread with this id; one first seen is taken to be a thread of the traced process, in its namespace. */
  private thread(tid: number): ThreadState {
    let thread = this.threads.get(tid);
    if (!thread) {
      this.mainProcess ??= this.newProcess(tid, new Map());
      this.mainProcess.threads++;
      thread = { tid, process: this.mainProcess, netns: this.namespaces.host, netnsKnown: false };
      this.threads.set(tid, thread);
    }
    return thread;
  }

  private newProcess(pid: number, fds: Map<number, FdEntry>): ProcessState {
    const process = { pid, fds, threads: 0 };
    this.processes.set(pid, process);
    return process;
  }

  /** clone/fork: the child starts in the parent's namespace, in the same or a new process. */
  private startThread(parent: ThreadState, tid: number, sameProcess: boolean, sharesFiles: boolean): void {
    const existing = this.threads.get(tid);
    let process = parent.process;
    if (!sameProcess) {
      let fds = parent.process.fds;
      if (!sharesFiles) {
        fds = new Map(fds);
        for (const entry of fds.values()) if (entry.kind === 'socket') entry.socket.references++;
      }
      process = this.newProcess(tid, fds);
    }
    if (existing) {
      // Its first lines came before clone() returned in the log: it was filed under the traced process.
      existing.process.threads--;
      existing.process = process;
      process.threads++;
      if (!existing.netnsKnown) existing.netns = parent.netns;
      existing.netnsKnown = true;
      return;
    }
    process.threads++;
    this.threads.set(tid, { tid, process, netns: parent.netns, netnsKnown: true });
  }

  private exitThread(thread: ThreadState): SocketState[] {
    this.threads.delete(thread.tid);
    const { process } = thread;
    if (--process.threads > 0 || process === this.mainProcess) return [];
    this.processes.delete(process.pid);
    const released: SocketState[] = [];
    for (const fd of [...process.fds.keys()]) released.push(...this.release(process.fds, fd));
    return released;
  }

  /** The namespace a setns() on `fd` enters; unknown (and said so) when the fd predates the trace. */
  private enteredNetns(thread: ThreadState, fd: number, decoration: FdDecoration | null, inodeAfter: number | null): Netns {
    const entry = thread.process.fds.get(fd);
    let netns: Netns;
    if (entry?.kind === 'file' && entry.netns) netns = entry.netns;
    else if (entry?.kind === 'file' && entry.path !== null) netns = this.namespaces.forPath(entry.path);
    else if (decoration?.kind === 'netns') netns = this.namespaces.forInode(decoration.inode);
    else if (decoration?.kind === 'path') netns = this.namespaces.forPath(decoration.path);
    else if (inodeAfter !== null) netns = this.namespaces.forInode(inodeAfter);
    else return this.namespaces.unknown(`fd ${fd} was opened before the trace started`);
    const inode = decoration?.kind === 'netns' ? decoration.inode : inodeAfter;
    if (inode !== null && netns.inode === null) netns = this.namespaces.learnInode(netns, inode);
    if (netns.path === null && decoration?.kind === 'path') netns.path = decoration.path;
    return netns;
  }

  /** What an opened file is: for `/proc/…/ns/net`, the namespace the named thread is in right now. */
  private openedFile(thread: ThreadState, path: string, decoration: FdDecoration | null): FdEntry {
    const proc = PROC_NETNS.exec(path);
    let netns: Netns | null = null;
    if (proc) {
      // /proc/self and /proc/PID name the thread-group leader, which the trace may not identify: only a
      // thread named by tid (task/TID or thread-self) tells which namespace the fd holds.
      const [, who, task] = proc;
      const named = task !== undefined ? this.threads.get(Number(task)) : who === 'thread-self' ? thread : undefined;
      if (named) netns = named.netns;
    }
    if (decoration?.kind === 'netns') {
      netns = netns ? this.namespaces.learnInode(netns, decoration.inode) : this.namespaces.forInode(decoration.inode);
    }
    return { kind: 'file', path, netns };
  }

  private newSocket(thread: ThreadState, family: SocketState['family'], protocol: SocketState['protocol'], event: NetEvent): SocketState {
    return {
      id: this.nextSocketId++,
      family,
      protocol,
      netns: thread.netns,
      createdBy: thread.tid,
      createdAt: event.time,
      ref: event.ref,
      inode: null,
      local: null,
      remote: null,
      references: 0,
    };
  }

  /** The namespace the kernel says a socket lives in: the thread's own when it has that inode. */
  private socketNetns(thread: ThreadState, inode: number): Netns {
    return thread.netns.inode === inode ? thread.netns : this.namespaces.forInode(inode);
  }

  /**
   * The socket behind `fd`. A socket opened before the trace is adopted on first sight when its decoration or
   * peer shows it is an internet socket; its namespace is unknown, and said so.
   */
  private socketAt(thread: ThreadState, fd: number, decoration: FdDecoration | null, peer: InetAddress | null): SocketState | null {
    const entry = thread.process.fds.get(fd);
    if (entry?.kind === 'socket') {
      this.fillFromDecoration(entry.socket, decoration);
      return entry.socket;
    }
    const decorated = decoration?.kind === 'socket' ? decoration : null;
    const family = decorated?.family ?? peer?.family ?? null;
    if (family !== 'inet' && family !== 'inet6') return null;
    const socket: SocketState = {
      id: this.nextSocketId++,
      family,
      protocol: decorated?.protocol ?? null,
      netns: this.seededNetns(thread.process.fds, fd) ?? this.namespaces.unknown('the socket was opened before the trace started'),
      createdBy: null,
      createdAt: null,
      ref: null,
      inode: null,
      local: null,
      remote: null,
      references: 0,
    };
    this.fillFromDecoration(socket, decoration);
    this.assign(thread.process.fds, fd, { kind: 'socket', socket });
    return socket;
  }

  private fillFromDecoration(socket: SocketState, decoration: FdDecoration | null): void {
    if (decoration?.kind !== 'socket') return;
    socket.inode ??= decoration.inode;
    socket.local ??= decoration.local;
    socket.remote ??= decoration.remote;
    if (socket.protocol === null && decoration.protocol !== null) socket.protocol = decoration.protocol;
  }

  /** Points `fd` at `entry`, releasing what it named before; returns sockets left with no fd. */
  private assign(fds: Map<number, FdEntry>, fd: number, entry: FdEntry): SocketState[] {
    if (fds.get(fd) === entry) return [];
    const released = this.release(fds, fd);
    if (entry.kind === 'socket') entry.socket.references++;
    fds.set(fd, entry);
    return released;
  }

  /** The namespace /proc showed for a socket fd the target held at attach time, if the trace has not reused the fd. */
  private seededNetns(fds: Map<number, FdEntry>, fd: number): Netns | null {
    const inode = this.seededSockets?.fds === fds ? this.seededSockets.netns.get(fd) : undefined;
    return inode === undefined ? null : this.namespaces.forInode(inode);
  }

  private release(fds: Map<number, FdEntry>, fd: number): SocketState[] {
    if (this.seededSockets?.fds === fds) this.seededSockets.netns.delete(fd);
    const entry = fds.get(fd);
    fds.delete(fd);
    if (entry?.kind !== 'socket') return [];
    return --entry.socket.references === 0 ? [entry.socket] : [];
  }
}
