import { fromObservable, type ActorLogic, type PromiseActorLogic } from 'xstate';
import type { Observable } from 'rxjs';

/**
 * Actor logic for one lifecycle step written as an Observable. Steps are Observables, not
 * Promises, so a step is cancelled (unsubscribed) when the machine leaves its state, and a
 * step made of synchronous work completes within the same tick under virtual time.
 * The last emitted value becomes the actor's output (`fromObservable` alone drops it).
 */
export function fromStep<TOutput, TInput>(step: (args: { input: TInput }) => Observable<TOutput>): PromiseActorLogic<TOutput, TInput> {
  const logic = fromObservable<TOutput, TInput>(({ input }) => step({ input })) as unknown as ActorLogic<never, never, TInput>;
  const transition = logic.transition.bind(logic);
  return {
    ...logic,
    transition: (snapshot: { status: string; context: unknown }, event: never, scope: never) => {
      const next = transition(snapshot as never, event, scope) as unknown as { status: string; context: unknown };
      return next.status === 'done' && snapshot.status !== 'done' ? { ...next, output: next.context } : next;
    },
  } as unknown as PromiseActorLogic<TOutput, TInput>;
}
