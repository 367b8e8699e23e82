/**
 * The learning path (issue #21): every exercise and lab in one order, easiest first. Each carries its own difficulty
 * and time (labs/schema.ts, src/content/exercises/meta.ts). Built at site build time; the page's script only reads
 * progress against it.
 */
import { parseLabs } from '../../../labs/catalog.ts';
import type { Lab } from '../../../labs/schema.ts';
import { EXERCISE_META } from '../../content/exercises/meta.ts';
import type { ExerciseMeta } from '../../content/exercises/meta.ts';

export const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type Level = (typeof LEVELS)[number];

export interface PathItem {
  readonly kind: 'exercise' | 'lab';
  readonly id: string;
  readonly title: string;
  readonly href: string;
  readonly difficulty: Level;
  /** Estimated minutes; undefined when nobody has estimated it. */
  readonly minutes?: number;
  /** Lab step titles (empty for an exercise). */
  readonly steps: readonly string[];
}

/** Exercises and labs by level; within a level the exercises (short) come before the labs, each in its own order. */
export function learningPath(
  exercises: readonly ExerciseMeta[] = EXERCISE_META,
  labs: readonly Lab[] = parseLabs(),
): PathItem[] {
  const items: PathItem[] = [
    ...exercises.map((e) => ({
      kind: 'exercise' as const,
      id: e.id,
      title: e.title,
      href: `/exercises/${e.id}/`,
      difficulty: e.difficulty,
      minutes: e.minutes,
      steps: [],
    })),
    ...[...labs]
      .sort((a, b) => a.order - b.order)
      .map((l) => ({
        kind: 'lab' as const,
        id: l.id,
        title: l.title,
        href: `/labs/${l.id}/`,
        difficulty: l.difficulty ?? 'intermediate',
        ...(l.minutes !== undefined ? { minutes: l.minutes } : {}),
        steps: l.steps.map((s) => s.title),
      })),
  ];
  const rank = (i: PathItem) => LEVELS.indexOf(i.difficulty) * 2 + (i.kind === 'lab' ? 1 : 0);
  // Array.prototype.sort is stable: items of one rank keep their own order.
  return items.sort((a, b) => rank(a) - rank(b));
}
