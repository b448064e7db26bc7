import { isDeepStrictEqual } from 'node:util';
import type { ContainerInfo } from '../containers/container-info.js';
import type { EngineEvent } from './docker-engine-schema.js';
import type { DockerEngine, EngineVersion } from './docker-engine.js';
import { buildEventContainerInfo, inspectEngineContainer, readEngineContainers, type NetnsInodeReader } from './engine-containers.js';
import { describeEngineFailure } from './engine-unavailable.js';

/** What the watch asks of the Engine (a DockerEngine, or a fake in tests). */
export type WatchedEngine = Pick<DockerEngine, 'version' | 'listContainers' | 'inspectContainer' | 'followEvents'>;

/** How the watch reads netns inodes and whom it tells. */
export interface EngineContainerWatchOptions {
  /** In production `readProcessNetnsInode`. */
  statNetnsInode: NetnsInodeReader;
  /** Called after the containers known changed: one started, died, was removed or renamed, joined or left a network. */
  onChange?: () => void;
  /** Called at most once, with {@link describeEngineFailure}'s words, when the Engine cannot be read or stops answering. */
  onNotice?: (notice: string) => void;
}

/** What an event asks of the watch: inspect the container (again), only if it is running, or retire it. */
type EventEffect = 'inspect' | 'refresh' | 'retire';

/** The container an event is about, and what the watch is to do with it. */
interface WatchTask {
  id: string;
  effect: EventEffect;
}

/** Events that change what ns53 knows of a container, by `Type Action`; the rest (create, kill, exec…) change nothing it reads. */
const EVENT_EFFECTS: Readonly<Record<string, EventEffect>> = {
  'container start': 'inspect',
  'container rename': 'refresh',
  'container die': 'retire',
  'container destroy': 'retire',
  'network connect': 'refresh',
  'network disconnect': 'refresh',
};

/**
 * The containers of a Docker Engine, kept current from its /events stream. A session may be traced before a
 * container dies or is removed and shown after, so nothing seen during the run is forgotten: a container that
 * dies, or whose networks or name change, leaves its last running info among the retired, still there in
 * {@link all}. When the Engine fails, one notice says why and what is known stays as it was; the watch never
 * throws nor rejects.
 */
export class EngineContainerWatch {
  private readonly running = new Map<string, ContainerInfo>();
  /** Earlier infos, oldest first, no two equal. */
  private readonly retired: ContainerInfo[] = [];
  /** Events wait here during the first read, and while the one before them is applied, so they apply in order. */
  private readonly queue: Array<{ event: EngineEvent; task: WatchTask }> = [];
  private readonly stop = new AbortController();
  private ready = false;
  private draining: Promise<void> | null = null;
  private version: EngineVersion | null = null;
  private noticeGiven: string | null = null;

  private constructor(
    private readonly engine: WatchedEngine,
    private readonly options: EngineContainerWatchOptions,
  ) {}

  /** Reads the running containers and follows /events; resolves once the first read is done, even when it failed. */
  static async start(engine: WatchedEngine, options: EngineContainerWatchOptions): Promise<EngineContainerWatch> {
    const watch = new EngineContainerWatch(engine, options);
    await watch.begin();
    return watch;
  }

  /** The daemon's version once it answered; null when it did not. */
  get engineVersion(): EngineVersion | null {
    return this.version;
  }

  /** The notice given, if any. */
  get notice(): string | null {
    return this.noticeGiven;
  }

  /** The containers running now, as last seen. */
  runningContainers(): ContainerInfo[] {
    return [...this.running.values()];
  }

  /** Every container seen during the run: the running ones, then the retired, most recently retired first. */
  all(): ContainerInfo[] {
    return [...this.running.values(), ...[...this.retired].reverse()];
  }

  /** Stops following events; resolves when the event being applied, if any, is done. No callback is called after. */
  async close(): Promise<void> {
    this.stop.abort();
    this.queue.length = 0;
    await this.draining;
  }

  private get closed(): boolean {
    return this.stop.signal.aborted;
  }

  private async begin(): Promise<void> {
    try {
      this.version = await this.engine.version();
    } catch (error) {
      this.giveNotice(error);
      return;
    }
    // Subscribed before the list is read, so that nothing happens unseen in between; an event about a container
    // the list already shows is applied again, which changes nothing.
    try {
      const stream = await this.engine.followEvents((event) => this.enqueue(event), this.stop.signal);
      stream.closed.catch((error: unknown) => this.giveNotice(error));
    } catch (error) {
      this.giveNotice(error);
    }
    try {
      for (const info of await readEngineContainers(this.engine, this.options.statNetnsInode)) this.running.set(info.id, info);
    } catch (error) {
      this.giveNotice(error);
    }
    this.ready = true;
    this.drain();
  }

  private enqueue(event: EngineEvent): void {
    const task = taskOf(event);
    if (this.closed || task === null) return;
    this.queue.push({ event, task });
    this.drain();
  }

  private drain(): void {
    if (!this.ready || this.draining !== null || this.queue.length === 0) return;
    this.draining = this.applyQueued().finally(() => {
      this.draining = null;
      this.drain(); // an event queued as the last one finished
    });
  }

  /** Applies the queued events in order; never rejects. */
  private async applyQueued(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const { event, task } = this.queue.shift()!;
      try {
        if ((await this.apply(event, task)) && !this.closed) this.options.onChange?.();
      } catch (error) {
        this.giveNotice(error);
      }
    }
  }

  /** Applies one event; true when what is known changed. */
  private async apply(event: EngineEvent, task: WatchTask): Promise<boolean> {
    if (task.effect === 'retire') return this.retire(task.id);
    if (task.effect === 'refresh' && !this.running.has(task.id)) return false;
    const info = await inspectEngineContainer(this.engine, task.id, this.options.statNetnsInode);
    if (this.closed) return false;
    if (info !== null && info.pid !== null) return this.put(info);
    // Gone or stopped by the time it was inspected: what it was while running is worth more than what it is now.
    if (this.running.has(task.id)) return this.retire(task.id);
    // Never seen running (it lived shorter than the inspection took): its name and image are still worth keeping,
    // from the event when the container is already removed.
    const remembered = info ?? buildEventContainerInfo(event);
    return remembered !== null && this.keepRetired(remembered);
  }

  private put(info: ContainerInfo): boolean {
    const before = this.running.get(info.id);
    if (before !== undefined && isDeepStrictEqual(before, info)) return false;
    if (before !== undefined) this.keepRetired(before);
    this.running.set(info.id, info);
    return true;
  }

  private retire(id: string): boolean {
    const before = this.running.get(id);
    if (before === undefined) return false;
    this.running.delete(id);
    this.keepRetired(before);
    return true;
  }

  private keepRetired(info: ContainerInfo): boolean {
    if (this.retired.some((kept) => isDeepStrictEqual(kept, info))) return false;
    this.retired.push(info);
    return true;
  }

  private giveNotice(error: unknown): void {
    if (this.noticeGiven !== null || this.closed) return;
    this.noticeGiven = describeEngineFailure(error);
    try {
      this.options.onNotice?.(this.noticeGiven);
    } catch {
      // The caller's own failure to print a notice is not the watch's to report.
    }
  }
}

/** The container an event is about and what it asks; null for events that change nothing ns53 reads. */
function taskOf(event: EngineEvent): WatchTask | null {
  const effect = EVENT_EFFECTS[`${event.Type} ${event.Action}`];
  if (effect === undefined) return null;
  const id = event.Type === 'network' ? event.Actor.Attributes?.['container'] : event.Actor.ID;
  return id ? { id, effect } : null;
}
