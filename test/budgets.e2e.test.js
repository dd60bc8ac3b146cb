// Run budgets (issue 15): `--no-mutation-timeout` ends an agent that has changed nothing in its worktree
// by then (`--first-mutation-grace` delays the judgement), enforced by the job's own supervisor; `report`
// shows every budget and which one ended the job. Scripted agents (a fake `claude` that runs its prompt
// as sh) so idleness and writing are exact. Every process a test starts is ended by group at the end.
import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {validateDocument} from '@dx-runner/core'
import {CLAUDE_OK, fakeAgent, groupMembers, jobFile, pidAlive, providerJobs, sandbox, sleep, startSimulatorProcess, TOKEN, waitFor} from './helpers.js'

const sandboxes = []
function make(label) {
  const sb = fakeAgent(sandbox(label))
  sandboxes.push(sb)
  return sb
}
const check = (sb, id) => sb.json(['check', '--beads', id, '--json'])
const finished = (sb, id) =>
  waitFor(() => {
    const c = check(sb, id)
    return /^exited_/.test(c.doc.state) ? c : undefined
  }, {what: `${id} to finish`, timeoutMs: 90_000})
const gone = (sb, doc) => waitFor(() => (!pidAlive(Number(doc.monitor_pid)) && groupMembers(Number(doc.monitor_pid)).length === 0) || undefined, {what: 'the job group to end'})

const ppidOf = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return 0
  }
}
const kill9 = (pids) => {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL')
    } catch {}
  }
}

/** Sleeps, writes nothing: only the budget can end it before 300 s. */
const IDLE = `echo thinking\nsleep 300\n${CLAUDE_OK}`
/** Writes a new file into its worktree every half second for 8 s, then ends well. */
const BUSY = `i=0\nwhile [ $i -lt 16 ]; do echo $i > busy-$i.txt; i=$((i+1)); sleep 0.5; done\n${CLAUDE_OK}exit 0\n`
/** Writes its first file 4 s in, keeps going until 9 s, then ends well. */
const LATE_WRITER = `sleep 4\necho first > late.txt\nsleep 5\n${CLAUDE_OK}exit 0\n`

afterEach(async () => {
  for (const sb of sandboxes.splice(0)) await sb.cleanup()
})

describe('run budgets: no_mutation_timeout', function () {
  it('an idle agent is ended with no_mutation_timeout: status, check and report agree, its process group is gone', async () => {
    const sb = make('nm-idle')
    const s = sb.startScript('bd-idle', IDLE, ['--no-mutation-timeout', '3s'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await finished(sb, 'bd-idle')
    expect(c.code).to.equal(3)
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'no_mutation_timeout', outcome: 'failed'})
    await gone(sb, s.doc)
    expect(pidAlive(Number(s.doc.pid))).to.equal(false)
    const row = sb.json(['status', '--json']).doc.jobs.find((j) => j.beads === 'bd-idle')
    expect(row).to.include({state: 'exited_err', reason_code: 'no_mutation_timeout', outcome: 'failed'})
    const r = sb.json(['report', '--beads', 'bd-idle'])
    expect(r.doc).to.include({state: 'exited_err', reason_code: 'no_mutation_timeout', outcome_state: 'failed', budget_ended_by: 'no_mutation_timeout'})
    const outcome = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-idle', 'outcome'), 'utf8'))
    expect(outcome).to.include({state: 'failed', reason_code: 'no_mutation_timeout'})
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-idle', 'no-mutation-timeout')), 'the marker').to.equal(true)
  })

  it('a busy writer is not ended by the budget and ends exited_ok', async () => {
    const sb = make('nm-busy')
    const s = sb.startScript('bd-busy', BUSY, ['--no-mutation-timeout', '3s'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await finished(sb, 'bd-busy')
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    expect(existsSync(`${sb.worktree}/busy-15.txt`), 'it wrote to the end').to.equal(true)
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-busy', 'no-mutation-timeout'))).to.equal(false)
    expect(sb.json(['report', '--beads', 'bd-busy']).doc).to.include({no_mutation_timeout_sec: 3, budget_ended_by: null})
  })

  it('first_mutation_grace delays the judgement: a first write after the timeout but within the grace survives', async () => {
    const sb = make('nm-grace')
    // the same late writer without the grace is ended, so the grace is what saves it
    const without = sb.startScript('bd-nograce', LATE_WRITER, ['--no-mutation-timeout', '2s'])
    expect(without.code, without.stderr).to.equal(0)
    const w = await finished(sb, 'bd-nograce')
    expect(w.doc).to.include({state: 'exited_err', reason_code: 'no_mutation_timeout'})
    sb.git('clean', '-fdq')
    const s = sb.startScript('bd-grace', LATE_WRITER, ['--no-mutation-timeout', '2s', '--first-mutation-grace', '6s'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await finished(sb, 'bd-grace')
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    const r = sb.json(['report', '--beads', 'bd-grace'])
    expect(r.doc).to.include({no_mutation_timeout_sec: 2, first_mutation_grace_sec: 6, budget_ended_by: null})
  })

  it('a restart keeps the budget (from the meta) and it is enforced again', async () => {
    const sb = make('nm-restart')
    const s = sb.startScript('bd-again', IDLE, ['--no-mutation-timeout', '3s', '--first-mutation-grace', '1s'])
    expect(s.code, s.stderr).to.equal(0)
    expect((await finished(sb, 'bd-again')).doc).to.include({reason_code: 'no_mutation_timeout'})
    const meta = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-again', 'meta'), 'utf8'))
    expect(meta).to.include({no_mutation_timeout_sec: 3, first_mutation_grace_sec: 1})
    const r = sb.json(['restart', '--beads', 'bd-again', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.doc.pid).to.not.equal(s.doc.pid)
    // the first attempt's marker went with it: the new attempt is running until its own budget fires
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-again', 'no-mutation-timeout'))).to.equal(false)
    const c = await finished(sb, 'bd-again')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'no_mutation_timeout', retry_count: 1})
    await gone(sb, r.doc)
    expect(pidAlive(Number(r.doc.pid))).to.equal(false)
  })

  it('report shows every budget and which one ended the job (JSON, its schema, markdown)', async () => {
    const sb = make('nm-report')
    const s = sb.startScript('bd-rep', IDLE, ['--no-mutation-timeout', '2s', '--first-mutation-grace', '1s', '--timeout', '10m'])
    expect(s.code, s.stderr).to.equal(0)
    const t = sb.startScript('bd-rt', IDLE, ['--timeout', '2s'])
    expect(t.code, t.stderr).to.equal(0)
    await finished(sb, 'bd-rep')
    await finished(sb, 'bd-rt')
    const r = sb.json(['report', '--beads', 'bd-rep'])
    expect(r.doc).to.include({max_runtime_sec: 600, no_mutation_timeout_sec: 2, first_mutation_grace_sec: 1, budget_ended_by: 'no_mutation_timeout'})
    expect(await validateDocument('report', r.doc)).to.deep.equal([])
    const rt = sb.json(['report', '--beads', 'bd-rt'])
    expect(rt.doc).to.include({reason_code: 'timeout', max_runtime_sec: 2, no_mutation_timeout_sec: null, first_mutation_grace_sec: null, budget_ended_by: 'max_runtime'})
    expect(await validateDocument('report', rt.doc)).to.deep.equal([])
    const md = sb.run(['report', '--beads', 'bd-rep', '--format', 'markdown'])
    expect(md.stdout).to.include('| max_runtime_sec | 600 |')
    expect(md.stdout).to.include('| no_mutation_timeout_sec | 2 |')
    expect(md.stdout).to.include('| first_mutation_grace_sec | 1 |')
    expect(md.stdout).to.include('| budget_ended_by | no_mutation_timeout |')
  })

  it('its supervisor killed: the budget timer outlives it, ends the idle agent, and the job still reads no_mutation_timeout', async () => {
    const sb = make('nm-nosup')
    const s = sb.startScript('bd-nosup', IDLE, ['--no-mutation-timeout', '3s'])
    expect(s.code, s.stderr).to.equal(0)
    kill9([Number(s.doc.monitor_pid)])
    await waitFor(() => !pidAlive(Number(s.doc.pid)) || undefined, {what: 'the budget to end the agent'})
    const c = await finished(sb, 'bd-nosup')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'no_mutation_timeout', outcome: 'failed'})
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-nosup', 'rc')), 'no rc: its supervisor was gone').to.equal(false)
  })

  it('its supervisor and timers killed: the next check ends the idle agent past its deadline (the observer backstop)', async () => {
    const sb = make('nm-backstop')
    const s = sb.startScript('bd-bs', IDLE, ['--no-mutation-timeout', '2s'])
    expect(s.code, s.stderr).to.equal(0)
    const monitor = Number(s.doc.monitor_pid)
    const agent = Number(s.doc.pid)
    // the supervisor, its timer subshells and their sleeps: everything of the group but the agent's own tree
    const timers = groupMembers(monitor).filter((p) => ppidOf(p) === monitor && p !== agent)
    const sleeps = groupMembers(monitor).filter((p) => timers.includes(ppidOf(p)))
    kill9([monitor, ...timers, ...sleeps])
    expect(pidAlive(agent)).to.equal(true)
    // past the deadline nothing but an observer can end it
    await sleep(3000)
    expect(pidAlive(agent), 'no supervisor left to end it').to.equal(true)
    const c = check(sb, 'bd-bs')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'no_mutation_timeout', outcome: 'failed'})
    expect(pidAlive(agent)).to.equal(false)
    expect(groupMembers(monitor)).to.deep.equal([])
  })

  it('a bad --no-mutation-timeout or --first-mutation-grace is one clear line, exit 1, nothing written', () => {
    const sb = make('nm-bad')
    for (const args of [['--no-mutation-timeout', 'soon'], ['--first-mutation-grace', 'later'], ['--no-mutation-timeout', '0']]) {
      const s = sb.startScript('bd-bad', IDLE, args)
      expect(s.code, s.stderr).to.equal(1)
      expect(s.stderr.trim().split('\n')).to.have.length(1)
      expect(s.stderr).to.match(/^dx-runner: invalid (--no-mutation-timeout|--first-mutation-grace) /)
      expect(existsSync(jobFile(sb, 'cc-glm', 'bd-bad', 'meta'))).to.equal(false)
    }
  })
})

describe('run budgets: the real claude CLI (cc-glm) against the loopback simulator', function () {
  let sim
  const jobs = providerJobs('cc-glm', (scenario) => ({CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`}))
  before(async () => {
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN'])
  })
  afterEach(() => jobs.cleanup())
  after(async () => {
    await sim?.stop()
  })

  it('claude waiting on a model that never answers is ended with no_mutation_timeout, its whole group with it', async () => {
    const sb = jobs.make('nm-claude', 'hang')
    const s = jobs.start(sb, 'bd-claude', ['--no-mutation-timeout', '5s'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await jobs.finished(sb, 'bd-claude')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'no_mutation_timeout', outcome: 'failed'})
    await gone(sb, s.doc)
    expect(sb.json(['report', '--beads', 'bd-claude']).doc).to.include({no_mutation_timeout_sec: 5, budget_ended_by: 'no_mutation_timeout'})
  })
})
