import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {DEFAULT_SETTINGS, DEFAULT_THRESHOLDS, judgePreflight, jobThresholds, maxParallelEnv, readProfile, resolveSettings, validateProfile, loadSchema, validateDocument} from '@dx-runner/core'
import {generate, GENERATED} from '../scripts/profile-validator.js'

describe('profile files (profiles/)', () => {
  it('the compiled validator is the one ajv makes from PROFILE_SCHEMA today (run `npm run profile-validator` in packages/core after changing it)', () => {
    expect(readFileSync(GENERATED, 'utf8')).to.equal(generate())
  })

  it('reading a JSON profile loads neither a schema library nor the YAML parser', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dxr-profile-'))
    try {
      writeFileSync(join(dir, 'p.json'), JSON.stringify({provider: {name: 'cc-glm'}}))
      const script = `
        import {createRequire} from 'node:module'
        const core = await import(${JSON.stringify(new URL('../dist/profiles/load-profile.js', import.meta.url).href)})
        await core.readProfile(${JSON.stringify(join(dir, 'p.json'))}, 'p', 'file')
        const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /[\\\\/](ajv|yaml)[\\\\/]/.test(k))
        process.stdout.write(JSON.stringify(loaded))`
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {cwd: fileURLToPath(new URL('..', import.meta.url))}).toString()
      expect(JSON.parse(out)).to.deep.equal([])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('each problem is a line naming the key path', () => {
    const cases = [
      [{description: 'ok', provider: {name: 'cc-glm', model: 'm', allow_model_override: false, fallback_providers: ['gemini'], fallback_models: []}, timeouts: {stall_minutes: 1.5}, preflight: {strict: true, checks: {endpoint: 'warn'}}, gates: {baseline: 'required'}, scope: {allowed_paths: ['src'], file_budget: 3}, concurrency: {max_parallel: 2, queue_timeout_sec: 0}}, []],
      [{timeouts: {stall_minutes: '3'}}, ['timeouts.stall_minutes: must be number']],
      [{provider: {nam: 'x'}}, ['provider.nam: unknown key']],
      [{extra: 1}, ['extra: unknown key']],
      [{preflight: {checks: {endpoint: 'maybe'}}}, ['preflight.checks.endpoint: must be one of error, warn']],
      [{concurrency: {max_parallel: 0}}, ['concurrency.max_parallel: must be >= 1']],
      [{provider: {fallback_models: ['a', '']}}, ['provider.fallback_models[1]: must NOT have fewer than 1 characters']],
      [{gates: {feature_key: 'yes'}}, ['gates.feature_key: must be one of required, optional']],
      [null, ['(top level): must be object']],
    ]
    for (const [doc, lines] of cases) expect(validateProfile(doc), JSON.stringify(doc)).to.deep.equal(lines)
  })

  it('a YAML profile is parsed; a broken one is one line naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dxr-profile-'))
    try {
      writeFileSync(join(dir, 'a.yaml'), 'provider:\n  name: cc-glm\ntimeouts:\n  stall_minutes: 2\n')
      expect((await readProfile(join(dir, 'a.yaml'), 'a', 'user')).profile).to.deep.equal({provider: {name: 'cc-glm'}, timeouts: {stall_minutes: 2}})
      writeFileSync(join(dir, 'b.yml'), 'provider: [unclosed\n')
      const e = await readProfile(join(dir, 'b.yml'), 'b', 'user').catch((x) => x)
      expect(e.exitCode).to.equal(1)
      expect(e.message).to.match(new RegExp(`^profile ${join(dir, 'b.yml')}: not valid YAML \\(`))
      expect(e.message).to.not.include('\n')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it("the profile's schema is published with the others, and a valid profile passes it", async () => {
    expect(loadSchema('profile')).to.have.property('$id')
    expect(await validateDocument('profile', {provider: {name: 'x'}})).to.deep.equal([])
    expect(await validateDocument('profile', {provider: {name: 1}})).to.not.deep.equal([])
  })
})

describe('settings resolution: flag > env > profile > config > default, with sources', () => {
  const profile = {provider: {name: 'cc-glm', model: 'p-model'}, timeouts: {stall_minutes: 7, no_op_minutes: 4, max_runtime_minutes: 30}, concurrency: {max_parallel: 3}}
  const config = (provider) => ({provider: 'gemini', stall_minutes: 11, no_op_minutes: 12, first_output_seconds: 13, queue_timeout_sec: 9, ...(provider === 'cc-glm' ? {max_parallel: 8, fallback_providers: ['opencode']} : {})})
  const resolve = (over = {}) => resolveSettings({flags: {}, env: {}, envFromConfig: new Set(), profile, config, ...over})

  const table = [
    // [what, inputs, key, value, source]
    ['a flag beats the environment, the profile and the config', {flags: {stall_minutes: 1}, env: {DX_RUNNER_STALL_MINUTES: '2'}}, 'stall_minutes', 1, 'flag'],
    ['the environment beats the profile', {env: {DX_RUNNER_STALL_MINUTES: '2'}}, 'stall_minutes', 2, 'env'],
    ['the profile beats the config', {}, 'stall_minutes', 7, 'profile'],
    ['the config beats the default', {profile: undefined}, 'stall_minutes', 11, 'config'],
    ['the default when nothing sets it', {profile: undefined, config: () => ({})}, 'stall_minutes', DEFAULT_THRESHOLDS.stallMinutes, 'default'],
    ['a variable the config file set counts as config, not env', {profile: undefined, env: {DX_RUNNER_STALL_MINUTES: '11'}, envFromConfig: new Set(['DX_RUNNER_STALL_MINUTES'])}, 'stall_minutes', 11, 'config'],
    ['a variable the config set does not beat the profile', {env: {DX_RUNNER_STALL_MINUTES: '11'}, envFromConfig: new Set(['DX_RUNNER_STALL_MINUTES'])}, 'stall_minutes', 7, 'profile'],
    ['the profile names the provider over DX_RUNNER_DEFAULT_PROVIDER (a default)', {env: {DX_RUNNER_DEFAULT_PROVIDER: 'opencode'}}, 'provider', 'cc-glm', 'profile'],
    ['DX_RUNNER_DEFAULT_PROVIDER over the config', {profile: undefined, env: {DX_RUNNER_DEFAULT_PROVIDER: 'opencode'}}, 'provider', 'opencode', 'env'],
    ['the provider flag over everything', {flags: {provider: 'gemini'}, env: {DX_RUNNER_DEFAULT_PROVIDER: 'opencode'}}, 'provider', 'gemini', 'flag'],
    ["max_parallel's variable is the provider's name upper-cased, - as _", {env: {DX_RUNNER_MAX_PARALLEL_CC_GLM: '5'}}, 'max_parallel', 5, 'env'],
    ["another provider's max_parallel variable does not count", {env: {DX_RUNNER_MAX_PARALLEL_GEMINI: '5'}}, 'max_parallel', 3, 'profile'],
    ['per-provider config values follow the resolved provider', {profile: {provider: {name: 'cc-glm'}}}, 'fallback_providers', ['opencode'], 'config'],
    ['the queue time-out from the environment', {env: {DX_RUNNER_QUEUE_TIMEOUT_SEC: '2.5'}}, 'queue_timeout_sec', 2.5, 'env'],
    ['the run budget from the profile', {}, 'max_runtime_minutes', 30, 'profile'],
    ['the run budget from --timeout', {flags: {max_runtime_minutes: 1.5}}, 'max_runtime_minutes', 1.5, 'flag'],
    ['a setting only profiles have, from its default', {}, 'gates_baseline', 'optional', 'default'],
    ["--provider naming another provider leaves the profile's model out", {flags: {provider: 'gemini'}}, 'model', null, 'default'],
    ["--provider naming another provider keeps the profile's other values", {flags: {provider: 'gemini'}}, 'stall_minutes', 7, 'profile'],
    ["--provider naming the profile's own provider keeps its model", {flags: {provider: 'cc-glm'}}, 'model', 'p-model', 'profile'],
  ]
  for (const [what, over, key, value, source] of table) {
    it(what, () => {
      const {settings, sources} = resolve(over)
      expect(settings[key], key).to.deep.equal(value)
      expect(sources[key], key).to.equal(source)
    })
  }

  it('every setting has a value and a source', () => {
    const {settings, sources} = resolve()
    expect(Object.keys(settings).sort()).to.deep.equal(Object.keys(DEFAULT_SETTINGS).sort())
    expect(Object.keys(sources).sort()).to.deep.equal(Object.keys(DEFAULT_SETTINGS).sort())
  })

  it('a bad value in a variable is one line naming it', () => {
    expect(() => resolve({env: {[maxParallelEnv('cc-glm')]: '0'}})).to.throw(/^invalid DX_RUNNER_MAX_PARALLEL_CC_GLM "0"/)
    expect(() => resolve({env: {DX_RUNNER_NO_OP_MINUTES: 'x'}})).to.throw(/^invalid DX_RUNNER_NO_OP_MINUTES "x"/)
  })
})

describe('preflight policy (profiles/preflight-policy.ts)', () => {
  const report = (checks) => ({provider: 'p', passed: checks.every((c) => c.status !== 'fail'), checks})
  const ok = {name: 'binary', status: 'ok', detail: ''}
  const fail = {name: 'endpoint', status: 'fail', detail: 'refused'}
  const warn = {name: 'model', status: 'warn', detail: 'guessing'}

  it('without a policy a failed check fails and a warning passes, as before', () => {
    expect(judgePreflight(report([ok, fail, warn]))).to.deep.equal({failures: [fail], downgraded: [], strictFailures: []})
    expect(judgePreflight(report([ok, warn]))).to.deep.equal({failures: [], downgraded: [], strictFailures: []})
  })
  it('a failed check set to warn does not block: it is reported as a warning', () => {
    expect(judgePreflight(report([ok, fail]), {strict: false, checks: {endpoint: 'warn'}})).to.deep.equal({failures: [], downgraded: [fail], strictFailures: []})
  })
  it('a check set to error still blocks', () => {
    expect(judgePreflight(report([fail]), {strict: false, checks: {endpoint: 'error'}}).failures).to.deep.equal([fail])
  })
  it('strict turns every warning (downgraded or the check\'s own) into a failure', () => {
    expect(judgePreflight(report([ok, fail, warn]), {strict: true, checks: {endpoint: 'warn'}})).to.deep.equal({failures: [], downgraded: [], strictFailures: [fail, warn]})
  })
  it('strict with no warning passes', () => {
    expect(judgePreflight(report([ok]), {strict: true, checks: {}})).to.deep.equal({failures: [], downgraded: [], strictFailures: []})
  })
  it('a report that failed without a failed check still fails', () => {
    expect(judgePreflight({provider: 'p', passed: false, checks: [ok], reason_code: 'x'}, {strict: false, checks: {}}).failures).to.have.length(1)
  })
})

describe("a job is judged by the thresholds it was started with (health/job-thresholds.ts)", () => {
  const observer = {...DEFAULT_THRESHOLDS, stallMinutes: 20}
  const meta = (stall, source) => ({settings: {...DEFAULT_SETTINGS, stall_minutes: stall}, settings_sources: {...Object.fromEntries(Object.keys(DEFAULT_SETTINGS).map((k) => [k, 'default'])), stall_minutes: source}})
  it('a recorded (non-default) threshold wins over the observer\'s environment', () => {
    expect(jobThresholds(observer, meta(2, 'profile')).stallMinutes).to.equal(2)
    expect(jobThresholds(observer, meta(2, 'env')).stallMinutes).to.equal(2)
  })
  it('a default or config value is not pinned: the observer\'s value (its environment over the same config) stands', () => {
    expect(jobThresholds(observer, meta(DEFAULT_THRESHOLDS.stallMinutes, 'default')).stallMinutes).to.equal(20)
    expect(jobThresholds(observer, meta(3, 'config')).stallMinutes).to.equal(20)
  })
  it('a threshold flag given to the observing command wins', () => {
    expect(jobThresholds({...observer, stallMinutes: 9, fromFlags: ['stallMinutes']}, meta(2, 'profile')).stallMinutes).to.equal(9)
  })
  it('a job recorded before settings existed is judged by the observer\'s', () => {
    expect(jobThresholds(observer, {})).to.equal(observer)
  })
})
