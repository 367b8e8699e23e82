// Errors shared by the runner and the CLI; no heavy imports, so `lab list` and the dry-run stay fast.

export class NoDockerError extends Error {
  override name = 'NoDockerError';
}

/** The one line `lab up|check` prints without a Docker engine (exit 3). */
export const NO_DOCKER_LINE =
  'ambient-atlas lab: Docker is required for the real cluster (no working Docker engine found). Use `--dry-run` to check the lab without Docker, or do the lab in the browser at /labs/<id>/.';

/** True for the errors testcontainers raises when no runtime answers. */
export function isNoRuntimeError(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /Could not find a working container runtime strategy|ECONNREFUSED|ENOENT.*docker\.sock|connect EACCES/i.test(
    msg,
  );
}
