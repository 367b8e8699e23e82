/** 1-based line and column, as editors and SARIF count them. */
export interface SourceRange {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A path into a resource's object, e.g. `['spec', 'rules', 0, 'to']`. */
export type ObjectPath = readonly (string | number)[];

export interface SourceInput {
  /** Shown in findings; `-` for stdin, a relative path for files, a label in the browser. */
  readonly file: string;
  /** Raw bytes are checked for UTF-8; strings are taken as they are. */
  readonly text: string | Uint8Array;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One Kubernetes object from the input, with a way back to its source text. */
export interface Resource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `default` when the manifest does not say. */
  readonly namespace: string;
  readonly namespaceExplicit: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The object as plain JSON (aliases expanded, within the caps). */
  readonly obj: JsonObject;
  readonly file: string;
  /** Order of appearance across all inputs; our stand-in for creation time when none is given. */
  readonly seq: number;
  /** Where the object starts: `items[3]` of a List, or the document root. */
  readonly basePath: ObjectPath;
  /**
   * Range of the node at `path` (relative to the object). When the path does not exist the nearest existing
   * ancestor is used, so a "missing field" finding points at its parent. `key` covers the key and its value.
   */
  locate(path: ObjectPath, part?: 'key' | 'value'): SourceRange;
}

/** A problem found while reading the YAML itself (before any schema or rule). */
export interface ModelIssue {
  readonly rule: 'yaml-syntax' | 'schema';
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly file: string;
  readonly range: SourceRange;
  /** Set when the issue belongs to a document that still produced a resource. */
  readonly resource?: Resource;
  readonly path?: ObjectPath;
}

export interface ParseResult {
  readonly resources: Resource[];
  readonly issues: ModelIssue[];
}

/** `metadata.labels` style identity of a resource for messages and JSON. */
export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}
