import { ProblemError } from "../../../shared/src/problem";

/** The problem a call throws (failing the test when it throws anything else, or nothing). */
export function problemOf(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (err instanceof ProblemError) return err.problem;
    throw err;
  }
  throw new Error("expected a problem");
}
