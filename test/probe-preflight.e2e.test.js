import {expect} from 'chai'
import {validateDocument} from '@dx-runner/core'
import {sandbox, startSimulatorProcess, TOKEN} from './helpers.js'

describe('probe, preflight and providers (real CLIs, loopback simulator)', function () {
  let sim, sb
  // probe waits for the model while the CLI runs synchronously here: the simulator needs its own process
  before(async () => {
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN'])
  })
  after(async () => {
    await sim?.stop()
  })
  beforeEach(() => {
    sb = sandbox('probe')
  })
  afterEach(async () => {
    await sb.cleanup()
  })
  const envFor = (scenario) => ({
    CC_GLM_AUTH_TOKEN: TOKEN,
    CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`,
    ANTHROPIC_API_KEY: TOKEN,
    CLAUDE_CODE_BASE_URL: `${sim.url}/s/${scenario}`,
    GEMINI_API_KEY: TOKEN,
    GOOGLE_GEMINI_BASE_URL: `${sim.url}/s/${scenario}`,
    ZAI_API_KEY: TOKEN,
    OPENCODE_ZAI_BASE_URL: `${sim.url}/s/${scenario}/v1`,
  })

  for (const provider of ['cc-glm', 'claude-code', 'gemini', 'opencode']) {
    it(`${provider}: probe answers against the simulator`, async () => {
      const r = sb.json(['probe', '--provider', provider, '--json', '--timeout', '60'], {env: envFor('answer')})
      expect(r.code, r.stderr).to.equal(0)
      expect(await validateDocument('probe', r.doc)).to.deep.equal([])
      expect(r.doc).to.include({provider, answered: true, reason_code: 'outcome_exit_0'})
      expect(r.doc.latency_ms).to.be.above(0)
    })
    it(`${provider}: probe reports a clear failure against 401 (exit 21)`, async () => {
      const r = sb.json(['probe', '--provider', provider, '--json', '--timeout', '60'], {env: {...envFor('401'), CLAUDE_CODE_MAX_RETRIES: '0'}})
      expect(r.code).to.equal(21)
      expect(r.doc).to.include({provider, answered: false, reason_code: 'provider_auth_failed'})
      const human = sb.run(['probe', '--provider', provider, '--timeout', '60'], {env: {...envFor('401'), CLAUDE_CODE_MAX_RETRIES: '0'}})
      expect(human.stdout).to.match(/NOT answered .*provider_auth_failed/)
    })
  }

  it('preflight --json for every provider validates; a missing key fails with exit 21', async () => {
    const ok = sb.json(['preflight', '--json'], {env: envFor('answer')})
    expect(ok.code, ok.stderr).to.equal(0)
    expect(await validateDocument('preflight', ok.doc)).to.deep.equal([])
    expect(ok.doc.providers.map((p) => p.provider).sort()).to.deep.equal(['cc-glm', 'claude-code', 'gemini', 'opencode'])
    const bad = sb.json(['preflight', '--provider', 'gemini', '--json'], {env: {GEMINI_API_KEY: ''}})
    expect(bad.code).to.equal(21)
    expect(bad.doc.providers[0]).to.include({passed: false, reason_code: 'provider_auth_failed'})
  })

  it('providers lists the built-ins with package and version', async () => {
    const r = sb.json(['providers', '--json'])
    expect(await validateDocument('providers', r.doc)).to.deep.equal([])
    expect(r.doc.providers.map((p) => [p.name, p.package])).to.deep.equal([
      ['cc-glm', '@dx-runner/provider-cc-glm'],
      ['claude-code', '@dx-runner/provider-claude-code'],
      ['gemini', '@dx-runner/provider-gemini'],
      ['opencode', '@dx-runner/provider-opencode'],
    ])
    expect(r.doc.incompatible).to.deep.equal([])
  })
})
