import { checkBpftraceReadiness } from '../../src/sources/bpftrace-readiness.js';

/**
 * Runs checkBpftraceReadiness as this process finds the machine (its PATH, user, capabilities and mount
 * namespace) and prints the verdict as one JSON line. bpftrace-readiness.test.ts runs it in each condition.
 */
const readiness = await checkBpftraceReadiness({ binary: process.argv[2] ?? 'bpftrace' });
const verdict = readiness.ready
  ? { ready: true, version: readiness.version }
  : { ready: false, code: readiness.error.code, exitCode: readiness.error.exitCode, message: readiness.error.message };
process.stdout.write(`${JSON.stringify(verdict)}\n`);
