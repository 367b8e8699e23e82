/** What a command needs from the process, so commands are testable without spawning. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<Uint8Array>;
  readonly cwd: string;
  readonly color: boolean;
}

export type Command = (argv: string[], io: CliIo) => Promise<number>;

export class UsageError extends Error {}

/** Exit codes shared by every subcommand (DESIGN §4). */
export const EXIT = { ok: 0, findings: 1, usage: 2, noDocker: 3 } as const;

export function notImplemented(name: string, issue: number): Command {
  return async (_argv, io) => {
    io.stderr(`ambient-atlas ${name}: not implemented yet (tracked in issue #${issue}).\n`);
    return EXIT.usage;
  };
}
