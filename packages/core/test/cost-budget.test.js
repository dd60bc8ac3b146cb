import {expect} from 'chai'
import {budgetPassed, budgetUsage, hasCostBudget} from '../dist/index.js'

describe('run budgets: money and tokens, from the usage the agent reported', () => {
  const usage = [
    ['nothing reported', {}, {tokens: null, cost_usd: null}],
    ['tokens, no cost (the provider did not price them)', {input_tokens: 100, output_tokens: 20}, {tokens: 120, cost_usd: null}],
    ['output only', {output_tokens: 7}, {tokens: 7, cost_usd: null}],
    ['tokens and cost', {input_tokens: 38202, output_tokens: 44, cost_usd: 0.19211}, {tokens: 38246, cost_usd: 0.19211}],
  ]
  for (const [name, t, want] of usage) it(`usage: ${name}`, () => expect(budgetUsage(t)).to.deep.equal(want))

  const cases = [
    ['no budget', {}, {tokens: 1e9, cost_usd: 1e3}, undefined],
    ['null budgets', {max_cost_usd: null, max_tokens: null}, {tokens: 1e9, cost_usd: 1e3}, undefined],
    ['cost over', {max_cost_usd: 0.1}, {tokens: 10, cost_usd: 0.11}, 'max_cost_usd'],
    ['cost exactly at the budget is within it', {max_cost_usd: 0.1}, {tokens: 10, cost_usd: 0.1}, undefined],
    ['cost unknown: a cost budget cannot judge it', {max_cost_usd: 0.01}, {tokens: 1e6, cost_usd: null}, undefined],
    ['tokens over', {max_tokens: 100}, {tokens: 101, cost_usd: null}, 'max_tokens'],
    ['tokens at the budget', {max_tokens: 100}, {tokens: 100, cost_usd: null}, undefined],
    ['tokens unknown', {max_tokens: 100}, {tokens: null, cost_usd: 5}, undefined],
    ['cost unknown, tokens over: the token budget still applies', {max_cost_usd: 0.01, max_tokens: 100}, {tokens: 500, cost_usd: null}, 'max_tokens'],
    ['both over: cost is named first', {max_cost_usd: 0.01, max_tokens: 100}, {tokens: 500, cost_usd: 1}, 'max_cost_usd'],
  ]
  for (const [name, b, u, want] of cases) it(`${name} → ${want ?? 'within'}`, () => expect(budgetPassed(b, u)).to.equal(want))

  it('a job has a cost budget only with a positive one', () => {
    expect(hasCostBudget({})).to.equal(false)
    expect(hasCostBudget({max_cost_usd: null, max_tokens: null})).to.equal(false)
    expect(hasCostBudget({max_tokens: 10})).to.equal(true)
    expect(hasCostBudget({max_cost_usd: 0.5})).to.equal(true)
  })
})
