// The one progress store for exercises and labs (issue #21): migration of the exercises' first key, lab steps,
// hostile stored data, and the note the learning path shows when something was discarded.
import { describe, expect, it } from 'vitest';
import {
  DISCARDED_NOTE,
  LEGACY_EXERCISES_KEY,
  loadProgress,
  markLabStep,
  PROGRESS_KEY,
  readProgress,
  resetProgress,
  saveExercise,
} from '../../src/components/exercise/progress.ts';
import type { StorageLike } from '../../src/components/exercise/progress.ts';

function memory(initial: Record<string, string> = {}): StorageLike & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
  };
}

describe('progress store', () => {
  it('migrates the exercises key into the store once and removes it', () => {
    const s = memory({
      [LEGACY_EXERCISES_KEY]: JSON.stringify({
        version: 1,
        exercises: { 'strict-mtls': { solved: true, answer: 'a' } },
      }),
      'atlas.exercises.v0': '{}',
    });
    const first = loadProgress(s);
    expect(first.discarded).toBeUndefined();
    expect(first.store.exercises.get('strict-mtls')).toEqual({ solved: true, answer: 'a' });
    expect([...s.data.keys()]).toEqual([PROGRESS_KEY]);
    expect(loadProgress(s).store.exercises.get('strict-mtls')?.solved).toBe(true);
  });

  it('a damaged exercises key is discarded with the note', () => {
    const s = memory({ [LEGACY_EXERCISES_KEY]: '{oops' });
    expect(loadProgress(s)).toMatchObject({ discarded: DISCARDED_NOTE });
    expect(s.data.size).toBe(0);
    expect(loadProgress(s).discarded).toBeUndefined();
  });

  it('keeps lab steps beside exercises, each step once, in order', () => {
    const s = memory();
    markLabStep(s, 'l4-authorization', 2);
    markLabStep(s, 'l4-authorization', 1);
    markLabStep(s, 'l4-authorization', 2);
    saveExercise(s, 'strict-mtls', { solved: false, answer: 'x' });
    const { store } = loadProgress(s);
    expect([...(store.labs.get('l4-authorization') ?? [])]).toEqual([1, 2]);
    expect(store.exercises.get('strict-mtls')?.solved).toBe(false);
    expect(JSON.parse(s.data.get(PROGRESS_KEY)!)).toEqual({
      version: 1,
      exercises: { 'strict-mtls': { solved: false, answer: 'x' } },
      labs: { 'l4-authorization': { steps: [1, 2] } },
    });
  });

  it.each([
    ['not JSON', '{oops'],
    ['another version', JSON.stringify({ version: 2, exercises: {}, labs: {} })],
    ['a foreign shape', JSON.stringify({ hello: 'world' })],
    ['a prototype key', '{"version":1,"exercises":{"__proto__":{"solved":true,"answer":""}},"labs":{}}'],
    ['a step out of range', JSON.stringify({ version: 1, exercises: {}, labs: { a: { steps: [1e9] } } })],
    ['an extra field', JSON.stringify({ version: 1, exercises: {}, labs: {}, admin: true })],
  ])('discards %s, says so, and starts empty', (_what, raw) => {
    const s = memory({ [PROGRESS_KEY]: raw });
    const r = loadProgress(s);
    expect(r.discarded).toBe(DISCARDED_NOTE);
    expect(r.store.exercises.size + r.store.labs.size).toBe(0);
    expect(s.data.has(PROGRESS_KEY)).toBe(false);
  });

  it('refuses ids and steps that are not the site’s own', () => {
    const s = memory();
    markLabStep(s, '__proto__', 1);
    markLabStep(s, 'lab', 0);
    markLabStep(s, 'lab', 1.5);
    saveExercise(s, 'constructor()', { solved: true, answer: '' });
    expect(s.data.has(PROGRESS_KEY)).toBe(false);
    expect(Object.getPrototypeOf(readProgress(s).exercises)).toBeNull();
  });

  it('reset forgets everything, the exercises key too', () => {
    const s = memory({ other: 'keep' });
    markLabStep(s, 'lab', 1);
    s.data.set(LEGACY_EXERCISES_KEY, '{}');
    resetProgress(s);
    expect([...s.data.keys()]).toEqual(['other']);
  });
});

describe('learning path order', () => {
  it('lists every exercise and lab once, easiest level first, exercises before labs within a level', async () => {
    const { learningPath, LEVELS } = await import('../../src/components/learn/path.ts');
    const { EXERCISES } = await import('../../src/content/exercises/index.ts');
    const { parseLabs } = await import('../../labs/catalog.ts');
    const path = learningPath();
    expect(path.map((i) => `${i.kind}:${i.id}`).sort()).toEqual(
      [...EXERCISES.map((e) => `exercise:${e.id}`), ...parseLabs().map((l) => `lab:${l.id}`)].sort(),
    );
    const rank = path.map((i) => LEVELS.indexOf(i.difficulty) * 2 + (i.kind === 'lab' ? 1 : 0));
    expect(rank).toEqual([...rank].sort((a, b) => a - b));
    // The page metadata and the exercise definitions list the same exercises in the same order.
    const { EXERCISE_META } = await import('../../src/content/exercises/meta.ts');
    expect(EXERCISES.map((e) => e.id)).toEqual(EXERCISE_META.map((m) => m.id));
    expect(path.find((i) => i.id === 'strict-mtls')).toMatchObject({ difficulty: 'beginner', minutes: 10 });
    expect(path.find((i) => i.id === 'ambient-mtls')?.steps.length).toBe(2);
  });
});
