/**
 * Reading a spec for the CEL checks (cel.ts, cel-gateway-api.ts): in-place reads with no allocation on the
 * no-finding path, which is almost every object.
 */
import type { JsonObject, JsonValue } from '../../model/types.ts';
import type { SchemaProblem } from './types.ts';

export type Out = SchemaProblem[];
export type Path = (string | number)[];

export const isObj = (v: JsonValue | undefined): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/*
 * Fields are read by name (`obj(x)?.rules`): a helper taking the key would share one keyed load among all its
 * callers, which V8 can then only do megamorphically. The keyed helpers below are for computed keys.
 */
/** v when it is an object (not an array). */
export const obj = (v: JsonValue | undefined): JsonObject | undefined => (isObj(v) ? v : undefined);
export const NONE: readonly JsonValue[] = [];
/** v when it is an array, else an empty one. */
export const arr = (v: JsonValue | undefined): readonly JsonValue[] => (Array.isArray(v) ? v : NONE);
export const text = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
/** Set in the CEL sense: present and not null. */
export const set = (v: JsonValue | undefined): boolean => v !== undefined && v !== null;

export const has = (o: JsonValue | undefined, key: string): boolean => isObj(o) && set(o[key]);
export const str = (o: JsonValue | undefined, key: string): string | undefined => (isObj(o) ? text(o[key]) : undefined);
export const list = (o: JsonValue | undefined, key: string): readonly JsonValue[] => (isObj(o) ? arr(o[key]) : NONE);
export const child = (o: JsonValue | undefined, key: string): JsonObject | undefined =>
  isObj(o) ? obj(o[key]) : undefined;
