import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {DxError, findExecutable, telemetryFromLines, type ProbeResult, type ProviderContext} from '@dx-runner/core'
import {buildLaunch} from './build-launch.js'
import {classifyExit} from './classify-exit.js'
import {parseEvent} from './parse-event.js'
import {resolveAuth} from './resolve-auth.js'

/** One tiny real request through gemini, with a timeout. */
export async function probe(ctx: ProviderContext, model = 'gemini-2.5-pro'): Promise<ProbeResult> {
  const base = {provider: 'gemini', model}
  const started = Date.now()
  let auth
  try {
    auth = await resolveAuth(ctx)
  } catch (error) {
    return {...base, answered: false, latency_ms: 0, reason_code: 'provider_auth_failed', detail: DxError.isInstance(error) ? error.message : String(error)}
  }
  const bin = findExecutable('gemini', ctx.env.PATH)
  if (!bin) return {...base, answered: false, latency_ms: 0, reason_code: 'process_exit_with_rc', detail: 'gemini not found on PATH'}
  const tmp = mkdtempSync(join(tmpdir(), 'dx-runner-probe-'))
  try {
    const spec = buildLaunch({beads: 'probe', worktree: tmp, promptFile: '', model, tmpDir: tmp}, auth, model)
    for (const f of spec.files ?? []) {
      mkdirSync(dirname(join(tmp, f.path)), {recursive: true})
      writeFileSync(join(tmp, f.path), f.content, {mode: 0o600})
    }
    const env: NodeJS.ProcessEnv = {...ctx.env, ...spec.env}
    for (const k of spec.unsetEnv ?? []) delete env[k]
    for (const [k, v] of Object.entries(spec.secretEnv)) env[k] = v.reveal()
    const r = await new Promise<{code: number | null; out: string; timedOut: boolean}>((resolve) => {
      const child = spawn(bin, spec.args, {cwd: tmp, env, detached: true, stdio: ['pipe', 'pipe', 'pipe']})
      let out = ''
      let timedOut = false
      child.stdout.on('data', (d) => (out += d))
      child.stderr.on('data', (d) => (out += d))
      const timer = setTimeout(() => {
        timedOut = true
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {}
      }, ctx.timeoutMs)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({code, out, timedOut})
      })
      child.on('error', () => resolve({code: 127, out, timedOut}))
      child.stdin.end('Reply with the single word OK.\n')
    })
    const latency = Date.now() - started
    if (r.timedOut) return {...base, answered: false, latency_ms: latency, reason_code: 'timeout', detail: `no answer within ${ctx.timeoutMs} ms`}
    const telemetry = telemetryFromLines(r.out.split('\n'), parseEvent)
    const cls = classifyExit({exit_code: r.code ?? -1, telemetry})
    const answered = cls.state === 'success'
    return {...base, answered, latency_ms: latency, reason_code: cls.reason_code, detail: answered ? 'answered' : (telemetry.result?.text ?? `gemini exited ${r.code}`).slice(0, 200)}
  } finally {
    rmSync(tmp, {recursive: true, force: true})
  }
}
