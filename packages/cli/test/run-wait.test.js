import {expect} from 'chai'
import {parseBeadsList, timedOutLine, waitLine, waitPlan} from '../dist/lib/run-wait.js'

const job = (over) => ({beads: 'bd-1', provider: 'cc-glm', state: 'exited_ok', reason_code: 'outcome_exit_0', exit_code: '0', done: true, done_at: null, code: 0, ...over})

describe('wait: flags and lines', () => {
  it('--beads a,b,c: ids checked, duplicates dropped, order kept; an empty or invalid id is refused', () => {
    expect(parseBeadsList('bd-2,bd-1, bd-2 ')).to.deep.equal(['bd-2', 'bd-1'])
    expect(() => parseBeadsList('bd-1,,bd-2')).to.throw(/invalid --beads "bd-1,,bd-2"/)
    expect(() => parseBeadsList('bd-1,')).to.throw(/invalid --beads/)
    expect(() => parseBeadsList('bd-1,../x')).to.throw(/invalid --beads "..\/x"/)
  })

  it('exactly one of --beads / --all; --for one of terminal, healthy, stalled (default terminal); --timeout a positive duration', () => {
    expect(waitPlan({all: true})).to.deep.equal({waitFor: 'terminal', timeoutMs: undefined, ids: undefined})
    expect(waitPlan({beads: 'a,b', for: 'stalled', timeout: '1.5m'})).to.deep.equal({waitFor: 'stalled', timeoutMs: 90_000, ids: ['a', 'b']})
    expect(() => waitPlan({})).to.throw(/--beads a,b,c or --all/)
    expect(() => waitPlan({all: true, beads: 'a'})).to.throw(/do not go together/)
    expect(() => waitPlan({all: true, for: 'done'})).to.throw(/invalid --for "done": expected terminal, healthy, stalled/)
    expect(() => waitPlan({all: true, timeout: '0'})).to.throw(/--timeout "0": must be greater than zero/)
    expect(() => waitPlan({all: true, timeout: 'soon'})).to.throw(/invalid --timeout "soon"/)
  })

  it("a job's line is check's, with the agent's text made printable; the time-out line names each job not done with its state", () => {
    expect(waitLine(job())).to.equal('bd-1 exited_ok outcome_exit_0 rc=0\n')
    expect(waitLine(job({state: 'missing', reason_code: 'no_metadata', exit_code: '-', provider: '-'}))).to.equal('bd-1 missing no_metadata\n')
    expect(waitLine(job({reason_code: 'x\u001b[31my\nz'}))).to.equal('bd-1 exited_ok x\\u001b[31my\\nz rc=0\n')
    const doc = {jobs: [job(), job({beads: 'bd-2', state: 'healthy', done: false}), job({beads: 'bd-3', state: 'stalled', done: false})]}
    expect(timedOutLine(doc, '30s')).to.equal('wait timed out after 30s; not done: bd-2 (healthy), bd-3 (stalled)')
  })
})
