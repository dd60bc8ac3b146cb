import {expect} from 'chai'
import {entriesThatMayGo, handOffCredential, nextSeq} from '../dist/index.js'

const line = (...limits) => limits.map((maxParallel) => ({maxParallel}))

describe('queue: who may launch (first come, first served)', () => {
  const cases = [
    ['a free provider lets the first in', 0, line(4), 1],
    ['as many as there are free slots, in order', 2, line(4, 4, 4, 4), 2],
    ['a full provider lets nobody in', 4, line(4, 4), 0],
    ['nobody passes the first who cannot go, whatever their own limit', 2, line(2, 8, 8), 0],
    ['each entry is judged by the limit it came with', 1, line(3, 3, 2), 2],
    ['an empty line lets nobody in', 0, [], 0],
  ]
  for (const [name, live, l, n] of cases) {
    it(`${name}: ${live} live, limits [${l.map((x) => x.maxParallel)}] → ${n}`, () => expect(entriesThatMayGo(live, l)).to.equal(n))
  }

  it('numbers a newcomer after everyone in line, and by the clock otherwise', () => {
    expect(nextSeq([], 1000)).to.equal(1000)
    expect(nextSeq([{seq: 5000}, {seq: 7000}], 1000)).to.equal(7001)
    expect(nextSeq([{seq: 5}], 1000)).to.equal(1000)
  })

  it('hands on a credential from a variable, never from a file or an op:// reference', () => {
    expect(handOffCredential({source: 'CC_GLM_AUTH_TOKEN'}, {CC_GLM_AUTH_TOKEN: 'k'})).to.deep.equal({CC_GLM_AUTH_TOKEN: 'k'})
    expect(handOffCredential({source: 'CC_GLM_AUTH_TOKEN'}, {})).to.deep.equal({})
    expect(handOffCredential({source: 'op://vault/item/field'}, {})).to.deep.equal({})
    expect(handOffCredential({source: '/home/u/.token'}, {})).to.deep.equal({})
  })
})
