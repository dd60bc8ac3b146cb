// Money and token budgets (issue 20 item 3): `--max-cost-usd` and `--max-tokens` judge the usage the
// agent reports in its stream. The real claude CLI against the loopback simulator shows a job that
// finished over its budget classified exited_err / budget_exceeded; a scripted `claude` (a fake that
// prints claude's stream-json usage, then keeps running) shows the next observer ending a live job over
// its budget, group and all. Every process a test starts is ended by group at the end.
import {expect} from 'chai'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {validateDocument} from '@dx-runner/core'
import {CLAUDE_OK, fakeAgent, groupMembers, jobFile, pidAlive, providerJobs, sandbox, startSimulatorProcess, TOKEN, waitFor} from './helpers.js'

const check = (sb, id) => sb.json(['check', '--beads', id, '--json'])
const gone = (doc) => waitFor(() => (!pidAlive(Number(doc.monitor_pid)) && groupMembers(Number(doc.monitor_pid)).length === 0) || undefined, {what: 'the job group to end'})
/** The long tool command of the live claude case (a number no other test uses), and its live processes. */
const LONG_TOOL = 'sleep 231.7'
function toolAlive() {
  const out = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      // arguments are NUL-separated: `sleep 231.7` is the sleep itself, and the shell claude wraps it in
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ').includes(LONG_TOOL) && pidAlive(Number(name))) out.push(Number(name))
    } catch {}
  }
  return out
}
const outcomeOf = (sb, id) => JSON.parse(readFileSync(jobFile(sb, 'cc-glm', id, 'outcome'), 'utf8'))

/** status, check and report all read the job as over its budget; check exits 3. */
async function overBudget(sb, id, by) {
  const c = check(sb, id)
  expect(c.code, c.stderr).to.equal(3)
  expect(c.doc).to.include({state: 'exited_err', reason_code: 'budget_exceeded', outcome: 'failed'})
  const row = sb.json(['status', '--json']).doc.jobs.find((j) => j.beads === id)
  expect(row).to.include({state: 'exited_err', reason_code: 'budget_exceeded', outcome: 'failed'})
  const r = sb.json(['report', '--beads', id])
  expect(r.doc).to.include({state: 'exited_err', reason_code: 'budget_exceeded', outcome_state: 'failed', budget_ended_by: by})
  expect(await validateDocument('report', r.doc)).to.deep.equal([])
  expect(outcomeOf(sb, id)).to.include({state: 'failed', reason_code: 'budget_exceeded'})
  return r.doc
}

describe('money and token budgets: the real claude CLI (cc-glm) against the loopback simulator', function () {
  let sim
  const jobs = providerJobs('cc-glm', (scenario) => ({CC_GLM_AUTH_TOKEN: TOKEN, CC_GLM_BASE_URL: `${sim.url}/s/${scenario}`}))
  before(async () => {
    sim = await startSimulatorProcess({DXR_SIM_TOKEN: TOKEN}, ['--expected-token-env', 'DXR_SIM_TOKEN'])
  })
  afterEach(async () => {
    // claude runs its tools in a process group of their own: a failed test must not leave the sleep behind
    const tools = toolAlive()
    try {
      await jobs.cleanup()
    } finally {
      for (const pid of [...tools, ...toolAlive()]) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {}
      }
    }
  })
  after(async () => {
    await sim?.stop()
  })

  it('a job whose reported cost passed --max-cost-usd ends exited_err / budget_exceeded: status, check and report agree, its group is gone', async () => {
    const sb = jobs.make('cost-over', 'write-file')
    const s = jobs.start(sb, 'bd-over', ['--max-cost-usd', '0.01'])
    expect(s.code, s.stderr).to.equal(0)
    await jobs.finished(sb, 'bd-over')
    const r = await overBudget(sb, 'bd-over', 'max_cost_usd')
    // claude priced the run itself (its result's total_cost_usd): the usage is shown against the budget
    expect(r.max_cost_usd).to.equal(0.01)
    expect(r.cost_usd).to.be.greaterThan(0.01)
    expect(r.max_tokens).to.equal(null)
    expect(r.total_tokens).to.be.greaterThan(0)
    await gone(s.doc)
    const meta = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-over', 'meta'), 'utf8'))
    expect(meta).to.include({max_cost_usd: 0.01, max_tokens: null})
    expect(await validateDocument('meta', meta)).to.deep.equal([])
  })

  it('a job within its --max-cost-usd and --max-tokens ends exited_ok', async () => {
    const sb = jobs.make('cost-under', 'write-file')
    const s = jobs.start(sb, 'bd-under', ['--max-cost-usd', '50', '--max-tokens', '10000000'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await jobs.finished(sb, 'bd-under')
    expect(c.code).to.equal(0)
    expect(c.doc).to.include({state: 'exited_ok', reason_code: 'outcome_exit_0'})
    const r = sb.json(['report', '--beads', 'bd-under'])
    expect(r.doc).to.include({max_cost_usd: 50, max_tokens: 10000000, budget_ended_by: null})
    expect(r.doc.total_tokens).to.be.greaterThan(0).and.below(10000000)
    expect(await validateDocument('report', r.doc)).to.deep.equal([])
  })

  it('a job whose reported tokens passed --max-tokens ends exited_err / budget_exceeded', async () => {
    const sb = jobs.make('tokens-over', 'write-file')
    const s = jobs.start(sb, 'bd-tok', ['--max-tokens', '1000'])
    expect(s.code, s.stderr).to.equal(0)
    await jobs.finished(sb, 'bd-tok')
    const r = await overBudget(sb, 'bd-tok', 'max_tokens')
    expect(r.max_tokens).to.equal(1000)
    expect(r.total_tokens).to.be.greaterThan(1000)
    await gone(s.doc)
  })

  it('a running claude whose streamed usage passed --max-tokens is ended by check while its tool still runs: the whole group goes', async () => {
    const sb = jobs.make('tokens-live', 'run-command')
    // the model's first message (its usage on the stream) asks claude to run a long command
    writeFileSync(sb.prompt, `Run the command below.\nRUN: ${LONG_TOOL}\n`)
    const s = jobs.start(sb, 'bd-claude-live', ['--max-tokens', '1000'])
    expect(s.code, s.stderr).to.equal(0)
    // the sleep is the tool's (claude runs it in a process group of its own): the agent is mid-session
    await waitFor(() => toolAlive().length > 0 || undefined, {what: 'claude to run the sleep', timeoutMs: 90_000})
    const c = await waitFor(() => {
      const x = jobs.checkJson(sb, 'bd-claude-live')
      return /^exited_/.test(x.doc.state) ? x : undefined
    }, {what: 'the budget to end it'})
    expect(c.code).to.equal(3)
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'budget_exceeded', outcome: 'failed'})
    await gone(s.doc)
    // the job's every process went, the tool's own group included
    await waitFor(() => toolAlive().length === 0 || undefined, {what: 'the tool to be ended'})
    const r = await overBudget(sb, 'bd-claude-live', 'max_tokens')
    // judged from the stream (no result event: claude was ended before it could report one)
    expect(r.total_tokens).to.be.greaterThan(1000)
    expect(r.cost_usd).to.equal(undefined)
  })
})

/** A scripted claude that reports usage as claude's result event does, then keeps running (writing) for minutes. */
const spends = (usage) => `echo '${JSON.stringify({type: 'result', subtype: 'success', is_error: false, result: 'partial', session_id: 's-1', ...usage})}'\ni=0\nwhile [ $i -lt 600 ]; do echo $i > work.txt; i=$((i+1)); sleep 0.5; done\n${CLAUDE_OK}`

describe('money and token budgets: the next observer ends a running job over its budget', function () {
  const sandboxes = []
  const make = (label) => {
    const sb = fakeAgent(sandbox(label))
    sandboxes.push(sb)
    return sb
  }
  afterEach(async () => {
    for (const sb of sandboxes.splice(0)) await sb.cleanup()
  })
  /** The first `check` that reads the job ended (the observer does the ending). */
  const ended = (sb, id) => waitFor(() => {
    const c = check(sb, id)
    return /^exited_/.test(c.doc.state) ? c : undefined
  }, {what: `${id} to be ended`})

  it('a running job whose reported cost passed --max-cost-usd is ended by check: its whole group goes, budget_exceeded everywhere', async () => {
    const sb = make('cost-live')
    const s = sb.startScript('bd-live', spends({total_cost_usd: 0.75, usage: {input_tokens: 5000, output_tokens: 200}}), ['--max-cost-usd', '0.5'])
    expect(s.code, s.stderr).to.equal(0)
    const c = await ended(sb, 'bd-live')
    expect(c.code).to.equal(3)
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'budget_exceeded', outcome: 'failed'})
    await gone(s.doc)
    expect(pidAlive(Number(s.doc.pid))).to.equal(false)
    const r = await overBudget(sb, 'bd-live', 'max_cost_usd')
    expect(r).to.include({max_cost_usd: 0.5, cost_usd: 0.75, total_tokens: 5200})
  })

  it('a restart keeps the budget (from the meta) and the new attempt over it is ended again', async () => {
    const sb = make('cost-restart')
    const s = sb.startScript('bd-again', spends({total_cost_usd: 0.3}), ['--max-cost-usd', '0.2'])
    expect(s.code, s.stderr).to.equal(0)
    expect((await ended(sb, 'bd-again')).doc).to.include({reason_code: 'budget_exceeded'})
    await gone(s.doc)
    // restart takes no budget flag: the meta carries it
    expect(JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-again', 'meta'), 'utf8'))).to.include({max_cost_usd: 0.2})
    const r = sb.json(['restart', '--beads', 'bd-again', '--json'])
    expect(r.code, r.stderr).to.equal(0)
    expect(r.doc.pid).to.not.equal(s.doc.pid)
    const c = await ended(sb, 'bd-again')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'budget_exceeded', retry_count: 1})
    await gone(r.doc)
    expect(pidAlive(Number(r.doc.pid))).to.equal(false)
  })

  it('tokens reported without a price: --max-cost-usd cannot judge it, --max-tokens (here from a profile) ends it', async () => {
    const sb = make('tokens-live')
    const usage = {usage: {input_tokens: 3000, output_tokens: 100}}
    // cost unknown: a cost budget alone leaves it running (it is still writing when it is stopped)
    const s1 = sb.startScript('bd-unpriced', spends(usage), ['--max-cost-usd', '0.01'])
    expect(s1.code, s1.stderr).to.equal(0)
    await waitFor(() => sb.json(['report', '--beads', 'bd-unpriced']).doc.total_tokens === 3100 || undefined, {what: 'the usage to be reported'})
    const still = check(sb, 'bd-unpriced')
    expect(still.doc.state).to.not.match(/^exited_/)
    expect(pidAlive(Number(s1.doc.pid))).to.equal(true)
    expect(sb.run(['stop', '--beads', 'bd-unpriced']).code).to.equal(0)
    await gone(s1.doc)
    // the token budget from a profile file
    const profile = join(sb.base, 'tight.json')
    writeFileSync(profile, JSON.stringify({budgets: {max_tokens: 1000}}))
    const s2 = sb.startScript('bd-tokens', spends(usage), ['--profile', profile])
    expect(s2.code, s2.stderr).to.equal(0)
    const meta = JSON.parse(readFileSync(jobFile(sb, 'cc-glm', 'bd-tokens', 'meta'), 'utf8'))
    expect(meta).to.include({max_tokens: 1000, max_cost_usd: null})
    expect(meta.settings_sources).to.include({max_tokens: 'profile'})
    const c = await ended(sb, 'bd-tokens')
    expect(c.doc).to.include({state: 'exited_err', reason_code: 'budget_exceeded'})
    await gone(s2.doc)
    expect(await overBudget(sb, 'bd-tokens', 'max_tokens')).to.include({max_tokens: 1000, total_tokens: 3100})
  })

  it('a profile whose jobs of today already cost its daily_cost_usd refuses the next start: exit 21, budget_exhausted, nothing written', async () => {
    const sb = make('cost-daily')
    const profile = join(sb.base, 'daily.json')
    writeFileSync(profile, JSON.stringify({budgets: {daily_cost_usd: 0.3}}))
    // each job reports 0.2 USD and ends well
    const paid = (n) => `echo '${JSON.stringify({type: 'result', subtype: 'success', is_error: false, result: 'done', session_id: `s-${n}`, total_cost_usd: 0.2})}'\necho ${n} > paid-${n}.txt\n`
    for (const n of [1, 2]) {
      const s = sb.startScript(`bd-day${n}`, paid(n), ['--profile', profile])
      expect(s.code, s.stderr).to.equal(0)
      expect((await ended(sb, `bd-day${n}`)).doc).to.include({state: 'exited_ok'})
    }
    // 0.4 USD today, over the 0.3 cap: refused
    const refused = sb.startScript('bd-day3', paid(3), ['--profile', profile])
    expect(refused.code, refused.stderr).to.equal(21)
    expect(refused.stderr.trim().split('\n')).to.have.length(1)
    expect(refused.stderr).to.match(/^dx-runner: budget_exhausted: profile daily: its jobs of \d{4}-\d{2}-\d{2} \(UTC\) already cost 0\.4000 USD, at or over its daily_cost_usd 0\.3$/m)
    expect(existsSync(jobFile(sb, 'cc-glm', 'bd-day3', 'meta'))).to.equal(false)
    // a job not under that profile is not capped by it
    const other = sb.startScript('bd-other', paid(4))
    expect(other.code, other.stderr).to.equal(0)
    await ended(sb, 'bd-other')
  })

  it('a bad --max-cost-usd or --max-tokens is one clear line, exit 1, nothing written', () => {
    const sb = make('cost-bad')
    for (const args of [['--max-cost-usd', 'lots'], ['--max-cost-usd', '0'], ['--max-tokens', '1.5'], ['--max-tokens', '-3']]) {
      const s = sb.startScript('bd-bad', spends({}), args)
      expect(s.code, s.stderr).to.equal(1)
      expect(s.stderr.trim().split('\n')).to.have.length(1)
      expect(s.stderr).to.match(/^dx-runner: invalid (--max-cost-usd|--max-tokens) /)
      expect(existsSync(jobFile(sb, 'cc-glm', 'bd-bad', 'meta'))).to.equal(false)
    }
  })
})
