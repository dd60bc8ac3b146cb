import {expect} from 'chai'
import {chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {DxError, Secret} from '@dx-runner/provider'
import {recordedFixtures} from '@dx-runner/provider-testkit'
import {buildLaunch, claudeCodeProvider, classifyExit, DEFAULT_MODEL, parseEvent, preflight, resolveAuth} from '../dist/index.js'
import hook from '../dist/hooks/provider.js'

const {index, lines, telemetryOf} = recordedFixtures(join(dirname(fileURLToPath(import.meta.url)), 'fixtures'), claudeCodeProvider)

const dir = mkdtempSync(join(tmpdir(), 'claude-code-test-'))
after(() => rmSync(dir, {recursive: true, force: true}))

/** A fake 1Password CLI: prints a key per reference and records what it was asked. */
function fakeOp(key = 'key-from-op') {
  const bin = mkdtempSync(join(dir, 'bin-'))
  const log = join(bin, 'calls.log')
  writeFileSync(join(bin, 'op'), `#!/bin/sh\necho "$@" >> '${log}'\n[ "$1" = read ] || exit 2\nprintf '%s' '${key}'\n`)
  chmodSync(join(bin, 'op'), 0o755)
  return {path: `${bin}:/usr/bin:/bin`, log}
}
/** A fake claude that answers --version (the binary check), nothing else. */
function fakeClaude() {
  const bin = mkdtempSync(join(dir, 'claude-'))
  writeFileSync(join(bin, 'claude'), '#!/bin/sh\necho "2.1.197 (Claude Code)"\n')
  chmodSync(join(bin, 'claude'), 0o755)
  return `${bin}:/usr/bin:/bin`
}
/** A loopback endpoint answering every request with `status`, remembering each request's headers. */
async function endpoint(status) {
  const seen = []
  const srv = createServer((req, res) => {
    seen.push({url: req.url, headers: req.headers})
    req.resume()
    req.on('end', () => {
      res.writeHead(status, {'content-type': 'application/json'})
      res.end('{}')
    })
  })
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  return {url: `http://127.0.0.1:${srv.address().port}`, seen, close: () => new Promise((r) => srv.close(r))}
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

describe('claude-code resolveAuth', () => {
  const keyFile = join(dir, 'key')
  writeFileSync(keyFile, 'key-from-file\n', {mode: 0o600})
  const op = fakeOp()
  const table = [
    ['CLAUDE_CODE_TOKEN_FILE beats everything', {CLAUDE_CODE_TOKEN_FILE: keyFile, ANTHROPIC_API_KEY: 'key-env', CLAUDE_CODE_OP_URI: 'op://a/b/c', PATH: op.path}, 'CLAUDE_CODE_TOKEN_FILE', 'key-from-file'],
    ['then ANTHROPIC_API_KEY (plain)', {ANTHROPIC_API_KEY: 'key-env', CLAUDE_CODE_OP_URI: 'op://a/b/c', PATH: op.path}, 'ANTHROPIC_API_KEY', 'key-env'],
    ['then ANTHROPIC_API_KEY as an op:// reference', {ANTHROPIC_API_KEY: 'op://vault/item/field', CLAUDE_CODE_OP_URI: 'op://a/b/c', PATH: op.path}, 'op://vault/item/field', 'key-from-op'],
    ['then CLAUDE_CODE_OP_URI', {CLAUDE_CODE_OP_URI: 'op://a/b/c', PATH: op.path}, 'op://a/b/c', 'key-from-op'],
  ]
  for (const [name, env, source, key] of table) {
    it(name, async () => {
      const r = await resolveAuth(ctx(env))
      expect(r.source).to.equal(source)
      expect(r.env.ANTHROPIC_API_KEY.reveal()).to.equal(key)
      expect(Object.keys(r.env)).to.deep.equal(['ANTHROPIC_API_KEY'])
      expect(JSON.stringify(r)).to.not.include(key)
    })
  }
  it('asks op for the reference (never a secret on its argv)', async () => {
    await resolveAuth(ctx({CLAUDE_CODE_OP_URI: 'op://x/y/z', PATH: op.path}))
    expect(readFileSync(op.log, 'utf8')).to.include('read --no-newline op://x/y/z')
  })
  it('no source → exit 10 naming the variables, and no op:// reference is guessed', async () => {
    const e = await rejects(resolveAuth(ctx({PATH: op.path})))
    expect(DxError.isInstance(e)).to.equal(true)
    expect(e.exitCode).to.equal(10)
    for (const v of ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_TOKEN_FILE', 'CLAUDE_CODE_OP_URI']) expect(e.message).to.include(v)
  })
  it('CLAUDE_CODE_OP_URI that is not an op:// reference → exit 10', async () => {
    const e = await rejects(resolveAuth(ctx({CLAUDE_CODE_OP_URI: 'sk-not-a-ref'})))
    expect(e.exitCode).to.equal(10)
    expect(e.message).to.include('CLAUDE_CODE_OP_URI must be an op:// reference')
  })
  it('CLAUDE_CODE_TOKEN_FILE missing, empty or a directory → exit 11 naming it', async () => {
    const empty = join(dir, 'empty-key')
    writeFileSync(empty, '  \n')
    for (const f of [join(dir, 'nope'), empty, dir]) {
      const e = await rejects(resolveAuth(ctx({CLAUDE_CODE_TOKEN_FILE: f})))
      expect(e.exitCode, f).to.equal(11)
      expect(e.message).to.include('CLAUDE_CODE_TOKEN_FILE')
    }
  })
  it('a key file group or others can read carries a warning', async () => {
    const f = join(dir, 'open-key')
    writeFileSync(f, 'key-open\n')
    chmodSync(f, 0o644)
    const auth = await resolveAuth(ctx({CLAUDE_CODE_TOKEN_FILE: f}))
    expect((auth.warnings ?? []).map((w) => w.detail)).to.deep.equal([`CLAUDE_CODE_TOKEN_FILE ${f} is accessible by group or others (mode 0644); run chmod 600 ${f}`])
  })
  it('uses CLAUDE_CODE_BASE_URL, else Anthropic', async () => {
    expect((await resolveAuth(ctx({ANTHROPIC_API_KEY: 'k'}))).plainEnv.ANTHROPIC_BASE_URL).to.equal('https://api.anthropic.com')
    expect((await resolveAuth(ctx({ANTHROPIC_API_KEY: 'k', CLAUDE_CODE_BASE_URL: 'http://127.0.0.1:9/x'}))).plainEnv.ANTHROPIC_BASE_URL).to.equal('http://127.0.0.1:9/x')
  })
  it('restart: only the recorded source is asked', async () => {
    const r = await resolveAuth({...ctx({CLAUDE_CODE_TOKEN_FILE: keyFile, ANTHROPIC_API_KEY: 'key-env'}), authSource: 'ANTHROPIC_API_KEY'})
    expect(r.env.ANTHROPIC_API_KEY.reveal()).to.equal('key-env')
    const e = await rejects(resolveAuth({...ctx({CLAUDE_CODE_TOKEN_FILE: keyFile}), authSource: 'ANTHROPIC_API_KEY'}))
    expect(e.exitCode).to.equal(10)
    expect(e.message).to.include('ANTHROPIC_API_KEY')
  })
  it('declares its non-secret launch settings (the base URL among them), none of them a key', () => {
    expect(claudeCodeProvider.settingsEnv).to.include.members(['CLAUDE_CODE_BASE_URL', 'CLAUDE_CODE_TOKEN_FILE'])
    for (const name of ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OP_URI', 'ANTHROPIC_AUTH_TOKEN']) expect(claudeCodeProvider.settingsEnv).to.not.include(name)
  })
})

describe('claude-code buildLaunch and model', () => {
  const job = {beads: 'bd-1', worktree: '/tmp/agents/bd-1', promptFile: '/tmp/p.md', model: DEFAULT_MODEL, tmpDir: '/tmp/dx/claude-code/bd-1/tmp'}
  const auth = {source: 'ANTHROPIC_API_KEY', env: {ANTHROPIC_API_KEY: new Secret('key-super-secret')}, plainEnv: {ANTHROPIC_BASE_URL: 'http://127.0.0.1:1'}}
  it('runs claude -p with stream-json, the given model, and the prompt on stdin', () => {
    const l = buildLaunch(job, auth, 'claude-sonnet-4-6')
    expect(l.command).to.equal('claude')
    expect(l.args).to.deep.equal(['-p', '--model', 'claude-sonnet-4-6', '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions'])
    expect(l.stdin).to.equal('prompt')
    expect(l.env).to.include({ANTHROPIC_BASE_URL: 'http://127.0.0.1:1', TMPDIR: job.tmpDir})
  })
  it('Anthropic when the credential names no endpoint', () => {
    expect(buildLaunch(job, {...auth, plainEnv: undefined}, DEFAULT_MODEL).env.ANTHROPIC_BASE_URL).to.equal('https://api.anthropic.com')
  })
  it('the key only as ANTHROPIC_API_KEY in the secret environment; a bearer token, a claude.ai login and the source variables are unset', () => {
    const l = buildLaunch(job, auth, DEFAULT_MODEL)
    expect(JSON.stringify({...l, secretEnv: undefined})).to.not.include('key-super-secret')
    expect(Object.keys(l.secretEnv)).to.deep.equal(['ANTHROPIC_API_KEY'])
    expect(l.secretEnv.ANTHROPIC_API_KEY.reveal()).to.equal('key-super-secret')
    expect(l.unsetEnv).to.include.members(['ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'CLAUDE_CODE_TOKEN_FILE', 'CLAUDE_CODE_OP_URI', 'CLAUDE_CODE_BASE_URL'])
  })
  it('default model documented, --model honoured', async () => {
    expect(claudeCodeProvider.defaultModel).to.equal('claude-opus-4-8')
    expect(await claudeCodeProvider.selectModel(ctx({}))).to.include({selected_model: 'claude-opus-4-8'})
    expect(await claudeCodeProvider.selectModel(ctx({}), 'claude-sonnet-4-6')).to.include({selected_model: 'claude-sonnet-4-6'})
  })
})

describe('claude-code parseEvent and classifyExit on recorded claude output (API key)', () => {
  it('fixtures were recorded with the pinned CLI, an API key and the default model', () => {
    for (const v of Object.values(index)) expect(v.cli_version).to.match(/^\d+\.\d+\.\d+$/)
    const init = lines('answer').map((l) => (l.startsWith('{') ? JSON.parse(l) : {})).find((e) => e.subtype === 'init')
    expect(init).to.include({apiKeySource: 'ANTHROPIC_API_KEY'})
    expect(telemetryOf('answer').model).to.match(/^claude-opus-4-8/)
  })
  it('write-file: success, tool call, tokens, session', () => {
    const t = telemetryOf('write-file')
    expect(t.tool_calls).to.be.at.least(1)
    expect(t.input_tokens).to.be.above(0)
    expect(t.session_id).to.match(/^[0-9a-f-]{36}$/)
    expect(classifyExit({exit_code: index['write-file'].exit_code, telemetry: t})).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
  })
  it('401 (with and without retries) → provider_auth_failed', () => {
    for (const name of ['401', '401-retry']) expect(classifyExit({exit_code: index[name].exit_code, telemetry: telemetryOf(name)}), name).to.deep.equal({state: 'failed', reason_code: 'provider_auth_failed'})
  })
  it('429 → provider_rate_limited; error result → provider_error_result; closed port → provider_unreachable', () => {
    expect(classifyExit({exit_code: index['429'].exit_code, telemetry: telemetryOf('429')}).reason_code).to.equal('provider_rate_limited')
    expect(classifyExit({exit_code: index['error-result'].exit_code, telemetry: telemetryOf('error-result')}).reason_code).to.equal('provider_error_result')
    expect(classifyExit({exit_code: index.unreachable.exit_code, telemetry: telemetryOf('unreachable')}).reason_code).to.equal('provider_unreachable')
  })
  it('a tool printing "HTTP 403" with a good key → success', () => {
    expect(classifyExit({exit_code: index['tool-403'].exit_code, telemetry: telemetryOf('tool-403')})).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
    expect(parseEvent('HTTP 403 Forbidden')).to.equal(undefined)
  })
})

describe('claude-code preflight and hook', () => {
  it('an endpoint that takes the key: every check ok; the key went as x-api-key (as claude sends it), never as a bearer token', async () => {
    const ep = await endpoint(200)
    try {
      const r = await preflight(ctx({PATH: fakeClaude(), ANTHROPIC_API_KEY: 'key-good', CLAUDE_CODE_BASE_URL: ep.url}))
      expect(r.passed, JSON.stringify(r)).to.equal(true)
      expect(r.checks.map((c) => c.name)).to.deep.equal(['claude binary', 'auth', 'base URL', 'endpoint', 'model'])
      expect(ep.seen.map((s) => s.url)).to.deep.equal(['/v1/messages/count_tokens'])
      expect(ep.seen[0].headers['x-api-key']).to.equal('key-good')
      expect(ep.seen[0].headers.authorization).to.equal(undefined)
      expect(JSON.stringify(r)).to.not.include('key-good')
    } finally {
      await ep.close()
    }
  })
  it('an endpoint refusing the key (401) → fails with provider_auth_failed', async () => {
    const ep = await endpoint(401)
    try {
      const r = await preflight(ctx({PATH: fakeClaude(), ANTHROPIC_API_KEY: 'key-bad', CLAUDE_CODE_BASE_URL: ep.url}))
      expect(r).to.include({provider: 'claude-code', passed: false, reason_code: 'provider_auth_failed'})
      expect(r.checks.find((c) => c.name === 'endpoint')).to.include({status: 'fail'})
    } finally {
      await ep.close()
    }
  })
  it('no claude → the binary check fails; no key → provider_auth_failed; a bad base URL fails naming CLAUDE_CODE_BASE_URL', async () => {
    expect((await preflight(ctx({ANTHROPIC_API_KEY: 'k', CLAUDE_CODE_BASE_URL: 'http://127.0.0.1:9'}))).checks.find((c) => c.name === 'claude binary').status).to.equal('fail')
    expect(await preflight(ctx({PATH: fakeClaude()}))).to.include({passed: false, reason_code: 'provider_auth_failed'})
    const bad = await preflight(ctx({PATH: fakeClaude(), ANTHROPIC_API_KEY: 'k', CLAUDE_CODE_BASE_URL: 'ftp://x'}))
    expect(bad.checks.find((c) => c.name === 'base URL')).to.deep.equal({name: 'base URL', status: 'fail', detail: 'CLAUDE_CODE_BASE_URL "ftp://x" is not an http(s) URL'})
  })
  it('the hook answers with the provider, and the provider is v1', async () => {
    expect(await hook()).to.equal(claudeCodeProvider)
    expect(claudeCodeProvider).to.include({specificationVersion: 'v1', name: 'claude-code', defaultModel: 'claude-opus-4-8'})
  })
})
