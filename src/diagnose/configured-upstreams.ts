/**
 * The upstream servers dockerd is configured to forward to, for when the trace shows none (the probe's query was
 * answered locally, or never reached dockerd). The order follows dockerd's own: `--dns` flags, then
 * daemon.json's `"dns"`, then the nameservers of the resolv.conf dockerd sees (docker-dns.md §3, "Upstream list").
 */
export interface ConfiguredUpstreams {
  servers: string[];
  /** Where they came from, in words: `daemon.json "dns" (/etc/docker/daemon.json)`. */
  from: string;
}

/** The files a daemon's configuration is read from, as dockerd sees them (through /proc/<pid>/root). */
export interface DaemonConfigFiles {
  argv: readonly string[];
  /** Reads a path as dockerd sees it; null when it does not exist or cannot be read. */
  read(path: string): string | null;
}

const DEFAULT_DAEMON_JSON = '/etc/docker/daemon.json';

/** Which servers dockerd forwards to, by its flags, daemon.json and resolv.conf; null when none can be read. */
export function findConfiguredUpstreams(files: DaemonConfigFiles): ConfiguredUpstreams | null {
  const flags = flagValues(files.argv, '--dns');
  if (flags.length > 0) return { servers: flags, from: 'dockerd --dns flags' };
  const configPath = flagValues(files.argv, '--config-file').at(-1) ?? DEFAULT_DAEMON_JSON;
  const fromJson = daemonJsonDns(files.read(configPath));
  if (fromJson.length > 0) return { servers: fromJson, from: `daemon.json "dns" (${configPath})` };
  const fromResolvConf = resolvConfNameservers(files.read('/etc/resolv.conf') ?? '');
  if (fromResolvConf.length > 0) return { servers: fromResolvConf, from: "the nameservers of dockerd's /etc/resolv.conf" };
  return null;
}

/** Values of `--flag X` and `--flag=X`, in order. */
function flagValues(argv: readonly string[], flag: string): string[] {
  const values: string[] = [];
  argv.forEach((arg, index) => {
    if (arg === flag && index + 1 < argv.length) values.push(argv[index + 1]!);
    else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
  });
  return values;
}

function daemonJsonDns(text: string | null): string[] {
  if (text === null) return [];
  try {
    const dns = (JSON.parse(text) as { dns?: unknown }).dns;
    return Array.isArray(dns) ? dns.filter((server): server is string => typeof server === 'string') : [];
  } catch {
    return [];
  }
}

/** `nameserver` lines of a resolv.conf, without zone ids (dockerd drops those for IPv4 forwarding). */
export function resolvConfNameservers(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((server): server is string => server !== undefined)
    .map((server) => server.replace(/%.*$/, ''));
}
