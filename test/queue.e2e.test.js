import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {validateDocument} from '@dx-runner/core'
import {BIN, CLAUDE_OK, fakeAgent, jobFile, runAsync, sandbox, sleep, waitFor} from './helpers.js'

// Concurrency (README "Concurrency"): a per-provider max_parallel, blocking starts that wait for a
// slot, and `start --queue` whose jobs a finished job's supervisor launches in order, with no daemon.
// The agents are fake `claude`s running a short sleep (test/helpers.js fakeAgent): cheap load.

const P = 'cc-glm'

function startArgs(sb, id, script, extra = []) {
  const file = join(sb.base, `${id}.sh`)
  writeFileSync(file, script)
  return ['start', '--beads', id, '--provider', P, '--prompt-file', file, '--json', ...extra]
}

/** The recorded agent of a job whose process is alive now (pid + start time from its pid file, checked in /proc). */
function agentAlive(sb, id) {
  let pid, start
  try {
    ;[pid, start] = readFileSync(jobFile(sb, P, id, 'pid'), 'latin1').trim().split(' ').map(Number)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return f[0] !== 'Z' && Number(f[19]) === start
  } catch {
    return false
  }
}

const samplers = new Set()

/** Every 100 ms, how many of these jobs' agents are alive; `stop()` returns the most seen at once. */
function sampleAlive(sb, ids) {
  let most = 0
  let samples = 0
  const t = setInterval(() => {
    samples++
    most = Math.max(most, ids.filter((id) => agentAlive(sb, id)).length)
  }, 100)
  samplers.add(t)
  return {
    stop() {
      clearInterval(t)
      return {most, samples}
    },
  }
}

/** The agent's start time (clock ticks since boot) from the job's pid file. */
const agentStart = (sb, id) => Number(readFileSync(jobFile(sb, P, id, 'pid'), 'latin1').trim().split(' ')[1])

async function expectValid(name, doc) {
  const errors = await validateDocument(name, doc)
  expect(errors, `${name} schema: ${errors.join('; ')}`).to.deep.equal([])
}

const statusJobs = (sb) => sb.json(['status', '--json']).doc.jobs

describe('concurrency — per-provider max_parallel and the queue', function () {
  this.timeout(240_000)
  let sb
  afterEach(async () => {
    for (const t of samplers) clearInterval(t)
    samplers.clear()
    await sb?.cleanup()
    sb = undefined
  })

  it('30 jobs submitted with --queue under max_parallel 4: never more than 4 agents alive, all end exited_ok, started in submission order', async () => {
    sb = fakeAgent(sandbox('queue30'))
    sb.env.DX_RUNNER_MAX_PARALLEL_CC_GLM = '4'
    const ids = Array.from({length: 30}, (_, i) => `q${String(i).padStart(2, '0')}`)
    const sampler = sampleAlive(sb, ids)
    const docs = []
    for (const id of ids) {
      const r = await runAsync(sb, startArgs(sb, id, `sleep 1\n${CLAUDE_OK}`, ['--queue']))
      expect(r.code, r.stderr).to.equal(0)
      docs.push(JSON.parse(r.stdout))
    }
    // the provider was full for most of them: they were queued, with their place in line
    const queued = docs.filter((d) => d.state === 'queued')
    expect(queued.length).to.be.greaterThan(0)
    for (const d of queued) expect(d.queue_position).to.be.a('number').and.at.least(1)
    await waitFor(() => statusJobs(sb).every((j) => j.state === 'exited_ok'), {timeoutMs: 180_000, intervalMs: 500, what: 'all 30 jobs to end exited_ok'})
    const {most, samples} = sampler.stop()
    expect(samples).to.be.greaterThan(10)
    expect(most).to.be.at.most(4)
    expect(most).to.equal(4)
    const jobs = statusJobs(sb)
    expect(jobs.map((j) => j.state)).to.deep.equal(ids.map(() => 'exited_ok'))
    // in order of submission: each agent started no earlier than the one submitted before it
    const starts = ids.map((id) => agentStart(sb, id))
    for (let i = 1; i < starts.length; i++) expect(starts[i], `${ids[i]} started before ${ids[i - 1]}`).to.be.at.least(starts[i - 1])
  })

  it('30 concurrent blocking starts under max_parallel 4: at most 4 run at once, the others wait, and the late ones exit 27 leaving nothing', async () => {
    sb = fakeAgent(sandbox('block30'))
    sb.env.DX_RUNNER_MAX_PARALLEL_CC_GLM = '4'
    const ids = Array.from({length: 30}, (_, i) => `b${String(i).padStart(2, '0')}`)
    const sampler = sampleAlive(sb, ids)
    const results = await Promise.all(ids.map((id) => runAsync(sb, startArgs(sb, id, `sleep 2\n${CLAUDE_OK}`, ['--queue-timeout', '5']))))
    const byId = Object.fromEntries(ids.map((id, i) => [id, results[i]]))
    await waitFor(() => statusJobs(sb).every((j) => j.state.startsWith('exited')), {timeoutMs: 60_000, intervalMs: 500, what: 'the started jobs to end'})
    const {most} = sampler.stop()
    expect(most).to.be.at.most(4)
    expect(most).to.equal(4)
    const started = ids.filter((id) => byId[id].code === 0)
    const refused = ids.filter((id) => byId[id].code !== 0)
    expect(started.length + refused.length).to.equal(30)
    // some waited for a slot and then ran: said once on stderr
    const waitedThenRan = started.filter((id) => /waiting up to 5s for a slot/.test(byId[id].stderr))
    expect(waitedThenRan.length).to.be.greaterThan(0)
    for (const id of waitedThenRan) expect(byId[id].stderr.match(/waiting up to/g)).to.have.length(1)
    // the late ones gave up: exit 27, and left nothing behind
    expect(refused.length).to.be.greaterThan(0)
    for (const id of refused) {
      expect(byId[id].code, byId[id].stderr).to.equal(27)
      expect(byId[id].stderr).to.match(/cc-glm is at its limit of 4 running jobs after waiting 5s; nothing was started/)
      expect(existsSync(join(sb.root, P, id)), `${id} left a job directory`).to.equal(false)
      expect(existsSync(join(sb.root, '.locks', 'jobs', `${id}.lock`)), `${id} left a lock`).to.equal(false)
    }
    expect(statusJobs(sb).map((j) => j.beads).sort()).to.deep.equal(started.sort())
    expect(existsSync(join(sb.root, '.queue', P)) ? readdirSync(join(sb.root, '.queue', P)) : []).to.deep.equal([])
    expect(existsSync(join(sb.root, '.locks', 'providers', `${P}.lock`))).to.equal(false)
  })

  it('a queued job shows its place in line; stop removes it from the queue, never launched; check of a queued job exits 0', async () => {
    sb = fakeAgent(sandbox('queuestop'))
    sb.env.DX_RUNNER_MAX_PARALLEL_CC_GLM = '1'
    const run = (id, script, extra = ['--queue']) => sb.run(startArgs(sb, id, script, extra))
    expect(run('a', `sleep 60\n${CLAUDE_OK}`).code).to.equal(0)
    for (const id of ['b', 'c']) {
      const r = run(id, `sleep 1\n${CLAUDE_OK}`)
      expect(r.code, r.stderr).to.equal(0)
      expect(JSON.parse(r.stdout)).to.include({state: 'queued', pid: '-', max_parallel: 1})
      await expectValid('start', JSON.parse(r.stdout))
      await expectValid('meta', JSON.parse(readFileSync(jobFile(sb, P, id, 'meta'), 'utf8')))
    }
    await expectValid('status', sb.json(['status', '--json']).doc)
    const rows = Object.fromEntries(statusJobs(sb).map((j) => [j.beads, j]))
    expect(rows.b).to.include({state: 'queued', reason_code: 'queued', queue_position: 1})
    expect(rows.c).to.include({state: 'queued', reason_code: 'queued', queue_position: 2})
    expect(rows.a.queue_position).to.equal(undefined)
    expect(sb.run(['status']).stdout).to.match(/^c\s+cc-glm\s+-\s+queued\s+queued #2/m)
    const check = sb.json(['check', '--beads', 'c', '--json'])
    expect(check.code).to.equal(0)
    expect(check.doc).to.include({state: 'queued', queue_position: 2})
    await expectValid('check', check.doc)
    // neither prune nor restart touches a queued job
    sb.run(['prune'])
    expect(existsSync(jobFile(sb, P, 'c', 'meta'))).to.equal(true)
    const restart = sb.run(['restart', '--beads', 'c'])
    expect(restart.code).to.equal(25)
    expect(restart.stderr).to.match(/queued/)

    const stop = sb.run(['stop', '--beads', 'b'])
    expect(stop.code, stop.stderr).to.equal(0)
    const b = sb.json(['check', '--beads', 'b', '--json'])
    expect(b.doc).to.include({state: 'exited_err', reason_code: 'stopped_by_user'})
    expect(b.code).to.equal(3)
    expect(sb.json(['status', '--json']).doc.jobs.find((j) => j.beads === 'c')).to.include({state: 'queued', queue_position: 1})

    // a's end hands its slot to c (b left the line): c runs, b never does
    expect(sb.run(['stop', '--beads', 'a']).code).to.equal(0)
    await waitFor(() => sb.json(['check', '--beads', 'c', '--json']).doc.state === 'exited_ok', {timeoutMs: 30_000, what: 'c to run and end'})
    expect(existsSync(jobFile(sb, P, 'b', 'pid'))).to.equal(false)
    expect(sb.json(['check', '--beads', 'b', '--json']).doc).to.include({state: 'exited_err', reason_code: 'stopped_by_user'})
  })

  it('a blocking start killed while it waits loses its place: the next one is first in line, and its entry is removed', async () => {
    sb = fakeAgent(sandbox('queuedead'))
    sb.env.DX_RUNNER_MAX_PARALLEL_CC_GLM = '1'
    expect(sb.run(startArgs(sb, 'a', `sleep 60\n${CLAUDE_OK}`)).code).to.equal(0)
    const waiter = spawn(process.execPath, [BIN, ...startArgs(sb, 'w', CLAUDE_OK, ['--queue-timeout', '120'])], {cwd: sb.worktree, env: sb.env, stdio: 'ignore'})
    const line = join(sb.root, '.queue', P)
    const entries = () => (existsSync(line) ? readdirSync(line).filter((n) => n.endsWith('-w')) : [])
    await waitFor(() => entries().length === 1, {timeoutMs: 30_000, what: "the waiting start's entry"})
    waiter.kill('SIGKILL')
    await waitFor(() => waiter.exitCode !== null || waiter.signalCode !== null, {timeoutMs: 10_000, what: 'the waiter to die'})
    const c = sb.run(startArgs(sb, 'c', CLAUDE_OK, ['--queue']))
    expect(c.code, c.stderr).to.equal(0)
    expect(JSON.parse(c.stdout)).to.include({state: 'queued', queue_position: 1})
    expect(entries()).to.deep.equal([])
  })

  it('after a supervisor is killed (no hand-off), a watchdog round launches the next queued job', async () => {
    sb = fakeAgent(sandbox('queuecrash'))
    sb.env.DX_RUNNER_MAX_PARALLEL_CC_GLM = '1'
    expect(sb.run(startArgs(sb, 'a', `sleep 60\n${CLAUDE_OK}`, ['--queue'])).code).to.equal(0)
    expect(JSON.parse(sb.run(startArgs(sb, 'b', `sleep 1\n${CLAUDE_OK}`, ['--queue'])).stdout).state).to.equal('queued')
    const monitor = Number(readFileSync(jobFile(sb, P, 'a', 'monitor.pid'), 'latin1').split(' ')[0])
    process.kill(-monitor, 'SIGKILL')
    await waitFor(() => !agentAlive(sb, 'a'), {timeoutMs: 10_000, what: "a's agent to die"})
    await sleep(1500)
    // nobody handed the slot on
    expect(sb.json(['check', '--beads', 'b', '--json']).doc.state).to.equal('queued')
    const round = sb.run(['watchdog', '--once', '--json'])
    expect(round.code, round.stderr).to.equal(0)
    const lines = round.stdout.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.find((l) => l.action === 'launched_queued')).to.include({beads: 'b', provider: P})
    await waitFor(() => sb.json(['check', '--beads', 'b', '--json']).doc.state === 'exited_ok', {timeoutMs: 30_000, what: 'b to run and end'})
  })
})
