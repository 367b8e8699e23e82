// Sidecar → ambient migration: audit and conversions (issue #7). Pure TypeScript, no Node built-ins.
export { migrate, migrateSources } from './migrate.ts';
export { toYaml } from './yaml.ts';
export { l7Attributes } from './policies.ts';
export type { MigrateFinding, MigrateOptions, MigrateSeverity, MigrationResult } from './types.ts';
