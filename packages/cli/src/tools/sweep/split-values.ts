import { errors } from '@starling/core';

/**
 * Splits a `--grid`/`--seeds` list at its top-level commas: commas inside `{}`, `[]` or quotes belong to
 * the value (`compression.up={kind: topk, ratio: 0.01},{kind: fp16}` is two values). Empty items are a
 * usage error naming `flag`.
 */
export function splitValues(text: string, flag: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  if (depth !== 0 || quote !== null) throw errors.usage(`${flag}: unbalanced brackets or quotes in "${text}"`);
  if (out.some((v) => v === '')) throw errors.usage(`${flag}: empty value in "${text}"`);
  return out;
}

/** `--grid key=v1,v2,...` as its key and values. */
export function parseGridFlag(flag: string): { key: string; values: string[] } {
  const eq = flag.indexOf('=');
  const key = flag.slice(0, eq).trim();
  if (eq <= 0 || !/^[A-Za-z_][\w]*(\.[\w]+)*$/.test(key)) {
    throw errors.usage(`--grid expects key=v1,v2,... with a dotted config key, got "${flag}"`);
  }
  return { key, values: splitValues(flag.slice(eq + 1), `--grid ${key}`) };
}

/** `--seeds 1,2,3` as seeds: non-negative integers, no repeats. */
export function parseSeedsFlag(text: string): number[] {
  const seeds = splitValues(text, '--seeds').map(Number);
  if (!seeds.every((s) => Number.isSafeInteger(s) && s >= 0) || new Set(seeds).size !== seeds.length) {
    throw errors.usage(`--seeds must list distinct non-negative integers, got "${text}"`);
  }
  return seeds;
}
