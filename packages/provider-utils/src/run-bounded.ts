import {spawn} from 'node:child_process'

export interface BoundedRun {
  /** exit code; null when killed (by the time limit or a signal) or never started */
  code: number | null
  stdout: string
  stderr: string
  /** stdout and stderr as they came, interleaved */
  output: string
  timedOut: boolean
  /** set when the command could not be started at all */
  spawnError?: Error
}

export interface BoundedRunOptions {
  timeoutMs: number
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** written to stdin, which is then closed; without it stdin is /dev/null */
  input?: string | Buffer
}

/**
 * Run a command in its own process group and collect its output, bounded in time: when the time
 * runs out, the whole group is SIGKILLed (a CLI's helpers go with it). Never rejects.
 */
export function runBounded(command: string, args: readonly string[], opts: BoundedRunOptions): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {cwd: opts.cwd, env: opts.env, detached: true, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let output = ''
    let timedOut = false
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      output += d
    })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      output += d
    })
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {}
    }, opts.timeoutMs)
    child.on('error', (spawnError) => {
      clearTimeout(timer)
      resolve({code: null, stdout, stderr, output, timedOut, spawnError})
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr, output, timedOut})
    })
    if (child.stdin) {
      child.stdin.on('error', () => {}) // the command may exit without reading it all: its exit code tells
      child.stdin.end(opts.input)
    }
  })
}
