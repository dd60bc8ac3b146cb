import {spawn} from 'node:child_process'
import {accessSync, constants, statSync} from 'node:fs'
import {delimiter, isAbsolute, join} from 'node:path'
import {DxError, ExitCode} from '../errors.js'
import type {LaunchSpec} from '../provider/provider-v1.js'
import {readIdentityFile, type ProcessIdentity} from './identity.js'
import type {JobPaths} from './job-paths.js'
import {SUPERVISOR_SCRIPT} from './supervisor-script.js'
import {registerSecretForRedaction} from '../logger.js'
import {faultPoint} from './fault-point.js'

export interface LaunchOptions {
  paths: JobPaths
  spec: LaunchSpec
  promptFile: string
  /** The environment the agent inherits before the spec's additions (normally process.env). */
  baseEnv: NodeJS.ProcessEnv
  timeoutSec?: number
  /** Run the agent under script(1) so it sees a terminal. */
  pty?: boolean
  /** How long to wait for the supervisor to record the agent's PID. */
  waitMs?: number
  /**
   * Runs after the supervisor is spawned and before its stdin closes: write the job's meta here.
   * The supervisor launches the agent only if the meta exists when stdin closes (the commit point).
   */
  commit?: () => void | Promise<void>
}

export interface Launched {
  monitor: ProcessIdentity
  agent: ProcessIdentity
}

/** Find a command on PATH the way a shell would; undefined when absent. */
export function findExecutable(command: string, path: string | undefined): string | undefined {
  const isExec = (p: string) => {
    try {
      accessSync(p, constants.X_OK)
      return statSync(p).isFile()
    } catch {
      return false
    }
  }
  if (command.includes('/')) return isExec(command) ? command : undefined
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue
    const p = join(dir, command)
    if (isExec(p)) return p
  }
  return undefined
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
  Object.assign(env, spec.env)
  return env
}

/** Start the detached supervisor and wait until it has recorded itself and the agent. */
export async function launchSupervisor(opts: LaunchOptions): Promise<Launched> {
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
  let argv = [resolved, ...spec.args]
  if (opts.pty) {
    const script = findExecutable('script', env.PATH)
    if (!script) throw new DxError("--pty needs script(1) (util-linux) on PATH", {exitCode: ExitCode.preflightFailed})
    argv = [script, '-qefc', argv.map(shellQuote).join(' '), '/dev/null']
  }
  const stdinFile = spec.stdin === 'prompt' ? opts.promptFile : ''
  const child = spawn(
    '/bin/sh',
    ['-c', SUPERVISOR_SCRIPT, 'dx-runner-supervisor', paths.dir, paths.beads, stdinFile, opts.timeoutSec ? String(opts.timeoutSec) : '', ...argv],
    {cwd: spec.cwd, env, detached: true, stdio: ['pipe', 'ignore', 'ignore']},
  )
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  await new Promise<void>((resolve, reject) => {
    child.stdin!.on('error', () => {})
    child.stdin!.write(secretLines.join(''), () => resolve())
    spawnError.then(reject)
  })
  faultPoint('after-spawn')
  try {
    await opts.commit?.()
  } finally {
    // EOF on its stdin is the supervisor's go/no-go moment; wait until the pipe is really closed
    await new Promise<void>((resolve) => {
      child.stdin!.once('close', () => resolve())
      child.stdin!.end()
    })
  }
  child.unref()
  const deadline = Date.now() + (opts.waitMs ?? 10_000)
  for (;;) {
    const monitor = readIdentityFile(paths.monitorPid)
    const agent = readIdentityFile(paths.pid)
    if (monitor.kind === 'ok' && agent.kind === 'ok') return {monitor: monitor.identity, agent: agent.identity}
    if (Date.now() > deadline) {
      throw new DxError(`the supervisor did not record the agent within ${opts.waitMs ?? 10_000} ms (see ${paths.log})`)
    }
    await new Promise((r) => setTimeout(r, 5))
  }
}
