import {expect} from 'chai'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Secret} from '@dx-runner/provider'
import {recordedFixtures, runProviderConformance} from '@dx-runner/provider-testkit'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {buildLaunch, classifyExit, modelChain, opencodeProvider, parseEvent, resolveAuth, selectModel} from '../dist/index.js'

const {index, lines, allLines, telemetryOf, classify} = recordedFixtures(join(dirname(fileURLToPath(import.meta.url)), 'fixtures'), opencodeProvider)

describe('opencode on recorded `opencode run --format json` output', () => {
  it('write-file: success, one tool call, tokens summed over steps, session', () => {
    const t = telemetryOf('write-file')
    expect(t.tool_calls).to.equal(1)
    expect(t.input_tokens).to.be.above(0)
    expect(t.output_tokens).to.be.above(0)
    expect(t.cost_usd).to.equal(0)
    expect(t.session_id).to.match(/^ses_/)
    expect(classify('write-file')).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
  })
  it('401 → provider_auth_failed; the service\'s headers and body are not kept', () => {
    const t = telemetryOf('401')
    expect(t.error_status).to.equal(401)
    expect(t.error_message).to.equal('APIError: Incorrect API key provided.')
    expect(JSON.stringify(t)).to.not.include('responseHeaders')
    expect(classify('401')).to.deep.equal({state: 'failed', reason_code: 'provider_auth_failed'})
  })
  it('429 (after opencode\'s own retries) → provider_rate_limited', () => {
    expect(index['429'].exit_code).to.equal(1)
    expect(classify('429')).to.deep.equal({state: 'failed', reason_code: 'provider_rate_limited'})
  })
  it('a content-filter stop is an error result', () => {
    expect(classify('error-result')).to.deep.equal({state: 'failed', reason_code: 'provider_error_result'})
    // and it stays a failure were opencode to exit 0 with it
    expect(classifyExit({exit_code: 0, telemetry: telemetryOf('error-result')}).reason_code).to.equal('provider_error_result')
  })
  it('malformed → a failure, not a success', () => {
    expect(classify('malformed')).to.deep.equal({state: 'failed', reason_code: 'provider_error_result'})
  })
  it('write-outside: the write is refused by the permission rule', () => {
    const refused = lines('write-outside').map((l) => (l.startsWith('{') ? JSON.parse(l) : undefined)).filter((e) => e?.type === 'tool_use' && e.part.state.status === 'error')
    expect(refused).to.have.length(1)
  })
  it('hang: a session starts and nothing else', () => {
    const t = telemetryOf('hang')
    expect(t.session_id).to.match(/^ses_/)
    expect(t.tool_calls).to.equal(undefined)
  })
  it('tool-403: a tool saying "status 401" and plain "HTTP 403 Forbidden" lines, key fine → success', () => {
    expect(lines('tool-403')).to.include('HTTP 403 Forbidden')
    expect(lines('tool-403').map(parseEvent).filter((e) => e && e.status !== undefined)).to.deep.equal([])
    expect(classify('tool-403')).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
  })
  it('unreachable (closed port): after a silent minute of retries, an APIError without a status → provider_unreachable', () => {
    const t = telemetryOf('unreachable')
    expect(t.error_status).to.equal(undefined)
    expect(t.error_message).to.match(/^APIError: Cannot connect to API/)
    expect(classify('unreachable')).to.deep.equal({state: 'failed', reason_code: 'provider_unreachable'})
  })
  it('a model the CLI does not know → provider_model_unavailable', () => {
    expect(classifyExit({exit_code: 1, telemetry: {error_message: 'ProviderModelNotFoundError: glm-9'}}).reason_code).to.equal('provider_model_unavailable')
  })
})

describe('opencode launch, auth and model policy', () => {
  const job = {beads: 'b', worktree: '/tmp/agents/b', promptFile: '/tmp/p', model: 'glm-5', tmpDir: '/tmp/dx/opencode/b.tmp'}
  it('keeps the prompt and the key off argv and out of the config file; the agent may not leave its worktree', () => {
    const l = buildLaunch(job, {source: 'ZAI_API_KEY', env: {ZAI_API_KEY: new Secret('zk-secret')}, plainEnv: {OPENCODE_ZAI_BASE_URL: 'http://127.0.0.1:9/v1'}}, 'glm-5')
    expect(l.command).to.equal('opencode')
    expect(l.args).to.deep.equal(['run', '--pure', '--model', 'zhipuai-coding-plan/glm-5', '--format', 'json'])
    expect(l.stdin).to.equal('prompt')
    expect(l.env.HOME).to.equal('/tmp/dx/opencode/b.tmp/home')
    expect(l.env.OPENCODE_CONFIG).to.equal('/tmp/dx/opencode/b.tmp/opencode.json')
    const config = JSON.parse(l.files[0].content)
    expect(config.provider['zhipuai-coding-plan'].options).to.deep.equal({baseURL: 'http://127.0.0.1:9/v1', apiKey: '{env:ZAI_API_KEY}'})
    expect(config.permission.external_directory).to.equal('deny')
    expect(JSON.stringify({...l, secretEnv: undefined})).to.not.include('zk-secret')
  })
  it('auth: OPENCODE_ZAI_API_KEY, then ZAI_API_KEY; none → exit 10 naming both', async () => {
    const ctx = (env) => ({env, cwd: '/', timeoutMs: 1000})
    expect((await resolveAuth(ctx({OPENCODE_ZAI_API_KEY: 'a', ZAI_API_KEY: 'b'}))).source).to.equal('OPENCODE_ZAI_API_KEY')
    expect((await resolveAuth(ctx({ZAI_API_KEY: 'b'}))).env.ZAI_API_KEY.reveal()).to.equal('b')
    try {
      await resolveAuth(ctx({}))
      throw new Error('resolved')
    } catch (e) {
      expect(e.exitCode).to.equal(10)
      expect(e.message).to.include('OPENCODE_ZAI_API_KEY').and.include('ZAI_API_KEY')
    }
  })
  it('the chain: requested (or glm-5), then --fallback-model, else DX_RUNNER_OPENCODE_FALLBACK_MODELS; no repeats', () => {
    expect(modelChain({env: {}, cwd: '/', timeoutMs: 1})).to.deep.equal(['glm-5'])
    expect(modelChain({env: {DX_RUNNER_OPENCODE_FALLBACK_MODELS: 'glm-4.6, glm-5'}, cwd: '/', timeoutMs: 1})).to.deep.equal(['glm-5', 'glm-4.6'])
    expect(modelChain({env: {DX_RUNNER_OPENCODE_FALLBACK_MODELS: 'x'}, cwd: '/', timeoutMs: 1, fallbackModels: ['zhipuai-coding-plan/glm-4.6']}, 'glm-5.3')).to.deep.equal(['glm-5.3', 'glm-4.6'])
  })
  describe('selectModel against the simulator\'s /v1/models', () => {
    let sim
    afterEach(async () => sim?.close())
    const ctx = (url, extra = {}) => ({env: {ZAI_API_KEY: 'k', OPENCODE_ZAI_BASE_URL: `${url}/v1`}, cwd: '/', timeoutMs: 5000, ...extra})
    it('glm-5 listed → glm-5, no fallback', async () => {
      sim = await startSimulator({models: ['glm-5', 'glm-4.6']})
      expect(await selectModel(ctx(sim.url))).to.deep.equal({selected_model: 'glm-5', fallback_reason: 'none'})
    })
    it('glm-5 missing, glm-4.6 in the chain → glm-4.6 with the reason', async () => {
      sim = await startSimulator({models: ['glm-4.6']})
      expect(await selectModel(ctx(sim.url, {fallbackModels: ['glm-4.6']}))).to.deep.equal({selected_model: 'glm-4.6', fallback_reason: 'glm-5: provider_model_unavailable'})
    })
    it('nothing available → exit 21 provider_model_unavailable, naming cc-glm and gemini', async () => {
      sim = await startSimulator({models: ['glm-4.6']})
      try {
        await selectModel(ctx(sim.url))
        throw new Error('selected')
      } catch (e) {
        expect(e.exitCode).to.equal(21)
        expect(e.reasonCode).to.equal('provider_model_unavailable')
        expect(e.message).to.include('cc-glm').and.include('gemini')
      }
    })
    it('a refused key → exit 10', async () => {
      sim = await startSimulator({expectedToken: 'right'})
      try {
        await selectModel(ctx(sim.url))
        throw new Error('selected')
      } catch (e) {
        expect(e.exitCode).to.equal(10)
      }
    })
  })
})

runProviderConformance(opencodeProvider, {fixtureLines: allLines(), ctx: {env: {PATH: '/nonexistent'}, cwd: '/tmp', timeoutMs: 5000}})
