import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {validateDocument} from '@dx-runner/core'
import {groupMembers, jobFile, providerJobs, runAsync, TOKEN, waitFor, walk} from './helpers.js'

/**
 * The CLI run without blocking this process: the simulator answers from here, and `start`'s preflight
 * asks it (count_tokens) before launching. Every output is scanned for the key, as sb.run does.
 */
async function run(sb, args, env = {}) {
  const r = await runAsync(sb, args, env)
  if (r.stdout.includes(TOKEN) || r.stderr.includes(TOKEN)) throw new Error(`the key leaked into the output of dx-runner ${args.join(' ')}`)
  return r
}
async function json(sb, args, env) {
  const r = await run(sb, args, env)
  try {
    return {...r, doc: JSON.parse(r.stdout)}
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\nstderr: ${r.stderr}`)
  }
}
async function finished(sb, beads) {
  return waitFor(async () => {
    const c = await json(sb, ['check', '--beads', beads, '--json'])
    return c.doc.state.startsWith('exited') ? c : undefined
  }, {what: `${beads} to finish`, timeoutMs: 90_000})
}
function keyInNoFile(sb) {
  for (const f of walk(sb.root)) if (readFileSync(f).includes(TOKEN)) throw new Error(`the key is in ${f}`)
}

describe('claude-code end to end (real claude CLI with an API key, loopback simulator)', function () {
  let sim
  const {make, cleanup} = providerJobs('claude-code', (scenario) => ({ANTHROPIC_API_KEY: TOKEN, CLAUDE_CODE_BASE_URL: `${sim.url}/s/${scenario}`}))
  const start = (sb, beads, extra = []) => json(sb, ['start', '--beads', beads, '--provider', 'claude-code', '--prompt-file', sb.prompt, '--json', ...extra])
  const modelCalls = (scenario) => sim.requests.filter((r) => r.path === '/v1/messages' && r.scenario === scenario)

  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  beforeEach(() => sim.requests.splice(0))
  afterEach(cleanup)
  after(async () => {
    await sim?.close()
  })

  it('a job writes a file through claude and ends exited_ok, on the default model; the key is in no artifact, log or output', async () => {
    const sb = make('cc-ok', 'write-file')
    const s = await start(sb, 'bd-ok')
    expect(s.code, s.stderr).to.equal(0)
    await validateDocument('start', s.doc).then((e) => expect(e).to.deep.equal([]))
    expect(s.doc).to.include({provider: 'claude-code', selected_model: 'claude-opus-4-8'})
    const final = await finished(sb, 'bd-ok')
    expect(final.doc, JSON.stringify(final.doc)).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    expect(final.code).to.equal(0)
    expect(existsSync(join(sb.worktree, 'sim-output.txt'))).to.equal(true)
    // preflight asked the endpoint with the key, then claude called the model with it (both authorized)
    expect(sim.requests.some((r) => r.path === '/v1/messages/count_tokens' && r.authorized)).to.equal(true)
    expect(modelCalls('write-file').length).to.be.at.least(1)
    expect(modelCalls('write-file').every((r) => r.authorized && r.model === 'claude-opus-4-8')).to.equal(true)

    const report = await json(sb, ['report', '--beads', 'bd-ok'])
    expect(report.doc).to.include({state: 'exited_ok', selected_model: 'claude-opus-4-8', exit_code: '0', outcome_state: 'success'})
    expect(report.doc.mutations).to.be.at.least(1)
    expect(report.doc.tool_calls).to.be.at.least(1)
    const meta = JSON.parse(readFileSync(jobFile(sb, 'claude-code', 'bd-ok', 'meta'), 'utf8'))
    // the endpoint is recorded for restart; the key only by the name of its source
    expect(meta.launch).to.deep.equal({auth_source: 'ANTHROPIC_API_KEY', env: {CLAUDE_CODE_BASE_URL: `${sim.url}/s/write-file`}})
    expect(readFileSync(jobFile(sb, 'claude-code', 'bd-ok', 'log'), 'utf8')).to.include('"apiKeySource":"ANTHROPIC_API_KEY"')
    keyInNoFile(sb)
  })

  it('--model reaches the model service and the report', async () => {
    const sb = make('cc-model', 'answer')
    const s = await start(sb, 'bd-model', ['--model', 'claude-sonnet-4-6'])
    expect(s.code, s.stderr).to.equal(0)
    expect(s.doc.selected_model).to.equal('claude-sonnet-4-6')
    const final = await finished(sb, 'bd-model')
    expect(final.doc.state).to.equal('exited_ok')
    expect(modelCalls('answer').map((r) => r.model)).to.include('claude-sonnet-4-6')
    expect(modelCalls('answer').map((r) => r.model)).to.not.include('claude-opus-4-8')
    expect((await json(sb, ['report', '--beads', 'bd-model'])).doc.selected_model).to.equal('claude-sonnet-4-6')
  })

  it('a key the endpoint refuses: start exits 10 at preflight and launches nothing', async () => {
    const sb = make('cc-badkey', 'write-file')
    const s = await run(sb, ['start', '--beads', 'bd-bad', '--provider', 'claude-code', '--prompt-file', sb.prompt], {ANTHROPIC_API_KEY: 'sk-ant-wrong-key-4d1e'})
    expect(s.code, s.stderr).to.equal(10)
    expect(s.stderr).to.match(/refused the key from ANTHROPIC_API_KEY \(HTTP 401\)/)
    expect(s.stderr).to.not.include('sk-ant-wrong-key-4d1e')
    expect(sim.requests.filter((r) => r.path === '/v1/messages/count_tokens').map((r) => r.authorized)).to.deep.equal([false])
    expect(modelCalls('write-file')).to.deep.equal([])
    expect(existsSync(jobFile(sb, 'claude-code', 'bd-bad', 'pid'))).to.equal(false)
  })

  it('a 401 from the model call ends the job: exited_err / provider_auth_failed', async () => {
    const sb = make('cc-401', '401')
    const s = await start(sb, 'bd-401')
    expect(s.code, s.stderr).to.equal(0)
    const final = await finished(sb, 'bd-401')
    expect(final.doc).to.include({state: 'exited_err', reason_code: 'provider_auth_failed'})
    expect(final.code).to.equal(3)
    await waitFor(() => sb.groups().every((g) => groupMembers(g).length === 0), {what: 'the 401 job to be gone'})
    keyInNoFile(sb)
  })

  it('the key is on no command line and not in the supervisor environment, only the agent\'s; restart keeps the recorded endpoint', async () => {
    const sb = make('cc-hang', 'hang')
    const s = await start(sb, 'bd-hang')
    expect(s.code, s.stderr).to.equal(0)
    const agent = Number(s.doc.pid)
    const monitor = Number(s.doc.monitor_pid)
    for (const pid of [agent, monitor]) expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1'), `argv of ${pid}`).to.not.include(TOKEN)
    expect(readFileSync(`/proc/${monitor}/environ`, 'latin1')).to.not.include(TOKEN)
    const agentEnv = readFileSync(`/proc/${agent}/environ`, 'latin1').split('\0')
    expect(agentEnv).to.include(`ANTHROPIC_API_KEY=${TOKEN}`)
    expect(agentEnv.filter((v) => v.startsWith('CLAUDE_CODE_BASE_URL='))).to.deep.equal([])
    await waitFor(() => modelCalls('hang').length > 0, {what: 'the hanging model call'})

    // restarted from a shell pointing elsewhere, the job keeps the endpoint it started with
    const before = modelCalls('hang').length
    const r = await json(sb, ['restart', '--beads', 'bd-hang', '--json'], {CLAUDE_CODE_BASE_URL: `${sim.url}/s/answer`})
    expect(r.code, r.stderr).to.equal(0)
    await waitFor(() => modelCalls('hang').length > before, {what: 'the restarted agent to call the recorded endpoint'})
    expect(modelCalls('answer')).to.deep.equal([])
    const stop = await run(sb, ['stop', '--beads', 'bd-hang'])
    expect(stop.code, stop.stderr).to.equal(0)
    keyInNoFile(sb)
  })
})
