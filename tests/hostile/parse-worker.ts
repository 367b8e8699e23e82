// Runs the reader and the linter on one input in a worker thread, so that the test's hang guard can stop a run
// that takes too long (a synchronous loop in the test itself cannot be interrupted by a test timeout).
import { parentPort, workerData } from 'node:worker_threads';
import { parseManifests } from '../../src/lib/model/index.ts';
import { lint } from '../../src/lib/validator/index.ts';

const { text } = workerData as { text: string | Uint8Array };
const report = lint({ file: 'hostile.yaml', text });
const parsed = parseManifests({ file: 'hostile.yaml', text });
parentPort!.postMessage({
  resources: report.resources,
  findings: report.findings.map((f) => ({
    rule: f.rule,
    line: f.line,
    column: f.column,
    message: f.message,
    name: f.resource?.name,
  })),
  issues: parsed.issues.map((i) => i.message),
  objs: parsed.resources.map((r) => r.obj),
});
