/**
 * The virtual cluster shell: `run(ctx, state, input) → { output, state, exitCode }`. Pure apart from the clock and
 * dice in the context: the same state and input give the same output, and the input state is never mutated.
 * Unknown commands and malformed input produce a message, never an exception (a property test checks this).
 */
import { kindOf, meshOf, nameOf, namespaceOf, podsOf } from './cluster.ts';
import type { StoredObject } from './cluster.ts';
import { escapeControl } from './escape.ts';
import { escapeMarked } from './marks.ts';
import type { OutputMark } from './marks.ts';
import { istioctl, ISTIOCTL_SUBCOMMANDS, WAYPOINT_SUBCOMMANDS } from './istioctl.ts';
import { ZTUNNEL_CONFIG_SUBCOMMANDS } from './ztunnel-config.ts';
import { applyTrusted, kubectl, KUBECTL_SUBCOMMANDS } from './kubectl/index.ts';
import {
  DATAPLANE_AMBIENT,
  DATAPLANE_NONE,
  LABEL_DATAPLANE_MODE,
  LABEL_USE_WAYPOINT,
  LABEL_USE_WAYPOINT_NAMESPACE,
  LABEL_WAYPOINT_FOR,
  WAYPOINT_CLASS,
} from '../ambient/labels.ts';
import { resolveType, typeWords } from '../ambient/kinds.ts';
import { findSubstitutions, needsMoreInput, parseCommandLine, wordsForCompletion } from './parse.ts';
import type { Pipeline } from './parse.ts';
import { fileNames } from './session.ts';
import { TEXT_BUILTINS } from './textutils.ts';
import type { Io, Program, Session } from './session.ts';
import type { Completion, RunResult, ShellContext, ShellState } from './types.ts';

export { needsMoreInput };

const HISTORY_MAX = 200;
const OUTPUT_MAX = 256 * 1024;
const MAX_DEPTH = 4;

/** Objects every cluster has before the lab's own manifests (Istio installed in ambient mode). */
function baseline(now: number): StoredObject[] {
  const ts = new Date(now).toISOString();
  const ns = (name: string, labels?: Record<string, string>): StoredObject => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, creationTimestamp: ts, ...(labels ? { labels } : {}) },
  });
  const gc = (name: string, controller: string): StoredObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name, creationTimestamp: ts },
    spec: { controllerName: controller },
  });
  return [
    ns('default'),
    ns('kube-system'),
    ns('istio-system'),
    gc('istio', 'istio.io/gateway-controller'),
    gc('istio-remote', 'istio.io/unmanaged-gateway'),
    gc(WAYPOINT_CLASS, 'istio.io/mesh-controller'),
  ];
}

const silent: Io = { stdin: '', out: () => {}, err: () => {} };

/** A fresh cluster for the lab: the baseline plus the lab's setup manifests, applied in order. */
export function initialState(ctx: ShellContext): ShellState {
  const now = (ctx.now ?? Date.now)();
  const s: Session = { objects: baseline(now - 5 * 60_000), env: {}, ctx, now: now - 4 * 60_000, random: () => 0 };
  for (const f of ctx.setup) {
    // The lab's own manifests are trusted: applied without admission; the silent Io drops the output.
    applyTrusted(s, ['-f', f], { ...silent });
  }
  return { version: 1, lab: ctx.lab, objects: s.objects, history: [], env: { ...(ctx.env ?? {}) } };
}

const HELP = `Ambient Atlas virtual cluster — a simulated Kubernetes cluster with Istio ambient mode, in your browser.
Requests are answered by the Ambient Atlas simulator; applies are checked by its validator.

  kubectl apply -f - <<EOF … EOF     apply YAML typed or pasted here (end with a line EOF)
  kubectl apply -f FILE              apply one of the lab's manifests (\`ls\` lists them)
  kubectl get|describe|delete|label  pods, svc, ns, deploy, gateway, authorizationpolicy, httproute, …
  kubectl patch TYPE NAME --type merge|json -p '…'   change an object in place
  kubectl exec deploy/curl -n bookinfo -- curl -s http://productpage:9080/productpage
  kubectl logs -n istio-system ds/ztunnel, kubectl logs -n NS deploy/waypoint [--tail N]
                                     the proxies' access logs for the requests made in this session
  istioctl waypoint apply|list|status|delete, istioctl x describe pod|svc NAME
  istioctl ztunnel-config workloads|services|policies|connections|all, istioctl proxy-status
  istioctl analyze [-n NS | -A] [-f FILE]   the validator's findings in istioctl's format
  echo, cat, grep, sort, uniq, head, tail, wc, seq, export, env, history, ls
  reset                              start the lab's cluster again   clear   clear the screen

Keys: ↑/↓ history, Tab completion, Ctrl+C cancels the line, Ctrl+L clears. Esc then Tab leaves the terminal.
`;

const builtins: Record<string, Program> = {
  kubectl,
  k: kubectl,
  istioctl,
  help: (_s, _a, io) => {
    io.out(HELP);
    return 0;
  },
  echo: (_s, argv, io) => {
    let noNl = false;
    let args = argv;
    if (args[0] === '-n') {
      noNl = true;
      args = args.slice(1);
    }
    io.out(args.join(' ') + (noNl ? '' : '\n'));
    return 0;
  },
  cat: (s, argv, io) => {
    if (!argv.length || argv[0] === '-') {
      io.out(io.stdin);
      return 0;
    }
    let code = 0;
    for (const f of argv) {
      const t = s.ctx.files[f.replace(/^\.\//, '')];
      if (t === undefined) {
        io.err(`cat: ${f}: No such file or directory\n`);
        code = 1;
      } else io.out(t);
    }
    return code;
  },
  ls: (s, _argv, io) => {
    const names = Object.keys(s.ctx.files).sort();
    io.out(names.length ? names.join('\n') + '\n' : '(no manifest files for this lab)\n');
    return 0;
  },
  ...TEXT_BUILTINS,
  export: (s, argv, io) => {
    for (const a of argv) {
      const eq = a.indexOf('=');
      if (eq > 0) s.env[a.slice(0, eq)] = a.slice(eq + 1);
      else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a)) {
        io.err(`export: \`${a}': not a valid identifier\n`);
        return 1;
      }
    }
    return 0;
  },
  unset: (s, argv) => {
    for (const a of argv) delete s.env[a];
    return 0;
  },
  env: (s, _a, io) => {
    io.out(
      Object.entries(s.env)
        .filter(([k]) => k !== '?')
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return 0;
  },
  true: () => 0,
  false: () => 1,
  sleep: () => 0,
  watch: (_s, _a, io) => {
    io.err('watch: the virtual cluster changes only when you run a command; run the command again instead\n');
    return 1;
  },
  curl: (_s, _a, io) => {
    io.err(
      'curl: this shell is outside the cluster. Run curl inside a client pod, e.g.\n  kubectl exec -n bookinfo deploy/curl -- curl -s http://productpage:9080/productpage\n',
    );
    return 127;
  },
  exit: (_s, _a, io) => {
    io.err('exit: this terminal stays open; press Escape then Tab to move focus out of it\n');
    return 0;
  },
};

const ALL_COMMANDS = [...Object.keys(builtins), 'clear', 'history', 'reset'].sort();

interface Out {
  text: string;
  truncated: boolean;
  /** The terminal's sink, not a capture for `$(…)` or a loop's pipe: its text is escaped and keeps its marks. */
  readonly terminal: boolean;
  /** Enforcement-point marks in `text` (marks.ts). */
  marks: OutputMark[];
}

const newOut = (terminal = false): Out => ({ text: '', truncated: false, terminal, marks: [] });

/** Append text; for the terminal's sink escaped (escape.ts), its marks kept in step with the escaping. */
function append(o: Out, raw: string, rawMarks: readonly OutputMark[] = []): void {
  if (o.truncated) return;
  const { text: t, marks } = o.terminal ? escapeMarked(raw, rawMarks) : { text: raw, marks: [] };
  const base = o.text.length;
  const room = OUTPUT_MAX - base;
  for (const m of marks) if (m.end <= room) o.marks.push({ start: m.start + base, end: m.end + base, at: m.at });
  if (t.length > room) {
    o.text += t.slice(0, Math.max(0, room)) + '\n[output truncated]\n';
    o.truncated = true;
  } else o.text += t;
}

/** Run a pipeline. The last command's stdout goes to `stdout`, every stderr to `stderr` (the same sink keeps order). */
async function runPipeline(s: Session, pl: Pipeline, stdout: Out, stderr: Out, initialStdin: string): Promise<number> {
  let stdin = initialStdin;
  let code = 0;
  for (let i = 0; i < pl.commands.length; i++) {
    const c = pl.commands[i]!;
    const last = i === pl.commands.length - 1;
    let buf = '';
    // Piped on, output is the next command's input: data, so its marks stay behind.
    const writeOut = (t: string, marks?: readonly OutputMark[]) => {
      if (c.discardStdout) return;
      if (last) append(stdout, t, marks);
      else buf += t;
    };
    const io: Io = {
      stdin: c.stdin ?? stdin,
      out: writeOut,
      err: (t, marks) => {
        if (c.stderrToStdout) writeOut(t, marks);
        else if (!c.discardStderr) append(stderr, t, marks);
      },
    };
    if (!c.argv.length) {
      for (const [k, v] of c.assignments) s.env[k] = v;
      code = 0;
    } else {
      const [name, ...args] = c.argv;
      const saved = { ...s.env };
      for (const [k, v] of c.assignments) s.env[k] = v;
      const prog = Object.hasOwn(builtins, name!) ? builtins[name!] : undefined;
      if (prog) code = await prog(s, args, io);
      else if (name === 'for' || name === 'while' || name === 'if' || name === 'do' || name === 'done') {
        io.err(`${name}: only one-line loops of the form \`for X in WORDS; do COMMANDS; done\` are supported\n`);
        code = 2;
      } else {
        const hint = suggest(name!);
        io.err(
          `${name}: command not found${hint ? ` (did you mean \`${hint}\`?)` : ''}. Type \`help\` for what this virtual cluster supports.\n`,
        );
        code = 127;
      }
      if (c.assignments.length) {
        for (const [k] of c.assignments) {
          if (k in saved) s.env[k] = saved[k]!;
          else delete s.env[k];
        }
      }
    }
    stdin = buf;
  }
  return code;
}

function suggest(word: string): string | undefined {
  const w = word.toLowerCase();
  if (w === 'kubectl.exe' || w === 'kubeclt' || w === 'kubctl' || w === 'kubetcl') return 'kubectl';
  if (w === 'istioclt' || w === 'istio') return 'istioctl';
  return ALL_COMMANDS.find((c) => c.length > 2 && (c.startsWith(w) || w.startsWith(c)));
}

const FOR_RE = /^\s*for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+([^;]*);\s*do\s+(.*?);?\s*done\s*(\|.*)?$/s;

async function runText(s: Session, text: string, stdout: Out, stderr: Out, depth: number): Promise<number> {
  if (depth > MAX_DEPTH) {
    append(stderr, 'error: command substitution nested too deeply\n');
    return 2;
  }
  // $(…) first, left to right, each in the same session; its stdout replaces it (newlines become spaces).
  const subs = findSubstitutions(text);
  if (subs.length) {
    let rebuilt = '';
    let pos = 0;
    for (const sub of subs) {
      const captured = newOut();
      await runText(s, sub.inner, captured, stderr, depth + 1);
      rebuilt += text.slice(pos, sub.start) + captured.text.replace(/\n+$/, '').replace(/\n/g, ' ');
      pos = sub.end;
    }
    text = rebuilt + text.slice(pos);
  }
  const loop = FOR_RE.exec(text);
  if (loop) {
    const [, v, wordsText, body, rest] = loop;
    const words = parseCommandLine(`echo ${wordsText}`, s.env);
    const items = 'error' in words ? [] : (words.items[0]?.pipeline.commands[0]?.argv.slice(1) ?? []);
    const collected = newOut();
    let code = 0;
    for (const item of items.slice(0, 200)) {
      s.env[v!] = item;
      code = await runText(s, body!, rest ? collected : stdout, stderr, depth + 1);
    }
    if (!rest) return code;
    const restParsed = parseCommandLine(rest.replace(/^\s*\|/, ''), s.env);
    if ('error' in restParsed || !restParsed.items.length) {
      append(stderr, `-vshell: ${'error' in restParsed ? restParsed.error : 'syntax error after done |'}\n`);
      return 2;
    }
    return runPipeline(s, restParsed.items[0]!.pipeline, stdout, stderr, collected.text);
  }
  const parsed = parseCommandLine(text, s.env);
  if ('error' in parsed) {
    append(stderr, `-vshell: ${parsed.error}\n`);
    return 2;
  }
  let code = 0;
  for (const item of parsed.items) {
    if (item.op === '&&' && code !== 0) continue;
    if (item.op === '||' && code === 0) continue;
    code = await runPipeline(s, item.pipeline, stdout, stderr, '');
    s.env['?'] = String(code);
  }
  return code;
}

/**
 * Run one input (possibly several lines, e.g. a command with its here-document). Never throws. The output is the one
 * sink for the terminal: control characters in it (all of it is data) come back visibly escaped (escape.ts). What
 * commands print is escaped as it is appended (so enforcement-point marks stay aligned); this last pass covers the
 * rest (history, an internal error's message) and changes nothing already escaped, so the marks stay valid.
 */
export async function run(ctx: ShellContext, state: ShellState, input: string): Promise<RunResult> {
  const r = await runRaw(ctx, state, input);
  return r.output ? { ...r, output: escapeControl(r.output) } : r;
}

async function runRaw(ctx: ShellContext, state: ShellState, input: string): Promise<RunResult> {
  const text = input.replace(/\r\n?/g, '\n');
  const trimmed = text.trim();
  const history =
    trimmed && state.history[state.history.length - 1] !== trimmed
      ? [...state.history, trimmed].slice(-HISTORY_MAX)
      : state.history;
  const now = (ctx.now ?? Date.now)();
  const base = { ...state, history };
  if (!trimmed) return { output: '', exitCode: 0, state: base };
  const first = trimmed.split(/\s+/)[0];
  if (first === 'clear' && trimmed === 'clear') return { output: '', exitCode: 0, state: base, clear: true };
  if (first === 'history') {
    return {
      output: history
        .map((h, i) => `${String(i + 1).padStart(5)}  ${h.split('\n')[0]}${h.includes('\n') ? ' …' : ''}\n`)
        .join(''),
      exitCode: 0,
      state: base,
    };
  }
  if (trimmed === 'reset') {
    const fresh = initialState(ctx);
    return {
      output: `Virtual cluster reset: ${ctx.lab === 'playground' ? 'bookinfo' : `the start of lab ${ctx.lab}`} (${fresh.objects.length} objects).\n`,
      exitCode: 0,
      state: { ...fresh, history },
    };
  }
  const s: Session = {
    objects: state.objects,
    env: { ...state.env },
    ctx,
    now,
    random: ctx.random ?? Math.random,
    traffic: [...(state.traffic ?? [])],
  };
  const out = newOut(true);
  let code: number;
  try {
    code = await runText(s, text, out, out, 0);
  } catch (err) {
    // A bug in the shell must not take the terminal down: report it and keep the previous cluster state.
    return {
      output: `${out.text}vshell: internal error: ${err instanceof Error ? err.message : String(err)}\n(the cluster is unchanged; please report this input)\n`,
      exitCode: 70,
      state: base,
    };
  }
  const env = { ...s.env, '?': String(code) };
  const traffic = s.traffic?.length ? { traffic: s.traffic } : {};
  return {
    output: out.text,
    exitCode: code,
    state: { version: 1, lab: state.lab, objects: s.objects, history, env, ...traffic },
    ...(out.marks.length ? { marks: out.marks } : {}),
  };
}

// ── completion ────────────────────────────────────────────────────────────────────────────────────

function commonPrefix(words: readonly string[]): string {
  if (!words.length) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

function flagValue(words: readonly string[], names: readonly string[]): string | undefined {
  for (let i = words.length - 2; i >= 0; i--) if (names.includes(words[i]!)) return words[i + 1];
  for (const w of words) for (const n of names) if (w.startsWith(`${n}=`)) return w.slice(n.length + 1);
  return undefined;
}

/** Candidates for the word under the cursor (the end of `line`). */
export function complete(ctx: ShellContext, state: ShellState, line: string): Completion {
  const { words, partial } = wordsForCompletion(line);
  const done = (cands: readonly string[]): Completion => {
    const c = [...new Set(cands)].filter((x) => x.startsWith(partial)).sort();
    return { candidates: c, partial, common: c.length ? commonPrefix(c) : partial };
  };
  const objects = state.objects;
  const namespaces = objects.filter((o) => kindOf(o) === 'Namespace').map(nameOf);
  const prev = words[words.length - 1];
  if (!words.length) return done(ALL_COMMANDS);
  if (prev === '-n' || prev === '--namespace') return done(namespaces);
  if (prev === '-f' || prev === '--filename') return done(['-', ...fileNames(ctx)]);
  if (prev === '-o' || prev === '--output')
    return done(['wide', 'yaml', 'json', 'name', 'jsonpath=', 'custom-columns=']);
  if (prev === '--for') return done(['service', 'workload', 'all', 'none']);
  const ns = flagValue(words, ['-n', '--namespace']) ?? 'default';
  const positional = words.filter(
    (w, i) =>
      !w.startsWith('-') &&
      !['-n', '--namespace', '-o', '--output', '-f', '-l', '-c', '--name', '--for'].includes(words[i - 1] ?? ''),
  );
  const [cmd, sub, ...more] = positional;
  if (partial.startsWith('-')) {
    if (cmd === 'kubectl' || cmd === 'k')
      return done([
        '-n',
        '--namespace',
        '-A',
        '--all-namespaces',
        '-o',
        '-f',
        '-l',
        '--show-labels',
        '--overwrite',
        '--tail',
        '--type',
        '-p',
      ]);
    if (cmd === 'istioctl')
      return done(['-n', '--namespace', '--name', '--for', '--enroll-namespace', '--overwrite', '--wait', '-A']);
    if (cmd === 'curl') return done(['-s', '-S', '-sS', '-i', '-v', '-X', '-H', '-o', '-w']);
    return done([]);
  }
  if (cmd === 'kubectl' || cmd === 'k') {
    if (positional.length === 1) return done(KUBECTL_SUBCOMMANDS);
    if (sub === 'exec') {
      if (words.includes('--')) {
        const after = words.slice(words.indexOf('--') + 1);
        if (!after.length) return done(['curl']);
        const svcs = meshOf(objects).mesh.services.filter((x) => x.kind === 'Service');
        return done(
          svcs.flatMap((x) =>
            x.ports.map((p) =>
              x.namespace === ns ? `http://${x.name}:${p.port}/` : `http://${x.name}.${x.namespace}:${p.port}/`,
            ),
          ),
        );
      }
      return done([
        ...objects.filter((o) => kindOf(o) === 'Deployment' && namespaceOf(o) === ns).map((o) => `deploy/${nameOf(o)}`),
        ...podsOf(objects)
          .filter((p) => p.namespace === ns && p.workload)
          .map((p) => p.name),
        '--',
      ]);
    }
    if (sub === 'logs' && more.length === 0 && !partial.includes('/'))
      return done([
        ...(ns === 'istio-system' ? ['ds/ztunnel'] : []),
        ...namesOf(objects, 'Gateway', ns, true).map((n) => `deploy/${n}`),
        ...namesOf(objects, 'Pod', ns, true),
      ]);
    if (['get', 'describe', 'delete', 'label', 'patch'].includes(sub ?? '')) {
      if (more.length === 0) {
        if (partial.includes('/')) {
          const t = resolveType(partial.slice(0, partial.indexOf('/')));
          if (!t) return done([]);
          const pre = partial.slice(0, partial.indexOf('/') + 1);
          return done(namesOf(objects, t.kind, ns, t.namespaced).map((n) => pre + n));
        }
        return done([...typeWords(), ...(sub === 'get' ? ['all'] : [])]);
      }
      const t = resolveType(more[0]!);
      if (!t) return done([]);
      if (sub === 'label' && more.length >= 2)
        return done([
          `${LABEL_DATAPLANE_MODE}=${DATAPLANE_AMBIENT}`,
          `${LABEL_DATAPLANE_MODE}=${DATAPLANE_NONE}`,
          `${LABEL_USE_WAYPOINT}=`,
          `${LABEL_USE_WAYPOINT_NAMESPACE}=`,
          `${LABEL_WAYPOINT_FOR}=`,
        ]);
      return done(namesOf(objects, t.kind, ns, t.namespaced));
    }
    return done([]);
  }
  if (cmd === 'istioctl') {
    if (positional.length === 1) return done(ISTIOCTL_SUBCOMMANDS);
    if (sub === 'waypoint' && positional.length === 2) return done(WAYPOINT_SUBCOMMANDS);
    if ((sub === 'x' || sub === 'experimental') && positional.length === 2) return done(['describe']);
    if ((sub === 'x' || sub === 'experimental') && positional.length === 3) return done(['pod', 'svc']);
    if ((sub === 'x' || sub === 'experimental') && positional.length === 4) {
      if (more[1] === 'pod')
        return done(
          podsOf(objects)
            .filter((p) => p.namespace === ns)
            .map((p) => p.name),
        );
      return done(namesOf(objects, 'Service', ns, true));
    }
    if (sub === 'waypoint' && more[0] === 'delete') return done(namesOf(objects, 'Gateway', ns, true));
    if ((sub === 'ztunnel-config' || sub === 'zc') && positional.length === 2) return done(ZTUNNEL_CONFIG_SUBCOMMANDS);
    return done([]);
  }
  if (cmd === 'cat') return done(fileNames(ctx));
  return done([]);
}

function namesOf(objects: readonly StoredObject[], kind: string, ns: string, namespaced: boolean): string[] {
  if (kind === 'Pod')
    return podsOf(objects)
      .filter((p) => p.namespace === ns)
      .map((p) => p.name);
  return objects.filter((o) => kindOf(o) === kind && (!namespaced || namespaceOf(o) === ns)).map(nameOf);
}

export function objectCount(state: ShellState): number {
  return state.objects.length;
}
