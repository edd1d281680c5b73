/**
 * Splits `nodes` into at most `blocks` contiguous blocks of nearly equal size (the first
 * `nodes.length mod blocks` one longer), keeping their order; no empty blocks. A worker host hands a
 * pool thread one block per task, about two per thread, so a thread that finishes early takes the next.
 */
export function blocksOf<T>(nodes: readonly T[], blocks: number): T[][] {
  const b = Math.max(1, Math.min(Math.floor(blocks), nodes.length));
  const out: T[][] = [];
  const base = Math.floor(nodes.length / b);
  const extra = nodes.length % b;
  let at = 0;
  for (let i = 0; i < b && at < nodes.length; i++) {
    const len = base + (i < extra ? 1 : 0);
    out.push(nodes.slice(at, at + len));
    at += len;
  }
  return out;
}
