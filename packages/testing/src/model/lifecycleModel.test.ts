import { describe, expect, it } from 'vitest';
import { describePath, lifecyclePaths, transitionCoverage, declaredTransitions } from './lifecycleModel.ts';
import { replayPath } from './lifecycleReplay.ts';

const paths = [...new Map(lifecyclePaths().map((p) => [describePath(p), p])).values()];

describe('the lifecycle machine, walked by a model and replayed against real queries', () => {
  it('the generated paths take every declared transition (coverage must be 100%)', () => {
    const { covered, missed, ratio } = transitionCoverage(paths);
    console.info(`lifecycle model: ${paths.length} paths cover ${covered.length}/${declaredTransitions().length} transitions (${(ratio * 100).toFixed(0)}%)`);
    expect(missed).toEqual([]);
    expect(ratio).toBe(1);
  });

  for (const path of paths) {
    it(`replays ${describePath(path)}`, async () => {
      await replayPath(path);
    });
  }
});
