import {expect} from 'chai'
import {telemetryFromLines} from '@dx-runner/provider-utils'
import {parseEvent} from '../dist/index.js'

// claude prints one assistant line per content block, each repeating its message's usage (as recorded
// from claude 2.1.197 against the simulator): the tokens are known as the stream goes, counted once per message.
const assistant = (id, block, usage) => JSON.stringify({type: 'assistant', message: {id, type: 'message', role: 'assistant', model: 'glm-5', content: [block], usage}, session_id: 's'})
const text = {type: 'text', text: 'I will create it.'}
const tool = {type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {command: 'true'}}

describe('claude usage as the stream goes (money and token budgets)', () => {
  it('an assistant line carries its message usage; a tool_use line still counts a tool call', () => {
    expect(parseEvent(assistant('m1', text, {input_tokens: 100, output_tokens: 1}))).to.deep.equal({kind: 'text', message_usage: {message_id: 'm1', input_tokens: 100, output_tokens: 1}})
    expect(parseEvent(assistant('m1', tool, {input_tokens: 100, output_tokens: 1, cache_read_input_tokens: 50}))).to.deep.equal({kind: 'tool_call', name: 'Bash', message_usage: {message_id: 'm1', input_tokens: 150, output_tokens: 1}})
    expect(parseEvent(assistant('m1', text, undefined))).to.deep.equal({kind: 'text'})
  })

  it('the lines of one message count once; the next message adds; the result\'s totals win', () => {
    const lines = [assistant('m1', text, {input_tokens: 19049, output_tokens: 1}), assistant('m1', tool, {input_tokens: 19049, output_tokens: 1})]
    const mid = telemetryFromLines(lines, parseEvent)
    expect(mid).to.include({input_tokens: 19049, output_tokens: 1, tool_calls: 1})
    lines.push(assistant('m2', text, {input_tokens: 19153, output_tokens: 1}))
    expect(telemetryFromLines(lines, parseEvent)).to.include({input_tokens: 38202, output_tokens: 2})
    // a later line of the same message with grown figures replaces its count
    lines.push(assistant('m2', text, {input_tokens: 19153, output_tokens: 40}))
    expect(telemetryFromLines(lines, parseEvent)).to.include({input_tokens: 38202, output_tokens: 41})
    lines.push(JSON.stringify({type: 'result', subtype: 'success', is_error: false, result: 'done', session_id: 's', total_cost_usd: 0.19, usage: {input_tokens: 38202, output_tokens: 44}}))
    expect(telemetryFromLines(lines, parseEvent)).to.include({input_tokens: 38202, output_tokens: 44, cost_usd: 0.19, tool_calls: 1})
  })
})
