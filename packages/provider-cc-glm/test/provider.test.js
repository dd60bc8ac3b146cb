import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {DxError, Secret} from '@dx-runner/provider'
import {recordedFixtures} from '@dx-runner/provider-testkit'
import {buildLaunch, ccGlmProvider, classifyExit, DEFAULT_OP_URI, parseEvent, preflight, resolveAuth} from '../dist/index.js'
import hook from '../dist/hooks/provider.js'

const {index, lines, telemetryOf} = recordedFixtures(join(dirname(fileURLToPath(import.meta.url)), 'fixtures'), ccGlmProvider)

const dir = mkdtempSync(join(tmpdir(), 'cc-glm-test-'))
after(() => rmSync(dir, {recursive: true, force: true}))

/** A fake 1Password CLI: prints a token per reference and records what it was asked. */
function fakeOp(token = 'tok-from-op') {
  const bin = mkdtempSync(join(dir, 'bin-'))
  const log = join(bin, 'calls.log')
  writeFileSync(join(bin, 'op'), `#!/bin/sh\necho "$@" >> '${log}'\n[ "$1" = read ] || exit 2\nprintf '%s' '${token}'\n`)
  chmodSync(join(bin, 'op'), 0o755)
  return {path: `${bin}:/usr/bin:/bin`, log}
}
const ctx = (env) => ({env: {PATH: '/usr/bin:/bin', ...env}, cwd: dir, timeoutMs: 5000})
const rejects = async (p) => {
  try {
    await p
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('cc-glm resolveAuth', () => {
  const tokenFile = join(dir, 'token')
  writeFileSync(tokenFile, 'tok-from-file\n')
  const op = fakeOp()
  const table = [
    ['CC_GLM_AUTH_TOKEN beats everything', {CC_GLM_AUTH_TOKEN: 'tok-env', CC_GLM_TOKEN_FILE: tokenFile, ZAI_API_KEY: 'tok-zai', CC_GLM_OP_URI: 'op://a/b/c', PATH: op.path}, 'CC_GLM_AUTH_TOKEN', 'tok-env'],
    ['then CC_GLM_TOKEN_FILE', {CC_GLM_TOKEN_FILE: tokenFile, ZAI_API_KEY: 'tok-zai', CC_GLM_OP_URI: 'op://a/b/c', PATH: op.path}, 'CC_GLM_TOKEN_FILE', 'tok-from-file'],
    ['then ZAI_API_KEY (plain)', {ZAI_API_KEY: 'tok-zai', CC_GLM_OP_URI: 'op://a/b/c', PATH: op.path}, 'ZAI_API_KEY', 'tok-zai'],
    ['then ZAI_API_KEY as an op:// reference', {ZAI_API_KEY: 'op://vault/item/field', CC_GLM_OP_URI: 'op://a/b/c', PATH: op.path}, 'op://vault/item/field', 'tok-from-op'],
    ['then CC_GLM_OP_URI', {CC_GLM_OP_URI: 'op://a/b/c', PATH: op.path}, 'op://a/b/c', 'tok-from-op'],
    ['then the default op:// reference', {PATH: op.path}, DEFAULT_OP_URI, 'tok-from-op'],
  ]
  for (const [name, env, source, token] of table) {
    it(name, async () => {
      const r = await resolveAuth(ctx(env))
      expect(r.source).to.equal(source)
      expect(r.env.ANTHROPIC_AUTH_TOKEN.reveal()).to.equal(token)
      expect(JSON.stringify(r)).to.not.include(token)
    })
  }
  it('asks op for the reference (never a secret on its argv)', async () => {
    await resolveAuth(ctx({CC_GLM_OP_URI: 'op://x/y/z', PATH: op.path}))
    expect(readFileSync(op.log, 'utf8')).to.include('read --no-newline op://x/y/z')
  })
  it('no source and no op → exit 10 naming the variables', async () => {
    const e = await rejects(resolveAuth(ctx({})))
    expect(DxError.isInstance(e)).to.equal(true)
    expect(e.exitCode).to.equal(10)
    for (const v of ['CC_GLM_AUTH_TOKEN', 'CC_GLM_TOKEN_FILE', 'ZAI_API_KEY', 'CC_GLM_OP_URI']) expect(e.message).to.include(v)
  })
  it('an op:// reference without op → exit 10 saying so', async () => {
    const e = await rejects(resolveAuth(ctx({CC_GLM_OP_URI: 'op://a/b/c'})))
    expect(e.exitCode).to.equal(10)
    expect(e.message).to.match(/`op` is not on PATH/)
  })
  it('op failing → exit 10 naming the reference', async () => {
    const bin = mkdtempSync(join(dir, 'badop-'))
    writeFileSync(join(bin, 'op'), '#!/bin/sh\necho "not signed in" >&2\nexit 1\n')
    chmodSync(join(bin, 'op'), 0o755)
    const e = await rejects(resolveAuth(ctx({CC_GLM_OP_URI: 'op://a/b/c', PATH: `${bin}:/usr/bin:/bin`})))
    expect(e.exitCode).to.equal(10)
    expect(e.message).to.include('op://a/b/c')
  })
  it('CC_GLM_TOKEN_FILE missing, empty or a directory → exit 11', async () => {
    const empty = join(dir, 'empty-token')
    writeFileSync(empty, '  \n')
    for (const f of [join(dir, 'nope'), empty, dir]) {
      const e = await rejects(resolveAuth(ctx({CC_GLM_TOKEN_FILE: f})))
      expect(e.exitCode, f).to.equal(11)
      expect(e.message).to.include('CC_GLM_TOKEN_FILE')
    }
  })
  it('CC_GLM_TOKEN_FILE as a FIFO → exit 11 at once (not waited on)', async () => {
    const fifo = join(dir, 'fifo-token')
    execFileSync('mkfifo', [fifo])
    const e = await rejects(resolveAuth(ctx({CC_GLM_TOKEN_FILE: fifo})))
    expect(e.exitCode).to.equal(11)
    expect(e.message).to.include('not a regular file')
  })
  it('a CC_GLM_TOKEN_FILE group or others can access carries a warning; 0600 none', async () => {
    const f = join(dir, 'open-token')
    writeFileSync(f, 'tok-open\n')
    for (const [mode, warned] of [[0o644, true], [0o640, true], [0o604, true], [0o600, false], [0o400, false]]) {
      chmodSync(f, mode)
      const auth = await resolveAuth(ctx({CC_GLM_TOKEN_FILE: f}))
      expect(auth.env.ANTHROPIC_AUTH_TOKEN.reveal(), mode.toString(8)).to.equal('tok-open')
      expect((auth.warnings ?? []).map((w) => w.name), mode.toString(8)).to.deep.equal(warned ? ['token file'] : [])
    }
  })
  it('uses CC_GLM_BASE_URL, else Z.ai', async () => {
    expect((await resolveAuth(ctx({CC_GLM_AUTH_TOKEN: 't'}))).plainEnv.ANTHROPIC_BASE_URL).to.equal('https://api.z.ai/api/anthropic')
    expect((await resolveAuth(ctx({CC_GLM_AUTH_TOKEN: 't', CC_GLM_BASE_URL: 'http://127.0.0.1:9/x'}))).plainEnv.ANTHROPIC_BASE_URL).to.equal('http://127.0.0.1:9/x')
  })
})

describe('cc-glm resolveAuth pinned to the source a job started with (restart)', () => {
  const tokenFile = join(dir, 'pinned-token')
  writeFileSync(tokenFile, 'tok-from-file\n')
  const op = fakeOp()
  const pinned = (authSource, env) => resolveAuth({...ctx(env), authSource})
  it('a token file stays the source even when CC_GLM_AUTH_TOKEN is set now', async () => {
    const r = await pinned('CC_GLM_TOKEN_FILE', {CC_GLM_AUTH_TOKEN: 'tok-env', CC_GLM_TOKEN_FILE: tokenFile})
    expect(r.source).to.equal('CC_GLM_TOKEN_FILE')
    expect(r.env.ANTHROPIC_AUTH_TOKEN.reveal()).to.equal('tok-from-file')
  })
  it('an op:// reference is read as recorded, whatever the environment holds', async () => {
    const r = await pinned('op://v/i/f', {CC_GLM_AUTH_TOKEN: 'tok-env', PATH: op.path})
    expect(r.source).to.equal('op://v/i/f')
    expect(r.env.ANTHROPIC_AUTH_TOKEN.reveal()).to.equal('tok-from-op')
  })
  it('the recorded variable unset now → exit 10 naming it, no other source tried', async () => {
    const e = await rejects(pinned('CC_GLM_AUTH_TOKEN', {ZAI_API_KEY: 'tok-zai', PATH: op.path}))
    expect(e.exitCode).to.equal(10)
    expect(e.message).to.include('CC_GLM_AUTH_TOKEN')
    expect(e.message).to.not.include('tok-zai')
  })
  it('declares its non-secret launch settings, none of them a key', () => {
    expect(ccGlmProvider.settingsEnv).to.include('CC_GLM_BASE_URL')
    expect(ccGlmProvider.settingsEnv).to.include('CC_GLM_TOKEN_FILE')
    for (const name of ['CC_GLM_AUTH_TOKEN', 'ZAI_API_KEY', 'ANTHROPIC_AUTH_TOKEN']) expect(ccGlmProvider.settingsEnv).to.not.include(name)
  })
})

describe('cc-glm buildLaunch', () => {
  const job = {beads: 'bd-1', worktree: '/tmp/agents/bd-1', promptFile: '/tmp/p.md', model: 'glm-5', tmpDir: '/tmp/dx/cc-glm/bd-1.tmp'}
  const auth = {source: 'CC_GLM_AUTH_TOKEN', env: {ANTHROPIC_AUTH_TOKEN: new Secret('tok-super-secret')}, plainEnv: {ANTHROPIC_BASE_URL: 'http://127.0.0.1:1'}}
  it('is deterministic', () => {
    expect(buildLaunch(job, auth, 'glm-5')).to.deep.equal(buildLaunch(job, auth, 'glm-5'))
  })
  it('runs claude -p with stream-json, the model, and the prompt on stdin', () => {
    const l = buildLaunch(job, auth, 'glm-5')
    expect(l.command).to.equal('claude')
    expect(l.args).to.deep.equal(['-p', '--model', 'glm-5', '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions'])
    expect(l.stdin).to.equal('prompt')
    expect(l.cwd).to.equal(job.worktree)
    expect(l.env).to.include({ANTHROPIC_BASE_URL: 'http://127.0.0.1:1', TMPDIR: job.tmpDir})
    expect(l.unsetEnv).to.include('ANTHROPIC_API_KEY')
  })
  it('keeps the secret out of argv and plain env', () => {
    const l = buildLaunch(job, auth, 'glm-5')
    expect(JSON.stringify(l.args)).to.not.include('tok-super-secret')
    expect(JSON.stringify(l.env)).to.not.include('tok-super-secret')
    expect(JSON.stringify(l)).to.not.include('tok-super-secret')
    expect(l.secretEnv.ANTHROPIC_AUTH_TOKEN.reveal()).to.equal('tok-super-secret')
  })
})

describe('cc-glm parseEvent and classifyExit on recorded claude output', () => {
  it('fixtures were recorded with the pinned CLI', () => {
    for (const v of Object.values(index)) expect(v.cli_version).to.match(/^\d+\.\d+\.\d+$/)
  })
  it('write-file: success, tool call, tokens, cost, session', () => {
    const t = telemetryOf('write-file')
    expect(t.tool_calls).to.be.at.least(1)
    expect(t.input_tokens).to.be.above(0)
    expect(t.output_tokens).to.be.above(0)
    expect(t.cost_usd).to.be.above(0)
    expect(t.session_id).to.match(/^[0-9a-f-]{36}$/)
    expect(t.result.is_error).to.equal(false)
    expect(classifyExit({exit_code: index['write-file'].exit_code, telemetry: t})).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
  })
  it('answer: success without tools', () => {
    const t = telemetryOf('answer')
    expect(t.tool_calls ?? 0).to.equal(0)
    expect(classifyExit({exit_code: 0, telemetry: t}).state).to.equal('success')
  })
  it('401 → provider_auth_failed', () => {
    const t = telemetryOf('401')
    expect(t.result.api_error_status).to.equal(401)
    expect(classifyExit({exit_code: index['401'].exit_code, telemetry: t})).to.deep.equal({state: 'failed', reason_code: 'provider_auth_failed'})
  })
  it('401 with retries: api_retry events carry the status', () => {
    const events = lines('401-retry').map(parseEvent).filter((e) => e?.kind === 'retry')
    expect(events.length).to.be.at.least(1)
    expect(events[0]).to.include({kind: 'retry', status: 401, error: 'authentication_failed'})
    expect(classifyExit({exit_code: index['401-retry'].exit_code, telemetry: telemetryOf('401-retry')}).reason_code).to.equal('provider_auth_failed')
  })
  it('429 → provider_rate_limited', () => {
    expect(classifyExit({exit_code: index['429'].exit_code, telemetry: telemetryOf('429')})).to.deep.equal({state: 'failed', reason_code: 'provider_rate_limited'})
  })
  it('an error result → provider_error_result, also when the exit code is 0', () => {
    const t = telemetryOf('error-result')
    expect(t.result.is_error).to.equal(true)
    expect(index['error-result'].exit_code).to.equal(1)
    expect(classifyExit({exit_code: 1, telemetry: t})).to.deep.equal({state: 'failed', reason_code: 'provider_error_result'})
    // exit 0 with the agent reporting an error is a failure
    expect(classifyExit({exit_code: 0, telemetry: t})).to.deep.equal({state: 'failed', reason_code: 'provider_error_result'})
  })
  it('malformed body → provider_error_result', () => {
    expect(classifyExit({exit_code: index.malformed.exit_code, telemetry: telemetryOf('malformed')}).reason_code).to.equal('provider_error_result')
  })
  it('classification table', () => {
    const cases = [
      [{exit_code: 143, telemetry: {}, timed_out: true}, 'failed', 'timeout'],
      [{exit_code: 0, telemetry: {last_retry: {status: 403}, result: {is_error: false}}}, 'failed', 'provider_auth_failed'],
      [{exit_code: 1, telemetry: {error_status: 429}}, 'failed', 'provider_rate_limited'],
      [{exit_code: 1, telemetry: {result: {is_error: true, api_error_status: 404}}}, 'failed', 'provider_model_unavailable'],
      [{exit_code: 0, telemetry: {}}, 'failed', 'provider_error_result'],
      [{exit_code: 2, telemetry: {}}, 'failed', 'process_exit_with_rc'],
      // without retries (CLAUDE_CODE_MAX_RETRIES=0) only the result says it; a timeout reads differently
      [{exit_code: 1, telemetry: {result: {is_error: true, text: 'API Error: Unable to connect to API (ConnectionRefused)'}}}, 'failed', 'provider_unreachable'],
      [{exit_code: 1, telemetry: {result: {is_error: true, text: 'Request timed out'}}}, 'failed', 'provider_unreachable'],
      // a refusal after a connection hiccup that recovered is not "unreachable"
      [{exit_code: 1, telemetry: {last_retry: {error: 'unknown'}, result: {is_error: true, text: 'The model refused.'}}}, 'failed', 'provider_error_result'],
    ]
    for (const [facts, state, reason] of cases) expect(classifyExit(facts), JSON.stringify(facts)).to.deep.equal({state, reason_code: reason})
  })
  it('parseEvent never throws and ignores noise, plain lines that name a status included', () => {
    for (const l of ['', 'plain text', '{not json', '[]', 'null', '{"type":"unknown"}']) expect(() => parseEvent(l)).to.not.throw()
    // claude reports service errors only as JSON events: a plain line is a tool's or a helper's
    for (const l of ['Error: request failed with status 401 Unauthorized', 'HTTP 403 Forbidden', 'status: 429', 'wrote 401 lines']) expect(parseEvent(l), l).to.equal(undefined)
  })
  it('tool-403: a tool result saying "status 401" and plain "HTTP 403 Forbidden" lines on stderr, key fine → success', () => {
    expect(lines('tool-403')).to.include('HTTP 403 Forbidden')
    expect(lines('tool-403').some((l) => l.includes('"type":"tool_result"') && l.includes('status 401'))).to.equal(true)
    const statuses = lines('tool-403').map(parseEvent).filter((e) => e && 'status' in e && e.status !== undefined)
    expect(statuses).to.deep.equal([])
    expect(classifyExit({exit_code: index['tool-403'].exit_code, telemetry: telemetryOf('tool-403')})).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
  })
  it('unreachable (closed port): api_retry events without a status, then provider_unreachable', () => {
    const retries = lines('unreachable').map(parseEvent).filter((e) => e?.kind === 'retry')
    expect(retries.length).to.equal(2)
    expect(retries[0]).to.deep.equal({kind: 'retry', status: undefined, error: 'unknown', attempt: 1})
    const t = telemetryOf('unreachable')
    expect(t.result).to.include({is_error: true, api_error_status: undefined})
    expect(classifyExit({exit_code: index.unreachable.exit_code, telemetry: t})).to.deep.equal({state: 'failed', reason_code: 'provider_unreachable'})
  })
})

describe('cc-glm preflight and hook', () => {
  it('finds claude and its version, and fails without it', async () => {
    const bin = mkdtempSync(join(dir, 'claude-'))
    writeFileSync(join(bin, 'claude'), '#!/bin/sh\necho "9.9.9 (Claude Code)"\n')
    chmodSync(join(bin, 'claude'), 0o755)
    const ok = await preflight(ctx({PATH: `${bin}:/usr/bin:/bin`, CC_GLM_AUTH_TOKEN: 't'}))
    expect(ok.passed).to.equal(true)
    expect(ok.checks.find((c) => c.name === 'claude binary').detail).to.include('9.9.9 (Claude Code)')
    const missing = await preflight(ctx({CC_GLM_AUTH_TOKEN: 't'}))
    expect(missing.passed).to.equal(false)
    expect(missing.checks.find((c) => c.name === 'claude binary').status).to.equal('fail')
    const noAuth = await preflight(ctx({PATH: `${bin}:/usr/bin:/bin`}))
    expect(noAuth).to.include({passed: false, reason_code: 'provider_auth_failed'})
    expect(JSON.stringify(ok)).to.not.include('"t"')
  })
  it('the hook answers with the provider, and the provider is v1', async () => {
    expect(await hook()).to.equal(ccGlmProvider)
    expect(ccGlmProvider).to.include({specificationVersion: 'v1', name: 'cc-glm', defaultModel: 'glm-5'})
  })
})
