import {expect} from 'chai'
import {foldSignals, isStructuredLine, NO_SIGNALS} from '../dist/index.js'

/** [what, [[event, structured?]…], expected signals] */
const cases = [
  ['a 429 retry event', [[{kind: 'retry', status: 429}, true]], {retrying: true, authRefused: false}],
  ['a retry with no HTTP status (connection refused, DNS, TLS, timeout)', [[{kind: 'retry', error: 'unknown', attempt: 1}, true]], {retrying: true, authRefused: false}],
  ['a retry told only on plain stderr (gemini)', [[{kind: 'retry', attempt: 1}, false]], {retrying: true, authRefused: false}],
  ['claude\'s api_retry with 401', [[{kind: 'retry', status: 401}, true]], {retrying: true, authRefused: true}],
  ['an error event with 403', [[{kind: 'error', status: 403}, true]], {retrying: false, authRefused: true}],
  ['a plain line naming 403 (a tool\'s output)', [[{kind: 'error', status: 403, message: 'HTTP 403 Forbidden'}, false]], {retrying: false, authRefused: false}],
  ['a plain retry line naming 401', [[{kind: 'retry', status: 401}, false]], {retrying: true, authRefused: false}],
  ['retry, then the synthetic message before the result', [[{kind: 'retry'}, true], [{kind: 'text'}, true]], {retrying: true, authRefused: false}],
  ['retry, then a stack trace error line', [[{kind: 'retry', status: 429}, false], [{kind: 'error', status: 429}, false]], {retrying: true, authRefused: false}],
  ['retry, then an answer (the service is back)', [[{kind: 'retry'}, true], [{kind: 'tool_call', name: 'Bash'}, true]], {retrying: false, authRefused: false}],
  ['retry, then the final result', [[{kind: 'retry'}, true], [{kind: 'result', is_error: true}, true]], {retrying: false, authRefused: false}],
  ['a refusal is not forgotten by later events', [[{kind: 'retry', status: 401}, true], [{kind: 'result', is_error: true}, true]], {retrying: false, authRefused: true}],
]

describe('foldSignals: what a live log says about the model service', () => {
  for (const [name, events, expected] of cases) {
    it(`${name} → retrying ${expected.retrying}, auth refused ${expected.authRefused}`, () => {
      let s = NO_SIGNALS
      for (const [e, structured] of events) s = foldSignals(s, e, structured)
      expect(s).to.deep.equal(expected)
    })
  }
  it('only the CLI\'s JSON event lines are structured', () => {
    expect(isStructuredLine('{"type":"system","subtype":"api_retry","error_status":401}')).to.equal(true)
    expect(isStructuredLine('  {"type":"error"}  ')).to.equal(true)
    for (const l of ['HTTP 403 Forbidden', 'status: 401', '{not closed', 'Attempt 1 failed with status 401. Retrying with backoff...']) expect(isStructuredLine(l), l).to.equal(false)
  })
})
