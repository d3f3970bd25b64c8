/**
 * How long one read takes that depends on the previous one, at random places in a working set of
 * the given size: a pointer chase through a typed array, one step per cache line. Within the
 * processor's caches it is a few ns; beyond them, a trip to memory (and, with 4 KB pages, an
 * address translation that misses too). This is what bench:matcher's growth from 1k to 1M
 * monitors is made of, so the bench prints it beside the growth.
 *
 * @example chaseNsPerRead(256 * 2 ** 20) // ≈ 260 on this VM
 */
export function chaseNsPerRead(bytes: number, reads = 4_000_000): number {
  const INTS_PER_LINE = 16; // 64-byte lines of 4-byte ints
  const lines = Math.max(2, Math.floor(bytes / 64));
  const next = new Int32Array(lines * INTS_PER_LINE);
  // A random cycle through every line (Sattolo's algorithm), seeded: the same order every run.
  const order = new Int32Array(lines);
  for (let i = 0; i < lines; i++) order[i] = i;
  let seed = 12345;
  for (let i = lines - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % i;
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  for (let i = 0; i < lines; i++)
    next[(order[i] as number) * INTS_PER_LINE] = (order[(i + 1) % lines] as number) * INTS_PER_LINE;
  let p = 0;
  for (let i = 0; i < 100_000; i++) p = next[p] as number;
  const t0 = performance.now();
  for (let i = 0; i < reads; i++) p = next[p] as number;
  const ns = ((performance.now() - t0) * 1e6) / reads;
  // p is used so the loop cannot be dropped.
  return p >= 0 ? ns : Number.NaN;
}
