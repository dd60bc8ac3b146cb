/** What a failed command reports: one stderr line, and with --json also one error document on stdout. */
export interface Failure {
  message: string
  exitCode: number
  reasonCode?: string
}

/** The `error` document (schema `error`): what a script reads on stdout when a --json command fails. */
export function errorDoc(f: Failure): {error: {exit_code: number; reason_code: string | null; message: string}} {
  return {error: {exit_code: f.exitCode, reason_code: f.reasonCode ?? null, message: oneLine(f.message)}}
}

/** The one way a failure is printed, by oclif commands (DxCommand.catch) and the fast path alike. */
export function printFailure(f: Failure, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(errorDoc(f), null, 2)}\n`)
  process.stderr.write(`dx-runner: ${oneLine(f.message)}\n`)
  process.exitCode = f.exitCode
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g

/** Fold a (possibly multi-line, coloured oclif) message into one plain line: the errors, without oclif's headers and hints. */
export function oneLine(s: string): string {
  const lines = s
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^The following errors? occurred:?$/.test(l) && !/^See more help with/.test(l))
  return (lines.join('; ') || 'error').replace(/^Error:\s*/, '')
}
