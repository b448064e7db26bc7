#!/usr/bin/env node
// The probe process: `ns53 diagnose` runs it under `nsenter --net=<namespace>` (Node cannot enter a network
// namespace itself), with one JSON ProbeSpec per argument; it prints one JSON ProbeResult per line, in order.
import { sendDnsProbe } from './dns-probe.js';
import type { ProbeSpec } from './probe-result.js';

const specs = process.argv.slice(2).map((arg) => JSON.parse(arg) as ProbeSpec);
const results = await Promise.all(specs.map(sendDnsProbe));
for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
