import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {Secret} from '@dx-runner/provider'
import {CONFORMANCE_CHECKS, checkProviderConformance, runProviderConformance} from '../dist/index.js'

/** A minimal provider that keeps every rule. */
function goodProvider() {
  return {
    specificationVersion: 'v1',
    name: 'good',
    description: 'a well-behaved test provider',
    defaultModel: 'm',
    async resolveAuth() {
      return {source: 'X', env: {TOKEN: new Secret('t')}}
    },
    async preflight() {
      return {provider: 'good', passed: true, checks: [{name: 'binary', status: 'ok', detail: 'fine'}]}
    },
    async probe() {
      return {provider: 'good', model: 'm', answered: true, latency_ms: 1, reason_code: 'outcome_exit_0', detail: ''}
    },
    async selectModel() {
      return {selected_model: 'm', fallback_reason: 'none'}
    },
    buildLaunch(job, auth, model) {
      return {
        command: 'agent',
        args: ['--model', model],
        env: {TMPDIR: job.tmpDir, ...auth.plainEnv},
        secretEnv: {...auth.env},
        unsetEnv: ['OTHER_KEY'],
        files: [{path: 'home/.agent/settings.json', content: '{"auth":"from-env"}\n'}],
        stdin: 'prompt',
        cwd: job.worktree,
      }
    },
    classifyExit(f) {
      if (f.timed_out) return {state: 'failed', reason_code: 'timeout'}
      const s = f.telemetry.last_retry?.status ?? f.telemetry.error_status
      if (s === 401 || s === 403) return {state: 'failed', reason_code: 'provider_auth_failed'}
      return f.exit_code === 0 ? {state: 'success', reason_code: 'outcome_exit_0'} : {state: 'failed', reason_code: 'process_exit_with_rc'}
    },
    parseEvent(line) {
      return line.startsWith('{') ? {kind: 'text'} : undefined
    },
  }
}

const ctx = {env: {}, cwd: '/tmp', timeoutMs: 1000}
/** the kit's sample credentials (any copy of them in a launch spec is a leak) */
const SAMPLE_SECRET_VALUES = ['dxr-conformance-secret-5b7e1c', 'dxr-conformance-second-9d2a4f']
const key = (auth) => auth.env.CONFORMANCE_TOKEN.reveal()
/** The good provider with its launch spec changed by `change(spec, auth)`. */
const launching = (change) => (p) => ({...p, buildLaunch: (job, auth, m) => change(p.buildLaunch(job, auth, m), auth)})

describe('provider conformance kit', () => {
  it('passes a provider that keeps the contract, one finding per rule', async () => {
    const findings = await checkProviderConformance(goodProvider(), {ctx})
    expect(findings.filter((f) => !f.passed)).to.deep.equal([])
    expect(findings.map((f) => f.rule)).to.deep.equal(CONFORMANCE_CHECKS.map((c) => c.rule))
  })

  it('runs the I/O rules only with a ctx, and the parseEvent rules only for a provider that has parseEvent', async () => {
    const {parseEvent: _omit, ...noParser} = goodProvider()
    const rules = (await checkProviderConformance(noParser)).map((f) => f.rule)
    const needing = (what) => CONFORMANCE_CHECKS.filter((c) => c.needs === what).map((c) => c.rule)
    expect(needing('ctx')).to.not.be.empty
    expect(needing('parseEvent')).to.not.be.empty
    for (const r of [...needing('ctx'), ...needing('parseEvent')]) expect(rules).to.not.include(r)
  })

  it('registers one mocha test per rule, each titled with its rule', () => {
    const saved = {describe: globalThis.describe, it: globalThis.it}
    const titles = []
    let suite
    try {
      globalThis.describe = (title, fn) => {
        suite = title
        fn()
      }
      globalThis.it = (title) => titles.push(title)
      runProviderConformance(goodProvider(), {ctx})
    } finally {
      Object.assign(globalThis, saved)
    }
    expect(suite).to.equal('good conforms to ProviderV1')
    expect(titles).to.deep.equal(CONFORMANCE_CHECKS.map((c) => `rule ${c.rule}: ${c.title}`))
  })

  it('writes every rule it enforces in the testkit README, numbered as in its test titles', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const lines = readme.split('\n').map((l) => l.trim())
    for (const c of CONFORMANCE_CHECKS) expect(lines.some((l) => l.startsWith(`${c.rule}. ${c.title}`)), `README line "${c.rule}. ${c.title}"`).to.equal(true)
    expect(CONFORMANCE_CHECKS.map((c) => c.rule)).to.deep.equal(CONFORMANCE_CHECKS.map((_, i) => i + 1))
  })

  // what is wrong → the only rules that fail, and words each failure's message must contain
  const broken = {
    'another specificationVersion': [(p) => ({...p, specificationVersion: 'v2'}), {1: "specificationVersion is \"v2\", expected 'v1'"}],
    'a bad name': [(p) => ({...p, name: 'Bad Name!'}), {2: 'name "Bad Name!" is not lower-case kebab-case', 30: 'the preflight report\'s provider is "good", expected "Bad Name!"'}],
    'no defaultModel': [(p) => ({...p, defaultModel: ''}), {3: 'defaultModel is "", expected a non-empty string'}],
    'no probe': [(p) => ({...p, probe: undefined}), {4: 'probe is missing, expected a function', 31: 'probe is missing, so there is nothing to check'}],
    'a non-deterministic buildLaunch': [launching((l) => ({...l, args: [...l.args, String(Math.random())]})), {5: 'two calls with the same inputs gave different args[2]'}],
    'a buildLaunch that changes its auth': [(p) => ({...p, buildLaunch: (job, auth, m) => {
      auth.plainEnv.CONFORMANCE_URL = 'http://elsewhere'
      return p.buildLaunch(job, auth, m)
    }}), {6: 'buildLaunch changed its input auth.plainEnv.CONFORMANCE_URL'}],
    'an empty command': [launching((l) => ({...l, command: ''})), {7: 'command is "", expected the agent CLI\'s name or path'}],
    'a number among the args': [launching((l) => ({...l, args: ['--turns', 3]})), {8: 'args[1] is 3, expected a string'}],
    'a Secret object in plain env': [launching((l, auth) => ({...l, env: {...l.env, TOKEN: auth.env.CONFORMANCE_TOKEN}})), {9: 'env.TOKEN is a Secret, expected a string (a Secret goes in secretEnv)'}],
    'stdin undefined': [launching((l) => ({...l, stdin: undefined})), {10: "stdin is nothing, expected 'prompt' or 'null'"}],
    'a relative cwd': [launching((l) => ({...l, cwd: 'repo'})), {11: 'cwd is "repo", expected an absolute path'}],
    'a command line in unsetEnv': [launching((l) => ({...l, unsetEnv: ['OK_NAME', 'unset FOO']})), {12: 'unsetEnv[1] is "unset FOO", expected a variable name'}],
    'a file at an absolute path': [launching((l) => ({...l, files: [{path: '/etc/agent.json', content: '{}'}]})), {13: 'files[0].path "/etc/agent.json" is absolute'}],
    'a file outside the job directory': [launching((l) => ({...l, files: [{path: '../../etc/agent.json', content: '{}'}]})), {13: 'files[0].path "../../etc/agent.json" leaves the job\'s directory'}],
    'a secret passed as a plain string': [launching((l, auth) => ({...l, secretEnv: {...l.secretEnv, CONFORMANCE_TOKEN: key(auth)}})), {14: 'secretEnv.CONFORMANCE_TOKEN is a plain string, expected a Secret', 15: 'secretEnv.CONFORMANCE_TOKEN is a plain string'}],
    'a secret that never reaches the agent': [launching((l) => ({...l, secretEnv: {}})), {15: 'secretEnv.CONFORMANCE_TOKEN is missing: buildLaunch must pass every auth.env entry through as secretEnv'}],
    'a secret renamed on its way': [launching((l, auth) => ({...l, secretEnv: {ANTHROPIC_AUTH_TOKEN: auth.env.CONFORMANCE_TOKEN, CONFORMANCE_SECOND_TOKEN: auth.env.CONFORMANCE_SECOND_TOKEN}})), {15: 'secretEnv.CONFORMANCE_TOKEN is missing'}],
    'a secret swapped with another': [launching((l, auth) => ({...l, secretEnv: {CONFORMANCE_TOKEN: auth.env.CONFORMANCE_SECOND_TOKEN, CONFORMANCE_SECOND_TOKEN: auth.env.CONFORMANCE_TOKEN}})), {15: 'secretEnv.CONFORMANCE_TOKEN holds another value than auth.env.CONFORMANCE_TOKEN'}],
    // the leaks: one deliberately bad provider per place a secret must never go
    'a secret on argv': [launching((l, auth) => ({...l, args: [...l.args, '--key', key(auth)]})), {16: 'buildLaunch put the secret into args[3] (the value of auth.env.CONFORMANCE_TOKEN)'}],
    'a secret inside an argument': [launching((l, auth) => ({...l, args: [...l.args, `--header=Authorization: Bearer ${key(auth)}`]})), {16: 'buildLaunch put the secret into args[2]'}],
    'a secret in the command': [launching((l, auth) => ({...l, command: `env KEY=${key(auth)} agent`})), {16: 'buildLaunch put the secret into command'}],
    'a secret in plain env': [launching((l, auth) => ({...l, env: {...l.env, FOO: key(auth)}})), {17: 'buildLaunch put the secret into env.FOO (the value of auth.env.CONFORMANCE_TOKEN)'}],
    'a secret as a plain env name': [launching((l, auth) => ({...l, env: {...l.env, [`K_${key(auth)}`]: '1'}})), {17: 'buildLaunch put the secret into env (in a name) (the value of auth.env.CONFORMANCE_TOKEN)'}],
    'a secret in a file': [launching((l, auth) => ({...l, files: [{path: 'auth.json', content: JSON.stringify({api_key: key(auth)})}]})), {18: 'buildLaunch put the secret into files[0].content (the value of auth.env.CONFORMANCE_TOKEN)'}],
    'a base64 secret in a file': [launching((l, auth) => ({...l, files: [...l.files, {path: 'netrc', content: `token ${Buffer.from(auth.env.CONFORMANCE_SECOND_TOKEN.reveal()).toString('base64')}\n`}]})), {18: 'buildLaunch put the secret into files[1].content (base64-encoded) (the value of auth.env.CONFORMANCE_SECOND_TOKEN)'}],
    'a secret in a file path': [launching((l, auth) => ({...l, files: [{path: `keys/${key(auth)}.txt`, content: ''}]})), {18: 'buildLaunch put the secret into files[0].path'}],
    'a secret in the working directory': [launching((l, auth) => ({...l, cwd: `/tmp/${key(auth)}`})), {19: 'buildLaunch put the secret into cwd'}],
    'a secret in a field of its own': [launching((l, auth) => ({...l, extra: {note: key(auth)}})), {19: 'buildLaunch put the secret into extra.note'}],
    'a buildLaunch that throws': [(p) => ({...p, buildLaunch: () => {
      throw new Error('no HOME')
    }}), Object.fromEntries([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((r) => [r, 'buildLaunch threw on the sample job: no HOME']))],
    'an undocumented reason code': [(p) => ({...p, classifyExit: (f) => (f.exit_code === 2 ? {state: 'failed', reason_code: 'it_broke'} : p.classifyExit(f))}), {20: "exit 2 with telemetry 'none': reason_code \"it_broke\" is not in SPEC.md's closed set"}],
    'an unknown state': [(p) => ({...p, classifyExit: (f) => (f.exit_code === 53 ? {state: 'done', reason_code: 'outcome_exit_0'} : p.classifyExit(f))}), {20: "exit 53 with telemetry 'none': state \"done\" is not one of success, failed, killed, no_op"}],
    'a classifyExit that changes its mind': [(p) => {
      let n = 0
      return {...p, classifyExit: (f) => (f.exit_code === 42 && n++ % 2 ? {state: 'no_op', reason_code: 'outcome_exit_0'} : p.classifyExit(f))}
    }, {21: "exit 42 with telemetry 'none': first"}],
    'any retry read as a refused key': [(p) => ({...p, classifyExit: (f) => (f.telemetry.last_retry ? {state: 'failed', reason_code: 'provider_auth_failed'} : p.classifyExit(f))}), {22: 'gave provider_auth_failed: nothing refused the key'}],
    'a timeout not named': [(p) => ({...p, classifyExit: (f) => (f.timed_out ? {state: 'failed', reason_code: 'process_exit_with_rc'} : p.classifyExit(f))}), {23: 'a timeout gave reason_code "process_exit_with_rc", expected timeout'}],
    'a 401 not read as auth': [(p) => ({...p, classifyExit: (f) => (f.telemetry.last_retry?.status === 401 ? {state: 'failed', reason_code: 'process_exit_with_rc'} : p.classifyExit(f))}), {24: 'expected provider_auth_failed'}],
    'a success read as failure': [(p) => ({...p, classifyExit: (f) => (f.exit_code === 0 ? {state: 'failed', reason_code: 'process_exit_with_rc'} : p.classifyExit(f))}), {25: 'exit 0 with a successful result gave "failed"/"process_exit_with_rc", expected state success'}],
    'a parseEvent that throws': [(p) => ({...p, parseEvent: (l) => (l === '{' ? JSON.parse(l) : p.parseEvent(l))}), {26: 'parseEvent threw on "{"'}],
    'a parseEvent of unknown kinds': [(p) => ({...p, parseEvent: (l) => (l === '42' ? {kind: 'number'} : p.parseEvent(l))}), {27: 'parseEvent on "42" returned an event of kind "number"'}],
    'a parseEvent that changes its mind': [(p) => {
      let n = 0
      return {...p, parseEvent: (l) => (l === '{"type":null}' ? {kind: 'text', n: n++} : p.parseEvent(l))}
    }, {28: 'parseEvent on "{\\"type\\":null}" gave different n on two calls'}],
    'a preflight report of the wrong shape': [(p) => ({...p, preflight: async () => ({provider: 'good', passed: 'yes', checks: []})}), {29: 'the preflight report does not match the schema'}],
    'a preflight report naming another provider': [(p) => ({...p, preflight: async () => ({...(await p.preflight()), provider: 'other'})}), {30: 'the preflight report\'s provider is "other", expected "good"'}],
    'a probe result of the wrong shape': [(p) => ({...p, probe: async () => ({provider: 'good', answered: 'maybe'})}), {31: 'the probe result does not match the schema'}],
  }
  it('has a deliberately broken provider for every rule', () => {
    const covered = new Set(Object.values(broken).flatMap(([, expected]) => Object.keys(expected).map(Number)))
    expect(CONFORMANCE_CHECKS.map((c) => c.rule).filter((r) => !covered.has(r))).to.deep.equal([])
  })
  for (const [what, [mutate, expected]] of Object.entries(broken)) {
    it(`fails a provider with ${what}, on the rule it breaks, saying what is wrong`, async () => {
      const findings = await checkProviderConformance(mutate(goodProvider()), {ctx})
      const failed = findings.filter((f) => !f.passed)
      expect(failed.map((f) => f.rule), what).to.deep.equal(Object.keys(expected).map(Number))
      for (const f of failed) {
        expect(f.message).to.include(expected[f.rule])
        expect(f.message).to.not.match(/undefined|\[object Object\]/)
        for (const secret of SAMPLE_SECRET_VALUES) expect(f.message, 'a message never shows the secret').to.not.include(secret)
      }
    })
  }
})

// the mocha wrapper registers real tests (these must pass)
runProviderConformance(goodProvider(), {ctx})
