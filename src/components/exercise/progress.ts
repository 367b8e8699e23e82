/**
 * The learner's progress, one store for exercises and labs (issue #21): solved exercises with the last answer, and
 * the lab steps whose checks passed. It lives in localStorage under one versioned key and is parsed with zod; anything
 * unreadable (corrupt JSON, another shape, another version) is discarded, never trusted, and reported once so the
 * page can say so. Ids and step numbers from storage go into Maps and Sets, never into plain-object keys.
 *
 * The exercises' first store (`atlas.exercises.v1`) is migrated into this one the first time it is read.
 */
// zod/mini: the same parser as the rest of the project at a fraction of the bytes, since this module ships with
// every page that shows progress.
import { z } from 'zod/mini';

export const PROGRESS_KEY = 'atlas.progress.v1';
/** The exercises-only store this one replaces; read once, then removed. */
export const LEGACY_EXERCISES_KEY = 'atlas.exercises.v1';
const LEGACY_PREFIX = 'atlas.exercises.';

/** Stored text larger than this is discarded unread (localStorage quotas are ~5 MB per origin). */
const MAX_STORED = 2 * 1024 * 1024;
/** Answers larger than this are not stored (a pasted giant document must not fill the quota). */
const MAX_ANSWER = 200_000;
/** More steps than any lab has; bounds what a hostile store can make the page render. */
export const MAX_STEP = 50;

export interface ExerciseProgress {
  readonly solved: boolean;
  /** The learner's last answer. */
  readonly answer: string;
}

export interface ProgressStore {
  readonly exercises: ReadonlyMap<string, ExerciseProgress>;
  /** Lab id → the (1-based) steps whose checks passed. */
  readonly labs: ReadonlyMap<string, ReadonlySet<number>>;
}

export interface LoadedProgress {
  readonly store: ProgressStore;
  /** Set when stored progress could not be read and was discarded: a sentence for the page to show. */
  readonly discarded?: string;
}

/** The exercises' view, kept for the exercise island: a record without a prototype, so no id reaches Object's. */
export interface Progress {
  readonly version: 1;
  readonly exercises: Readonly<Record<string, ExerciseProgress>>;
}

/** The subset of the Web Storage API used here (so tests can pass a Map-backed fake). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

// Ids are the site's own slugs; the pattern keeps `__proto__`, `constructor` look-alikes with odd characters and
// megabyte keys out before anything else sees them.
const id = z.string().check(z.maxLength(100), z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/));
const exerciseSchema = z.strictObject({ solved: z.boolean(), answer: z.string().check(z.maxLength(MAX_ANSWER)) });
const stepSchema = z.int().check(z.minimum(1), z.maximum(MAX_STEP));
const storeSchema = z.strictObject({
  version: z.literal(1),
  exercises: z.record(id, exerciseSchema),
  labs: z.record(id, z.strictObject({ steps: z.array(stepSchema).check(z.maxLength(MAX_STEP)) })),
});
const legacySchema = z.strictObject({ version: z.literal(1), exercises: z.record(id, exerciseSchema) });

export const DISCARDED_NOTE =
  'Progress saved in this browser could not be read (damaged, or written by another version of this site) and was discarded.';

const empty = (): ProgressStore => ({ exercises: new Map(), labs: new Map() });

function parse<T>(schema: z.ZodMiniType<T>, raw: string): T | undefined {
  if (raw.length > MAX_STORED) return undefined;
  try {
    // zod's record passes an own `__proto__` key through; such data is hostile, so it is refused as a whole.
    const r = schema.safeParse(
      JSON.parse(raw, (k, v: unknown) => {
        if (k === '__proto__') throw new Error('__proto__ key');
        return v;
      }),
    );
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function tryRemove(storage: StorageLike, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // storage unavailable (privacy mode): progress simply is not kept
  }
}

function fromJson(v: z.output<typeof storeSchema>): ProgressStore {
  return {
    exercises: new Map(Object.entries(v.exercises)),
    labs: new Map(Object.entries(v.labs).map(([lab, p]) => [lab, new Set(p.steps)])),
  };
}

function toJson(s: ProgressStore): string {
  return JSON.stringify({
    version: 1,
    exercises: Object.fromEntries(s.exercises),
    labs: Object.fromEntries([...s.labs].map(([lab, steps]) => [lab, { steps: [...steps].sort((a, b) => a - b) }])),
  });
}

function write(storage: StorageLike | undefined, s: ProgressStore): void {
  if (!storage) return;
  try {
    storage.setItem(PROGRESS_KEY, toJson(s));
  } catch {
    // quota exceeded or storage disabled: progress is not kept, the exercise or lab still works
  }
}

/** Moves `atlas.exercises.v1` into the store (when the store has nothing yet) and drops every older exercises key. */
function migrate(storage: StorageLike): { store?: ProgressStore; discarded: boolean } {
  const legacy: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(LEGACY_PREFIX)) legacy.push(k);
  }
  const raw = storage.getItem(LEGACY_EXERCISES_KEY);
  for (const k of legacy) tryRemove(storage, k);
  if (raw === null) return { discarded: false };
  const old = parse(legacySchema, raw);
  if (!old) return { discarded: true };
  const store: ProgressStore = { exercises: new Map(Object.entries(old.exercises)), labs: new Map() };
  write(storage, store);
  return { store, discarded: false };
}

/** The saved progress, and a note when something unreadable was thrown away. Never throws. */
export function loadProgress(storage: StorageLike | undefined): LoadedProgress {
  if (!storage) return { store: empty() };
  try {
    const raw = storage.getItem(PROGRESS_KEY);
    if (raw === null) {
      const m = migrate(storage);
      return { store: m.store ?? empty(), ...(m.discarded ? { discarded: DISCARDED_NOTE } : {}) };
    }
    migrate(storage); // a store exists: an exercises key left beside it is stale
    const v = parse(storeSchema, raw);
    if (v) return { store: fromJson(v) };
  } catch {
    // a storage that throws on read: fall through and discard
  }
  tryRemove(storage, PROGRESS_KEY);
  return { store: empty(), discarded: DISCARDED_NOTE };
}

export function readProgress(storage: StorageLike | undefined): Progress {
  const exercises = Object.create(null) as Record<string, ExerciseProgress>;
  for (const [k, v] of loadProgress(storage).store.exercises) exercises[k] = v;
  return { version: 1, exercises };
}

function update(storage: StorageLike | undefined, change: (s: ProgressStore) => ProgressStore): void {
  if (!storage) return;
  write(storage, change(loadProgress(storage).store));
}

export function saveExercise(storage: StorageLike | undefined, exerciseId: string, progress: ExerciseProgress): void {
  if (progress.answer.length > MAX_ANSWER || !id.safeParse(exerciseId).success) return;
  update(storage, (s) => ({ ...s, exercises: new Map(s.exercises).set(exerciseId, progress) }));
}

export function resetExercise(storage: StorageLike | undefined, exerciseId: string): void {
  update(storage, (s) => {
    const exercises = new Map(s.exercises);
    exercises.delete(exerciseId);
    return { ...s, exercises };
  });
}

/** Records that a lab step's checks all passed. */
export function markLabStep(storage: StorageLike | undefined, lab: string, step: number): void {
  if (!id.safeParse(lab).success || !Number.isInteger(step) || step < 1 || step > MAX_STEP) return;
  update(storage, (s) => {
    const steps = new Set(s.labs.get(lab) ?? []).add(step);
    return { ...s, labs: new Map(s.labs).set(lab, steps) };
  });
}

/** Forgets every exercise and lab step (the learning path's "Reset progress"). */
export function resetProgress(storage: StorageLike | undefined): void {
  if (!storage) return;
  tryRemove(storage, PROGRESS_KEY);
  tryRemove(storage, LEGACY_EXERCISES_KEY);
}

/** localStorage, or undefined where reading it throws (disabled storage, sandboxed frames). */
export function browserStorage(): StorageLike | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
