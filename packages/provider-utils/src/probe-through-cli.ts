import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DxError, type ProbeResult, type ProviderContext, type ProviderV1, type Telemetry} from '@dx-runner/provider'
import {findExecutable} from './find-executable.js'
import {writeLaunchFiles, writeSecretFiles} from './launch-files.js'
import {runBounded} from './run-bounded.js'
import {telemetryFromLines} from './fold-telemetry.js'

export interface CliProbeOptions {
  /** Extra plain environment for the probe only (e.g. no retries). */
  env?: Record<string, string>
  /** Words for a successful answer's detail; default "answered". */
  describe?: (telemetry: Telemetry) => string
  /** What the probe sends on stdin (default: a request to answer OK). */
  input?: string
}

/**
 * One tiny real request through a provider's own CLI, as a job would run it (its buildLaunch, its
 * parser, its classifier) but in a throwaway directory, bounded by ctx.timeoutMs, its process group
 * killed on timeout. Never throws for a provider failure: the result says what happened.
 */
export async function probeThroughCli(provider: ProviderV1, ctx: ProviderContext, model: string, options: CliProbeOptions = {}): Promise<ProbeResult> {
  const base = {provider: provider.name, model}
  const started = Date.now()
  let auth
  try {
    auth = await provider.resolveAuth(ctx)
  } catch (error) {
    return {...base, answered: false, latency_ms: 0, reason_code: 'provider_auth_failed', detail: DxError.isInstance(error) ? error.message : String(error)}
  }
  const tmp = mkdtempSync(join(tmpdir(), 'dx-runner-probe-'))
  try {
    const spec = provider.buildLaunch({beads: 'probe', worktree: tmp, promptFile: '', model, tmpDir: tmp}, auth, model, {purpose: 'probe'})
    const bin = findExecutable(spec.command, ctx.env.PATH)
    if (!bin) return {...base, answered: false, latency_ms: 0, reason_code: 'process_exit_with_rc', detail: `${spec.command} not found on PATH`}
    writeLaunchFiles(tmp, spec, provider.name)
    writeSecretFiles(tmp, spec, provider.name)
    // the agent's environment as a job gets it: the caller's, minus unsetEnv, plus env, plus secretEnv
    const env: NodeJS.ProcessEnv = {...ctx.env}
    for (const k of spec.unsetEnv ?? []) delete env[k]
    Object.assign(env, spec.env, options.env)
    for (const [k, v] of Object.entries(spec.secretEnv)) env[k] = v.reveal()
    const input = spec.stdin === 'prompt' ? (options.input ?? 'Reply with the single word OK.\n') : ''
    const r = await runBounded(bin, spec.args, {cwd: tmp, env, input, timeoutMs: ctx.timeoutMs})
    const code = r.spawnError ? 127 : r.code
    const latency = Date.now() - started
    if (r.timedOut) return {...base, answered: false, latency_ms: latency, reason_code: 'timeout', detail: `no answer within ${ctx.timeoutMs} ms`}
    const telemetry = telemetryFromLines(r.output.split('\n'), provider.parseEvent)
    const cls = provider.classifyExit({exit_code: code ?? -1, telemetry})
    const answered = cls.state === 'success'
    const detail = answered ? (options.describe?.(telemetry) ?? 'answered') : (telemetry.result?.text ?? telemetry.error_message ?? `${spec.command} exited ${code}`).slice(0, 200)
    return {...base, answered, latency_ms: latency, reason_code: cls.reason_code, detail}
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
}
