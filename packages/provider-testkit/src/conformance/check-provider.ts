import {isDeepStrictEqual} from 'node:util'
import {
  REASON_CODES, Secret, SPECIFICATION_VERSION, validateDocument,
  type AuthResult, type ExitFacts, type JobSpec, type ProviderContext, type ProviderV1, type Telemetry,
} from '@dx-runner/core'

export interface ConformanceOptions {
  /** Recorded output lines of the real CLI (parseEvent must handle them without throwing). */
  fixtureLines?: string[]
  /** A context for preflight/probe shape checks; omit to skip the I/O checks (pure checks always run). */
  ctx?: ProviderContext
  /** Exit codes worth classifying for this CLI (defaults cover 0, 1, 2, 42, 53, 137, 143, 145). */
  exitCodes?: number[]
}

export interface ConformanceFinding {
  check: string
  passed: boolean
  message: string
}

const SENTINEL = 'dxr-conformance-secret-5b7e1c'
const VALID_STATES = new Set(['success', 'failed', 'killed', 'no_op'])
const EVENT_KINDS = new Set(['usage', 'tool_call', 'session', 'retry', 'error', 'result', 'text'])

function sampleJob(): JobSpec {
  return {beads: 'bd-conformance', worktree: '/tmp/agents/bd-conformance/repo', promptFile: '/tmp/agents/bd-conformance/prompt.md', model: 'model-x', tmpDir: '/tmp/dx-runner/p/bd-conformance.tmp'}
}
function sampleAuth(): AuthResult {
  return {source: 'CONFORMANCE', env: {CONFORMANCE_TOKEN: new Secret(SENTINEL)}, plainEnv: {CONFORMANCE_URL: 'http://127.0.0.1:1'}}
}

const telemetries: Record<string, Telemetry> = {
  none: {},
  ok: {result: {is_error: false}, input_tokens: 10, output_tokens: 5},
  'error result': {result: {is_error: true}},
  'retry 401': {last_retry: {status: 401}},
  'error 403': {error_status: 403},
  'retry 429': {last_retry: {status: 429}},
  'result 429': {result: {is_error: true, api_error_status: 429}},
}

/** Run every check of the v1 contract against a provider; returns readable findings, never throws. */
export async function checkProviderConformance(provider: ProviderV1, options: ConformanceOptions = {}): Promise<ConformanceFinding[]> {
  const out: ConformanceFinding[] = []
  const check = async (name: string, fn: () => void | Promise<void>) => {
    try {
      await fn()
      out.push({check: name, passed: true, message: 'ok'})
    } catch (error) {
      out.push({check: name, passed: false, message: `${provider?.name ?? 'provider'}: ${name}: ${(error as Error).message}`})
    }
  }
  const fail = (msg: string): never => {
    throw new Error(msg)
  }

  await check('specificationVersion is v1', () => {
    if (provider.specificationVersion !== SPECIFICATION_VERSION) fail(`specificationVersion is ${JSON.stringify(provider.specificationVersion)}, expected '${SPECIFICATION_VERSION}'`)
  })
  await check('identity fields', () => {
    if (typeof provider.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(provider.name)) fail(`name ${JSON.stringify(provider.name)} is not lower-case kebab (1-40 chars)`)
    if (typeof provider.description !== 'string' || !provider.description) fail('description is empty')
    if (typeof provider.defaultModel !== 'string' || !provider.defaultModel) fail('defaultModel is empty')
    for (const m of ['resolveAuth', 'preflight', 'probe', 'selectModel', 'buildLaunch', 'classifyExit'] as const) {
      if (typeof provider[m] !== 'function') fail(`${m} is not a function`)
    }
  })
  await check('buildLaunch is deterministic and does not mutate its inputs', () => {
    const job = Object.freeze(sampleJob())
    const auth = sampleAuth()
    Object.freeze(auth.env)
    Object.freeze(auth.plainEnv)
    const a = provider.buildLaunch(job, auth, 'model-x')
    const b = provider.buildLaunch(job, auth, 'model-x')
    const plain = (l: typeof a) => ({...l, secretEnv: Object.fromEntries(Object.entries(l.secretEnv ?? {}).map(([k, v]) => [k, v instanceof Secret ? v.reveal() : String(v)]))})
    if (!isDeepStrictEqual(plain(a), plain(b))) fail('two calls with the same inputs gave different launch specs')
  })
  await check('buildLaunch returns a well-formed launch spec', () => {
    const l = provider.buildLaunch(sampleJob(), sampleAuth(), 'model-x')
    if (typeof l.command !== 'string' || !l.command) fail('command is empty')
    if (!Array.isArray(l.args) || !l.args.every((x) => typeof x === 'string')) fail('args must be an array of strings')
    if (l.stdin !== 'prompt' && l.stdin !== 'null') fail(`stdin must be 'prompt' or 'null', got ${JSON.stringify(l.stdin)}`)
    if (typeof l.env !== 'object' || !Object.values(l.env).every((v) => typeof v === 'string')) fail('env values must be strings')
    if (typeof l.cwd !== 'string' || !l.cwd.startsWith('/')) fail('cwd must be an absolute path (the worktree)')
    for (const [k, v] of Object.entries(l.secretEnv ?? {})) if (!(v instanceof Secret)) fail(`secretEnv.${k} is not a Secret`)
  })
  await check('no secret in argv, command or plain env', () => {
    const l = provider.buildLaunch(sampleJob(), sampleAuth(), 'model-x')
    const visible = JSON.stringify({command: l.command, args: l.args, env: l.env, cwd: l.cwd})
    if (visible.includes(SENTINEL)) fail('the credential appears in command, args, env or cwd; pass it through secretEnv')
    const carried = Object.values(l.secretEnv ?? {}).some((v) => v instanceof Secret && v.reveal() === SENTINEL)
    if (!carried) fail('the credential from resolveAuth does not reach the agent through secretEnv')
  })
  await check('classifyExit maps every outcome to a documented reason code', () => {
    const codes = options.exitCodes ?? [0, 1, 2, 42, 53, 137, 143, 145]
    for (const exit_code of codes) {
      for (const [tname, telemetry] of Object.entries(telemetries)) {
        const facts: ExitFacts = {exit_code, telemetry}
        const c = provider.classifyExit(facts)
        if (!c || !VALID_STATES.has(c.state)) fail(`exit ${exit_code} with ${tname}: state ${JSON.stringify(c?.state)} is not success|failed|killed|no_op`)
        if (!(REASON_CODES as readonly string[]).includes(c.reason_code)) fail(`exit ${exit_code} with ${tname}: reason_code ${JSON.stringify(c.reason_code)} is not in SPEC.md's closed set`)
        if (!isDeepStrictEqual(c, provider.classifyExit(facts))) fail(`exit ${exit_code} with ${tname}: not deterministic`)
      }
    }
    const timedOut = provider.classifyExit({exit_code: 143, telemetry: {}, timed_out: true})
    if (timedOut.reason_code !== 'timeout') fail(`a timeout must be reason timeout, got ${timedOut.reason_code}`)
    const auth = provider.classifyExit({exit_code: 1, telemetry: {last_retry: {status: 401}}})
    if (auth.reason_code !== 'provider_auth_failed') fail(`a 401 must be provider_auth_failed, got ${auth.reason_code}`)
    const ok = provider.classifyExit({exit_code: 0, telemetry: telemetries.ok})
    if (ok.state !== 'success') fail(`exit 0 with a successful result must be success, got ${ok.state}/${ok.reason_code}`)
  })
  if (provider.parseEvent) {
    const parse = provider.parseEvent.bind(provider)
    await check('parseEvent is total and deterministic', () => {
      const garbage = ['', ' ', '{', '[]', 'null', '42', '"x"', '{"type":null}', '\u0000\u00ff', 'x'.repeat(100_000), '{"type":"result","usage":"nope"}', ...(options.fixtureLines ?? [])]
      for (const line of garbage) {
        let e
        try {
          e = parse(line)
        } catch (error) {
          fail(`threw on ${JSON.stringify(line.slice(0, 40))}: ${(error as Error).message}`)
        }
        if (e !== undefined && !EVENT_KINDS.has((e as {kind?: string}).kind ?? '')) fail(`returned an event of unknown kind ${JSON.stringify((e as {kind?: string}).kind)}`)
        if (!isDeepStrictEqual(e, parse(line))) fail(`not deterministic on ${JSON.stringify(line.slice(0, 40))}`)
      }
    })
  }
  if (options.ctx) {
    const ctx = options.ctx
    await check('preflight report matches the preflight schema', async () => {
      const r = await provider.preflight(ctx)
      const errors = await validateDocument('preflight', {passed: r.passed, providers: [r]})
      if (errors.length > 0) fail(errors.join('; '))
      if (r.provider !== provider.name) fail(`report names provider ${JSON.stringify(r.provider)}`)
      if (JSON.stringify(r).includes(SENTINEL)) fail('the report contains a credential')
    })
    await check('probe result matches the probe schema', async () => {
      const r = await provider.probe(ctx)
      const errors = await validateDocument('probe', r)
      if (errors.length > 0) fail(errors.join('; '))
    })
  }
  return out
}
