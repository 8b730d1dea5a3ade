import type { AnyActorRef } from 'xstate';

/** The lifecycle's steps, each run once on entry to the state of the same role. */
export type LifecycleStepName = 'initialize' | 'getOffsets' | 'walCommit' | 'processBatch' | 'commitBatch';

/**
 * How a step ends: `<step>.done` with its output, or `<step>.failed` with the error. Only the
 * step's own state listens for them, so a late answer (the query stopped meanwhile) is ignored.
 */
export type StepDoneEvent<TName extends LifecycleStepName, TOutput> = { readonly type: `${TName}.done`; readonly output: TOutput };
export type StepFailedEvent<TName extends LifecycleStepName> = { readonly type: `${TName}.failed`; readonly error: unknown };

/** A step as an action implementation for `queryLifecycleMachine.provide({ actions })`. */
export type StepAction = (args: { readonly context: { readonly batchId: number }; readonly self: AnyActorRef }) => void;

/**
 * A lifecycle step as the entry action of its state: a plain function of the batch it works on,
 * run once per entry, that answers the machine with `<name>.done` or `<name>.failed`. No actor
 * is created for it (an invoked actor per step cost more CPU than the rest of a small batch).
 *
 * A step may return its output directly (synchronous fakes in tests, so a whole cycle runs
 * within one tick of virtual time) or a Promise.
 *
 * @example
 * const machine = queryLifecycleMachine.provide({
 *   actions: { getOffsets: lifecycleStep('getOffsets', ({ batchId }) => ({ hasNewData: batchId < 3 })) },
 * });
 */
export function lifecycleStep<TName extends LifecycleStepName, TOutput, TInput = { readonly batchId: number }>(
  name: TName,
  step: (input: TInput) => TOutput | PromiseLike<TOutput>,
  // The step's input from the machine's context; every step but `initialize` takes the batch id.
  input: (context: { readonly batchId: number }) => TInput = ({ batchId }) => ({ batchId }) as TInput,
): StepAction {
  const done = `${name}.done`;
  const failed = `${name}.failed`;
  return ({ context, self }) => {
    // A step that ends after the query stopped answers no one (the machine is in a final state).
    const reply = (event: { type: string; output?: unknown; error?: unknown }): void => {
      if (self.getSnapshot().status === 'active') self.send(event);
    };
    let result: TOutput | PromiseLike<TOutput>;
    try {
      result = step(input(context));
    } catch (error) {
      reply({ type: failed, error });
      return;
    }
    if (isPromiseLike(result)) {
      result.then(
        (output) => reply({ type: done, output }),
        (error: unknown) => reply({ type: failed, error }),
      );
    } else reply({ type: done, output: result });
  };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
