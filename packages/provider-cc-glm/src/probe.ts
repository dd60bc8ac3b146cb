import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {DxError, telemetryFromLines, type ProbeResult, type ProviderContext} from '@dx-runner/core'
import {buildLaunch} from './build-launch.js'
import {classifyExit} from './classify-exit.js'
import {parseEvent} from './parse-event.js'
import {findClaude} from './preflight.js'
import {resolveAuth} from './resolve-auth.js'

/** One tiny real request through claude: does the model answer now? */
export async function probe(ctx: ProviderContext, model = 'glm-5'): Promise<ProbeResult> {
  const base = {provider: 'cc-glm', model}
  const started = Date.now()
  let auth
  try {
    auth = await resolveAuth(ctx)
  } catch (error) {
    return {...base, answered: false, latency_ms: 0, reason_code: 'provider_auth_failed', detail: DxError.isInstance(error) ? error.message : String(error)}
  }
  const bin = findClaude(ctx.env.PATH)
  if (!bin) return {...base, answered: false, latency_ms: 0, reason_code: 'process_exit_with_rc', detail: 'claude not found on PATH'}
  const tmp = mkdtempSync(join(tmpdir(), 'dx-runner-probe-'))
  try {
    const spec = buildLaunch({beads: 'probe', worktree: tmp, promptFile: '', model, tmpDir: tmp}, auth, model)
    const env: NodeJS.ProcessEnv = {...ctx.env, ...spec.env, CLAUDE_CODE_MAX_RETRIES: '0'}
    for (const k of spec.unsetEnv ?? []) delete env[k]
    for (const [k, v] of Object.entries(spec.secretEnv)) env[k] = v.reveal()
    const r = await new Promise<{code: number | null; stdout: string; timedOut: boolean}>((resolve) => {
      const child = spawn(bin, spec.args, {cwd: tmp, env, detached: true, stdio: ['pipe', 'pipe', 'pipe']})
      let stdout = ''
      let timedOut = false
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stdout += d))
      const timer = setTimeout(() => {
        timedOut = true
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {}
      }, ctx.timeoutMs)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({code, stdout, timedOut})
      })
      child.on('error', () => resolve({code: 127, stdout, timedOut}))
      child.stdin.end('Reply with the single word OK.\n')
    })
    const latency = Date.now() - started
    if (r.timedOut) return {...base, answered: false, latency_ms: latency, reason_code: 'timeout', detail: `no answer within ${ctx.timeoutMs} ms`}
    const telemetry = telemetryFromLines(r.stdout.split('\n'), parseEvent)
    const cls = classifyExit({exit_code: r.code ?? -1, telemetry})
    const answered = cls.state === 'success'
    const detail = answered ? `answered: ${JSON.stringify((telemetry.result?.text ?? '').slice(0, 60))}` : (telemetry.result?.text ?? `claude exited ${r.code}`).slice(0, 200)
    return {...base, answered, latency_ms: latency, reason_code: cls.reason_code, detail}
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
}
