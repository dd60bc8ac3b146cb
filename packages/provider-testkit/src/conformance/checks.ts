import {isDeepStrictEqual} from 'node:util'
import {isAbsolute, normalize} from 'node:path'
import {isSecret, PROVIDER_NAME_RE, REASON_CODES, SPECIFICATION_VERSION, validateDocument, type ExitFacts, type LaunchSpec, type ProviderContext, type ProviderV1, type Telemetry} from '@dx-runner/core'
import {SAMPLE_MODEL, SAMPLE_SECRETS, sampleAuth, sampleJob} from './sample-inputs.js'
import {fieldPath, firstDifference, revealed, whereIsSecret} from './find-secret.js'

export interface ConformanceOptions {
  /** Recorded output lines of the real CLI (parseEvent must handle them without throwing). */
  fixtureLines?: string[]
  /** A context for preflight/probe shape checks; omit to skip the I/O checks (pure checks always run). */
  ctx?: ProviderContext
  /** Exit codes worth classifying for this CLI (defaults cover 0, 1, 2, 42, 53, 137, 143, 145). */
  exitCodes?: number[]
}

/** One rule of the ProviderV1 contract the kit enforces; `run` throws an Error saying precisely what is wrong. */
export interface ConformanceCheck {
  /** its number in the testkit README's list of rules */
  rule: number
  /** the rule, in the README's words */
  title: string
  /** what the provider or the options must have for the rule to apply (otherwise it is not run) */
  needs?: 'ctx' | 'parseEvent'
  run(provider: ProviderV1, options: ConformanceOptions): void | Promise<void>
}

const VALID_STATES = ['success', 'failed', 'killed', 'no_op']
const EVENT_KINDS = ['usage', 'tool_call', 'session', 'retry', 'error', 'warning', 'result', 'text']
const DEFAULT_EXIT_CODES = [0, 1, 2, 42, 53, 137, 143, 145]

const telemetries: Record<string, Telemetry> = {
  none: {},
  ok: {result: {is_error: false}, input_tokens: 10, output_tokens: 5},
  'error result': {result: {is_error: true}},
  'retry 401': {last_retry: {status: 401}},
  'error 403': {error_status: 403},
  'retry 429': {last_retry: {status: 429}},
  'result 429': {result: {is_error: true, api_error_status: 429}},
}

function fail(message: string): never {
  throw new Error(message)
}

/** A value as a message shows it: JSON, with nothing for undefined. */
function show(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (isSecret(v)) return 'a Secret'
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}

/** buildLaunch on the kit's sample job, auth and model; a throw is reported as such. */
function launch(provider: ProviderV1): LaunchSpec {
  let spec: LaunchSpec
  try {
    spec = provider.buildLaunch(sampleJob(), sampleAuth(), SAMPLE_MODEL)
  } catch (error) {
    fail(`buildLaunch threw on the sample job: ${(error as Error).message}`)
  }
  if (spec === null || typeof spec !== 'object') fail(`buildLaunch returned ${show(spec)}, not a launch spec object`)
  return spec
}

/** Where buildLaunch put a sample secret among the given top-level fields of its spec. */
function leaks(spec: LaunchSpec, fields: readonly string[]): string[] {
  const out: string[] = []
  for (const [name, value] of Object.entries(SAMPLE_SECRETS)) {
    for (const field of fields) {
      if (!(field in spec)) continue
      for (const hit of whereIsSecret((spec as unknown as Record<string, unknown>)[field], value, field)) {
        out.push(`buildLaunch put the secret into ${hit.field}${hit.how} (the value of auth.env.${name})`)
      }
    }
  }
  return out
}

function noLeak(spec: LaunchSpec, fields: readonly string[]): void {
  const found = leaks(spec, fields)
  if (found.length > 0) fail(`${found.join('; ')}; a secret reaches the agent only through secretEnv`)
}

function classify(provider: ProviderV1, facts: ExitFacts, what: string) {
  try {
    return provider.classifyExit(facts)
  } catch (error) {
    fail(`classifyExit threw on ${what}: ${(error as Error).message}`)
  }
}

/** preflight or probe on the options' ctx; a missing method or a throw is reported as such. */
async function ask<M extends 'preflight' | 'probe'>(provider: ProviderV1, method: M, ctx: ProviderContext): Promise<Awaited<ReturnType<ProviderV1[M]>>> {
  if (typeof provider[method] !== 'function') fail(`${method} is missing, so there is nothing to check`)
  try {
    return (await provider[method](ctx)) as Awaited<ReturnType<ProviderV1[M]>>
  } catch (error) {
    fail(`${method} threw: ${(error as Error).message}`)
  }
}

function garbageLines(options: ConformanceOptions): string[] {
  return ['', ' ', '{', '[]', 'null', '42', '"x"', '{"type":null}', '\u0000\u00ff', 'x'.repeat(100_000), '{"type":"result","usage":"nope"}', ...(options.fixtureLines ?? [])]
}
const lineLabel = (line: string): string => JSON.stringify(line.slice(0, 40))

/** Every rule, in the README's order. */
export const CONFORMANCE_CHECKS: readonly ConformanceCheck[] = [
  {
    rule: 1,
    title: "specificationVersion is 'v1'",
    run(p) {
      if (p.specificationVersion !== SPECIFICATION_VERSION) fail(`specificationVersion is ${show(p.specificationVersion)}, expected '${SPECIFICATION_VERSION}'`)
    },
  },
  {
    rule: 2,
    title: 'name is lower-case kebab-case, 1 to 40 characters (a-z, 0-9, -; not starting with -)',
    run(p) {
      if (typeof p.name !== 'string' || !PROVIDER_NAME_RE.test(p.name)) fail(`name ${show(p.name)} is not lower-case kebab-case of 1 to 40 characters`)
    },
  },
  {
    rule: 3,
    title: 'description and defaultModel are non-empty strings',
    run(p) {
      for (const f of ['description', 'defaultModel'] as const) if (typeof p[f] !== 'string' || !p[f]) fail(`${f} is ${show(p[f])}, expected a non-empty string`)
    },
  },
  {
    rule: 4,
    title: 'resolveAuth, preflight, probe, selectModel, buildLaunch and classifyExit are functions; so is parseEvent when present',
    run(p) {
      for (const m of ['resolveAuth', 'preflight', 'probe', 'selectModel', 'buildLaunch', 'classifyExit'] as const) {
        if (typeof p[m] !== 'function') fail(`${m} is ${p[m] === undefined ? 'missing' : `a ${typeof p[m]}`}, expected a function`)
      }
      if (p.parseEvent !== undefined && typeof p.parseEvent !== 'function') fail(`parseEvent is a ${typeof p.parseEvent}, expected a function`)
    },
  },
  {
    rule: 5,
    title: 'buildLaunch gives the same launch spec for the same job, auth and model',
    run(p) {
      const d = firstDifference(revealed(launch(p)), revealed(launch(p)))
      if (d !== undefined) fail(`two calls with the same inputs gave different ${d}`)
    },
  },
  {
    rule: 6,
    title: 'buildLaunch does not change the job or the auth it is given',
    run(p) {
      const job = sampleJob()
      const auth = sampleAuth()
      const before = revealed({job, auth})
      try {
        p.buildLaunch(job, auth, SAMPLE_MODEL)
      } catch (error) {
        fail(`buildLaunch threw on the sample job: ${(error as Error).message}`)
      }
      const d = firstDifference(before, revealed({job, auth}))
      if (d !== undefined) fail(`buildLaunch changed its input ${d}`)
    },
  },
  {
    rule: 7,
    title: 'command is a non-empty string',
    run(p) {
      const {command} = launch(p)
      if (typeof command !== 'string' || !command) fail(`command is ${show(command)}, expected the agent CLI's name or path`)
    },
  },
  {
    rule: 8,
    title: 'args is an array of strings',
    run(p) {
      const {args} = launch(p)
      if (!Array.isArray(args)) fail(`args is ${show(args)}, expected an array of strings`)
      args.forEach((a, i) => {
        if (typeof a !== 'string') fail(`args[${i}] is ${show(a)}, expected a string`)
      })
    },
  },
  {
    rule: 9,
    title: 'env is an object whose values are all strings',
    run(p) {
      const {env} = launch(p)
      if (env === null || typeof env !== 'object' || Array.isArray(env)) fail(`env is ${show(env)}, expected an object of strings`)
      for (const [k, v] of Object.entries(env as Record<string, unknown>)) if (typeof v !== 'string') fail(`${fieldPath('env', k)} is ${show(v)}, expected a string${isSecret(v) ? ' (a Secret goes in secretEnv)' : ''}`)
    },
  },
  {
    rule: 10,
    title: "stdin is 'prompt' or 'null'",
    run(p) {
      const {stdin} = launch(p)
      if (stdin !== 'prompt' && stdin !== 'null') fail(`stdin is ${show(stdin)}, expected 'prompt' or 'null'`)
    },
  },
  {
    rule: 11,
    title: 'cwd is an absolute path (normally the job\'s worktree)',
    run(p) {
      const {cwd} = launch(p)
      if (typeof cwd !== 'string' || !isAbsolute(cwd)) fail(`cwd is ${show(cwd)}, expected an absolute path`)
    },
  },
  {
    rule: 12,
    title: 'unsetEnv, when given, is an array of variable names',
    run(p) {
      const {unsetEnv} = launch(p)
      if (unsetEnv === undefined) return
      if (!Array.isArray(unsetEnv)) fail(`unsetEnv is ${show(unsetEnv)}, expected an array of variable names`)
      unsetEnv.forEach((n, i) => {
        if (typeof n !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) fail(`unsetEnv[${i}] is ${show(n)}, expected a variable name`)
      })
    },
  },
  {
    rule: 13,
    title: "files, when given, is an array of {path, content} strings; each path is relative and stays inside the job's directory",
    run(p) {
      const {files} = launch(p)
      if (files === undefined) return
      if (!Array.isArray(files)) fail(`files is ${show(files)}, expected an array of {path, content}`)
      files.forEach((f, i) => {
        if (f === null || typeof f !== 'object') fail(`files[${i}] is ${show(f)}, expected {path, content}`)
        if (typeof f.path !== 'string' || !f.path) fail(`files[${i}].path is ${show(f.path)}, expected a relative path`)
        if (typeof f.content !== 'string') fail(`files[${i}].content is ${show(f.content)}, expected a string`)
        if (isAbsolute(f.path)) fail(`files[${i}].path ${show(f.path)} is absolute; file paths are relative to the job's directory (JobSpec.tmpDir)`)
        const n = normalize(f.path)
        if (n === '..' || n.startsWith('../') || n === '.') fail(`files[${i}].path ${show(f.path)} leaves the job's directory`)
      })
    },
  },
  {
    rule: 14,
    title: 'secretEnv is an object whose values are all Secrets',
    run(p) {
      const {secretEnv} = launch(p)
      if (secretEnv === null || typeof secretEnv !== 'object' || Array.isArray(secretEnv)) fail(`secretEnv is ${show(secretEnv)}, expected an object of Secrets`)
      for (const [k, v] of Object.entries(secretEnv)) {
        if (!isSecret(v)) fail(`${fieldPath('secretEnv', k)} is ${typeof v === 'string' ? 'a plain string' : show(v)}, expected a Secret (pass auth.env's entries as they are)`)
      }
    },
  },
  {
    rule: 15,
    title: 'every auth.env entry reaches the agent through secretEnv, under the same name, with the same value',
    run(p) {
      const secretEnv = (launch(p).secretEnv ?? {}) as Record<string, unknown>
      for (const [name, value] of Object.entries(SAMPLE_SECRETS)) {
        const got = secretEnv[name]
        const where = fieldPath('secretEnv', name)
        if (got === undefined) fail(`${where} is missing: buildLaunch must pass every auth.env entry through as secretEnv (e.g. secretEnv: {...auth.env})`)
        if (!isSecret(got)) fail(`${where} is ${typeof got === 'string' ? 'a plain string' : show(got)}, not the Secret from auth.env.${name}`)
        if (got.reveal() !== value) fail(`${where} holds another value than auth.env.${name}`)
      }
    },
  },
  {
    rule: 16,
    title: 'no secret on the command line: command and args never hold a secret\'s value',
    run(p) {
      noLeak(launch(p), ['command', 'args'])
    },
  },
  {
    rule: 17,
    title: 'no secret in plain env: no name or value in env holds a secret\'s value',
    run(p) {
      noLeak(launch(p), ['env'])
    },
  },
  {
    rule: 18,
    title: 'no secret in files: no file\'s path or content holds a secret\'s value',
    run(p) {
      noLeak(launch(p), ['files'])
    },
  },
  {
    rule: 19,
    title: 'no secret anywhere else in the launch spec (cwd, unsetEnv, stdin, any other field): secretEnv is its only way to the agent',
    run(p) {
      const spec = launch(p)
      noLeak(spec, Object.keys(spec).filter((k) => !['secretEnv', 'command', 'args', 'env', 'files'].includes(k)))
    },
  },
  {
    rule: 20,
    title: 'classifyExit gives a state of success, failed, killed or no_op and a reason code from SPEC.md\'s closed set, for every exit code with every telemetry',
    run(p, o) {
      for (const exit_code of o.exitCodes ?? DEFAULT_EXIT_CODES) {
        for (const [tname, telemetry] of Object.entries(telemetries)) {
          const what = `exit ${exit_code} with telemetry '${tname}'`
          const c = classify(p, {exit_code, telemetry}, what)
          if (c === null || typeof c !== 'object') fail(`${what}: classifyExit returned ${show(c)}, expected {state, reason_code}`)
          if (!VALID_STATES.includes(c.state)) fail(`${what}: state ${show(c.state)} is not one of ${VALID_STATES.join(', ')}`)
          if (!(REASON_CODES as readonly string[]).includes(c.reason_code)) fail(`${what}: reason_code ${show(c.reason_code)} is not in SPEC.md's closed set`)
        }
      }
    },
  },
  {
    rule: 21,
    title: 'classifyExit gives the same answer for the same facts',
    run(p, o) {
      for (const exit_code of o.exitCodes ?? DEFAULT_EXIT_CODES) {
        for (const [tname, telemetry] of Object.entries(telemetries)) {
          const what = `exit ${exit_code} with telemetry '${tname}'`
          const a = classify(p, {exit_code, telemetry}, what)
          const b = classify(p, {exit_code, telemetry}, what)
          if (!isDeepStrictEqual(a, b)) fail(`${what}: first ${show(a)}, then ${show(b)}`)
        }
      }
    },
  },
  {
    rule: 22,
    title: 'a failed run whose CLI retried with no HTTP answer (last_retry without a status) is not provider_auth_failed',
    run(p) {
      const c = classify(p, {exit_code: 1, telemetry: {last_retry: {error: 'unknown', attempt: 3}}}, 'retries with nothing answering')
      if (c?.reason_code === 'provider_auth_failed') fail('exit 1 after retries with no HTTP status gave provider_auth_failed: nothing refused the key (an unreachable endpoint is provider_unreachable or process_exit_with_rc)')
    },
  },
  {
    rule: 23,
    title: 'a job that timed out (timed_out) has reason timeout',
    run(p) {
      const c = classify(p, {exit_code: 143, telemetry: {}, timed_out: true}, 'a timeout')
      if (c?.reason_code !== 'timeout') fail(`a timeout gave reason_code ${show(c?.reason_code)}, expected timeout`)
    },
  },
  {
    rule: 24,
    title: 'a 401 the CLI retried on (telemetry.last_retry.status 401) has reason provider_auth_failed',
    run(p) {
      const c = classify(p, {exit_code: 1, telemetry: {last_retry: {status: 401}}}, 'a 401')
      if (c?.reason_code !== 'provider_auth_failed') fail(`exit 1 after a 401 retry gave reason_code ${show(c?.reason_code)}, expected provider_auth_failed`)
    },
  },
  {
    rule: 25,
    title: 'exit 0 with a successful result is success',
    run(p) {
      const c = classify(p, {exit_code: 0, telemetry: telemetries.ok}, 'exit 0')
      if (c?.state !== 'success') fail(`exit 0 with a successful result gave ${show(c?.state)}/${show(c?.reason_code)}, expected state success`)
    },
  },
  {
    rule: 26,
    title: "parseEvent never throws, on garbage or on the CLI's recorded lines (options.fixtureLines)",
    needs: 'parseEvent',
    run(p, o) {
      for (const line of garbageLines(o)) {
        try {
          p.parseEvent!(line)
        } catch (error) {
          fail(`parseEvent threw on ${lineLabel(line)}: ${(error as Error).message}`)
        }
      }
    },
  },
  {
    rule: 27,
    title: `parseEvent returns no event or an event of a known kind (${EVENT_KINDS.join(', ')})`,
    needs: 'parseEvent',
    run(p, o) {
      for (const line of garbageLines(o)) {
        let e: unknown
        try {
          e = p.parseEvent!(line)
        } catch {
          continue // rule 26 reports throws
        }
        if (e === undefined) continue
        const kind = (e as {kind?: unknown} | null)?.kind
        if (!EVENT_KINDS.includes(kind as string)) fail(`parseEvent on ${lineLabel(line)} returned ${e === null ? 'null' : `an event of kind ${show(kind)}`}, expected no event or one of kind ${EVENT_KINDS.join(', ')}`)
      }
    },
  },
  {
    rule: 28,
    title: 'parseEvent gives the same event for the same line',
    needs: 'parseEvent',
    run(p, o) {
      for (const line of garbageLines(o)) {
        let a: unknown
        let b: unknown
        try {
          a = p.parseEvent!(line)
          b = p.parseEvent!(line)
        } catch {
          continue // rule 26 reports throws
        }
        const d = firstDifference(a, b)
        if (d !== undefined) fail(`parseEvent on ${lineLabel(line)} gave different ${d === '(the whole value)' ? 'events' : d} on two calls`)
      }
    },
  },
  {
    rule: 29,
    title: "preflight's report matches the preflight schema (with options.ctx)",
    needs: 'ctx',
    async run(p, o) {
      const r = await ask(p, 'preflight', o.ctx!)
      const errors = await validateDocument('preflight', {passed: r?.passed, providers: [r]})
      if (errors.length > 0) fail(`the preflight report does not match the schema: ${errors.join('; ')}`)
    },
  },
  {
    rule: 30,
    title: "preflight's report names the provider (with options.ctx)",
    needs: 'ctx',
    async run(p, o) {
      const r = await ask(p, 'preflight', o.ctx!)
      if (r?.provider !== p.name) fail(`the preflight report's provider is ${show(r?.provider)}, expected ${show(p.name)}`)
    },
  },
  {
    rule: 31,
    title: "probe's result matches the probe schema (with options.ctx)",
    needs: 'ctx',
    async run(p, o) {
      const r = await ask(p, 'probe', o.ctx!)
      const errors = await validateDocument('probe', r)
      if (errors.length > 0) fail(`the probe result does not match the schema: ${errors.join('; ')}`)
    },
  },
]

/** The checks that apply to this provider with these options (the others need a ctx or a parseEvent it does not have). */
export function applicableChecks(provider: ProviderV1, options: ConformanceOptions): ConformanceCheck[] {
  return CONFORMANCE_CHECKS.filter((c) => (c.needs === 'ctx' ? options.ctx !== undefined : c.needs === 'parseEvent' ? typeof provider?.parseEvent === 'function' : true))
}
