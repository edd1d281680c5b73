import type { z } from 'zod';

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value); // NaN, Infinity and -0.5 as written
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

function bound(prefix: string, value: unknown, inclusive: boolean | undefined): string {
  return `${prefix}${inclusive ? '=' : ''} ${String(value)}`;
}

/** zod's type names as a reader expects them after "must be". */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

/** The dotted path of an issue under `prefix`: `optimizer.lr`, `model.hidden[1]`. */
export function issuePath(issue: z.core.$ZodIssue, prefix = ''): string {
  return issue.path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
    prefix,
  );
}

/**
 * One line per zod issue in Starling's form: `<path> must be <expected>, got <found>`, where path is
 * dotted (`optimizer.lr`, `model.hidden[1]`) and starts with `prefix` (e.g. `compression.up` when a
 * compressor spec is checked on its own). Issues need their input (`safeParse(x, { reportInput: true })`).
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    const i = issue as z.core.$ZodIssue & { input?: unknown; keys?: string[]; options?: unknown[]; values?: unknown[] };
    const at = issuePath(issue, prefix) || 'the config';
    switch (issue.code) {
      case 'invalid_type': {
        const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
        return i.input === undefined
          ? `${at} is required (${expected})`
          : `${at} must be ${expected}, got ${show(i.input)}`;
      }
      case 'too_small':
        if (issue.origin === 'string' && issue.minimum === 1) return `${at} must be a non-empty string, got ""`;
        if (issue.origin === 'array') return `${at} must have at least ${issue.minimum} item(s), got ${show(i.input)}`;
        return `${at} must be ${bound('>', issue.minimum, issue.inclusive)}, got ${show(i.input)}`;
      case 'too_big':
        return `${at} must be ${bound('<', issue.maximum, issue.inclusive)}, got ${show(i.input)}`;
      case 'invalid_value':
        return `${at} must be one of ${(i.values ?? []).map((v) => show(v)).join(', ')}, got ${show(i.input)}`;
      case 'unrecognized_keys':
        return `${at} has unknown key${(i.keys ?? []).length > 1 ? 's' : ''} ${(i.keys ?? []).map((k) => `"${k}"`).join(', ')}`;
      case 'invalid_union': {
        const input = i.input as { kind?: unknown } | undefined;
        if (i.options) return `${at} must be one of ${i.options.join(', ')}, got ${show(input?.kind ?? input)}`;
        return `${at} is not valid: ${issue.message}, got ${show(i.input)}`;
      }
      case 'invalid_format':
        return `${at} must be ${issue.message}, got ${show(i.input)}`;
      default:
        return `${at} ${issue.message}${i.input !== undefined ? `, got ${show(i.input)}` : ''}`;
    }
  });
}
