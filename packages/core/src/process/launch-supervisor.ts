import {spawn} from 'node:child_process'
import {statfsSync} from 'node:fs'
import {DxError, ExitCode} from '../errors.js'
import type {LaunchSpec} from '@dx-runner/provider'
import {findExecutable} from '@dx-runner/provider-utils'
import {readIdentityFile, type ProcessIdentity} from './identity.js'
import type {JobPaths} from '../store/job-paths.js'
import {SUPERVISOR_SCRIPT} from './supervisor-script.js'
import {registerSecretForRedaction} from '../logger.js'
import {faultPoint} from './fault-point.js'
import {createRequire} from 'node:module'

/** The script the supervisor runs with node when a job ends (redact-main.ts), found as a package path so a bundled caller finds it too. */
let redactor: string | undefined
function redactorPath(): string {
  return (redactor ??= createRequire(import.meta.url).resolve('@dx-runner/core/redact-main'))
}

/** The script the supervisor runs with node at a job's no-mutation deadline (no-mutation-main.ts). */
let noMutationCheck: string | undefined
function noMutationCheckPath(): string {
  return (noMutationCheck ??= createRequire(import.meta.url).resolve('@dx-runner/core/no-mutation-main'))
}

export interface SupervisorOptions {
  paths: JobPaths
  spec: LaunchSpec
  promptFile: string
  /** The environment the agent inherits before the spec's additions (normally process.env). */
  baseEnv: NodeJS.ProcessEnv
  timeoutSec?: number
  /** Seconds after the start at which the job is ended if it has changed nothing in its worktree (README "Run budgets"). */
  noMutationDeadlineSec?: number
  /** Run the agent under script(1) so it sees a terminal. */
  pty?: boolean
  /** How long to wait for the supervisor to record the agent's PID. */
  waitMs?: number
  /** Seconds between TERM and KILL when --timeout fires and when ending what the agent left behind (default 2). */
  graceSec?: number
  /** Redact the job's secrets from its directory when it ends (default true; README "Secrets"). */
  redact?: boolean
  /**
   * Runs after the supervisor is spawned and before its stdin closes: write the job's meta here.
   * The supervisor launches the agent only if the meta exists when stdin closes (the commit point).
   */
  commit?: () => void | Promise<void>
  /** Variables the queue's hand-off gets when the job ends (the credential source of the jobs it launches); never the agent's. */
  handOffEnv?: Record<string, string>
}

export interface Launched {
  monitor: ProcessIdentity
  agent: ProcessIdentity
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`
}

/** The supervisor's own environment: the agent's, minus every secret (those go through the pipe). */
export function supervisorEnv(spec: LaunchSpec, baseEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const secretValues = new Set(Object.values(spec.secretEnv).map((s) => s.reveal()))
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(baseEnv)) {
    if (v === undefined || secretValues.has(v)) continue
    env[k] = v
  }
  for (const k of spec.unsetEnv ?? []) delete env[k]
  for (const k of Object.keys(spec.secretEnv)) delete env[k]
  // the job marker belongs to the agent of this job only (a job started from inside another job is its own job)
  delete env.DX_RUNNER_JOB
  Object.assign(env, spec.env)
  return env
}

/** Start the detached supervisor and wait until it has recorded itself and the agent. */
export async function launchSupervisor(opts: SupervisorOptions): Promise<Launched> {
  const {paths, spec} = opts
  const env = supervisorEnv(spec, opts.baseEnv)
  const resolved = findExecutable(spec.command, env.PATH)
  if (!resolved) {
    throw new DxError(`agent command '${spec.command}' not found on PATH; run 'dx-runner preflight'`, {
      exitCode: ExitCode.preflightFailed,
    })
  }
  const secretLines = Object.entries(spec.secretEnv).map(([k, v]) => {
    const value = v.reveal()
    registerSecretForRedaction(value)
    if (/[\n\r\0]/.test(value)) throw new DxError(`secret for ${k} contains a newline or NUL`, {exitCode: ExitCode.authFailed})
    return `${k}=${value}\n`
  })
  for (const [k, value] of Object.entries(opts.handOffEnv ?? {})) {
    registerSecretForRedaction(value)
    if (/[\n\r\0]/.test(value) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) continue
    secretLines.push(`H:${k}=${value}\n`)
  }
  let argv = [resolved, ...spec.args]
  if (opts.pty) {
    const script = findExecutable('script', env.PATH)
    if (!script) throw new DxError("--pty needs script(1) (util-linux) on PATH", {exitCode: ExitCode.preflightFailed})
    argv = [script, '-qefc', argv.map(shellQuote).join(' '), '/dev/null']
  }
  const stdinFile = spec.stdin === 'prompt' ? opts.promptFile : ''
  const grace = Math.max(0.1, opts.graceSec ?? 2)
  const child = spawn(
    '/bin/sh',
    ['-c', SUPERVISOR_SCRIPT, 'dx-runner-supervisor', paths.dir, stdinFile, opts.timeoutSec ? String(opts.timeoutSec) : '', String(grace), String(Math.round(grace * 10)), process.execPath, opts.redact === false ? '' : redactorPath(), ...noMutationArgs(opts.noMutationDeadlineSec), ...argv],
    {cwd: spec.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'ignore']},
  )
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  await new Promise<void>((resolve, reject) => {
    child.stdin!.on('error', () => {})
    child.stdin!.write(secretLines.join(''), () => resolve())
    spawnError.then(reject)
  })
  faultPoint('after-spawn')
  const report = supervisorReport(child.stdout!, opts.waitMs ?? 10_000)
  const endGroup = () => {
    // Whatever happened, nothing of this attempt may run on: end the supervisor's group.
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {}
  }
  let committed = false
  try {
    await opts.commit?.()
    committed = true
  } finally {
    // EOF on its stdin is the supervisor's go/no-go moment; wait until the pipe is really closed
    await new Promise<void>((resolve) => {
      child.stdin!.once('close', () => resolve())
      child.stdin!.end()
    })
    if (!committed) {
      child.stdout!.destroy()
      endGroup()
    }
  }
  child.unref()
  const line = await report
  child.stdout!.destroy()
  if (line !== 'ok') {
    endGroup()
    const what = line?.startsWith('fail ') ? line.slice(5) : undefined
    throw new DxError(
      what
        ? `could not record the job: writing ${what} under ${paths.dir} failed${diskHint(paths.dir)}; the agent was not started`
        : `the supervisor did not record the agent within ${opts.waitMs ?? 10_000} ms; the agent was not started`,
    )
  }
  const monitor = readIdentityFile(paths.monitorPid)
  const agent = readIdentityFile(paths.pid)
  if (monitor.kind === 'ok' && agent.kind === 'ok') return {monitor: monitor.identity, agent: agent.identity}
  throw new DxError(`the supervisor reported the job recorded but ${paths.dir} holds no valid pid files`)
}

/** The supervisor's $8 and $9: the no-mutation deadline and its check script, or two empty arguments. */
function noMutationArgs(deadlineSec: number | undefined): [string, string] {
  return deadlineSec !== undefined && deadlineSec > 0 ? [String(deadlineSec), noMutationCheckPath()] : ['', '']
}

/** The supervisor's one-line answer ("ok" / "fail <what>"), or undefined at EOF or after `waitMs`. */
function supervisorReport(out: NodeJS.ReadableStream, waitMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buf = ''
    const done = (v: string | undefined) => {
      clearTimeout(timer)
      out.removeAllListeners('data')
      resolve(v)
    }
    const timer = setTimeout(() => done(undefined), waitMs)
    out.on('data', (d: Buffer) => {
      buf += d.toString('latin1')
      const nl = buf.indexOf('\n')
      if (nl >= 0) done(buf.slice(0, nl))
    })
    out.once('end', () => done(buf.includes('\n') ? buf.slice(0, buf.indexOf('\n')) : undefined))
    out.once('error', () => done(undefined))
  })
}

/** ": the file system is full" when it is, so the one line says why. */
function diskHint(dir: string): string {
  try {
    const st = statfsSync(dir)
    return st.bavail * st.bsize < 64 * 1024 || st.ffree === 0 ? ': no space left on device (ENOSPC)' : ''
  } catch {
    return ''
  }
}
