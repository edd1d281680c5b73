/**
 * Flattens a JSON value to `path → value` with dotted key paths (`algorithm.partition.kind`) and
 * bracketed array indices (`model.hidden[1]`). Leaves are JSON-encoded (`0.1`, `"ring"`, `null`); an
 * empty object or array is a leaf (`{}`, `[]`), so that it still shows up in a diff.
 */
export function flattenConfig(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((v, i) => {
      flattenConfig(v, `${prefix}[${i}]`, out);
    });
  } else if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
    for (const [key, v] of Object.entries(value)) flattenConfig(v, prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out.set(prefix, JSON.stringify(value) ?? 'undefined');
  }
  return out;
}

/** One key that differs between runs: its path and each run's value (null where the run lacks the key). */
export interface ConfigDiffRow {
  readonly key: string;
  /** One entry per run, in run order: the JSON-encoded value, or null when the key is absent there. */
  readonly values: readonly (string | null)[];
}

/**
 * The keys whose values differ between the configs (a key present in some runs and absent in others
 * differs), sorted by path. Configs that are null (a folder without config.resolved.json) take no part:
 * their column holds null everywhere. Fewer than two configs give no rows.
 */
export function configDiff(configs: readonly (unknown | null)[]): ConfigDiffRow[] {
  const flat = configs.map((c) => (c === null ? null : flattenConfig(c)));
  const present = flat.filter((f): f is Map<string, string> => f !== null);
  if (present.length < 2) return [];
  const keys = new Set(present.flatMap((f) => [...f.keys()]));
  const rows: ConfigDiffRow[] = [];
  for (const key of [...keys].sort()) {
    const values = flat.map((f) => (f === null ? null : (f.get(key) ?? null)));
    const seen = new Set(values.filter((_, i) => flat[i] !== null));
    if (seen.size > 1) rows.push({ key, values });
  }
  return rows;
}
