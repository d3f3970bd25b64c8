import type { Condition, Predicate } from "../../../shared/src/predicate";

/**
 * A predicate's conditions (leaves) left to right, as the evaluators number them, each with its
 * path in the tree (`all.1`, `any.0.not`; the empty path when the predicate is one condition).
 *
 * @example leavesOf({ all: [c0, { not: c1 }] }) // [{ index: 0, path: "all.0" }, { index: 1, path: "all.1.not" }]
 */
export type Leaf = { index: number; path: string; cond: Condition };

export function leavesOf(p: Predicate): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (node: Predicate, path: string[]): void => {
    if ("all" in node || "any" in node) {
      const op = "all" in node ? "all" : "any";
      for (const [i, q] of ("all" in node ? node.all : node.any).entries()) walk(q, [...path, op, String(i)]);
    } else if ("not" in node) walk(node.not, [...path, "not"]);
    else leaves.push({ index: leaves.length, path: path.join("."), cond: node });
  };
  walk(p, []);
  return leaves;
}

/**
 * Why the predicate is false, as the leaves that make it so: an `all` because of its false
 * children, an `any` because of all of them, a `not` because its child holds.
 *
 * @example whyFalse({ all: [c0, c1] }, [true, false]) // ["all.1 is false"]
 */
export function whyFalse(p: Predicate, truths: readonly boolean[]): string[] {
  const at = { i: 0 };
  const walk = (node: Predicate, path: string[]): { value: boolean; why: string[] } => {
    if ("all" in node || "any" in node) {
      const kids = "all" in node ? node.all : node.any;
      const op = "all" in node ? "all" : "any";
      const results = kids.map((q, i) => walk(q, [...path, op, String(i)]));
      const value = op === "all" ? results.every((r) => r.value) : results.some((r) => r.value);
      // The children that decide the value: those that agree with it.
      const deciding = results.filter((r) => r.value === value);
      return { value, why: deciding.flatMap((r) => r.why) };
    }
    if ("not" in node) {
      const inner = walk(node.not, [...path, "not"]);
      return { value: !inner.value, why: inner.why };
    }
    const value = truths[at.i++] ?? false;
    const name = path.length === 0 ? "the condition" : path.join(".");
    return { value, why: [`${name} is ${value}`] };
  };
  return walk(p, []).why;
}
