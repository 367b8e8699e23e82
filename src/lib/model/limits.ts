/**
 * Caps that keep hostile input bounded. They are generous for real manifests (a 5 MB `kubectl get -o yaml`
 * dump parses) and stop alias bombs and pathological nesting long before they cost seconds.
 */
export const LIMITS = {
  /** Bytes (UTF-16 code units for strings) of one input. */
  maxInputSize: 8 * 1024 * 1024,
  /** Aliases resolved per document; the `yaml` default is 100. */
  maxAliasCount: 1000,
  /** Nodes produced by alias expansion per document (billion-laughs guard). */
  maxExpandedNodes: 200_000,
  /** Collection nesting depth. */
  maxDepth: 200,
  /** Documents per input. */
  maxDocuments: 50_000,
  /**
   * YAML syntax errors reported per document; the rest are counted in one last finding. Reading a stream stops
   * once it has produced this many errors outside any document (a million stray `]` are a million errors).
   */
  maxSyntaxErrors: 100,
} as const;
