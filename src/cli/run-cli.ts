import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { Ns53Error } from '../errors.js';
import { replayTrace } from '../replay.js';
import type { SummaryRecord } from '../sessions/index.js';
import { formatNdjsonLine } from '../sinks/ndjson.js';
import { printable } from '../sinks/printable.js';
import { formatSessionRows, formatTableHeader, formatTableSummary } from '../sinks/table.js';

/** The version in package.json (two levels above dist/src/cli). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** Where the CLI writes; injected so tests can run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTerminal: boolean;
}

const FORMATS = ['table', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

/** Parse issues listed on stderr before pointing at the summary. */
const ISSUES_SHOWN = 3;

function reportIssues(summary: SummaryRecord, io: CliIo): void {
  const { total, byCode, first } = summary.parseIssues;
  if (total === 0) return;
  const codes = Object.entries(byCode).map(([code, count]) => `${code} ${count}`).join(', ');
  io.stderr(`ns53: ${total} line${total === 1 ? '' : 's'} could not be read (${codes}); they were skipped:\n`);
  for (const issue of first.slice(0, ISSUES_SHOWN)) {
    io.stderr(`  ${issue.file}:${issue.line}:${issue.column}: ${issue.code}: ${issue.message}\n    ${printable(issue.excerpt)}\n`);
  }
  if (total > ISSUES_SHOWN) io.stderr(`  … see "parseIssues" in the summary (--format ndjson) for more\n`);
}

async function replayCommand(paths: string[], format: Format, io: CliIo): Promise<void> {
  let headerShown = false;
  const summary = await replayTrace(paths, {
    session(record) {
      if (format === 'ndjson') {
        io.stdout(formatNdjsonLine(record));
        return;
      }
      if (!headerShown) {
        io.stdout(`${formatTableHeader(record.time?.endsWith('Z') ?? false)}\n`);
        headerShown = true;
      }
      io.stdout(`${formatSessionRows(record).join('\n')}\n`);
    },
  });
  if (format === 'ndjson') io.stdout(formatNdjsonLine(summary));
  else {
    if (!headerShown) io.stdout('no DNS sessions found\n');
    io.stdout(`\n${formatTableSummary(summary).join('\n')}\n`);
  }
  for (const note of summary.notes) io.stderr(`ns53: note: ${note}\n`);
  reportIssues(summary, io);
}

function buildProgram(io: CliIo): Command {
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
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .addHelpText(
      'after',
      '\nExamples:\n  ns53 replay dockerd.strace\n  ns53 replay --format ndjson trace.log.gz | jq .verdict\n  strace -f -ttt -T -yy -s 4096 -o /dev/stdout -p "$(pidof dockerd)" | ns53 replay -\n  ns53 replay trace.*            # the files of strace -ff -o trace',
    )
    .action(async (paths: string[], options: { format: Format }) => replayCommand(paths, options.format, io));
  return program;
}

/** Runs ns53 with `argv` (without node and script); resolves with the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : error.exitCode;
    if (error instanceof Ns53Error) {
      io.stderr(`ns53: ${error.message} [${error.code}]\n`);
      return error.exitCode;
    }
    throw error;
  }
}
