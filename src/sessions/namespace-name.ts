import type { NetnsRecord } from './record-schemas.js';

/**
 * What a view calls a namespace: its container's name when ns53 knows it (`web`), else its label
 * (`sandbox 6d527838845f`, `host`, `net:[4026532326]`). Lists, the summary and the `c` filter group by it.
 */
export function namespaceName(netns: NetnsRecord): string {
  return netns.container?.name ?? netns.label;
}
