import {expect} from 'chai'
import {Secret} from '@dx-runner/provider'
import {checkProviderConformance, runProviderConformance} from '../dist/index.js'

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
      return {command: 'agent', args: ['--model', model], env: {TMPDIR: job.tmpDir}, secretEnv: {...auth.env}, stdin: 'prompt', cwd: job.worktree}
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

describe('provider conformance kit', () => {
  it('passes a provider that keeps the contract', async () => {
    const findings = await checkProviderConformance(goodProvider(), {ctx})
    expect(findings.filter((f) => !f.passed)).to.deep.equal([])
    expect(findings.length).to.be.at.least(8)
  })

  const broken = {
    'another specificationVersion': (p) => ({...p, specificationVersion: 'v2'}),
    'a secret on argv': (p) => ({...p, buildLaunch: (job, auth, m) => ({...p.buildLaunch(job, auth, m), args: ['--key', Object.values(auth.env)[0].reveal()]})}),
    'a secret that never reaches the agent': (p) => ({...p, buildLaunch: (job, auth, m) => ({...p.buildLaunch(job, auth, m), secretEnv: {}})}),
    'a non-deterministic buildLaunch': (p) => ({...p, buildLaunch: (job, auth, m) => ({...p.buildLaunch(job, auth, m), args: [String(Math.random())]})}),
    'an undocumented reason code': (p) => ({...p, classifyExit: () => ({state: 'failed', reason_code: 'it_broke'})}),
    'a parseEvent that throws': (p) => ({...p, parseEvent: (l) => JSON.parse(l)}),
    'a preflight report of the wrong shape': (p) => ({...p, preflight: async () => ({provider: 'good', passed: 'yes', checks: []})}),
    'a bad name': (p) => ({...p, name: 'Bad Name!'}),
  }
  for (const [what, mutate] of Object.entries(broken)) {
    it(`fails a provider with ${what}, with a readable message`, async () => {
      const findings = await checkProviderConformance(mutate(goodProvider()), {ctx})
      const failed = findings.filter((f) => !f.passed)
      expect(failed, what).to.not.be.empty
      if (what === 'a secret on argv') expect(failed.map((f) => f.message).join()).to.include('appears in command, args, env or cwd')
      for (const f of failed) {
        expect(f.message).to.be.a('string').and.have.length.above(20)
        expect(f.message).to.not.match(/undefined|\[object Object\]/)
      }
    })
  }
})

// the mocha wrapper registers a real test (this one must pass)
runProviderConformance(goodProvider(), {ctx})
