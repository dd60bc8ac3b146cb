import {expect} from 'chai'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Secret} from '@dx-runner/provider'
import {recordedFixtures, runProviderConformance} from '@dx-runner/provider-testkit'
import {buildLaunch, classifyExit, geminiProvider, parseEvent, resolveAuth} from '../dist/index.js'

const {index, lines, allLines, telemetryOf, classify} = recordedFixtures(join(dirname(fileURLToPath(import.meta.url)), 'fixtures'), geminiProvider)

describe('gemini on recorded gemini-cli output', () => {
  it('write-file: success, a tool call, tokens, session', () => {
    const t = telemetryOf('write-file')
    expect(t.tool_calls).to.equal(1)
    expect(t.input_tokens).to.be.above(0)
    expect(t.output_tokens).to.be.above(0)
    expect(t.session_id).to.match(/^[0-9a-f-]{36}$/)
    expect(classify('write-file')).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
  })
  it('401 (exit 145) → provider_auth_failed', () => {
    expect(index['401'].exit_code).to.equal(145)
    expect(classify('401')).to.deep.equal({state: 'failed', reason_code: 'provider_auth_failed'})
  })
  it('a safety block exits 0 with an error result → provider_error_result', () => {
    expect(index['error-result'].exit_code).to.equal(0)
    expect(classify('error-result')).to.deep.equal({state: 'failed', reason_code: 'provider_error_result'})
  })
  it('429: the stderr retry lines are retry events', () => {
    const retries = lines('429').map(parseEvent).filter((e) => e?.kind === 'retry')
    expect(retries.length).to.be.at.least(1)
    expect(retries[0]).to.include({status: 429, attempt: 1})
    expect(classifyExit({exit_code: 1, telemetry: telemetryOf('429')}).reason_code).to.equal('provider_rate_limited')
  })
  it('malformed → a failure, not a success', () => {
    expect(classify('malformed').state).to.equal('failed')
  })
  it('401: the refusal comes from the result event; the stack trace on stderr says nothing', () => {
    const stderrStatus = lines('401').filter((l) => !l.trim().startsWith('{')).map(parseEvent).filter((e) => e && e.status !== undefined)
    expect(stderrStatus).to.deep.equal([])
    expect(telemetryOf('401').result.api_error_status).to.equal(401)
  })
  it('tool-403: a tool result saying "status 401" and plain "HTTP 403 Forbidden" / "status: 401" lines, key fine → success', () => {
    expect(lines('tool-403')).to.include.members(['HTTP 403 Forbidden', 'status: 401 Unauthorized'])
    expect(lines('tool-403').some((l) => l.includes('"type":"tool_result"') && l.includes('status 401'))).to.equal(true)
    expect(lines('tool-403').map(parseEvent).filter((e) => e && e.status !== undefined)).to.deep.equal([])
    expect(classify('tool-403')).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
  })
  it('unreachable (closed port): a retry line without a status, with the cause, then provider_unreachable', () => {
    const retries = lines('unreachable').map(parseEvent).filter((e) => e?.kind === 'retry')
    expect(retries).to.deep.equal([{kind: 'retry', attempt: 1, status: undefined, error: 'Error: exception TypeError: fetch failed sending request'}])
    expect(classify('unreachable')).to.deep.equal({state: 'failed', reason_code: 'provider_unreachable'})
  })
  it('the retry line is recognised only whole, from the start of the line', () => {
    expect(parseEvent('Attempt 3 failed with 5xx error. Retrying with backoff... Error: x')).to.include({kind: 'retry', attempt: 3, status: undefined})
    expect(parseEvent('Attempt 2 failed with 429 error (no Retry-After header). Retrying with backoff... e')).to.include({kind: 'retry', status: 429})
    for (const l of ['tool said: Attempt 1 failed with status 401. Retrying with backoff...', 'Attempt 1 failed with status 401', 'status: 401', 'HTTP 403 Forbidden']) {
      expect(parseEvent(l), l).to.equal(undefined)
    }
  })
  it('exit codes 41, 42, 53', () => {
    expect(classifyExit({exit_code: 41, telemetry: {}}).reason_code).to.equal('provider_auth_failed')
    expect(classifyExit({exit_code: 42, telemetry: {}}).reason_code).to.equal('process_exit_with_rc')
    expect(classifyExit({exit_code: 53, telemetry: {}}).reason_code).to.equal('provider_error_result')
  })
})

describe('gemini launch and auth', () => {
  it('keeps the prompt and the key off argv, gives the job its own HOME with the settings file', () => {
    const job = {beads: 'b', worktree: '/tmp/agents/b', promptFile: '/tmp/p', model: 'gemini-2.5-pro', tmpDir: '/tmp/dx/gemini/b.tmp'}
    const l = buildLaunch(job, {source: 'GEMINI_API_KEY', env: {GEMINI_API_KEY: new Secret('gk-secret')}}, 'gemini-2.5-pro')
    expect(l.args).to.deep.equal(['-m', 'gemini-2.5-pro', '--yolo', '--output-format', 'stream-json'])
    expect(l.stdin).to.equal('prompt')
    expect(l.env.HOME).to.equal('/tmp/dx/gemini/b.tmp/home')
    expect(l.files[0].path).to.equal('home/.gemini/settings.json')
    expect(JSON.parse(l.files[0].content).security.auth.selectedType).to.equal('gemini-api-key')
    expect(JSON.stringify({...l, secretEnv: undefined})).to.not.include('gk-secret')
  })
  it('needs GEMINI_API_KEY (exit 10 naming it)', async () => {
    try {
      await resolveAuth({env: {}, cwd: '/', timeoutMs: 1000})
      throw new Error('resolved')
    } catch (e) {
      expect(e.exitCode).to.equal(10)
      expect(e.message).to.include('GEMINI_API_KEY')
    }
  })
})

runProviderConformance(geminiProvider, {fixtureLines: allLines(), ctx: {env: {PATH: '/nonexistent'}, cwd: '/tmp', timeoutMs: 5000}})
