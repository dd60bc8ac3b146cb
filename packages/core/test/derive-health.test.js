import {expect} from 'chai'
import {checkExitCode, DEFAULT_THRESHOLDS, deriveHealth, HEALTH_STATES, REASON_CODES} from '../dist/index.js'

const NOW = Date.parse('2026-11-24T12:00:00Z')
const min = 60_000
const base = {
  meta: 'ok',
  agentAlive: true,
  agentRecorded: true,
  monitorAlive: true,
  attemptStartedAt: NOW - 2 * min,
  logBytes: 100,
  lastProgressAt: NOW - 1000,
  lastProgressKind: 'log',
  cpuProgressing: false,
  mutationCount: 0,
  providerRetrying: false,
}
const t = DEFAULT_THRESHOLDS

const cases = [
  ['no metadata', {meta: 'missing'}, 'missing', 'no_metadata'],
  ['corrupt metadata', {meta: 'corrupt'}, 'missing', 'metadata_corrupt'],
  ['blocked', {blocked: {reason_code: 'retries_exhausted'}}, 'blocked', 'retries_exhausted'],
  ['blocked by auth', {blocked: {reason_code: 'provider_auth_failed'}}, 'blocked', 'provider_auth_failed'],
  ['finished ok', {agentAlive: false, outcome: {state: 'success', reason_code: 'outcome_exit_0'}}, 'exited_ok', 'outcome_exit_0'],
  ['finished, no mutation', {agentAlive: false, outcome: {state: 'no_op', reason_code: 'exit_0_no_mutation'}}, 'exited_ok', 'exit_0_no_mutation'],
  ['finished with rc', {agentAlive: false, outcome: {state: 'failed', reason_code: 'process_exit_with_rc'}}, 'exited_err', 'process_exit_with_rc'],
  ['killed', {agentAlive: false, outcome: {state: 'killed', reason_code: 'stopped_by_user'}}, 'exited_err', 'stopped_by_user'],
  ['gave up on an unreachable endpoint', {agentAlive: false, outcome: {state: 'failed', reason_code: 'provider_unreachable'}}, 'exited_err', 'provider_unreachable'],
  ['just gone, in grace', {agentAlive: false, deadSince: NOW - 2000}, 'healthy', 'awaiting_finalize'],
  ['gone past grace, monitor dead', {agentAlive: false, monitorAlive: false, deadSince: NOW - 11_000}, 'exited_err', 'monitor_no_rc_file'],
  ['gone past grace, monitor alive', {agentAlive: false, deadSince: NOW - 11_000}, 'exited_err', 'late_finalize_no_rc'],
  ['launching', {logBytes: 0, attemptStartedAt: NOW - 5000, lastProgressAt: NOW - 5000}, 'launching', 'awaiting_first_output'],
  ['past first-output window, cpu', {logBytes: 0, attemptStartedAt: NOW - 2 * min, lastProgressAt: NOW - 1000, cpuProgressing: true, lastProgressKind: 'cpu'}, 'waiting_first_output', 'cpu_progress'],
  ['past first-output window, idle', {logBytes: 0, lastProgressAt: NOW - 2 * min}, 'waiting_first_output', 'awaiting_first_output'],
  ['silent mutation', {logBytes: 0, mutationCount: 2, lastProgressKind: 'mutation'}, 'silent_mutation', 'mutation_progress'],
  ['healthy by log', {}, 'healthy', 'log_progress'],
  ['healthy by tool', {lastProgressKind: 'tool'}, 'healthy', 'tool_progress'],
  ['healthy by mutation', {lastProgressKind: 'mutation', mutationCount: 1}, 'healthy', 'mutation_progress'],
  ['healthy by cpu', {lastProgressKind: 'cpu'}, 'healthy', 'cpu_progress'],
  ['retrying', {providerRetrying: true}, 'healthy', 'provider_retrying'],
  ['retrying wins over log progress', {providerRetrying: true, lastProgressKind: 'log', logBytes: 5000}, 'healthy', 'provider_retrying'],
  ['no_op', {lastProgressAt: NOW - 6 * min}, 'no_op', 'no_heartbeat_no_mutation'],
  ['mutations prevent no_op', {lastProgressAt: NOW - 6 * min, mutationCount: 1}, 'healthy', 'log_progress'],
  ['stalled', {lastProgressAt: NOW - 21 * min, mutationCount: 3}, 'stalled', 'no_progress'],
]

describe('deriveHealth', () => {
  for (const [name, over, state, reason] of cases) {
    it(`${name} → ${state}/${reason}`, () => {
      const h = deriveHealth({...base, ...over}, t, NOW)
      expect(h).to.deep.equal({state, reason_code: reason})
    })
  }

  it('covers every state but queued (a job never launched: decided before its health, in decideObservation)', () => {
    const seen = new Set(cases.map((c) => c[2]))
    expect([...seen].sort()).to.deep.equal(HEALTH_STATES.filter((s) => s !== 'queued').sort())
  })

  it('uses only documented reason codes', () => {
    for (const c of cases) expect(REASON_CODES).to.include(c[3])
  })

  it('honours fractional thresholds (seconds for tests)', () => {
    const h = deriveHealth({...base, lastProgressAt: NOW - 4000, mutationCount: 1}, {...t, stallMinutes: 0.05}, NOW)
    expect(h.state).to.equal('stalled')
    const n = deriveHealth({...base, lastProgressAt: NOW - 4000}, {...t, noOpMinutes: 0.05}, NOW)
    expect(n.state).to.equal('no_op')
  })

  it('maps states to check exit codes', () => {
    expect(checkExitCode('healthy')).to.equal(0)
    expect(checkExitCode('exited_ok')).to.equal(0)
    expect(checkExitCode('launching')).to.equal(0)
    expect(checkExitCode('waiting_first_output')).to.equal(0)
    expect(checkExitCode('silent_mutation')).to.equal(0)
    expect(checkExitCode('stalled')).to.equal(2)
    expect(checkExitCode('exited_err')).to.equal(3)
    expect(checkExitCode('blocked')).to.equal(3)
    expect(checkExitCode('missing')).to.equal(3)
    expect(checkExitCode('no_op')).to.equal(23)
  })
})
