import { readFileSync } from 'node:fs';

/** The Linux capability numbers ns53 asks about (include/uapi/linux/capability.h). */
export const CAPABILITIES = {
  CAP_SYS_ADMIN: 21,
  CAP_PERFMON: 38,
  CAP_BPF: 39,
} as const;

export type CapabilityName = keyof typeof CAPABILITIES;

/** The `CapEff:` mask of a /proc/PID/status text (hex), or null when the line is missing. */
export function parseEffectiveCapabilities(statusText: string): bigint | null {
  const hex = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(statusText)?.[1];
  return hex === undefined ? null : BigInt(`0x${hex}`);
}

/** Whether a capability mask holds the named capability. */
export function hasCapability(mask: bigint, name: CapabilityName): boolean {
  return ((mask >> BigInt(CAPABILITIES[name])) & 1n) === 1n;
}

/** ns53's own effective capabilities, from /proc/self/status; null when they cannot be read. */
export function readEffectiveCapabilities(procRoot = '/proc'): bigint | null {
  try {
    return parseEffectiveCapabilities(readFileSync(`${procRoot}/self/status`, 'utf8'));
  } catch {
    return null;
  }
}
