import {expect} from 'chai'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {validateDocument} from '@dx-runner/core'
import {groupMembers, jobFile, providerJobs, sandbox, startSimulatorProcess, TOKEN, waitFor, walk} from './helpers.js'

describe('opencode end to end (real opencode CLI, loopback simulator)', function () {
  // `start` runs synchronously here and asks the simulator for its models: it needs its own process
  let sim, narrow, outsideDir
  const {make, start, checkJson, finished, stalledThenNoOp, cleanup} = providerJobs('opencode', (scenario, server = sim) => ({ZAI_API_KEY: TOKEN, OPENCODE_ZAI_BASE_URL: `${server.url}/s/${scenario}/v1`}))

  before(async () => {
    outsideDir = mkdtempSync(join(tmpdir(), 'dxr-outside-'))
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN', '--outside-file', join(outsideDir, 'escaped.txt')])
    // a service that no longer offers glm-5
    narrow = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN', '--models', 'glm-4.6'])
  })
  afterEach(cleanup)
  after(async () => {
    await sim?.stop()
    await narrow?.stop()
    rmSync(outsideDir, {recursive: true, force: true})
  })

  it('writes a file through a tool call → exited_ok, mutations, tokens; the prompt is not on its command line', async () => {
    const sb = make('oc-ok', 'write-file')
    writeFileSync(sb.prompt, 'Create a file named sim-output.txt. Marker: prompt-marker-4d1f9e\n')
    const s = start(sb, 'bd-o1')
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc).to.include({provider: 'opencode', selected_model: 'glm-5', fallback_reason: 'none'})
    const cmdline = readFileSync(`/proc/${s.doc.pid}/cmdline`, 'latin1')
    expect(cmdline).to.include('zhipuai-coding-plan/glm-5')
    expect(cmdline).to.not.include('prompt-marker-4d1f9e')
    const c = await finished(sb, 'bd-o1')
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    expect(existsSync(join(sb.worktree, 'sim-output.txt'))).to.equal(true)
    const r = sb.json(['report', '--beads', 'bd-o1'])
    expect(await validateDocument('report', r.doc)).to.deep.equal([])
    expect(r.doc.mutations).to.be.at.least(1)
    expect(r.doc.input_tokens).to.be.above(0)
    expect(r.doc.output_tokens).to.be.above(0)
    expect(r.doc.tool_calls).to.equal(1)
    expect(r.doc.session_id).to.match(/^ses_/)
    // opencode's state, config and temp files live under the job's own directory
    expect(existsSync(jobFile(sb, 'opencode', 'bd-o1', 'tmp/opencode.json'))).to.equal(true)
    expect(readdirSync(sb.env.TMPDIR)).to.deep.equal([])
    expect(readdirSync(sb.home).filter((n) => n !== '.cache')).to.deep.equal([])
  })

  it('401 from the model → exited_err / provider_auth_failed; a key the service refuses → start exits 10 before launching', async () => {
    const sb = make('oc-401', '401')
    expect(start(sb, 'bd-o401').code).to.equal(0)
    const c = await finished(sb, 'bd-o401')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'provider_auth_failed'})
    const bad = make('oc-badkey', 'answer')
    bad.env.ZAI_API_KEY = 'not-the-key'
    const r = bad.run(['start', '--beads', 'bd-obad', '--provider', 'opencode', '--prompt-file', bad.prompt])
    expect(r.code).to.equal(10)
    expect(r.stderr.trim().split('\n')).to.have.length(1)
    expect(walk(bad.root).filter((f) => !f.includes('/.cache/'))).to.deep.equal([])
  })

  it('429 (after opencode\'s own retries) → exited_err / provider_rate_limited', async () => {
    const sb = make('oc-429', '429')
    expect(start(sb, 'bd-o429').code).to.equal(0)
    const c = await finished(sb, 'bd-o429')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'provider_rate_limited'})
  })

  it('hang: check exits 2 when stalled, 23 when no_op; stop leaves nothing running', async () => {
    const sb = make('oc-hang', 'hang')
    const s = start(sb, 'bd-ohang')
    expect(s.code).to.equal(0)
    const {stalled, noop} = await stalledThenNoOp(sb, 'bd-ohang')
    expect(stalled.doc.state).to.equal('stalled')
    expect(noop.doc).to.include({state: 'no_op', reason_code: 'no_heartbeat_no_mutation'})
    expect(sb.run(['stop', '--beads', 'bd-ohang', '--grace', '3']).code).to.equal(0)
    expect(groupMembers(Number(s.doc.monitor_pid))).to.deep.equal([])
    expect(checkJson(sb, 'bd-ohang').doc).to.include({state: 'exited_err', reason_code: 'stopped_by_user'})
  })

  it('asked to write outside its worktree, the agent does not succeed', async () => {
    const sb = make('oc-outside', 'write-outside')
    expect(start(sb, 'bd-oout').code).to.equal(0)
    await finished(sb, 'bd-oout')
    expect(existsSync(join(outsideDir, 'escaped.txt'))).to.equal(false)
    const log = readFileSync(jobFile(sb.root, 'opencode', 'bd-oout', 'log'), 'utf8')
    expect(log).to.include(join(outsideDir, 'escaped.txt')) // it did try
  })

  it('glm-5 missing from the service → start exits 21 before launching anything, naming cc-glm and gemini', () => {
    const sb = make('oc-nomodel', 'write-file', narrow)
    const r = sb.run(['start', '--beads', 'bd-onm', '--provider', 'opencode', '--prompt-file', sb.prompt])
    expect(r.code).to.equal(21)
    expect(r.stderr.trim().split('\n')).to.have.length(1)
    expect(r.stderr).to.include('provider_model_unavailable')
    expect(r.stderr).to.include('cc-glm').and.include('gemini')
    expect(walk(sb.root).filter((f) => !f.includes('/.cache/'))).to.deep.equal([])
    const pf = sb.json(['preflight', '--provider', 'opencode', '--json'])
    expect(pf.code).to.equal(21)
    expect(pf.doc.providers[0]).to.include({passed: false, reason_code: 'provider_model_unavailable'})
  })

  it('glm-5 missing, --fallback-model glm-4.6 → runs on glm-4.6 and says why', async () => {
    const sb = make('oc-fbmodel', 'write-file', narrow)
    const s = start(sb, 'bd-ofm', ['--fallback-model', 'glm-4.6'])
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc).to.include({selected_model: 'glm-4.6', fallback_reason: 'glm-5: provider_model_unavailable'})
    await finished(sb, 'bd-ofm')
    expect(sb.json(['report', '--beads', 'bd-ofm']).doc).to.include({state: 'exited_ok', selected_model: 'glm-4.6', fallback_reason: 'glm-5: provider_model_unavailable'})
  })

  it('glm-5 missing, --fallback-provider cc-glm → the job runs through cc-glm and the report says why', async () => {
    const sb = make('oc-fbprov', 'write-file', narrow)
    Object.assign(sb.env, {CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/write-file`})
    const s = start(sb, 'bd-ofp', ['--fallback-provider', 'cc-glm,gemini'])
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc).to.include({provider: 'cc-glm', fallback_reason: 'opencode: provider_model_unavailable'})
    await finished(sb, 'bd-ofp')
    const r = sb.json(['report', '--beads', 'bd-ofp'])
    expect(r.doc).to.include({provider: 'cc-glm', state: 'exited_ok', fallback_reason: 'opencode: provider_model_unavailable'})
    expect(r.doc.mutations).to.be.at.least(1)
  })

  it('preflight says whether beads-mcp is on PATH, in the exact words', () => {
    const sb = make('oc-beads', 'answer')
    const missing = sb.run(['preflight', '--provider', 'opencode'])
    expect(missing.code, missing.stdout + missing.stderr).to.equal(0)
    expect(missing.stdout).to.include('beads-mcp binary: MISSING (optional - Beads context degraded)')
    const bin = join(sb.base, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'beads-mcp'), '#!/bin/sh\nexit 0\n')
    chmodSync(join(bin, 'beads-mcp'), 0o755)
    const found = sb.run(['preflight', '--provider', 'opencode'], {env: {PATH: `${bin}:${sb.env.PATH}`}})
    expect(found.code).to.equal(0)
    expect(found.stdout).to.include(`beads-mcp binary: found ${join(bin, 'beads-mcp')}`)
    expect(found.stdout).to.not.include('MISSING')
    const json = sb.json(['preflight', '--provider', 'opencode', '--json'])
    expect(json.doc.providers[0].checks.find((c) => c.name === 'beads-mcp binary')).to.deep.equal({name: 'beads-mcp binary', status: 'warn', detail: 'MISSING (optional - Beads context degraded)'})
  })
})
