import {expect} from 'chai'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {jobFile, sandbox, startSimulatorProcess, TOKEN, waitFor, walk} from './helpers.js'

describe('config file (XDG, --config, DX_RUNNER_CONFIG)', function () {
  let sim, sb
  before(async () => {
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN'])
  })
  after(async () => sim?.stop())
  beforeEach(() => {
    sb = sandbox('config')
  })
  afterEach(async () => sb.cleanup())
  const write = (name, content) => {
    const p = join(sb.base, name)
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content))
    return p
  }

  it('a malformed file exits 1 naming the file and the bad key, for every command, and writes nothing', () => {
    const bad = write('bad.json', {thresholds: {stall_minutes: 'soon'}})
    // (help, --version and providers go on with a warning instead: test/conventions.e2e.test.js)
    for (const args of [['status'], ['start', '--beads', 'x', '--provider', 'cc-glm', '--prompt-file', sb.prompt], ['check', 'x']]) {
      const r = sb.run([...args, '--config', bad])
      expect(r.code, args.join(' ')).to.equal(1)
      expect(r.stderr.trim().split('\n')).to.have.length(1)
      expect(r.stderr).to.include(bad).and.include('thresholds.stall_minutes')
    }
    const notJson = write('broken.json', '{"artifact_root": ')
    const r = sb.run(['status'], {env: {DX_RUNNER_CONFIG: notJson}})
    expect(r.code).to.equal(1)
    expect(r.stderr).to.include(notJson).and.include('not valid JSON')
    expect(walk(sb.root)).to.deep.equal([])
  })

  it('an unknown key is reported by name; a missing --config file is an error', () => {
    const r = sb.run(['status', `--config=${write('typo.json', {artifact_rot: '/tmp/x', thresholds: {stall_minute: 1}})}`])
    expect(r.code).to.equal(1)
    expect(r.stderr).to.include('artifact_rot: unknown key').and.include('thresholds.stall_minute: unknown key')
    const missing = sb.run(['status', '--config', join(sb.base, 'nope.json')])
    expect(missing.code).to.equal(1)
    expect(missing.stderr).to.include('nope.json: no such file')
  })

  it('$XDG_CONFIG_HOME/dx-runner/config.json sets the artifact root, default provider, fallback chain and thresholds', async () => {
    const xdg = join(sb.base, 'xdg')
    mkdirSync(join(xdg, 'dx-runner'), {recursive: true})
    const root = sb.root // reached only through the config: DX_RUNNER_HOME is blanked below
    writeFileSync(join(xdg, 'dx-runner', 'config.json'), JSON.stringify({
      artifact_root: root,
      default_provider: 'gemini',
      fallback_providers: {gemini: ['cc-glm']},
      thresholds: {stall_minutes: 0.05, no_op_minutes: 60},
      log_retention: {keep_logs: 2},
    }))
    const env = {XDG_CONFIG_HOME: xdg, DX_RUNNER_HOME: '', GEMINI_API_KEY: '', CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/hang`}
    // no --provider: gemini from the config; no gemini key: the config's chain hands it to cc-glm
    const s = sb.json(['start', '--beads', 'bd-cfg', '--prompt-file', sb.prompt, '--json'], {env})
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc).to.include({provider: 'cc-glm', fallback_reason: 'gemini: provider_auth_failed'})
    expect(existsSync(jobFile(root, 'cc-glm', 'bd-cfg', 'meta'))).to.equal(true)
    // the config's stall threshold (3 s) applies without a flag; the flag still wins
    const stalled = await waitFor(() => {
      const c = sb.json(['check', '--beads', 'bd-cfg', '--json'], {env})
      return c.code === 2 ? c : undefined
    }, {what: 'stalled by the configured threshold'})
    expect(stalled.doc.state).to.equal('stalled')
    expect(sb.json(['check', '--beads', 'bd-cfg', '--json', '--stall-minutes', '600'], {env}).code).to.equal(0)
    // an environment variable the user set wins over the config
    expect(sb.json(['check', '--beads', 'bd-cfg', '--json'], {env: {...env, DX_RUNNER_STALL_MINUTES: '600'}}).code).to.equal(0)
    expect(sb.run(['stop', '--beads', 'bd-cfg', '--grace', '2'], {env}).code).to.equal(0)
  })

  it('without a provider flag or a default_provider, start says what to set (exit 1)', () => {
    const r = sb.run(['start', '--beads', 'x', '--prompt-file', sb.prompt])
    expect(r.code).to.equal(1)
    expect(r.stderr).to.include('--provider').and.include('default_provider')
  })
})
