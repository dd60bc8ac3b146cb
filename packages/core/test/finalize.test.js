import {expect} from 'chai'
import {finalizeClass, finalizeExitCode, finalizeReason} from '../dist/index.js'

describe('finalize: what an operator records', () => {
  it('outcome_exit_0 is a success; any other reason a failure', () => {
    expect(finalizeClass('outcome_exit_0')).to.deep.equal({state: 'success', reason_code: 'outcome_exit_0'})
    expect(finalizeClass('stopped_by_user')).to.deep.equal({state: 'failed', reason_code: 'stopped_by_user'})
  })
  const rc = (exit_code) => ({kind: 'ok', value: {exit_code, leftover: 0, disk_full: false}})
  const cases = [
    ['the exit code given wins over the rc', 4, rc(143), 'timeout', 4],
    ['no exit code given: the rc the supervisor wrote', undefined, rc(143), 'timeout', 143],
    ['no exit code, no rc, outcome_exit_0 → 0', undefined, {kind: 'missing'}, 'outcome_exit_0', 0],
    ['no exit code, no rc, another reason → 1', undefined, {kind: 'missing'}, 'provider_unreachable', 1],
  ]
  for (const [name, given, r, reason, want] of cases) it(name, () => expect(finalizeExitCode(given, r, reason)).to.equal(want))
  it('a reason outside the closed set is refused (exit 1)', () => {
    expect(finalizeReason('scope_violation')).to.equal('scope_violation')
    expect(() => finalizeReason('nope')).to.throw(/invalid --reason-code "nope"/).with.property('exitCode', 1)
  })
})
