import type { DockerdSyscalls } from './dockerd-syscalls.js';
import { UPSTREAM_IP, type Container, type DockerdWorld } from './dockerd-world.js';
import { buildDnsQuery, buildDnsResponse, type QuerySpec, type QueryType, type Rcode, type ResponseSpec } from './dns-wire.js';
import type { NameCatalogue, NameProfile } from './dns-names.js';
import type { SessionTally } from './expected-manifest.js';
import type { GoroutineBody, GoRuntime } from './go-runtime.js';
import { Inbox } from './inbox.js';
import { WeightedChoice, type SeededRandom } from './seeded-random.js';
import { quoteBytes } from './strace-quote.js';

// dockerd 20.10's embedded DNS server as the captures show it (libnetwork resolver.go, ServeDNS): the
// listener goroutine reads a query with recvmsg on the sandbox's UDP socket, a new goroutine enters the
// container's network namespace (setns to dockerd's own first, open /var/run/docker/netns/<key>, setns into
// it), makes a connected UDP socket to the upstream, goes back to its own namespace, writes the query and
// reads the answer on a non-blocking socket (EAGAIN, then the netpoller wakes it, often on another
// thread), and relays it with sendmsg. A REJECT rule makes the read fail with ECONNREFUSED and a DROP rule
// leaves it waiting until the 4 s deadline closes the socket; with one upstream there is then no reply.

/** The resolver's read deadline: each listener re-reads (and gets EAGAIN) every 2 s when idle. */
const LISTENER_DEADLINE_US = 2_000_000;
/** extIOTimeout in resolver.go. */
const UPSTREAM_TIMEOUT_US = 4_000_000;
/** dockerd's TTL for the records it serves itself. */
const LOCAL_TTL = 600;

type PathFate = 'ok' | 'reject' | 'drop';

/** One query from a client, and what will happen to it. */
interface QueryPlan {
  container: Container;
  clientPort: number;
  spec: QuerySpec;
  bytes: Uint8Array;
  /** Answered by dockerd itself (a container name): no upstream attempt. */
  local: boolean;
  path: PathFate;
  /** The answer bytes: the upstream's (relayed as is) or dockerd's own. */
  response: Uint8Array | null;
  rcode: Rcode | null;
  /** Microseconds from the upstream write to the answer (or to the ICMP error). */
  rtt: number;
  retransmit: boolean;
}

const PATH_FATES = new WeightedChoice<PathFate>([
  ['ok', 90],
  ['reject', 5],
  ['drop', 5],
]);

/** The DNS side of the simulated dockerd: listeners, lookups, forwarding goroutines, and the tally. */
export class DnsTraffic {
  /** Queries planned (including scheduled retransmissions) whose forwarding has not finished. */
  active = 0;
  private readonly inboxes = new Map<Container, Inbox<QueryPlan>>();
  private readonly idsInUse = new Map<number, number>();
  private readonly containerChoice: WeightedChoice<Container>;

  constructor(
    private readonly rt: GoRuntime,
    private readonly sys: DockerdSyscalls,
    private readonly world: DockerdWorld,
    private readonly random: SeededRandom,
    private readonly names: NameCatalogue,
    private readonly tally: SessionTally,
  ) {
    this.containerChoice = new WeightedChoice(world.containers.map((c) => [c, c.dnsWeight] as const));
  }

  /** Starts one resolver listener goroutine per sandbox. */
  startListeners(): void {
    for (const container of this.world.containers) {
      const inbox = new Inbox<QueryPlan>(this.rt, container.dnsListenerPoll);
      this.inboxes.set(container, inbox);
      inbox.owner = this.rt.go(this.listener(container, inbox, this.random.int(0, LISTENER_DEADLINE_US)));
    }
  }

  /** A container resolves a name now: A and usually AAAA (musl and glibc ask both at once). */
  startLookup(): void {
    const container = this.containerChoice.pick(this.random);
    const neighbours = this.world.containers.filter((c) => c !== container && c.network === container.network);
    const local = neighbours.length > 0 && this.random.chance(0.12);
    const types: QueryType[] = this.random.chance(0.7) ? ['A', 'AAAA'] : ['A'];
    const clientPort = this.random.int(32768, 60999);
    const path: PathFate = local ? 'ok' : PATH_FATES.pick(this.random);
    const profile = local ? null : this.names.forwarded.pick(this.random);
    const target = local ? this.random.pick(neighbours) : null;
    const name = target ? (this.random.chance(0.8) ? target.service : target.name) : profile!.name;
    const rtt = this.upstreamRtt(profile);
    const plans: QueryPlan[] = types.map((type) => {
      const spec: QuerySpec = { id: this.freshId(), name, type, ednsSize: container.ednsSize };
      const { response, rcode } = target ? this.localAnswer(spec, target) : this.upstreamAnswer(spec, profile!);
      return { container, clientPort, spec, bytes: buildDnsQuery(spec), local, path, response, rcode, rtt: rtt * (0.8 + this.random.next() * 0.4), retransmit: false };
    });
    const inbox = this.inboxes.get(container)!;
    let at = this.rt.now;
    for (const plan of plans) {
      this.active++;
      inbox.postAt((at += this.random.int(8, 60)), plan);
    }
    // A client that heard nothing asks again with the same id (the drop capture shows it after 1.5 s).
    if (path !== 'ok' && this.random.chance(0.5)) {
      let again = this.rt.now + this.random.int(1_400_000, 2_600_000);
      for (const plan of plans) {
        this.active++;
        this.holdId(plan.spec.id);
        inbox.postAt((again += this.random.int(8, 60)), { ...plan, retransmit: true });
      }
    }
  }

  private upstreamRtt(profile: NameProfile | null): number {
    if (profile === null) return 0;
    if (profile.authoritative) return 80 + this.random.exponential(250);
    return this.random.chance(0.8) ? 150 + this.random.exponential(900) : 4000 + this.random.exponential(30000);
  }

  private freshId(): number {
    for (;;) {
      const id = this.random.int(0, 0xffff);
      if (!this.idsInUse.has(id)) {
        this.holdId(id);
        return id;
      }
    }
  }

  private holdId(id: number): void {
    this.idsInUse.set(id, (this.idsInUse.get(id) ?? 0) + 1);
  }

  private releaseId(id: number): void {
    const count = (this.idsInUse.get(id) ?? 1) - 1;
    if (count <= 0) this.idsInUse.delete(id);
    else this.idsInUse.set(id, count);
  }

  /** What the upstream sends back for this name and type. */
  private upstreamAnswer(spec: QuerySpec, profile: NameProfile): { response: Uint8Array; rcode: Rcode } {
    const base: ResponseSpec = { rcode: 'NOERROR', authoritative: profile.authoritative, recursionAvailable: true, answers: [], soa: null };
    let response: ResponseSpec;
    if (profile.refused) response = { ...base, rcode: 'REFUSED' };
    else if (!profile.exists) response = { ...base, rcode: 'NXDOMAIN', soa: profile.soa };
    else if (!profile.authoritative && this.random.chance(0.015)) response = { ...base, rcode: 'SERVFAIL' };
    else if (spec.type === 'A') response = { ...base, answers: profile.a };
    else if (profile.aaaa.kind === 'records') response = { ...base, answers: profile.aaaa.records };
    else if (profile.aaaa.kind === 'refused') response = { ...base, rcode: 'REFUSED', authoritative: false };
    else response = { ...base, soa: profile.soa };
    return { response: buildDnsResponse(spec, response), rcode: response.rcode };
  }

  /** What dockerd answers itself for a container on the same network (no AAAA: an empty NOERROR). */
  private localAnswer(spec: QuerySpec, target: Container): { response: Uint8Array; rcode: Rcode } {
    const answers = spec.type === 'A' ? [{ type: 'A' as const, ttl: LOCAL_TTL, address: target.ip.split('.').map(Number) }] : [];
    const response = buildDnsResponse({ ...spec, ednsSize: null }, { rcode: 'NOERROR', authoritative: false, recursionAvailable: true, answers, soa: null });
    return { response, rcode: 'NOERROR' };
  }

  /** The listener goroutine of one sandbox (miekg/dns serveUDP). */
  private *listener(container: Container, inbox: Inbox<QueryPlan>, phase: number): GoroutineBody {
    const { sys } = this;
    yield { kind: 'park', until: this.rt.now + phase, pollData: null };
    for (;;) {
      for (let plan = inbox.take(); plan !== undefined; plan = inbox.take()) {
        this.tally.sessions++;
        if (plan.retransmit) this.tally.retransmissions++;
        yield sys.recvmsgQuery(container.dnsListenerFd, plan.clientPort, plan.bytes);
        yield sys.run(0.5);
        yield { kind: 'go', body: this.serveQuery(plan) };
      }
      yield sys.recvmsgAgain(container.dnsListenerFd);
      yield inbox.park(this.rt.now + LISTENER_DEADLINE_US);
    }
  }

  /** One query's goroutine (ServeDNS). */
  private *serveQuery(plan: QueryPlan): GoroutineBody {
    const { sys, rt, world } = this;
    const container = plan.container;
    yield sys.run();
    if (plan.local) {
      yield sys.sendmsgReply(container.dnsListenerFd, plan.clientPort, plan.response!);
      this.tally.replies++;
      this.tally.localAnswers++;
      this.finish(plan);
      return;
    }
    yield sys.setns(world.hostNetnsRef);
    const nsFd = yield sys.openat(container.netnsPath, 'O_RDONLY|O_CLOEXEC');
    yield sys.setns(sys.ref(nsFd));
    yield sys.run(0.5);
    const fd = yield sys.udpSocket();
    yield sys.setsockoptBroadcast(fd);
    yield sys.connect(fd, UPSTREAM_IP, 53);
    const deadline = rt.now + UPSTREAM_TIMEOUT_US;
    const pollData = world.nextPollData();
    yield sys.epollCtlAdd(fd, pollData);
    yield sys.getsockname(fd, container.ip, this.random.int(32768, 60999));
    yield sys.getpeername(fd, UPSTREAM_IP, 53);
    yield sys.setns(world.hostNetnsRef);
    yield sys.close(nsFd);
    yield sys.run(0.5);
    yield sys.write(fd, quoteBytes(plan.bytes), plan.bytes.length);
    this.tally.attempts++;
    this.tally.namespaces.container++;
    const arrival = rt.now + plan.rtt;
    yield sys.run(0.3);
    if (plan.path === 'drop') {
      yield sys.readAgain(fd, 512);
      yield { kind: 'park', until: deadline, pollData: null };
      this.tally.settle('timeout', null);
    } else {
      if (rt.now < arrival) {
        yield sys.readAgain(fd, 512);
        yield { kind: 'park', until: arrival, pollData };
      }
      if (plan.path === 'reject') {
        yield sys.readError(fd, 512, '-1 ECONNREFUSED (Connection refused)');
        this.tally.settle('refused', null);
      } else {
        const answer = plan.response!;
        yield sys.read(fd, quoteBytes(answer), 512, answer.length);
        this.tally.settle('answer', plan.rcode);
        yield sys.run();
        yield sys.sendmsgReply(container.dnsListenerFd, plan.clientPort, answer);
        this.tally.replies++;
      }
    }
    yield sys.epollCtlDel(fd);
    yield sys.close(fd);
    this.finish(plan);
  }

  private finish(plan: QueryPlan): void {
    this.active--;
    this.releaseId(plan.spec.id);
  }
}
