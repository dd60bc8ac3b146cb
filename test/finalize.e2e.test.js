import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {REASON_CODES, validateDocument} from '@dx-runner/core'
import {CLAUDE_OK, fakeAgent, groupAlive, jobFile, pidAlive, sandbox, waitFor} from './helpers.js'

async function expectValid(name, doc) {
  const errors = await validateDocument(name, doc)
  expect(errors, `${name} schema: ${errors.join('; ')}`).to.deep.equal([])
}

const firstNumber = (file) => Number(readFileSync(file, 'latin1').split(' ')[0])

describe('finalize', function () {
  const sandboxes = []
  afterEach(async () => {
    for (const sb of sandboxes.splice(0)) await sb.cleanup()
  })
  /** A job whose agent runs until it is ended; its agent's pid and its process group. */
  async function running(label, id) {
    const sb = fakeAgent(sandbox(label))
    sandboxes.push(sb)
    const s = sb.startScript(id, `echo started > started.txt\nsleep 300\n${CLAUDE_OK}`)
    expect(s.code, s.stderr).to.equal(0)
    await waitFor(() => existsSync(jobFile(sb, 'cc-glm', id, 'pid')) && existsSync(`${sb.worktree}/started.txt`), {what: `${id} to run`})
    return {sb, agent: firstNumber(jobFile(sb, 'cc-glm', id, 'pid')), group: firstNumber(jobFile(sb, 'cc-glm', id, 'monitor.pid'))}
  }

  it('its supervisor lost, its agent left running: finalize ends the agent and writes the outcome a later status shows', async () => {
    const {sb, agent, group} = await running('fin-lost', 'bd-lost')
    process.kill(group, 'SIGKILL') // the supervisor alone dies (as on a lost host); its agent runs on
    await waitFor(() => !pidAlive(group), {what: 'the supervisor to die'})
    expect(pidAlive(agent)).to.equal(true)
    const r = sb.json(['finalize', '--beads', 'bd-lost', '--reason-code', 'provider_unreachable', '--exit-code', '7', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    await expectValid('finalize', r.doc)
    expect(r.doc).to.include({beads: 'bd-lost', state: 'failed', reason_code: 'provider_unreachable', exit_code: 7, finalized_by: 'operator'})
    expect(r.doc.ended_pids).to.include(agent)
    expect(pidAlive(agent)).to.equal(false)
    expect(groupAlive(group)).to.equal(false)
    const outcome = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-lost', 'outcome'), 'utf8'))
    await expectValid('outcome', outcome)
    expect(outcome).to.include({reason_code: 'provider_unreachable', state: 'failed', exit_code: 7, finalized_by: 'operator'})
    expect(Date.parse(outcome.finalized_at)).to.be.a('number').and.not.NaN
    // no rc was written by anyone: finalize wrote it, so the job never reads monitor_no_rc_file
    expect(readFileSync(jobFile(sb, 'cc-glm', 'bd-lost', 'rc'), 'utf8')).to.equal('7\n')
    const st = sb.json(['status', '--json'])
    expect(st.doc.jobs[0]).to.include({beads: 'bd-lost', state: 'exited_err', reason_code: 'provider_unreachable', outcome: 'failed'})
    const report = sb.json(['report', '--beads', 'bd-lost', '--format', 'json'])
    await expectValid('report', report.doc)
    expect(report.doc).to.include({finalized_by: 'operator', exit_code: '7', reason_code: 'provider_unreachable'})
  })

  it('outcome_exit_0 reads exited_ok; the running job is stopped first', async () => {
    const {sb, agent, group} = await running('fin-ok', 'bd-ok')
    const r = sb.json(['finalize', '--beads', 'bd-ok', '--reason-code', 'outcome_exit_0', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.doc).to.include({state: 'success', reason_code: 'outcome_exit_0'})
    expect(pidAlive(agent)).to.equal(false)
    expect(groupAlive(group)).to.equal(false)
    const c = sb.json(['check', '--beads', 'bd-ok', '--json'])
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
  })

  it('a reason code outside the closed set is refused with one line, exit 1, nothing touched; an unknown job exits 3', async () => {
    const {sb, agent} = await running('fin-bad', 'bd-bad')
    const r = sb.run(['finalize', '--beads', 'bd-bad', '--reason-code', 'because_i_said_so'])
    expect(r.code).to.equal(1)
    expect(r.stderr.trim().split('\n')).to.deep.equal([`dx-runner: invalid --reason-code "because_i_said_so": not one of the ${REASON_CODES.length} reason codes (README "States")`])
    expect(pidAlive(agent)).to.equal(true)
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-bad', 'outcome'))).to.equal(false)
    expect(sb.json(['check', '--beads', 'bd-bad', '--json']).doc.state).to.not.match(/^exited/)
    const unknown = sb.run(['finalize', '--beads', 'bd-nope', '--reason-code', 'stopped_by_user'])
    expect(unknown.code).to.equal(3)
    expect(unknown.stderr).to.equal('dx-runner: no job bd-nope\n')
  })
})
