/**
 * Exercise progress in localStorage under a versioned key. Anything unreadable (corrupt JSON, wrong shape, an older
 * version's key) is discarded, never trusted, so stored data can never break the page.
 */
export const PROGRESS_KEY = 'atlas.exercises.v1';
const KEY_PREFIX = 'atlas.exercises.';

export interface ExerciseProgress {
  readonly solved: boolean;
  /** The learner's last answer. */
  readonly answer: string;
}

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

const EMPTY: Progress = { version: 1, exercises: {} };
/** Answers larger than this are not stored (a pasted giant document must not fill the quota). */
const MAX_ANSWER = 200_000;

function valid(value: unknown): value is Progress {
  if (!value || typeof value !== 'object') return false;
  const v = value as { version?: unknown; exercises?: unknown };
  if (v.version !== 1 || !v.exercises || typeof v.exercises !== 'object' || Array.isArray(v.exercises)) return false;
  for (const e of Object.values(v.exercises as Record<string, unknown>)) {
    if (!e || typeof e !== 'object') return false;
    const p = e as { solved?: unknown; answer?: unknown };
    if (typeof p.solved !== 'boolean' || typeof p.answer !== 'string') return false;
  }
  return true;
}

/** Drops keys of other (older) versions. */
function dropOldKeys(storage: StorageLike): void {
  const old: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k && k.startsWith(KEY_PREFIX) && k !== PROGRESS_KEY) old.push(k);
  }
  for (const k of old) storage.removeItem(k);
}

export function readProgress(storage: StorageLike | undefined): Progress {
  if (!storage) return EMPTY;
  try {
    dropOldKeys(storage);
    const raw = storage.getItem(PROGRESS_KEY);
    if (raw === null) return EMPTY;
    const value: unknown = JSON.parse(raw);
    if (valid(value)) return value;
  } catch {
    // fall through: corrupt data is discarded below
  }
  try {
    storage.removeItem(PROGRESS_KEY);
  } catch {
    // storage unavailable (privacy mode): progress simply is not kept
  }
  return EMPTY;
}

function write(storage: StorageLike | undefined, p: Progress): void {
  if (!storage) return;
  try {
    storage.setItem(PROGRESS_KEY, JSON.stringify(p));
  } catch {
    // quota exceeded or storage disabled: progress is not kept, the exercise still works
  }
}

export function saveExercise(storage: StorageLike | undefined, id: string, progress: ExerciseProgress): void {
  if (progress.answer.length > MAX_ANSWER) return;
  const p = readProgress(storage);
  write(storage, { version: 1, exercises: { ...p.exercises, [id]: progress } });
}

export function resetExercise(storage: StorageLike | undefined, id: string): void {
  const p = readProgress(storage);
  const exercises = { ...p.exercises };
  delete exercises[id];
  write(storage, { version: 1, exercises });
}

/** localStorage, or undefined where reading it throws (disabled storage, sandboxed frames). */
export function browserStorage(): StorageLike | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
