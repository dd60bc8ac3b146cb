// dx-runner-provider-exec: the job's prompt file is a shell script, and running it is the "agent".
// Written only against the public packages @dx-runner/provider and @dx-runner/provider-utils (types via JSDoc).
import {execFile} from 'node:child_process'
import {findExecutable, probeThroughCli} from '@dx-runner/provider-utils'

/** @typedef {import('@dx-runner/provider').ProviderV1} ProviderV1 */

const shellOf = (env) => env.DX_EXEC_SHELL || '/bin/sh'

/**
 * Lines a script may print to report what it did, e.g. `dx-exec: {"kind":"usage","input_tokens":3}`.
 * Anything else in the log is ordinary output.
 * @param {string} line
 * @returns {import('@dx-runner/provider').ProviderEvent | undefined}
 */
export function parseEvent(line) {
  const m = /^dx-exec: (\{.*\})\s*$/.exec(line)
  if (!m) return undefined
  try {
    const e = JSON.parse(m[1])
    if (e && typeof e === 'object' && ['usage', 'tool_call', 'text', 'error'].includes(e.kind)) return e
  } catch {}
  return undefined
}

/** @type {ProviderV1} */
export const execProvider = {
  specificationVersion: 'v1',
  name: 'exec',
  description: 'runs the prompt file as a shell script (DX_EXEC_SHELL, default /bin/sh) in the worktree',
  defaultModel: 'sh',

  // No credentials: a script needs none of ours.
  async resolveAuth() {
    return {source: 'none', env: {}}
  },

  async preflight(ctx) {
    const shell = shellOf(ctx.env)
    const bin = shell.includes('/') ? shell : findExecutable(shell, ctx.env.PATH)
    const ok = await new Promise((resolve) => {
      if (!bin) return resolve(false)
      execFile(bin, ['-c', 'exit 0'], {timeout: ctx.timeoutMs}, (error) => resolve(!error))
    })
    return {
      provider: 'exec',
      passed: ok,
      checks: [{name: 'shell', status: ok ? 'ok' : 'fail', detail: ok ? `${bin} runs` : `${shell} not found or not runnable; set DX_EXEC_SHELL`}],
    }
  },

  async probe(ctx, model = 'sh') {
    return probeThroughCli(execProvider, ctx, model, {input: 'echo OK\n'})
  },

  async selectModel(_ctx, requested) {
    return {selected_model: requested ?? 'sh', fallback_reason: 'none'}
  },

  // The script arrives on stdin (`sh -s`), so nothing of it is on a command line.
  buildLaunch(job, auth) {
    return {
      command: shellOf(process.env),
      args: ['-s'],
      env: {TMPDIR: job.tmpDir, DX_EXEC_BEADS: job.beads},
      secretEnv: {...auth.env},
      stdin: 'prompt',
      cwd: job.worktree,
    }
  },

  classifyExit(facts) {
      if (facts.timed_out) return {state: 'failed', reason_code: 'timeout'}
    const t = facts.telemetry
    const statuses = [t.error_status, t.last_retry?.status, t.result?.api_error_status]
    if (statuses.includes(401) || statuses.includes(403)) return {state: 'failed', reason_code: 'provider_auth_failed'}
    if (statuses.includes(429)) return {state: 'failed', reason_code: 'provider_rate_limited'}
    if (t.error_message !== undefined || t.error_status !== undefined || t.result?.is_error) return {state: 'failed', reason_code: 'provider_error_result'}
    return facts.exit_code === 0 ? {state: 'success', reason_code: 'outcome_exit_0'} : {state: 'failed', reason_code: 'process_exit_with_rc'}
  },

  parseEvent,
}
