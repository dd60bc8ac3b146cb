import {expect} from 'chai'
import {emit, jsonText, lines} from '../dist/lib/output.js'
import {gateResult} from '../dist/lib/gates.js'
import {statusResult} from '../dist/lib/run-status.js'

/** What emit writes to stdout and the exit code it leaves; process.exitCode is restored after. */
function captured(result, json) {
  const write = process.stdout.write
  const code = process.exitCode
  let out = ''
  process.stdout.write = (s) => ((out += s), true)
  try {
    emit(result, json)
    return {out, exitCode: process.exitCode}
  } finally {
    process.stdout.write = write
    process.exitCode = code
  }
}

describe('one --json path (lib/output.ts)', () => {
  it('--json prints the document indented with one newline, else the text; the exit code comes with the result', () => {
    const failed = gateResult({gate: 'feature_key', passed: false, reason_code: 'feature_key_missing', details: {missing: [{sha: 'a'.repeat(40), subject: 'fix'}]}})
    expect(captured(failed, true)).to.deep.equal({out: jsonText(failed.doc), exitCode: 24})
    expect(jsonText({a: 1})).to.equal('{\n  "a": 1\n}\n')
    expect(captured(failed, false)).to.deep.equal({out: `feature_key gate: FAILED (feature_key_missing)\n  missing Feature-Key: ${'a'.repeat(12)} fix\n`, exitCode: 24})
    const passed = gateResult({gate: 'baseline', passed: true, reason_code: null, details: {}})
    expect(captured(passed, false)).to.deep.equal({out: 'baseline gate: passed\n', exitCode: undefined})
  })

  it('status: no rows is "no jobs" as text and an empty list as JSON', () => {
    const r = statusResult([])
    expect(r.text).to.equal('no jobs\n')
    expect(r.doc.jobs).to.deep.equal([])
    expect(Date.parse(r.doc.generated_at)).to.be.a('number').and.not.NaN
    expect(lines()).to.equal('')
  })
})
