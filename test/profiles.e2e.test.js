import {expect} from 'chai'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {validateDocument} from '@dx-runner/core'
import {CLAUDE_OK, fakeAgent, jobFile, sandbox, sleep, startSimulatorProcess, TOKEN, waitFor, walk} from './helpers.js'

/** A sandbox whose config file is <base>/config/config.json (DX_RUNNER_CONFIG), so its profiles live in <base>/config/profiles. */
function withConfig(sb, config = {}) {
  const dir = join(sb.base, 'config')
  mkdirSync(join(dir, 'profiles'), {recursive: true})
  sb.configFile = join(dir, 'config.json')
  writeFileSync(sb.configFile, JSON.stringify(config))
  sb.env.DX_RUNNER_CONFIG = sb.configFile
  sb.profile = (name, text) => {
    const file = join(dir, 'profiles', name)
    writeFileSync(file, text)
    return file
  }
  return sb
}

const meta = (sb, beads) => JSON.parse(readFileSync(jobFile(sb, 'cc-glm', beads, 'meta'), 'utf8'))
const stderrLines = (r) => r.stderr.split('\n').filter(Boolean)

describe('profiles', function () {
  const sandboxes = []
  const make = (label, config) => {
    const sb = withConfig(sandbox(label), config)
    sandboxes.push(sb)
    return sb
  }
  afterEach(async () => {
    for (const sb of sandboxes.splice(0)) await sb.cleanup()
  })

  it('`profiles` lists the built-in ones and yours; yours shadows a built-in of the same name', async () => {
    const sb = make('list')
    sb.profile('cc-glm.yaml', 'description: my cc-glm\nprovider:\n  name: cc-glm\n')
    sb.profile('team.json', JSON.stringify({description: 'team', provider: {name: 'gemini'}}))
    const r = sb.json(['profiles', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(await validateDocument('profiles', r.doc)).to.deep.equal([])
    const by = Object.fromEntries(r.doc.profiles.map((p) => [p.name, p]))
    expect(by['cc-glm']).to.include({origin: 'user', provider: 'cc-glm', description: 'my cc-glm'})
    expect(by.team).to.include({origin: 'user', provider: 'gemini'})
    expect(by.gemini).to.include({origin: 'builtin', provider: 'gemini'})
    expect(by.opencode).to.include({origin: 'builtin', provider: 'opencode'})
    expect(by['claude-code']).to.include({origin: 'builtin', provider: 'claude-code'})
    const table = sb.run(['profiles'])
    expect(table.stdout).to.match(/^NAME\s+FROM\s+PROVIDER\s+DESCRIPTION$/m)
    expect(table.stdout).to.match(/^team\s+user\s+gemini\s+team$/m)
  })

  describe('`profiles show` gives every value and its source: flag > env > profile > config > default', () => {
    // max_parallel for cc-glm can be set at every level: what wins at each?
    const PROFILE = 'provider:\n  name: cc-glm\n  model: profile-model\nconcurrency:\n  max_parallel: 3\ntimeouts:\n  stall_minutes: 7\n'
    const CONFIG = {max_parallel: {'cc-glm': 8}, thresholds: {stall_minutes: 11, no_op_minutes: 12}}
    const table = [
      // [what, profile?, config?, env, flags, expected max_parallel, its source]
      ['a flag beats the environment, the profile and the config', true, true, {DX_RUNNER_MAX_PARALLEL_CC_GLM: '5'}, ['--max-parallel', '6'], 6, 'flag'],
      ['the environment beats the profile', true, true, {DX_RUNNER_MAX_PARALLEL_CC_GLM: '5'}, [], 5, 'env'],
      ['the profile beats the config', true, true, {}, [], 3, 'profile'],
      ['the config beats the default', false, true, {}, ['--provider', 'cc-glm'], 8, 'config'],
      ['the default when nothing sets it', false, false, {}, ['--provider', 'cc-glm'], null, 'default'],
    ]
    for (const [what, withProfile, withConfigFile, env, flags, value, source] of table) {
      it(what, async () => {
        const sb = make('show', withConfigFile ? CONFIG : {})
        if (withProfile) sb.profile('team.yaml', PROFILE)
        const r = sb.json(['profiles', 'show', ...(withProfile ? ['team'] : []), '--json', ...flags], {env})
        expect(r.code, r.stderr).to.equal(0)
        expect(await validateDocument('settings', r.doc)).to.deep.equal([])
        expect(r.doc.settings.max_parallel).to.equal(value)
        expect(r.doc.settings_sources.max_parallel).to.equal(source)
      })
    }

    it('a value the config file set through its environment variable is reported as config, not env; a flag beats the profile for the model', () => {
      const sb = make('show-sources', CONFIG)
      sb.profile('team.yaml', PROFILE)
      const r = sb.json(['profiles', 'show', 'team', '--json', '--model', 'flag-model', '--timeout', '90s'])
      expect(r.code, r.stderr).to.equal(0)
      expect(r.doc.profile).to.deep.equal({name: 'team', file: join(sb.base, 'config', 'profiles', 'team.yaml')})
      const pick = (k) => [r.doc.settings[k], r.doc.settings_sources[k]]
      expect(pick('model')).to.deep.equal(['flag-model', 'flag'])
      expect(pick('max_runtime_minutes')).to.deep.equal([1.5, 'flag'])
      expect(pick('provider')).to.deep.equal(['cc-glm', 'profile'])
      expect(pick('stall_minutes')).to.deep.equal([7, 'profile'])
      expect(pick('no_op_minutes')).to.deep.equal([12, 'config'])
      expect(pick('first_output_seconds')).to.deep.equal([60, 'default'])
      expect(Object.keys(r.doc.settings_sources).sort()).to.deep.equal(Object.keys(r.doc.settings).sort())
      const text = sb.run(['profiles', 'show', 'team', '--model', 'flag-model'])
      expect(text.stdout).to.match(/^model\s+flag-model\s+flag$/m)
      expect(text.stdout).to.match(/^no_op_minutes\s+12\s+config$/m)
    })
  })

  describe('a bad profile is one stderr line naming the file and the key; nothing is launched or written', () => {
    const cases = [
      ['a missing profile', 'nope', null, 1, /profile 'nope' not found \(looked for .*\/config\/profiles\/nope\.yaml, .*profiles\/nope\.json\)/],
      ['invalid YAML', 'bad', ['bad.yaml', 'provider: [cc-glm\n'], 1, /profile \S+\/bad\.yaml: not valid YAML/],
      ['an unknown key', 'bad', ['bad.yaml', 'provider:\n  name: cc-glm\ntimeouts:\n  stall_minute: 3\n'], 1, /profile \S+\/bad\.yaml: timeouts\.stall_minute: unknown key$/],
      ['a value of the wrong type', 'bad', ['bad.yml', 'provider:\n  name: cc-glm\ntimeouts:\n  stall_minutes: soon\n'], 1, /profile \S+\/bad\.yml: timeouts\.stall_minutes: must be number$/],
      ['invalid JSON', 'bad', ['bad.json', '{"provider": '], 1, /profile \S+\/bad\.json: not valid JSON/],
      ['an unknown provider', 'bad', ['bad.yaml', 'provider:\n  name: nosuch\n'], 20, /profile \S+\/bad\.yaml: provider\.name: unknown provider 'nosuch'/],
      ['a model the profile pins', 'pinned', ['pinned.yaml', 'provider:\n  name: cc-glm\n  model: glm-5\n  allow_model_override: false\n'], 1, /profile \S+\/pinned\.yaml: provider\.allow_model_override is false: --model other/, ['--model', 'other']],
      ['a baseline the profile requires', 'gated', ['gated.yaml', 'provider:\n  name: cc-glm\ngates:\n  baseline: required\n'], 1, /profile \S+\/gated\.yaml: gates\.baseline is required/],
      ['a feature key the profile requires', 'gated', ['gated.yaml', 'provider:\n  name: cc-glm\ngates:\n  feature_key: required\n'], 1, /profile \S+\/gated\.yaml: gates\.feature_key is required/],
    ]
    for (const [what, ref, file, code, line, extra = []] of cases) {
      it(`${what} → exit ${code}`, () => {
        const sb = fakeAgent(make('bad'))
        if (file) sb.profile(...file)
        const r = sb.startScript('bd-bad', CLAUDE_OK, ['--profile', ref, ...extra])
        expect(r.code, r.stderr).to.equal(code)
        expect(stderrLines(r), r.stderr).to.have.length(1)
        expect(stderrLines(r)[0]).to.match(/^dx-runner: /).and.match(line)
        expect(walk(sb.root)).to.deep.equal([])
        expect(sb.groups()).to.deep.equal([])
        if (!extra.length && !what.includes('requires')) {
          const shown = sb.run(['profiles', 'show', ref])
          expect([shown.code, stderrLines(shown).length], shown.stderr).to.deep.equal([code, 1])
        }
      })
    }

    it('a profile named by its path works like a named one, and a missing path is one line', () => {
      const sb = fakeAgent(make('bad-path'))
      const r = sb.startScript('bd-p', CLAUDE_OK, ['--profile', join(sb.base, 'absent.yaml')])
      expect(r.code).to.equal(1)
      expect(stderrLines(r)).to.deep.equal([`dx-runner: profile ${join(sb.base, 'absent.yaml')}: no such file`])
      expect(walk(sb.root)).to.deep.equal([])
    })
  })

  describe('start --profile', () => {
    it('records the profile, every resolved value and its source in the meta, and takes the run budget from it', () => {
      const sb = fakeAgent(make('start', {thresholds: {no_op_minutes: 12}}))
      const file = sb.profile('fast.yaml', 'description: fast\nprovider:\n  name: cc-glm\n  model: glm-fast\ntimeouts:\n  max_runtime_minutes: 30\n  stall_minutes: 7\n  no_mutation_timeout_minutes: 2\n  first_mutation_grace_seconds: 45\n')
      // no --provider: the profile names it
      writeFileSync(join(sb.base, 'bd-s.sh'), `${CLAUDE_OK}sleep 30\n`)
      const r = sb.run(['start', '--beads', 'bd-s', '--prompt-file', join(sb.base, 'bd-s.sh'), '--profile', 'fast'], {env: {DX_RUNNER_FIRST_OUTPUT_SECONDS: '33', DX_RUNNER_DEFAULT_PROVIDER: 'gemini'}})
      expect(r.code, r.stderr).to.equal(0)
      const m = meta(sb, 'bd-s')
      expect(m.profile).to.deep.equal({name: 'fast', file})
      expect(m).to.include({timeout_sec: 1800, model: 'glm-fast', no_mutation_timeout_sec: 120, first_mutation_grace_sec: 45})
      expect(m.settings).to.include({provider: 'cc-glm', model: 'glm-fast', max_runtime_minutes: 30, stall_minutes: 7, no_op_minutes: 12, first_output_seconds: 33})
      expect(m.settings_sources).to.include({provider: 'profile', model: 'profile', max_runtime_minutes: 'profile', stall_minutes: 'profile', no_op_minutes: 'config', first_output_seconds: 'env', gates_baseline: 'default'})
    })

    it('a flag wins over the profile (--timeout, --model)', () => {
      const sb = fakeAgent(make('start-flag'))
      sb.profile('fast.yaml', 'provider:\n  name: cc-glm\n  model: glm-fast\ntimeouts:\n  max_runtime_minutes: 30\n')
      const r = sb.startScript('bd-f', `${CLAUDE_OK}sleep 30\n`, ['--profile', 'fast', '--timeout', '90s', '--model', 'glm-flag'])
      expect(r.code, r.stderr).to.equal(0)
      const m = meta(sb, 'bd-f')
      expect(m).to.include({timeout_sec: 90, model: 'glm-flag'})
      expect(m.settings_sources).to.include({max_runtime_minutes: 'flag', model: 'flag'})
    })

    it('DX_RUNNER_PROFILE names the profile when --profile is not given', () => {
      const sb = fakeAgent(make('start-env'))
      sb.profile('fast.yaml', 'provider:\n  name: cc-glm\ntimeouts:\n  max_runtime_minutes: 30\n')
      const r = sb.startScript('bd-e', `${CLAUDE_OK}sleep 30\n`, [], {env: {DX_RUNNER_PROFILE: 'fast'}})
      expect(r.code, r.stderr).to.equal(0)
      expect(meta(sb, 'bd-e')).to.include({timeout_sec: 1800})
      expect(meta(sb, 'bd-e').profile.name).to.equal('fast')
    })

    it("the job is judged by its profile's thresholds, whatever the observer's environment, unless the observer gives the flag", async () => {
      const sb = fakeAgent(make('thresholds'))
      sb.profile('twitchy.yaml', 'provider:\n  name: cc-glm\ntimeouts:\n  stall_minutes: 0.01\n  no_op_minutes: 100\n  first_output_seconds: 0\n')
      const r = sb.startScript('bd-t', 'sleep 60\n', ['--profile', 'twitchy'])
      expect(r.code, r.stderr).to.equal(0)
      await sleep(1500)
      const plain = sb.json(['check', '--beads', 'bd-t', '--json'], {env: {DX_RUNNER_STALL_MINUTES: '50'}})
      expect([plain.code, plain.doc.state], plain.stderr).to.deep.equal([2, 'stalled'])
      const flagged = sb.json(['check', '--beads', 'bd-t', '--json', '--stall-minutes', '50'])
      expect(flagged.doc.state, JSON.stringify(flagged.doc)).to.not.equal('stalled')
    })
  })

  describe('preflight policy', () => {
    let sim
    before(async () => {
      // a simulator (its own process: start blocks this one) that refuses the test token: the endpoint check fails (401)
      sim = await startSimulatorProcess({SIM_TOKEN: 'some-other-token'}, ['--expected-token-env', 'SIM_TOKEN'])
    })
    after(async () => {
      await sim?.stop()
    })

    it('a failing check set to warn does not block start: one warning line on stderr names it', async () => {
      const sb = fakeAgent(make('warn'))
      sb.env.CC_GLM_BASE_URL = sim.url
      sb.profile('lenient.yaml', 'provider:\n  name: cc-glm\npreflight:\n  checks:\n    endpoint: warn\n')
      const refused = sb.startScript('bd-w0', CLAUDE_OK)
      expect(refused.code, refused.stderr).to.equal(10)
      const r = sb.startScript('bd-w', CLAUDE_OK, ['--profile', 'lenient'])
      expect(r.code, r.stderr).to.equal(0)
      expect(stderrLines(r)).to.have.length(1)
      expect(stderrLines(r)[0]).to.match(/^dx-runner: warning: preflight check endpoint failed, allowed by the profile \(warn\): .*HTTP 401/)
      await waitFor(() => existsSync(jobFile(sb, 'cc-glm', 'bd-w', 'rc')), {what: 'the job to end'})
    })

    it('strict turns a warning into a failure: exit 21 naming the check, nothing launched', () => {
      // fakeAgent's endpoint (port 9) does not answer: the endpoint check only warns
      const sb = fakeAgent(make('strict'))
      sb.profile('strict.yaml', 'provider:\n  name: cc-glm\npreflight:\n  strict: true\n')
      const lenient = sb.startScript('bd-s0', CLAUDE_OK)
      expect(lenient.code, lenient.stderr).to.equal(0)
      const r = sb.startScript('bd-s', CLAUDE_OK, ['--profile', 'strict'])
      expect(r.code, r.stderr).to.equal(21)
      expect(stderrLines(r)).to.have.length(1)
      expect(stderrLines(r)[0]).to.match(/^dx-runner: preflight strict for cc-glm: warnings are failures: endpoint: /)
      expect(existsSync(jobFile(sb, 'cc-glm', 'bd-s', 'meta'))).to.equal(false)
    })
  })
})

describe('profiles — restart', function () {
  let sim
  const sandboxes = []
  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(async () => {
    for (const sb of sandboxes.splice(0)) await sb.cleanup()
  })
  after(async () => {
    await sim?.close()
  })

  it('a job started with a profile and restarted from a shell with another endpoint, thresholds and profile, and no flags, runs with its recorded settings', async () => {
    const sb = withConfig(sandbox('profile-restart'))
    sandboxes.push(sb)
    Object.assign(sb.env, {CC_GLM_BASE_URL: `${sim.url}/s/answer`, CC_GLM_AUTH_TOKEN: TOKEN, CLAUDE_CODE_MAX_RETRIES: '0'})
    sb.profile('sim.yaml', 'provider:\n  name: cc-glm\n  model: glm-profile\ntimeouts:\n  max_runtime_minutes: 30\n  stall_minutes: 7\n')
    sb.profile('other.yaml', 'provider:\n  name: cc-glm\n  model: glm-other\ntimeouts:\n  max_runtime_minutes: 5\n')
    const r = sb.json(['start', '--beads', 'bd-pr', '--prompt-file', sb.prompt, '--profile', 'sim', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    const finished = () => waitFor(() => {
      const c = sb.json(['check', '--beads', 'bd-pr', '--json']).doc
      return c.state.startsWith('exited') ? c : undefined
    }, {what: 'bd-pr to finish', timeoutMs: 90_000})
    expect((await finished()).state).to.equal('exited_ok')
    const before = meta(sb, 'bd-pr')
    const from = sim.requests.length
    const shell = {CC_GLM_BASE_URL: `${sim.url}/s/401`, ANTHROPIC_BASE_URL: `${sim.url}/s/401`, DX_RUNNER_STALL_MINUTES: '99', DX_RUNNER_PROFILE: 'other', DX_RUNNER_DEFAULT_PROVIDER: 'gemini'}
    const again = sb.run(['restart', '--beads', 'bd-pr', '--json'], {env: shell})
    expect(again.code, again.stderr).to.equal(0)
    const c = await finished()
    expect(c, JSON.stringify(c)).to.include({state: 'exited_ok', retry_count: 1})
    const calls = sim.requests.slice(from).filter((x) => x.path === '/v1/messages')
    expect(calls.length).to.be.above(0)
    expect(calls.map((x) => x.scenario)).to.satisfy((s) => s.every((x) => x === 'answer'))
    expect(calls.map((x) => x.model)).to.include('glm-profile')
    expect(calls.map((x) => x.model)).to.not.include('glm-other')
    const after = meta(sb, 'bd-pr')
    expect(after).to.deep.equal({...before, retries: 1})
    expect(after.profile).to.deep.equal({name: 'sim', file: join(sb.base, 'config', 'profiles', 'sim.yaml')})
    expect(after).to.include({timeout_sec: 1800, model: 'glm-profile'})
    expect(after.settings).to.include({stall_minutes: 7, max_runtime_minutes: 30, model: 'glm-profile'})
    expect(await validateDocument('meta', after)).to.deep.equal([])
  })
})
