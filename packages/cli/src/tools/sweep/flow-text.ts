/**
 * A config value as YAML flow text that `--set` parses back to the same value: numbers, booleans and
 * null as written, plain strings bare (quoted when they hold YAML syntax), objects `{k: v}`, lists `[a, b]`.
 */
export function flowText(v: unknown): string {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string')
    return /^[A-Za-z_][\w.\-/]*$/.test(v) && !/^(true|false|null|yes|no|on|off)$/i.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(flowText).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${flowText(x)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(v);
}
