import {expect} from 'chai'
import {dailyCapReached, dailyCost, utcDay} from '../dist/index.js'

describe('run budgets: a profile\'s daily cost cap', () => {
  const job = (profile, completed_at, cost_usd) => ({profile, outcome: {completed_at, ...(cost_usd === undefined ? {} : {cost_usd})}})
  const jobs = [
    job('review', '2026-11-25T01:00:00.000Z', 0.5),
    job('review', '2026-11-25T23:59:59.000Z', 0.25),
    job('review', '2026-11-24T23:59:59.000Z', 10), // yesterday (UTC)
    job('other', '2026-11-25T12:00:00.000Z', 7), // another profile
    job(null, '2026-11-25T12:00:00.000Z', 7), // no profile
    job('review', '2026-11-25T12:00:00.000Z'), // unpriced
    {profile: 'review'}, // still running: no outcome yet
  ]
  it('sums the cost of the profile\'s jobs that finished on that UTC day, and nothing else', () => {
    expect(dailyCost(jobs, 'review', '2026-11-25')).to.equal(0.75)
    expect(dailyCost(jobs, 'review', '2026-11-24')).to.equal(10)
    expect(dailyCost(jobs, 'nobody', '2026-11-25')).to.equal(0)
  })
  it('the day is the UTC day', () => expect(utcDay(Date.parse('2026-11-25T23:30:00-05:00'))).to.equal('2026-11-26'))
  const caps = [
    [0.74, 0.75, false],
    [0.75, 0.75, true],
    [0.8, 0.75, true],
    [100, null, false],
  ]
  for (const [spent, cap, want] of caps) it(`spent ${spent}, cap ${cap} → ${want ? 'reached' : 'not reached'}`, () => expect(dailyCapReached(spent, cap)).to.equal(want))
})
