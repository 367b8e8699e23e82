/**
 * The learning path (issue #21): every exercise and lab in one order, easiest first. Labs carry their own difficulty
 * and time (labs/schema.ts); exercises do not, so their place on the path is set here — a curriculum choice, not an
 * Istio fact. Built at site build time; the page's script only reads progress against it.
 */
import { parseLabs } from '../../../labs/catalog.ts';
import type { Lab } from '../../../labs/schema.ts';
import { EXERCISES } from '../../content/exercises/index.ts';

export const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type Level = (typeof LEVELS)[number];

interface Placement {
  readonly difficulty: Level;
  readonly minutes: number;
}

/** Exercise id → where it sits on the path. An exercise missing here goes with the intermediate ones, untimed. */
export const EXERCISE_PLACEMENT: ReadonlyMap<string, Placement> = new Map<string, Placement>([
  ['strict-mtls', { difficulty: 'beginner', minutes: 10 }],
  ['l4-allow-principal', { difficulty: 'beginner', minutes: 10 }],
  ['fix-l7-on-ztunnel', { difficulty: 'intermediate', minutes: 15 }],
  ['l7-waypoint-targetrefs', { difficulty: 'intermediate', minutes: 15 }],
  ['header-routing', { difficulty: 'intermediate', minutes: 15 }],
  ['canary-service-parent', { difficulty: 'intermediate', minutes: 15 }],
  ['require-jwt', { difficulty: 'advanced', minutes: 15 }],
  ['bypass-prevention', { difficulty: 'advanced', minutes: 20 }],
]);

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
  exercises: readonly { id: string; title: string }[] = EXERCISES,
  labs: readonly Lab[] = parseLabs(),
): PathItem[] {
  const items: PathItem[] = [
    ...exercises.map((e) => {
      const p = EXERCISE_PLACEMENT.get(e.id);
      return {
        kind: 'exercise' as const,
        id: e.id,
        title: e.title,
        href: `/exercises/${e.id}/`,
        difficulty: p?.difficulty ?? 'intermediate',
        ...(p ? { minutes: p.minutes } : {}),
        steps: [],
      };
    }),
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
