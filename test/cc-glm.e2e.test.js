import {expect} from 'chai'
import {existsSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync, mkdirSync, symlinkSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {startSimulator} from '@dx-runner/provider-testkit/simulator'
import {validateDocument} from '@dx-runner/core'
import {groupMembers, jobFile, providerJobs, sandbox, TOKEN, waitFor, walk} from './helpers.js'

async function expectValid(name, doc) {
  const errors = await validateDocument(name, doc)
  expect(errors, `${name} schema: ${errors.join('; ')}`).to.deep.equal([])
}

function noToken(text, where) {
  expect(text, where).to.not.include(TOKEN)
}

function scanRootForToken(sb) {
  for (const f of walk(sb.root)) {
    if (readFileSync(f).includes(TOKEN)) throw new Error(`token found in ${f}`)
  }
}

describe('cc-glm end to end (real claude CLI, loopback simulator)', function () {
  let sim
  const {make, checkJson, stalledThenNoOp, cleanup} = providerJobs('cc-glm', (scenario, extraEnv = {}) => ({CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`, ...extraEnv}))

  before(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(cleanup)
  after(async () => {
    await sim?.close()
  })

  it('start → status lists it → the agent writes a file → check exited_ok → report with mutations, model, rc and tokens', async () => {
    const sb = make('ok', 'write-file')
    const start = sb.json(['start', '--beads', 'bd-ok', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--worktree', sb.worktree, '--json', '--verbose'])
    expect(start.code, start.stderr).to.equal(0)
    // diagnostics go to stderr through the logger; stdout holds only the document
    expect(start.stderr).to.match(/dx-runner debug: preflight .*supervisor \d+, agent \d+/)
    await expectValid('start', start.doc)
    expect(start.doc).to.include({beads: 'bd-ok', provider: 'cc-glm', selected_model: 'glm-5', execution_mode: 'detached'})

    const status = sb.json(['status', '--json'])
    expect(status.code).to.equal(0)
    await expectValid('status', status.doc)
    expect(status.doc.jobs.map((j) => j.beads)).to.deep.equal(['bd-ok'])
    expect(status.doc.jobs[0].provider).to.equal('cc-glm')

    const final = await waitFor(() => {
      const c = checkJson(sb, 'bd-ok')
      return c.doc.state.startsWith('exited') ? c : undefined
    }, {what: 'bd-ok to finish'})
    await expectValid('check', final.doc)
    expect(final.doc.state, JSON.stringify(final.doc)).to.equal('exited_ok')
    expect(final.code).to.equal(0)
    expect(final.doc.reason_code).to.equal('outcome_exit_0')
    expect(existsSync(join(sb.worktree, 'sim-output.txt'))).to.equal(true)

    const report = sb.json(['report', '--beads', 'bd-ok'])
    expect(report.code).to.equal(0)
    await expectValid('report', report.doc)
    expect(report.doc.mutations).to.be.at.least(1)
    expect(report.doc.selected_model).to.equal('glm-5')
    expect(report.doc.exit_code).to.equal('0')
    expect(report.doc.outcome_state).to.equal('success')
    expect(report.doc.input_tokens).to.be.above(0)
    expect(report.doc.output_tokens).to.be.above(0)
    expect(report.doc.tool_calls).to.be.at.least(1)

    // the fast path (no oclif) and the oclif path answer the same
    expect(existsSync(join(sb.home, '.cache/dx-runner/providers.json'))).to.equal(true)
    const viaFast = sb.json(['status', '--json'])
    const viaOclif = sb.json(['status', '--json'], {env: {DX_RUNNER_NO_FAST_PATH: '1'}})
    expect(viaFast.doc.jobs).to.deep.equal(viaOclif.doc.jobs)
    const checkOclif = sb.json(['check', '--beads', 'bd-ok', '--json'], {env: {DX_RUNNER_NO_FAST_PATH: '1'}})
    expect({...checkOclif.doc, checked_at: 0}).to.deep.equal({...sb.json(['check', '--beads', 'bd-ok', '--json']).doc, checked_at: 0})
    expect(checkOclif.code).to.equal(0)

    const md = sb.run(['report', '--beads', 'bd-ok', '--format', 'markdown'])
    expect(md.stdout).to.match(/^# dx-runner report: bd-ok/)
    expect(md.stdout).to.include('| state | exited_ok |')

    const outcome = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-ok', 'outcome'), 'utf8'))
    await expectValid('outcome', outcome)
    await expectValid('meta', JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-ok', 'meta'), 'utf8')))
    for (const r of [start, status, final, report, md]) noToken(r.stdout + r.stderr, 'CLI output')
    scanRootForToken(sb)
    // the agent's own temp files stay inside the job's directory
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-ok', 'tmp'))).to.equal(true)
  })

  it('a refused key (401) ends the job at once: exited_err / provider_auth_failed', async () => {
    const sb = make('auth', '401')
    const start = sb.run(['start', '--beads', 'bd-401', '--provider', 'cc-glm', '--prompt-file', sb.prompt])
    expect(start.code, start.stderr).to.equal(0)
    const final = await waitFor(() => {
      const c = checkJson(sb, 'bd-401')
      return c.doc.state.startsWith('exited') ? c : undefined
    }, {what: 'bd-401 to end'})
    expect(final.doc).to.include({state: 'exited_err', reason_code: 'provider_auth_failed'})
    expect(final.code).to.equal(3)
    await waitFor(() => sb.groups().every((g) => groupMembers(g).length === 0), {what: 'the 401 job to be gone'})
  })

  it('429 → exited_err / provider_rate_limited', async () => {
    const sb = make('rate', '429', {CLAUDE_CODE_MAX_RETRIES: '0'})
    expect(sb.run(['start', '--beads', 'bd-429', '--provider', 'cc-glm', '--prompt-file', sb.prompt]).code).to.equal(0)
    const final = await waitFor(() => {
      const c = checkJson(sb, 'bd-429')
      return c.doc.state.startsWith('exited') ? c : undefined
    }, {what: 'bd-429 to end'})
    expect(final.doc).to.include({state: 'exited_err', reason_code: 'provider_rate_limited'})
  })

  // claude 2.1.197 exits 1 whenever it reports is_error (refusal, max tokens, max turns, 401, 429, malformed:
  // all measured), so the exit-0 variant is covered by classifyExit on the recorded fixture in provider-cc-glm.
  it('an error result (refusal) → exited_err / provider_error_result', async () => {
    const sb = make('errres', 'error-result')
    expect(sb.run(['start', '--beads', 'bd-err', '--provider', 'cc-glm', '--prompt-file', sb.prompt]).code).to.equal(0)
    const final = await waitFor(() => {
      const c = checkJson(sb, 'bd-err')
      return c.doc.state.startsWith('exited') ? c : undefined
    }, {what: 'bd-err to end'})
    expect(final.doc).to.include({state: 'exited_err', reason_code: 'provider_error_result'})
    expect(final.doc.exit_code).to.equal('1')
  })

  it('hang: check exits 2 when stalled and 23 when no_op; the secret is in no argv or supervisor env; stop ends the whole group', async () => {
    const sb = make('hang', 'hang')
    const start = sb.json(['start', '--beads', 'bd-hang', '--provider', 'cc-glm', '--prompt-file', sb.prompt, '--json'])
    expect(start.code, start.stderr).to.equal(0)
    const agentPid = Number(start.doc.pid)
    const monitorPid = Number(start.doc.monitor_pid)
    noToken(readFileSync(`/proc/${agentPid}/cmdline`, 'latin1'), 'agent argv')
    noToken(readFileSync(`/proc/${monitorPid}/cmdline`, 'latin1'), 'supervisor argv')
    noToken(readFileSync(`/proc/${monitorPid}/environ`, 'latin1'), 'supervisor environment')
    // the agent itself did get the token, through its environment only
    expect(readFileSync(`/proc/${agentPid}/environ`, 'latin1')).to.include(TOKEN)

    await waitFor(() => sim.requests.some((r) => r.scenario === 'hang'), {what: 'the hanging request'})
    const {stalled, noop} = await stalledThenNoOp(sb, 'bd-hang')
    expect(stalled.doc).to.include({state: 'stalled', reason_code: 'no_progress'})
    expect(noop.doc).to.include({state: 'no_op', reason_code: 'no_heartbeat_no_mutation'})

    const stop = sb.json(['stop', '--beads', 'bd-hang', '--json', '--grace', '5'])
    expect(stop.code, stop.stderr).to.equal(0)
    await expectValid('stop', stop.doc)
    expect(stop.doc.stopped).to.equal(true)
    expect(groupMembers(monitorPid)).to.deep.equal([])
    expect(existsSync(`/proc/${agentPid}/stat`) && !readFileSync(`/proc/${agentPid}/stat`, 'latin1').includes(') Z ')).to.equal(false)
    const after = checkJson(sb, 'bd-hang')
    expect(after.doc).to.include({state: 'exited_err', reason_code: 'stopped_by_user', outcome: 'killed'})
    expect(after.code).to.equal(3)
    scanRootForToken(sb)
  })

  it('restart rotates the log, bumps retry_count, keeps the meta otherwise', async () => {
    const sb = make('restart', 'hang')
    expect(sb.run(['start', '--beads', 'bd-rs', '--provider', 'cc-glm', '--prompt-file', sb.prompt]).code).to.equal(0)
    await waitFor(() => existsSync(jobFile(sb, 'cc-glm', 'bd-rs', 'log')) && readFileSync(jobFile(sb, 'cc-glm', 'bd-rs', 'log')).length > 0, {what: 'first output'})
    const metaBefore = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-rs', 'meta'), 'utf8'))
    const r = sb.json(['restart', '--beads', 'bd-rs', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.doc.retry_count).to.equal(1)
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-rs', 'log.1'))).to.equal(true)
    const metaAfter = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-rs', 'meta'), 'utf8'))
    expect(metaAfter.retries).to.equal(1)
    expect({...metaAfter, retries: 0}).to.deep.equal({...metaBefore, retries: 0})
    const status = sb.json(['status', '--json'])
    expect(status.doc.jobs[0].retry_count).to.equal(1)
    expect(['launching', 'healthy', 'waiting_first_output']).to.include(status.doc.jobs[0].state)
    expect(sb.run(['stop', '--beads', 'bd-rs']).code).to.equal(0)
  })

  it('start --prompt-file - takes the prompt on stdin, keeps it 0600 under the root, and a new start or prune removes it', async () => {
    const sb = make('stdin', 'write-file')
    const text = readFileSync(sb.prompt, 'utf8')
    const start = sb.json(['start', '--beads', 'bd-in', '--provider', 'cc-glm', '--prompt-file', '-', '--json'], {input: text})
    expect(start.code, start.stderr).to.equal(0)
    const meta = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-in', 'meta'), 'utf8'))
    const prompts = join(realpathSync(sb.root), '.prompts')
    expect(dirname(meta.prompt_file)).to.equal(prompts)
    expect(readFileSync(meta.prompt_file, 'utf8')).to.equal(text)
    expect(statSync(meta.prompt_file).mode & 0o777).to.equal(0o600)
    const first = await waitFor(() => {
      const c = checkJson(sb, 'bd-in')
      return c.doc.state.startsWith('exited') ? c : undefined
    }, {what: 'bd-in to finish'})
    expect(first.doc.state).to.equal('exited_ok')
    expect(existsSync(join(sb.worktree, 'sim-output.txt'))).to.equal(true)

    // a new start of the finished id replaces the job, and the prompt the old one took goes with it
    const again = sb.run(['start', '--beads', 'bd-in', '--provider', 'cc-glm', '--prompt-file', '-'], {input: 'Say hello.\n', env: {CC_GLM_BASE_URL: `${sim.url}/s/answer`}})
    expect(again.code, again.stderr).to.equal(0)
    const meta2 = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-in', 'meta'), 'utf8'))
    expect(meta2.prompt_file).to.not.equal(meta.prompt_file)
    expect(existsSync(meta.prompt_file)).to.equal(false)
    await waitFor(() => checkJson(sb, 'bd-in').doc.state.startsWith('exited'), {what: 'the second bd-in to finish'})
    const pruned = sb.json(['prune', '--beads', 'bd-in', '--json'])
    expect(pruned.code, pruned.stderr).to.equal(0)
    expect(readdirSync(prompts)).to.deep.equal([])
  })

  it('status lists good jobs around a corrupt .meta and exits 0', async () => {
    const sb = make('corrupt', 'answer')
    for (const id of ['bd-a', 'bd-c']) expect(sb.run(['start', '--beads', id, '--provider', 'cc-glm', '--prompt-file', sb.prompt]).code).to.equal(0)
    mkdirSync(dirname(jobFile(sb, 'cc-glm', 'bd-b', 'meta')))
    writeFileSync(jobFile(sb, 'cc-glm', 'bd-b', 'meta'), '{"beads": "bd-b", trunc')
    await waitFor(() => ['bd-a', 'bd-c'].every((id) => checkJson(sb, id).doc.state.startsWith('exited')), {what: 'good jobs to finish'})
    const s = sb.json(['status', '--json'])
    expect(s.code).to.equal(0)
    await expectValid('status', s.doc)
    const byId = Object.fromEntries(s.doc.jobs.map((j) => [j.beads, j]))
    expect(Object.keys(byId)).to.deep.equal(['bd-a', 'bd-b', 'bd-c'])
    expect(byId['bd-b'].reason_code).to.equal('metadata_corrupt')
    expect(byId['bd-a'].state).to.match(/^exited_/)
    expect(byId['bd-c'].state).to.match(/^exited_/)
    const human = sb.run(['status'])
    expect(human.code).to.equal(0)
    expect(human.stdout).to.include('metadata_corrupt')
  })
})
