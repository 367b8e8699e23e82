import { describe, expect, it } from 'vitest';
import { PROGRESS_KEY, readProgress, resetExercise, saveExercise } from '../../src/components/exercise/progress.ts';
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

describe('exercise progress', () => {
  it('round-trips solved state and the last answer per exercise', () => {
    const s = memory();
    saveExercise(s, 'a', { solved: true, answer: 'x: 1\n' });
    saveExercise(s, 'b', { solved: false, answer: 'y: 2\n' });
    expect(readProgress(s).exercises).toEqual({
      a: { solved: true, answer: 'x: 1\n' },
      b: { solved: false, answer: 'y: 2\n' },
    });
    resetExercise(s, 'a');
    expect(Object.keys(readProgress(s).exercises)).toEqual(['b']);
  });

  it.each([
    ['not JSON', '{oops'],
    ['wrong version', JSON.stringify({ version: 0, exercises: {} })],
    ['wrong shape', JSON.stringify({ version: 1, exercises: { a: { solved: 'yes', answer: 3 } } })],
    ['an array', '[]'],
    ['null', 'null'],
  ])('discards %s and removes it', (_what, raw) => {
    const s = memory({ [PROGRESS_KEY]: raw });
    expect(readProgress(s).exercises).toEqual({});
    expect(s.data.has(PROGRESS_KEY)).toBe(false);
    saveExercise(s, 'a', { solved: true, answer: '' });
    expect(readProgress(s).exercises.a?.solved).toBe(true);
  });

  it('drops keys of older versions but leaves unrelated keys alone', () => {
    const s = memory({ 'atlas.exercises.v0': '{}', 'other.key': 'keep' });
    readProgress(s);
    expect(s.data.has('atlas.exercises.v0')).toBe(false);
    expect(s.data.get('other.key')).toBe('keep');
  });

  it('survives a storage that throws', () => {
    const broken: StorageLike = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
      length: 0,
      key: () => null,
    };
    expect(readProgress(broken).exercises).toEqual({});
    expect(() => saveExercise(broken, 'a', { solved: true, answer: '' })).not.toThrow();
  });
});
