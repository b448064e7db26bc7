import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { Ns53Error } from '../errors.js';
import { replayTrace, type ReplayOptions } from '../replay.js';
import type { SummaryRecord } from '../sessions/index.js';
import { BACKENDS, BPFTRACE_COST_NOTE, STRACE_COST_NOTE, type AttachCommandOptions } from './attach-options.js';
import type { CliIo } from './cli-io.js';
import { packageVersion } from './package-version.js';
import { DEFAULT_RETENTION } from '../sinks/tui/session-store.js';
import type { DiagnoseCommandOptions } from './diagnose-command.js';
import { FORMATS, SessionPrinter, defaultFormat, type Format } from './session-printer.js';
import type { PcapOutput } from './pcap-output.js';
import type { SessionListener } from '../trace-pipeline.js';

export type { CliIo } from './cli-io.js';

interface ReplayCommandOptions {
  format?: Format;
  retention?: number;
  docker?: boolean;
  dockerHost?: string;
  pcap?: string;
}

/** `--docker`: names from this host's daemon now (loaded only then: the Engine client is not needed otherwise). */
function dockerNaming(options: ReplayCommandOptions): ReplayOptions {
  if (!options.docker && !options.dockerHost) return {};
  return {
    docker: async () => (await import('../sources/docker-snapshot.js')).readDockerSnapshot({ flag: options.dockerHost, env: process.env['DOCKER_HOST'] }),
  };
}

/** --pcap's file, opened before any input is read; the pcap code is loaded only then (it costs a replay 8 ms to start). */
async function openPcap(path: string | undefined): Promise<PcapOutput | null> {
  return path === undefined ? null : (await import('./pcap-output.js')).PcapOutput.open(path);
}

async function replayCommand(paths: string[], options: ReplayCommandOptions, io: CliIo): Promise<void> {
  const format = options.format ?? defaultFormat(io);
  const pcap = await openPcap(options.pcap);
  if (format === 'tui') return replayInTui(paths, options, io, pcap);
  const printer = new SessionPrinter(format, io);
  const listener: SessionListener = { session: (record) => printer.session(record) };
  const summary = await replayTrace(paths, pcap?.listen(listener) ?? listener, dockerNaming(options));
  printer.summary(summary);
  pcap?.finish(summary, io);
}

/** The replay in the TUI: sessions appear as they are read; the TUI stays until the user quits. */
async function replayInTui(paths: string[], options: ReplayCommandOptions, io: CliIo, pcap: PcapOutput | null): Promise<void> {
  const { openTui } = await import('./tui-run.js');
  const tui = await openTui(io, `replay ${paths.join(' ')}`, false, { retention: options.retention, traceOnStdin: paths.includes('-') });
  const listener: SessionListener = { session: (record, session) => tui.app.session(record, session) };
  const replay = replayTrace(paths, pcap?.listen(listener) ?? listener, dockerNaming(options));
  let summary: SummaryRecord | null;
  try {
    summary = await Promise.race([replay, tui.app.closed.then(() => null)]);
  } catch (error) {
    // An input that cannot be read: give the terminal back before saying so.
    tui.app.close();
    throw error;
  }
  if (summary === null) {
    // Quit before the end of the input: stop reading it (standard input may never end).
    io.abandonInput?.();
    replay.catch(() => undefined);
  } else tui.app.end(summary, `done: ${summary.lines.toLocaleString('en-US')} lines read`);
  await tui.finish(summary);
  // After the TUI gave the terminal back; a quit before the end writes the sessions seen so far.
  pcap?.finish(summary, io);
}

/** A whole number of at least `min`, for commander. */
function wholeNumber(flag: string, min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${flag} wants a whole number of at least ${min}, got '${value}'`);
    return Number(value);
  };
}

/** Seconds, for --duration and --timeout: a positive number, fractions allowed. */
function seconds(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InvalidArgumentError(`${flag} wants seconds (a positive number), got '${value}'`);
    return n;
  };
}

/** The exit status a command sets when its outcome is not all-or-nothing (attach: 1 when tracing ended on its own). */
interface RunOutcome {
  status: number;
}

function buildProgram(io: CliIo, outcome: RunOutcome): Command {
  const program = new Command()
    .name('ns53')
    .description('Which network namespace did that DNS query really leave from, and what happened to it?')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run "ns53 --help" for usage)');
  program
    .command('replay')
    .description('rebuild DNS forwarding sessions from saved strace logs of dockerd (or any DNS forwarder)')
    .argument('<trace...>', 'strace log(s): a file, a .gz, "-" for stdin, or the trace.PID files of one strace -ff run')
    .addOption(new Option('--format <format>', 'output format (default: tui on a terminal, table through a pipe)').choices(FORMATS))
    .option('--retention <sessions>', `sessions the TUI keeps; the oldest go first (default: ${DEFAULT_RETENTION.toLocaleString('en-US')})`, wholeNumber('--retention', 1))
    .option('--docker', "name containers by asking this host's Docker daemon now (only for a trace from this host and boot)")
    .option('--docker-host <socket>', 'the daemon socket for --docker (default: DOCKER_HOST, else /var/run/docker.sock)')
    .option('--pcap <file>', "also write each session's packets to <file> (pcapng) for Wireshark/tshark")
    .addHelpText(
      'after',
      '\nExamples:\n  ns53 replay dockerd.strace\n  ns53 replay --format ndjson trace.log.gz | jq .verdict\n  ns53 replay --format table --pcap dns.pcapng dockerd.strace && tshark -r dns.pcapng -Y dns\n  strace -f -ttt -T -yy -s 4096 -o /dev/stdout -p "$(pidof dockerd)" | ns53 replay -\n  ns53 replay trace.*            # the files of strace -ff -o trace',
    )
    .action(async (paths: string[], options: ReplayCommandOptions) => replayCommand(paths, options, io));
  program
    .command('attach')
    .description('trace a running dockerd live (as root) and show its DNS forwarding sessions as they happen')
    .option('--docker', 'find dockerd: the daemon behind DOCKER_HOST, its pid file, or the only process named dockerd (the default)')
    .option('--pid <pid>', 'trace this process instead (dockerd, or any DNS forwarder)', wholeNumber('--pid', 1))
    .option('--pidfile <file>', "dockerd's pid file, for --docker (default: /var/run/docker.pid)")
    .addOption(new Option('--backend <backend>', 'how to trace: auto picks bpftrace when it can run here, else strace').choices(BACKENDS).default('auto'))
    .option('--save <file>', 'also keep the raw trace in <file> (and <file>.meta.json); "ns53 replay <file>" shows the same sessions')
    .option('--pcap <file>', "also write each session's packets to <file> (pcapng) for Wireshark/tshark")
    .option('--duration <seconds>', 'detach after tracing for this many seconds', seconds('--duration'))
    .addOption(new Option('--format <format>', 'output format (default: tui on a terminal, table through a pipe)').choices(FORMATS))
    .option('--retention <sessions>', `sessions the TUI keeps; the oldest go first (default: ${DEFAULT_RETENTION.toLocaleString('en-US')})`, wholeNumber('--retention', 1))
    .option('--docker-host <socket>', "the Docker daemon's socket to name containers by (default: DOCKER_HOST, else the one the traced dockerd listens on)")
    .option('--strace <path>', 'the strace to run', 'strace')
    .option('--bpftrace <path>', 'the bpftrace to run', 'bpftrace')
    .addHelpText(
      'after',
      `\nStops on --duration, Ctrl-C, SIGTERM or when the output pipe closes; the tracer detaches and dockerd keeps running.\nCost with bpftrace: ${BPFTRACE_COST_NOTE}\nCost with strace: ${STRACE_COST_NOTE}\n\nExamples:\n  sudo ns53 attach --docker\n  sudo ns53 attach --pid 1234 --backend bpftrace --save trace.ndjson\n  sudo ns53 attach --backend strace --save dockerd.strace\n  sudo ns53 attach --duration 30 --format ndjson > sessions.ndjson\n  sudo ns53 attach --duration 30 --format table --pcap dns.pcapng`,
    )
    .action(async (options: AttachCommandOptions) => {
      // Loaded on demand: execa and the tracer code would otherwise slow every replay's start-up.
      const { attachCommand } = await import('./attach-command.js');
      outcome.status = await attachCommand(options, io);
    });
  program
    .command('diagnose')
    .description("find why a container's DNS fails: probe every path its query takes, trace dockerd meanwhile, and name the firewall rule")
    .requiredOption('--container <name>', 'the container whose DNS to check (a name or an id prefix)')
    .option('--name <domain>', 'the name to ask for', 'example.com')
    .option('--type <type>', 'the query type (A, AAAA, MX, TXT, TYPE<n>…)', 'A')
    .option('--timeout <seconds>', "how long each probe waits for its answer (a container's libc waits 5 s)", seconds('--timeout'), 5)
    .addOption(new Option('--proto <proto>', 'ask over UDP (as resolvers first do) or TCP (as they retry a truncated answer)').choices(['udp', 'tcp']).default('udp'))
    .addOption(new Option('--format <format>', 'report for people, or NDJSON for scripts').choices(['text', 'ndjson']).default('text'))
    .addOption(new Option('--backend <backend>', 'how to trace dockerd while the probe runs').choices(BACKENDS).default('auto'))
    .option('--pid <pid>', 'the dockerd to trace (default: found as attach --docker finds it)', wholeNumber('--pid', 1))
    .option('--pidfile <file>', "dockerd's pid file (default: /var/run/docker.pid)")
    .option('--docker-host <socket>', "the Docker daemon's socket (default: DOCKER_HOST, else the one the traced dockerd listens on)")
    .option('--save <file>', 'also keep the raw trace of the probe in <file>, for ns53 replay')
    .option('--pcap <file>', "also write the traced sessions' packets to <file> (pcapng), to attach to a bug report")
    .option('--strace <path>', 'the strace to run', 'strace')
    .option('--bpftrace <path>', 'the bpftrace to run', 'bpftrace')
    .addHelpText(
      'after',
      "\nRuns as root. Exit status: 0 when every path resolves the name, 1 when one fails, others when it cannot run.\n\nExamples:\n  sudo ns53 diagnose --container web\n  sudo ns53 diagnose --container web --name internal.example --type AAAA\n  sudo ns53 diagnose --container api --format ndjson | jq 'select(.type == \"diagnosis\")'",
    )
    .action(async (options: DiagnoseCommandOptions) => {
      const { diagnoseCommand } = await import('./diagnose-command.js');
      outcome.status = await diagnoseCommand(options, io);
    });
  return program;
}

/** Runs ns53 with `argv` (without node and script); resolves with the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const outcome: RunOutcome = { status: 0 };
  const program = buildProgram(io, outcome);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return outcome.status;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : error.exitCode;
    if (error instanceof Ns53Error) {
      io.stderr(`ns53: ${error.message} [${error.code}]\n`);
      return error.exitCode;
    }
    throw error;
  }
}
