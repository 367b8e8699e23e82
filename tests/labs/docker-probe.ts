// Whether a Docker engine answers, for the test files that depend on it (never faked).
import { testcontainersLayer } from '../../labs/runner/docker.ts';

export async function dockerAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await testcontainersLayer().probe();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
