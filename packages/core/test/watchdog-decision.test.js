import {expect} from 'chai'
import {backoffSec, decideWatchdogAction, DEFAULT_WATCHDOG_POLICY, jobSituation} from '../dist/index.js'
import {STATE_REASONS, statePairs} from './state-reasons.js'

const NOW = Date.parse('2026-11-24T12:00:00Z')
const sec = 1000
const iso = (ms) => new Date(ms).toISOString()
const policy = DEFAULT_WATCHDOG_POLICY
const ATTEMPT = iso(NOW - 30 * 60 * sec)
const situation = (state, reason_code, over = {}) => ({state, reason_code, retries: 0, now: NOW, attemptStartedAt: ATTEMPT, ...over})
const seen = (agoSec, over = {}) => ({first_seen_at: iso(NOW - agoSec * sec), attempt: ATTEMPT, ...over})

/** What a first look at a job in each state/reason decides (no memory, no retry spent). */
function expected(state, reason) {
  if (state === 'missing' || state === 'blocked') return {action: 'none'}
  if (reason === 'provider_auth_failed') return {action: 'block', reason_code: 'provider_auth_failed', stop: false}
  if (state === 'stalled' || state === 'no_op') return {action: 'wait', until: NOW + 30 * sec, why: state}
  if (state === 'exited_err' && reason === 'provider_rate_limited') return {action: 'wait', until: NOW + 30 * sec, why: 'provider_rate_limited'}
  return {action: 'none'}
}

describe('decideWatchdogAction: every state and reason code, first look', () => {
  for (const pair of statePairs()) {
    const [state, reason] = pair.split('/')
    const want = expected(state, reason)
    it(`${pair} → ${want.action}${want.why ? ` (${want.why})` : ''}${want.reason_code ? ` ${want.reason_code}` : ''}`, () => {
      expect(decideWatchdogAction(situation(state, reason), policy)).to.deep.equal(want)
    })
  }

  it('the table covers every health state', () => {
    expect(new Set(statePairs().map((p) => p.split('/')[0]))).to.have.lengthOf(Object.keys(STATE_REASONS).length)
  })
})

describe('decideWatchdogAction: every branch', () => {
  const cases = [
    ['a stalled job seen stuck for less than the backoff waits', situation('stalled', 'no_progress'), seen(29), {action: 'wait', until: NOW + sec, why: 'stalled'}],
    ['a stalled job stuck past the backoff is restarted, spending a retry', situation('stalled', 'no_progress'), seen(30), {action: 'restart', countRetry: true, why: 'stalled/no_progress'}],
    ['a no-op job stuck past the backoff is restarted, spending a retry', situation('no_op', 'no_heartbeat_no_mutation'), seen(31), {action: 'restart', countRetry: true, why: 'no_op/no_heartbeat_no_mutation'}],
    ['memory of an earlier attempt does not count: the wait starts now', situation('stalled', 'no_progress'), seen(3600, {attempt: iso(NOW - 7200 * sec)}), {action: 'wait', until: NOW + 30 * sec, why: 'stalled'}],
    ['the backoff doubles with each retry spent', situation('stalled', 'no_progress', {retries: 2}), seen(119), {action: 'wait', until: NOW + sec, why: 'stalled'}],
    ['after the doubled backoff it restarts', situation('stalled', 'no_progress', {retries: 2}), seen(120), {action: 'restart', countRetry: true, why: 'stalled/no_progress'}],
    ['retries spent: blocked and stopped, without waiting', situation('no_op', 'no_heartbeat_no_mutation', {retries: 3}), undefined, {action: 'block', reason_code: 'retries_exhausted', stop: true}],
    ['a refused key is blocked at once, not stopped (it is ended already), whatever the retries', situation('exited_err', 'provider_auth_failed', {retries: 9}), seen(0), {action: 'block', reason_code: 'provider_auth_failed', stop: false}],
    ['a rate limit with a reset time waits until then', situation('exited_err', 'provider_rate_limited', {rateLimitResetAt: NOW + 600 * sec}), seen(60), {action: 'wait', until: NOW + 600 * sec, why: 'provider_rate_limited'}],
    ['a rate limit whose reset time has passed is restarted without spending a retry', situation('exited_err', 'provider_rate_limited', {rateLimitResetAt: NOW - sec}), undefined, {action: 'restart', countRetry: false, why: 'provider_rate_limited'}],
    ['a rate limit without a reset time backs off on its own count of waits', situation('exited_err', 'provider_rate_limited'), seen(100, {rate_limit_waits: 2}), {action: 'wait', until: NOW + 20 * sec, why: 'provider_rate_limited'}],
    ['a rate limit past its backoff restarts even with the retries spent', situation('exited_err', 'provider_rate_limited', {retries: 3}), seen(30), {action: 'restart', countRetry: false, why: 'provider_rate_limited'}],
    ['a blocked job is left alone even when its reason is a refused key', situation('blocked', 'provider_auth_failed'), undefined, {action: 'none'}],
    ['a running job is left alone', situation('healthy', 'log_progress', {retries: 9}), seen(3600), {action: 'none'}],
    ['a job that ended by itself is left alone', situation('exited_err', 'process_exit_with_rc', {retries: 9}), seen(3600), {action: 'none'}],
  ]
  for (const [name, s, memory, want] of cases) {
    it(name, () => expect(decideWatchdogAction({...s, memory}, policy)).to.deep.equal(want))
  }

  it('the backoff doubles up to its cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((r) => backoffSec(policy, r))).to.deep.equal([30, 60, 120, 240, 480, 600, 600])
  })

  it('a job situation takes the attempt from the observation, else from the meta', () => {
    const meta = {retries: 2, created_at: iso(NOW - 99 * sec)}
    expect(jobSituation({state: 'stalled', reason_code: 'no_progress', started_at: ATTEMPT, meta}, undefined, NOW)).to.deep.equal(situation('stalled', 'no_progress', {retries: 2, memory: undefined}))
    expect(jobSituation({state: 'stalled', reason_code: 'no_progress', started_at: null, meta}, undefined, NOW).attemptStartedAt).to.equal(meta.created_at)
    expect(jobSituation({state: 'missing', reason_code: 'no_metadata', started_at: null}, undefined, NOW)).to.deep.include({retries: 0, attemptStartedAt: ''})
  })
})
