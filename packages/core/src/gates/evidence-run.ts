import {spawn} from 'node:child_process'
import {stopProcessGroup} from '../process/kill-group.js'

/** How much of a command's output (stdout and stderr, interleaved) a result keeps: its last 4 KiB. */
export const OUTPUT_TAIL_BYTES = 4096
/** Between TERM and KILL when a command runs out of time (or leaves processes behind). */
export const VERIFY_KILL_GRACE_MS = 5000

export interface CommandRun {
  exit_code: number | null
  signal: string | null
  timed_out: boolean
  duration_ms: number
  output_tail: string
}

/** The only variables a verification command sees: no credential of dx-runner's or its providers' reaches it. */
const KEPT_ENV = /^(?:PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TERM|TZ|TMPDIR)$/
const SECRET_NAME = /TOKEN|KEY|SECRET|PASSW|CREDENTIAL|AUTH|OP_URI/i

/** A clean environment: the basics a build needs, nothing else (README "Evidence gate"). Pure. */
export function verificationEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined && KEPT_ENV.test(k) && !SECRET_NAME.test(k)) out[k] = v
  return out
}

/**
 * Run one verification command with `sh -c` in `cwd`, in its own session and process group, for at
 * most `timeoutMs`: then the whole group gets TERM, and KILL after the grace. Whatever the command
 * leaves behind in its group is ended too, so nothing of it outlives the gate.
 */
export function runVerification(command: string, cwd: string, env: Record<string, string>, timeoutMs: number, graceMs = VERIFY_KILL_GRACE_MS): Promise<CommandRun> {
  const started = Date.now()
  return new Promise((resolve) => {
    let tail = Buffer.alloc(0)
    const keep = (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk])
      if (tail.length > OUTPUT_TAIL_BYTES) tail = tail.subarray(tail.length - OUTPUT_TAIL_BYTES)
    }
    const child = spawn('/bin/sh', ['-c', command], {cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe']})
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    // the gate itself interrupted (Ctrl-C, a TERM): its command's group goes with it, never left behind
    const onSignal = (sig: NodeJS.Signals) => {
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {}
      }
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15))
    }
    const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
    for (const sig of SIGNALS) process.once(sig, onSignal)
    const release = () => {
      for (const sig of SIGNALS) process.removeListener(sig, onSignal)
    }
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid) void stopProcessGroup(child.pid, graceMs)
    }, timeoutMs)
    let closed = false
    const streamsClosed = new Promise<void>((r) => child.once('close', () => {
      closed = true
      r()
    }))
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      const finish = async () => {
        // the last output is read when the pipes close; a process that left the group could hold them: wait 2 s at most
        if (!closed) await Promise.race([streamsClosed, new Promise((r) => setTimeout(r, 2000))])
        child.stdout.destroy()
        child.stderr.destroy()
        release()
        resolve({
          exit_code: code,
          signal,
          timed_out: timedOut,
          duration_ms: Date.now() - started,
          output_tail: tail.toString('utf8'),
        })
      }
      // the group may outlive its leader (a backgrounded child): end it before answering
      if (child.pid) void stopProcessGroup(child.pid, graceMs).then(finish, finish)
      else void finish()
    })
    child.once('error', (e) => {
      // no process was made (cwd gone, no /bin/sh): there is no exit to wait for
      if (child.pid === undefined) {
        clearTimeout(timer)
        release()
        resolve({exit_code: null, signal: null, timed_out: false, duration_ms: Date.now() - started, output_tail: e.message})
      }
    })
  })
}
