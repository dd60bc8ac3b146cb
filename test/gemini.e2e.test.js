import {expect} from 'chai'
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {validateDocument} from '@dx-runner/core'
import {groupMembers, jobFile, providerJobs, sandbox, TOKEN, waitFor, walk} from './helpers.js'

describe('gemini end to end (real gemini CLI, loopback simulator)', function () {
  let sim
  const {make, start, checkJson, finished, stalledThenNoOp, cleanup} = providerJobs('gemini', (scenario) => ({GEMINI_API_KEY: TOKEN, GOOGLE_GEMINI_BASE_URL: `${sim.url}/s/${scenario}`}))

  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(cleanup)
  after(async () => {
    await sim?.close()
  })

  it('writes a file through a tool call → exited_ok, mutations, tokens; its debris stays in the job directory', async () => {
    const sb = make('g-ok', 'write-file')
    const s = start(sb, 'bd-g1')
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc).to.include({provider: 'gemini', selected_model: 'gemini-2.5-pro'})
    const c = await finished(sb, 'bd-g1')
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    expect(existsSync(join(sb.worktree, 'sim-output.txt'))).to.equal(true)
    const r = sb.json(['report', '--beads', 'bd-g1'])
    expect(await validateDocument('report', r.doc)).to.deep.equal([])
    expect(r.doc.mutations).to.be.at.least(1)
    expect(r.doc.input_tokens).to.be.above(0)
    expect(r.doc.output_tokens).to.be.above(0)
    expect(r.doc.tool_calls).to.equal(1)
    // gemini's HOME and temp files live under the job's own directory, not the user's
    expect(existsSync(jobFile(sb, 'gemini', 'bd-g1', 'tmp/home/.gemini/settings.json'))).to.equal(true)
    expect(readdirSync(sb.env.TMPDIR)).to.deep.equal([])
    expect(readdirSync(sb.home).filter((n) => n !== '.cache')).to.deep.equal([])
  })

  it('401 → exited_err / provider_auth_failed', async () => {
    const sb = make('g-401', '401')
    expect(start(sb, 'bd-g401').code).to.equal(0)
    const c = await finished(sb, 'bd-g401')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'provider_auth_failed'})
  })

  it('exit 0 with an error result (a safety block) → exited_err / provider_error_result', async () => {
    const sb = make('g-err', 'error-result')
    expect(start(sb, 'bd-gerr').code).to.equal(0)
    const c = await finished(sb, 'bd-gerr')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'provider_error_result', exit_code: '0'})
  })

  it('429: shown as provider_retrying while the CLI backs off; stop ends it', async () => {
    const sb = make('g-429', '429')
    expect(start(sb, 'bd-g429').code).to.equal(0)
    const c = await waitFor(() => {
      const x = checkJson(sb, 'bd-g429')
      return x.doc.reason_code === 'provider_retrying' ? x : undefined
    }, {what: 'provider_retrying'})
    expect(c.doc.state).to.equal('healthy')
    expect(sb.run(['stop', '--beads', 'bd-g429', '--grace', '2']).code).to.equal(0)
    expect(checkJson(sb, 'bd-g429').doc).to.include({state: 'exited_err', reason_code: 'stopped_by_user'})
  })

  it('hang: check exits 2 when stalled, 23 when no_op; stop leaves nothing running', async () => {
    const sb = make('g-hang', 'hang')
    const s = start(sb, 'bd-ghang')
    expect(s.code).to.equal(0)
    await waitFor(() => sim.requests.some((r) => r.scenario === 'hang' && r.path.includes('streamGenerateContent')), {what: 'the hanging request'})
    const {stalled, noop} = await stalledThenNoOp(sb, 'bd-ghang')
    expect(stalled.doc.state).to.equal('stalled')
    expect(noop.doc).to.include({state: 'no_op', reason_code: 'no_heartbeat_no_mutation'})
    expect(sb.run(['stop', '--beads', 'bd-ghang', '--grace', '3']).code).to.equal(0)
    expect(groupMembers(Number(s.doc.monitor_pid))).to.deep.equal([])
    for (const f of walk(sb.root)) expect(f).to.not.include('gemini-client-error-')
  })

  it('--fallback-provider: gemini without a key hands the job to cc-glm, and the report says why', async () => {
    const sb = make('fallback', 'write-file')
    Object.assign(sb.env, {GEMINI_API_KEY: '', CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/write-file`})
    const s = start(sb, 'bd-fb', ['--fallback-provider', 'cc-glm'])
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc).to.include({provider: 'cc-glm', fallback_reason: 'gemini: provider_auth_failed'})
    await finished(sb, 'bd-fb')
    const r = sb.json(['report', '--beads', 'bd-fb'])
    expect(r.doc).to.include({provider: 'cc-glm', state: 'exited_ok', fallback_reason: 'gemini: provider_auth_failed'})
    const outcome = JSON.parse((await import('node:fs')).readFileSync(jobFile(sb.root, 'cc-glm', 'bd-fb', 'outcome'), 'utf8'))
    expect(outcome.fallback_reason).to.equal('gemini: provider_auth_failed')
  })

  it('--fallback-provider: when no provider can serve, exit with the last one\'s code naming every reason', () => {
    const sb = make('fallback-none', 'answer')
    Object.assign(sb.env, {GEMINI_API_KEY: '', CC_GLM_AUTH_TOKEN: '', PATH: `${sb.env.PATH.split(':')[0]}:/usr/bin:/bin`})
    const r = sb.run(['start', '--beads', 'bd-none', '--provider', 'gemini', '--fallback-provider', 'cc-glm', '--prompt-file', sb.prompt])
    expect(r.code).to.equal(10)
    expect(r.stderr.split('\n').filter(Boolean)).to.have.length(1)
    expect(r.stderr).to.include('gemini: provider_auth_failed; cc-glm: provider_auth_failed')
    expect(walk(sb.root).filter((f) => !f.includes('/.cache/'))).to.deep.equal([])
  })

  it('--fallback-provider does not paper over bad input', () => {
    const sb = make('fallback-bad', 'answer')
    const r = sb.run(['start', '--beads', '../x', '--provider', 'gemini', '--fallback-provider', 'cc-glm', '--prompt-file', sb.prompt])
    expect(r.code).to.equal(1)
    const u = sb.run(['start', '--beads', 'x', '--provider', 'gemini', '--fallback-provider', 'nope', '--prompt-file', sb.prompt])
    expect(u.code).to.equal(20)
  })
})

