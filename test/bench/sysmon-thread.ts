import type { DockerdWorld } from './dockerd-world.js';
import type { GoRuntime, Step, ThreadStep } from './go-runtime.js';
import type { SeededRandom } from './seeded-random.js';
import { buildCall } from './strace-log-writer.js';

// The threads that are not ordinary Go workers: sysmon (usleep(20) loops, timed futex sleeps, SIGURG to
// preempt long-running goroutines), the main thread waiting for its containerd child, and a thread locked
// in a futex for the whole trace. The captures show all three (10657, 10648 and 10835 there).

const SYSMON_NOTE = '0x55edc6d1e3f8';

/** sysmon: bursts of nanosleep(20 µs) while the process is busy, then a timed sleep on its note. */
export function* sysmonLoop(rt: GoRuntime, world: DockerdWorld, random: SeededRandom): Generator<ThreadStep, void, number> {
  yield { kind: 'call', call: buildCall('restart_syscall', '<... resuming interrupted read ...>', '-1 ETIMEDOUT (Connection timed out)', random.int(50_000, 400_000)) };
  for (;;) {
    const burst = random.int(3, 40);
    for (let i = 0; i < burst; i++) {
      yield { kind: 'call', call: buildCall('nanosleep', '{tv_sec=0, tv_nsec=20000}, ', '0', 60 + random.exponential(110), { exit: 'NULL' }) };
      yield { kind: 'run', us: rt.work(0.6) };
      if (random.chance(0.04)) {
        const target = rt.preemptionTarget();
        if (target !== null) {
          yield { kind: 'call', call: buildCall('getpid', '', String(world.pid), rt.quick()) };
          yield { kind: 'call', call: buildCall('tgkill', `${world.pid}, ${target}, SIGURG`, '0', rt.quick(), { complete: () => rt.signal(target) }) };
        }
      }
      if (random.chance(0.01)) yield { kind: 'call', call: buildCall('sched_yield', '', '0', rt.quick()) };
    }
    // Busy: short sleeps between bursts; now and then a long idle stretch, as in the captures.
    const sleep = random.chance(0.8) ? random.int(2_000, 20_000) : random.int(20_000, 1_400_000);
    const timespec = `{tv_sec=${Math.floor(sleep / 1e6)}, tv_nsec=${(sleep % 1e6) * 1000 + random.int(0, 999)}}`;
    yield { kind: 'call', call: buildCall('futex', `${SYSMON_NOTE}, FUTEX_WAIT_PRIVATE, 0, ${timespec}`, '-1 ETIMEDOUT (Connection timed out)', sleep + random.int(20, 300)) };
    yield { kind: 'run', us: rt.work() };
  }
}

/** The main thread: waitid on the containerd it started, for the whole trace. */
export function* mainThreadLoop(world: DockerdWorld): Generator<ThreadStep, void, number> {
  yield { kind: 'call', call: buildCall('waitid', `P_PID, ${world.containerdPid}, `, '0', Infinity) };
}

/** A thread locked in a futex for the whole trace (signal handling, LockOSThread). */
export function* lockedThreadLoop(address: string): Generator<ThreadStep, void, number> {
  yield { kind: 'call', call: buildCall('futex', `${address}, FUTEX_WAIT_PRIVATE, 0, NULL`, '0', Infinity) };
}

/**
 * A goroutine woken by a runtime timer that makes no system call of its own (a ticker in a watchdog, a
 * keepalive check): it shows only as netpoller timeouts and futex wake-ups, like most of dockerd's log.
 */
export function* tickerGoroutine(rt: GoRuntime, random: SeededRandom, periodUs: number): Generator<Step, void, number> {
  for (;;) {
    yield { kind: 'park', until: rt.now + periodUs + random.int(-periodUs / 10, periodUs / 10), pollData: null };
    yield { kind: 'run', us: rt.work(2) };
  }
}
