import {expect} from 'chai'
import {ExitCode, HEALTH_STATES, TERMINAL_STATES, WAIT_CODE_ORDER, WAIT_FOR, waitExitCode, waitIsOver, waitJobCode} from '../dist/index.js'

const done = (state) => ({done: true, state})

describe('wait: when a job is done and what wait exits with', () => {
  it('a job is done when terminal (exited_ok, exited_err, no_op, blocked, missing) whatever --for asks', () => {
    expect([...TERMINAL_STATES].sort()).to.deep.equal(['blocked', 'exited_err', 'exited_ok', 'missing', 'no_op'])
    for (const f of WAIT_FOR) for (const s of TERMINAL_STATES) expect(waitIsOver(s, f), `${s} --for ${f}`).to.equal(true)
  })

  it('--for healthy / stalled is also done in that state; --for terminal waits through both', () => {
    expect(waitIsOver('healthy', 'healthy')).to.equal(true)
    expect(waitIsOver('stalled', 'stalled')).to.equal(true)
    expect(waitIsOver('healthy', 'terminal')).to.equal(false)
    expect(waitIsOver('stalled', 'terminal')).to.equal(false)
    expect(waitIsOver('stalled', 'healthy')).to.equal(false)
    expect(waitIsOver('healthy', 'stalled')).to.equal(false)
  })

  it('a running state, or one wait does not know (queued, a future one), is never done', () => {
    for (const s of ['launching', 'waiting_first_output', 'silent_mutation', 'queued', 'awaiting_slot', 'some_future_state', '']) {
      for (const f of WAIT_FOR) if (s !== f) expect(waitIsOver(s, f), `${s} --for ${f}`).to.equal(false)
    }
    for (const s of HEALTH_STATES) if (!TERMINAL_STATES.has(s)) expect(waitIsOver(s, 'terminal'), s).to.equal(false)
  })

  it("each done job's code is check's: 0 ok or healthy, 2 stalled, 3 failed/blocked/missing, 23 no_op", () => {
    expect(['exited_ok', 'healthy', 'stalled', 'exited_err', 'blocked', 'missing', 'no_op'].map(waitJobCode)).to.deep.equal([0, 0, 2, 3, 3, 3, 23])
  })

  it('exits with the most serious code: 3 > 23 > 2 > 0, whatever the order of the jobs', () => {
    expect(WAIT_CODE_ORDER).to.deep.equal([3, 23, 2, 0])
    const table = [
      [[], 0],
      [['exited_ok', 'exited_ok'], 0],
      [['exited_ok', 'healthy'], 0],
      [['exited_ok', 'stalled'], 2],
      [['stalled', 'no_op', 'exited_ok'], 23],
      [['no_op', 'exited_err', 'stalled'], 3],
      [['exited_ok', 'missing'], 3],
      [['blocked', 'exited_ok'], 3],
    ]
    for (const [states, code] of table) {
      expect(waitExitCode(states.map(done)), states.join(',')).to.equal(code)
      expect(waitExitCode([...states].reverse().map(done)), `${states.join(',')} reversed`).to.equal(code)
    }
  })

  it('exits 124 when any job is not done (the time-out ran out), even after a failure', () => {
    expect(ExitCode.waitTimedOut).to.equal(124)
    expect(waitExitCode([done('exited_err'), {done: false, state: 'healthy'}])).to.equal(124)
    expect(waitExitCode([{done: false, state: 'launching'}])).to.equal(124)
  })
})

describe('wait: the backstop poll keeps its CPU under its share', () => {
  it('polls every WAIT_POLL_MS while a round is cheap, later when a round costs more than WAIT_POLL_CPU_SHARE allows, never later than WAIT_POLL_MAX_MS', async () => {
    const {nextPollMs, WAIT_POLL_MS, WAIT_POLL_MAX_MS, WAIT_POLL_CPU_SHARE} = await import('../dist/index.js')
    expect([WAIT_POLL_MS, WAIT_POLL_MAX_MS, WAIT_POLL_CPU_SHARE]).to.deep.equal([5000, 60_000, 0.005])
    expect(nextPollMs(0)).to.equal(5000)
    expect(nextPollMs(10)).to.equal(5000)
    // 100 ms of CPU a round: every 20 s is 0.5 % of a core
    expect(nextPollMs(100)).to.equal(20_000)
    expect(nextPollMs(1000)).to.equal(60_000)
    expect(nextPollMs(Number.NaN)).to.equal(60_000)
  })
})
