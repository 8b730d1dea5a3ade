import { it } from 'vitest';

/**
 * How a restated Spark scenario is registered. Every test is named `<Suite> :: <Spark's test
 * name>` so a failure points straight at the Spark test it restates.
 *
 * - `scenario` — Sluice must give Spark's answer.
 * - `deviation` — Sluice deliberately answers differently; the body asserts *our* answer and the
 *   scenario is a row of `conformance/README.md` (a test checks the two lists agree).
 * - `pending` — the behaviour belongs to another issue that has not landed: the body asserts
 *   Spark's answer and is expected to fail today (`it.fails`), so the day the fix lands the
 *   scenario turns red and must be promoted to `scenario`. `pointer` names the issue.
 * - `todo` — the operator does not exist yet (issue 17): Spark's inputs and answers are kept as
 *   data in `spec`, to become a test the day the operator exists.
 */
export function suite(name: string) {
  const title = (test: string) => `${name} :: ${test}`;
  return {
    scenario(test: string, body: () => unknown, timeoutMs?: number): void {
      it(title(test), body, timeoutMs);
    },
    deviation(test: string, body: () => unknown): void {
      it(`${title(test)} [deviation]`, body);
    },
    pending(test: string, pointer: string, body: () => unknown): void {
      it.fails(`${title(test)} [pending: ${pointer}]`, body);
    },
    todo(test: string, pointer: string, spec: ScenarioSpec): void {
      todos.push({ title: title(test), pointer, spec });
      it.todo(`${title(test)} [${pointer}]`);
    },
  };
}

/**
 * Spark's scenario as data for an operator that does not exist yet: the query in Spark's words,
 * then the steps (`add`, `check`, `stop`, `start`, `watermark`…) with Spark's inputs and answers.
 */
export interface ScenarioSpec {
  readonly query: string;
  readonly outputMode?: 'append' | 'update' | 'complete';
  readonly steps: readonly (readonly [string, ...unknown[]])[];
}

export const todos: { title: string; pointer: string; spec: ScenarioSpec }[] = [];
