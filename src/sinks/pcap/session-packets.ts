import type { NetEvent } from '../../events/net-event.js';
import type { Attempt, Session } from '../../sessions/model.js';
import { outcomeOfErrno } from '../../sessions/outcome.js';
import type { SessionRecord } from '../../sessions/record-schemas.js';
import { describeNetns } from '../../sessions/verdict.js';
import { buildConversationPackets, type Conversation, type ConversationMessage } from './conversation-packets.js';
import { buildPacketEnds, type PacketEnds } from './packet-ends.js';
import type { PcapngPacket } from './pcapng-blocks.js';

/** A session's packets, in time order, and how many of them show a stand-in address. */
export interface SessionPackets {
  packets: PcapngPacket[];
  placeholders: number;
}

/**
 * Docker's embedded DNS server listens on 127.0.0.11 at a random port; an iptables DNAT rule in the
 * container's namespace moves queries for 127.0.0.11:53 there. The client asked port 53, so its packets
 * show port 53.
 */
const DOCKER_DNS_IP = '127.0.0.11';
const DNS_PORT = 53;
const NS_PER_MICROSECOND = 1000n;

/**
 * The packets a session put on the wire, rebuilt from the syscalls in its trail: the client's query and the
 * reply (client leg), and for each attempt its query, then the answer, the ICMP port unreachable that an
 * ECONNREFUSED implies, or nothing (a timeout). Payloads are the bytes the tracer showed; the lengths are
 * what the calls returned. `record` is the session's NDJSON form: it names namespaces and containers.
 */
export function buildSessionPackets(session: Session, record: SessionRecord): SessionPackets {
  const conversations: Conversation[] = [];
  const client = clientConversation(session);
  if (client) conversations.push(client);
  session.attempts.forEach((attempt, index) => conversations.push(attemptConversation(session, attempt, index, record)));
  const packets: PcapngPacket[] = [];
  let placeholders = 0;
  for (const conversation of conversations) {
    const built = buildConversationPackets(conversation);
    packets.push(...built);
    if (conversation.ends.initiator.placeholder || conversation.ends.responder.placeholder) placeholders += built.length;
  }
  return { packets: inTimeOrder(packets), placeholders };
}

/**
 * Sorted by time, keeping build order among equals, then nudged apart by a nanosecond where two share a
 * time: a reader that sorts by time (Wireshark's reordercap, mergecap) keeps them in their order.
 */
function inTimeOrder(packets: PcapngPacket[]): PcapngPacket[] {
  const sorted = [...packets].sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.timeNs <= sorted[i - 1]!.timeNs) sorted[i]!.timeNs = sorted[i - 1]!.timeNs + 1n;
  return sorted;
}

/**
 * An event's time in nanoseconds since the Unix epoch, rounded to the microsecond the trace printed. For
 * `-t`/`-tt` traces that is the time of day on 1970-01-01 (the trace does not say which day), for `-r` the
 * time since the first line, and without timestamps the event's line number in microseconds, which keeps
 * the packets in trace order.
 */
export function eventTimeNs(event: Pick<NetEvent, 'time' | 'ref'>): bigint {
  if (event.time === null) return BigInt(event.ref.line) * NS_PER_MICROSECOND;
  const whole = Math.floor(event.time);
  return BigInt(whole) * 1_000_000_000n + BigInt(Math.round((event.time - whole) * 1e6)) * NS_PER_MICROSECOND;
}

function clientConversation(session: Session): Conversation | null {
  const { client } = session;
  if (!client) return null;
  const label = `session ${session.id}, client leg`;
  let listener = client.socket.local;
  let listenerNote = '';
  const destination = listener === null ? packetDestinationOf(session) : null;
  if (destination !== null) {
    // A listener opened before the trace shows no address; the query's IP_PKTINFO says where it was sent.
    listener = { family: destination.includes(':') ? 'inet6' : 'inet', ip: destination, port: DNS_PORT };
    listenerNote = `; the server's address is the query's IP_PKTINFO destination, its port the one DNS clients ask (${DNS_PORT})`;
  }
  if (listener?.ip === DOCKER_DNS_IP && listener.port !== DNS_PORT) {
    listenerNote = `; Docker's DNS server listens on ${DOCKER_DNS_IP}:${listener.port}, the client asked port ${DNS_PORT} (Docker's DNAT rule moves it)`;
    listener = { ...listener, port: DNS_PORT };
  }
  const ends = buildPacketEnds(client.address, listener, { initiator: 0, responder: DNS_PORT });
  const notes = `${listenerNote}${placeholderNote(ends, 'client', 'DNS server')}`;
  const messages: ConversationMessage[] = [];
  for (const { event } of session.trail) {
    if (event.type === 'receive' && !event.errno) pushMessage(messages, event, 'initiator', `${label}: query from ${ends.initiator.text} to ${ends.responder.text}`, notes);
    if (event.type === 'send' && !event.errno) pushMessage(messages, event, 'responder', `${label}: reply${session.reply ? ` ${session.reply.message.rcode}` : ''} to the client`, notes);
  }
  const opened = messages[0]?.timeNs ?? null;
  return { proto: client.proto, ends, openedAt: opened === null ? null : opened - 3n, messages, refused: null, comment: `${label}: connection from the client (rebuilt; accept() is not in the trail)${notes}` };
}

/** The address the client's query was sent to, when its recvmsg showed IP_PKTINFO. */
function packetDestinationOf(session: Session): string | null {
  for (const { event } of session.trail) if (event.type === 'receive' && event.destination) return event.destination;
  return null;
}

function attemptConversation(session: Session, attempt: Attempt, index: number, record: SessionRecord): Conversation {
  const netns = record.attempts[index]?.netns;
  const ends = buildPacketEnds(attempt.socket.local, attempt.upstream, { initiator: 0, responder: DNS_PORT });
  const label = `session ${session.id} attempt ${index + 1}: forwarded${netns ? ` from ${describeNetns(netns)}` : ''} as ${ends.initiator.text} → ${ends.responder.text}`;
  const notes = placeholderNote(ends, 'source', 'upstream');
  const messages: ConversationMessage[] = [];
  let openedAt: bigint | null = null;
  for (const { event } of attempt.trail) {
    if (event.type === 'connect' && openedAt === null) openedAt = eventTimeNs(event);
    if (event.type === 'send') {
      // A send that failed for good is drawn (it is the query the attempt stands for); one to be retried is not.
      if (event.errno && outcomeOfErrno(event.errno) === null) continue;
      const failed = event.errno ? ` — ${event.syscall} failed with ${event.errno}: this packet never left the host` : '';
      pushMessage(messages, event, 'initiator', `${label}; query`, `${failed}${notes}`);
    }
    if (event.type === 'receive' && !event.errno) pushMessage(messages, event, 'responder', `${label}; answer ${attempt.answer?.rcode ?? ''}`.trimEnd(), notes);
  }
  const refused = attempt.errno === 'ECONNREFUSED' ? refusalOf(attempt, label, notes, ends) : null;
  if (attempt.outcome === 'timeout' || attempt.outcome === 'pending') {
    for (const message of messages) if (message.from === 'initiator') message.comment += `; no answer (${attempt.outcome})`;
  }
  return { proto: attempt.proto, ends, openedAt, messages, refused, comment: `${label}; connection${notes}` };
}

/** ECONNREFUSED, drawn at the time the error was read. */
function refusalOf(attempt: Attempt, label: string, notes: string, ends: PacketEnds): Conversation['refused'] {
  const timeNs = attempt.endRef ? eventTimeNs({ time: attempt.endTime, ref: attempt.endRef }) : 0n;
  const what =
    attempt.proto === 'udp'
      ? `the ICMP port unreachable it implies, drawn from ${ends.responder.text.replace(/:\d+$/, '')} (a REJECT rule on a router sends it from the router's address, which the trace does not show)`
      : 'the RST it implies';
  return { timeNs, comment: `${label}; ECONNREFUSED: ${what}${notes}` };
}

function pushMessage(messages: ConversationMessage[], event: NetEvent, from: ConversationMessage['from'], text: string, notes: string): void {
  if ((event.type !== 'send' && event.type !== 'receive') || !event.payload || event.payload.bytes.length === 0) return;
  const { bytes, length } = event.payload;
  const moved = Math.max(length ?? bytes.length, bytes.length);
  const shown = moved > bytes.length ? `; the trace shows ${bytes.length} of its ${moved} bytes` : '';
  messages.push({ from, timeNs: eventTimeNs(event), bytes, length: moved, comment: `${text} (${event.syscall}, ${event.ref.file}:${event.ref.line})${shown}${notes}` });
}

function placeholderNote(ends: PacketEnds, initiator: string, responder: string): string {
  const missing = [ends.initiator.placeholder ? `${initiator} (${ends.initiator.text})` : null, ends.responder.placeholder ? `${responder} (${ends.responder.text})` : null].filter(Boolean);
  return missing.length > 0 ? `; address not in the trace, a stand-in is shown: ${missing.join(', ')}` : '';
}
