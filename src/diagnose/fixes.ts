import type { DiagnoseFacts } from './diagnosis.js';
import { isResolved } from './probe-path.js';

/** A change people make to fix container DNS, and what else it changes. */
export interface Fix {
  title: string;
  /** What to run or write, for this host's case. */
  how: string;
  changes: string;
}

/**
 * The fixes people use (docker-dns.md §7), made concrete for what failed: an ACCEPT before the blocking rule,
 * `dns:` for the one service, daemon.json `"dns"` for every container. Offered only for failures a path
 * change can fix: when the upstream fails from everywhere, the server itself is the problem.
 */
export function suggestFixes(facts: DiagnoseFacts): Fix[] {
  const hostWorks = facts.direct.filter((path) => path.kind === 'host' && isResolved(path.result));
  // Only where the same server answers dockerd's namespace: then the container's path is what fails.
  const failingFromContainer = facts.direct.filter(
    (path) => path.kind === 'container' && !isResolved(path.result) && path.flow !== null && hostWorks.some((host) => host.server === path.server),
  );
  const fixes: Fix[] = [];
  const rule = facts.rules.find((candidate) => candidate.strength !== 'no');
  const flow = failingFromContainer[0]?.flow;
  if (flow) {
    const source = facts.container.ip ?? flow.source;
    const tool = flow.family === 6 ? 'ip6tables' : 'iptables';
    const chain = rule?.chain ?? (flow.path === 'input' ? 'INPUT' : 'DOCKER-USER');
    const at = rule?.position != null && rule.origin.startsWith('ip') ? ` ${rule.position}` : '';
    fixes.push({
      title: `Allow ${facts.container.name}'s network to the resolver${rule ? ', ahead of the rule that blocks it' : ''}`,
      how: ['udp', 'tcp']
        .map((proto) => `${tool} -I ${chain}${at} -s ${subnetHint(rule, source)} -d ${flow.destination} -p ${proto} --dport ${flow.destinationPort} -j ACCEPT`)
        .join('\n'),
      changes: `Only the firewall: DNS from the containers' addresses to ${flow.destination} passes again; everything else the rule blocks stays blocked. Make it permanent where your firewall is managed (firewalld, ufw, nftables.conf): a reload may drop it.`,
    });
  }
  const reachable = hostWorks[0]?.server;
  if (failingFromContainer.length > 0) {
    fixes.push({
      title: `Point the service at a resolver its network can reach (compose \`dns:\`, or \`docker run --dns\`)`,
      how: `services:\n  ${facts.container.name}:\n    dns: [<a resolver reachable from ${facts.container.ip ?? 'the container'}>]`,
      changes: `Only that service's upstreams. dockerd still forwards them from the container's namespace (its address is the source), so the resolver must accept it; /etc/resolv.conf inside still names 127.0.0.11.`,
    });
    fixes.push({
      title: `Set daemon.json "dns" for every container`,
      how: `{ "dns": [<a resolver reachable from the bridge networks>] }   then: systemctl restart docker`,
      changes: `Every container's upstreams, after a daemon restart (running containers keep their old list until recreated). Such servers are always dialled from the container's namespace, even on Docker 28+, so the firewall must let the bridge subnets reach them.${reachable ? ` ${reachable} answers from dockerd's namespace: on Docker 28+, leaving "dns" out makes dockerd dial the host's resolv.conf servers from its own namespace instead.` : ''}`,
    });
  }
  if (facts.embeddedDnat?.readFrom && facts.embeddedDnat.rule === null) {
    fixes.push(
      {
        title: `Restart the container, so dockerd sets up its resolver rules again`,
        how: `docker restart ${facts.container.name}`,
        changes: `The container's processes restart; dockerd re-creates the DOCKER_OUTPUT and DOCKER_POSTROUTING rules in its namespace.`,
      },
      {
        title: `Stop what flushes the container's nat table`,
        how: `do not run firewalld or iptables-restore inside the container, or have them keep Docker's DOCKER_OUTPUT and DOCKER_POSTROUTING chains`,
        changes: `Only the container's own firewall; the host's is not involved in this failure.`,
      },
    );
  }
  return fixes;
}

/** The source to allow: the blocking rule's own source network when it names one, else the container's address. */
function subnetHint(rule: DiagnoseFacts['rules'][number] | undefined, ip: string): string {
  const network = rule?.sources[0];
  return network?.includes('/') ? network : ip;
}
