import type { AnswerRecord, SoaRecord } from './dns-wire.js';
import { WeightedChoice, type SeededRandom } from './seeded-random.js';

// The names containers look up through dockerd, and how the upstream answers each one. Answers are fixed
// per name for the whole log (a resolver gives the same records until they change), which makes repeated
// lookups look like a real workload rather than noise.

/** How the upstream answers AAAA for a name that exists. */
export type AaaaAnswer = { kind: 'records'; records: AnswerRecord[] } | { kind: 'nodata' } | { kind: 'refused' };

/** One name and the upstream's answers for it. */
export interface NameProfile {
  name: string;
  /** False: NXDOMAIN for every type. */
  exists: boolean;
  /** The upstream will not resolve this zone for dockerd (no recursion for it): REFUSED for every type. */
  refused: boolean;
  authoritative: boolean;
  soa: SoaRecord;
  a: AnswerRecord[];
  aaaa: AaaaAnswer;
}

/** [name, weight]: registries and package mirrors dominate what containers resolve. */
const INTERNET_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['registry-1.docker.io', 6],
  ['auth.docker.io', 3],
  ['production.cloudflare.docker.com', 3],
  ['deb.debian.org', 4],
  ['security.debian.org', 2],
  ['dl-cdn.alpinelinux.org', 4],
  ['pypi.org', 3],
  ['files.pythonhosted.org', 3],
  ['registry.npmjs.org', 3],
  ['api.github.com', 3],
  ['github.com', 2],
  ['objects.githubusercontent.com', 2],
  ['proxy.golang.org', 1],
  ['sum.golang.org', 1],
  ['o450123.ingest.sentry.io', 5],
  ['api.stripe.com', 4],
  ['hooks.slack.com', 2],
  ['smtp.sendgrid.net', 2],
  ['s3.eu-west-1.amazonaws.com', 5],
  ['sts.amazonaws.com', 2],
  ['oauth2.googleapis.com', 2],
  ['www.googleapis.com', 1],
  ['ntp.ubuntu.com', 1],
  ['checkpoint-api.hashicorp.com', 1],
  ['grafana.com', 1],
  ['stats.grafana.org', 1],
];

/** Names under the lab's own zone, which the upstream (dnsmasq) serves itself. */
const LOCAL_ZONE = 'example.test';
const LOCAL_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['www.example.test', 5],
  ['mirror.example.test', 3],
  ['ldap.example.test', 2],
  ['vault.example.test', 2],
  ['registry.example.test', 3],
  ['smtp.example.test', 1],
];

/** Names that do not exist: search-list misses, typos, probes. */
const MISSING_NAMES: ReadonlyArray<readonly [string, string, number]> = [
  ['nope.nx.example.test', LOCAL_ZONE, 3],
  ['wpad.example.test', LOCAL_ZONE, 2],
  ['db.shop.internal', '', 2],
  ['redis.localdomain', '', 2],
  ['metadata.google.internal', '', 2],
  ['kafka-0.kafka-headless.svc.cluster.local', '', 1],
  ['api.stripe.con', '', 1],
  ['registry-1.docker.io.example.test', LOCAL_ZONE, 2],
  ['consul.service.consul', '', 1],
];

/** A corporate zone the lab's upstream does not serve and will not recurse for. */
const REFUSED_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['git.corp.example.net', 2],
  ['jira.corp.example.net', 1],
  ['artifactory.corp.example.net', 2],
];

const CNAME_TARGETS = ['edgekey.net', 'map.fastly.net', 'cloudfront.net', 'akamaiedge.net', 'elb.amazonaws.com', 'ghs.googlehosted.com', 'trafficmanager.net'];

/** The names containers resolve, weighted by how often they do. */
export interface NameCatalogue {
  forwarded: WeightedChoice<NameProfile>;
}

function zoneOf(name: string): string {
  return name.split('.').slice(-2).join('.');
}

function soaFor(zone: string, random: SeededRandom): SoaRecord {
  if (zone === '') return { zone: '', ttl: 86400, mname: 'a.root-servers.net', rname: 'nstld.verisign-grs.com', serial: 2026112400 };
  return { zone, ttl: random.pick([300, 900, 1800, 3600]), mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 2026110000 + random.int(1, 9999) };
}

function ipv4(random: SeededRandom, internal: boolean): number[] {
  if (internal) return [10, random.int(0, 9), random.int(0, 255), random.int(2, 250)];
  const first = random.pick([104, 151, 140, 185, 52, 54, 34, 35, 199, 13, 18]);
  return [first, random.int(0, 255), random.int(0, 255), random.int(1, 254)];
}

function ipv6(random: SeededRandom): number[] {
  const prefix = random.pick([[0x26, 0x06, 0x47, 0x00], [0x2a, 0x04, 0x4e, 0x42], [0x26, 0x00, 0x1f, 0x18], [0x2a, 0x00, 0x14, 0x50]]);
  return [...prefix, ...random.bytes(4), 0, 0, 0, 0, 0, 0, random.int(0, 255), random.int(1, 255)];
}

function internetProfile(name: string, random: SeededRandom): NameProfile {
  const ttl = random.pick([20, 60, 60, 300, 300, 600, 3600]);
  const a: AnswerRecord[] = [];
  const aaaaRecords: AnswerRecord[] = [];
  if (random.chance(0.45)) {
    const target = `${name.split('.')[0]}-${random.hex(4)}.${random.pick(CNAME_TARGETS)}`;
    a.push({ type: 'CNAME', ttl, target });
    aaaaRecords.push({ type: 'CNAME', ttl, target });
  }
  const count = random.int(1, 4);
  for (let i = 0; i < count; i++) a.push({ type: 'A', ttl: Math.min(ttl, 300), address: ipv4(random, false) });
  const hasV6 = random.chance(0.6);
  if (hasV6) for (let i = 0; i < Math.min(count, 2); i++) aaaaRecords.push({ type: 'AAAA', ttl: Math.min(ttl, 300), address: ipv6(random) });
  return {
    name,
    exists: true,
    refused: false,
    authoritative: false,
    soa: soaFor(zoneOf(name), random),
    a,
    aaaa: hasV6 ? { kind: 'records', records: aaaaRecords } : { kind: 'nodata' },
  };
}

function localProfile(name: string, random: SeededRandom): NameProfile {
  return {
    name,
    exists: true,
    refused: false,
    authoritative: true,
    soa: soaFor(LOCAL_ZONE, random),
    // dnsmasq answers its own hosts with TTL 0, as in the captures.
    a: [{ type: 'A', ttl: 0, address: ipv4(random, true) }],
    // The lab's dnsmasq refuses AAAA for its own names; the captures show REFUSED.
    aaaa: { kind: 'refused' },
  };
}

/** Builds the catalogue (deterministic for a given random stream). */
export function buildNameCatalogue(random: SeededRandom): NameCatalogue {
  const entries: Array<readonly [NameProfile, number]> = [];
  for (const [name, weight] of INTERNET_NAMES) entries.push([internetProfile(name, random), weight]);
  for (const [name, weight] of LOCAL_NAMES) entries.push([localProfile(name, random), weight]);
  for (const [name, zone, weight] of MISSING_NAMES) {
    entries.push([{ name, exists: false, refused: false, authoritative: zone === LOCAL_ZONE, soa: soaFor(zone, random), a: [], aaaa: { kind: 'nodata' } }, weight]);
  }
  for (const [name, weight] of REFUSED_NAMES) {
    entries.push([{ name, exists: true, refused: true, authoritative: false, soa: soaFor(zoneOf(name), random), a: [], aaaa: { kind: 'refused' } }, weight]);
  }
  return { forwarded: new WeightedChoice(entries) };
}
