#!/usr/bin/env node
import { runCli } from './run-cli.js';

/** Set while a live run watches for stop requests: the output closing is then one of them. */
let onOutputClosed: (() => void) | null = null;
let outputClosed = false;

// `ns53 replay … | head` closes the pipe early: that is the reader's choice, not an error. A live run must
// first detach from dockerd, so it is told instead.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  outputClosed = true;
  if (onOutputClosed) onOutputClosed();
  else process.exit(0);
});

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => {
    if (!outputClosed) process.stdout.write(text);
  },
  stderr: (text) => process.stderr.write(text),
  stdoutIsTerminal: process.stdout.isTTY === true,
  stderrIsTerminal: process.stderr.isTTY === true,
  ...(process.stderr.columns ? { stderrColumns: process.stderr.columns } : {}),
  abandonInput: () => process.stdin.destroy(),
  watchStop(onStop) {
    let requests = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      // A second request while strace detaches: give up waiting. strace got the same Ctrl-C from the terminal,
      // or meets a closed pipe at its next write and ends; either way the kernel detaches it from dockerd.
      if (++requests > 1) process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
      onStop(signal === 'SIGINT' ? 'Ctrl-C' : signal);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    onOutputClosed = () => onStop('the output pipe closed');
    return () => {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      onOutputClosed = null;
    };
  },
});
