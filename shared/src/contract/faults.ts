/**
 * Fault injection for the load tests' fault run (`npm run load:faults`), called at named points.
 * A Worker gets switches only through its FAULTS variable, which test configurations set and
 * wrangler.jsonc never does (SECURITY.md); unset, every call is a no-op.
 *
 * @example maybeFail(env.FAULTS, "consumer-throw", 0.1); // throws 10 % of the time when switched on
 */
export type FaultPoint = "consumer-throw" | "shard-abort" | "projector-fail";

/** Throws `fault injection: <point>` with probability `chance` when `point` is among the switches. */
export function maybeFail(switches: string | undefined, point: FaultPoint, chance: number): void {
  if (switches?.includes(point) && Math.random() < chance) throw new Error(`fault injection: ${point}`);
}
