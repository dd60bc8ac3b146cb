import {expect} from 'chai'
import {request} from 'node:http'
import {startSimulator} from '../dist/simulator/index.js'

const TOKEN = 'sim-test-token'
const body = (over = {}) => JSON.stringify({model: 'glm-5', max_tokens: 64, messages: [{role: 'user', content: 'hi'}], ...over})
const post = (sim, path, payload, headers = {}) =>
  fetch(`${sim.url}${path}`, {method: 'POST', headers: {'content-type': 'application/json', 'x-api-key': TOKEN, ...headers}, body: payload})

/** Parse an Anthropic SSE stream into [{event, data}]. */
function parseSse(text) {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)?.[1]
      const data = JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? 'null')
      return {event, data}
    })
}

describe('loopback model simulator (Anthropic Messages)', () => {
  let sim
  beforeEach(async () => {
    sim = await startSimulator({expectedToken: TOKEN})
  })
  afterEach(async () => {
    await sim.close()
  })

  it('listens on 127.0.0.1 on a free port', () => {
    expect(sim.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(sim.port).to.be.above(0)
  })

  it('answers text, non-streaming, with usage', async () => {
    const r = await post(sim, '/v1/messages', body())
    expect(r.status).to.equal(200)
    const msg = await r.json()
    expect(msg).to.include({type: 'message', role: 'assistant', model: 'glm-5', stop_reason: 'end_turn'})
    expect(msg.content[0]).to.deep.equal({type: 'text', text: 'Done.'})
    expect(msg.usage.input_tokens).to.be.above(0)
    expect(msg.usage.output_tokens).to.be.above(0)
  })

  it('streams the answer as SSE in the documented event order', async () => {
    const r = await post(sim, '/v1/messages', body({stream: true}))
    expect(r.headers.get('content-type')).to.include('text/event-stream')
    const events = parseSse(await r.text()).map((e) => e.event)
    expect(events[0]).to.equal('message_start')
    expect(events).to.include.members(['content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta'])
    expect(events.at(-1)).to.equal('message_stop')
  })

  it('write-file: a Bash tool call first, then text once the tool result is back', async () => {
    const tools = [{name: 'Bash', input_schema: {type: 'object'}}]
    const first = await (await post(sim, '/s/write-file/v1/messages', body({tools}))).json()
    expect(first.stop_reason).to.equal('tool_use')
    const call = first.content.find((c) => c.type === 'tool_use')
    expect(call.name).to.equal('Bash')
    expect(call.input.command).to.include('sim-output.txt')
    const second = await (
      await post(sim, '/s/write-file/v1/messages', body({tools, messages: [{role: 'user', content: 'hi'}, {role: 'assistant', content: first.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: call.id, content: ''}]}]}))
    ).json()
    expect(second.stop_reason).to.equal('end_turn')
    expect(second.content[0].text).to.include('sim-output.txt')
  })

  it('write-file streams the tool input as input_json_delta', async () => {
    const r = await post(sim, '/s/write-file/v1/messages', body({stream: true, tools: [{name: 'Bash'}]}))
    const deltas = parseSse(await r.text()).filter((e) => e.data?.delta?.type === 'input_json_delta')
    expect(JSON.parse(deltas[0].data.delta.partial_json).command).to.include('sim-output.txt')
  })

  it('run-command: a Bash tool call running the prompt\'s RUN: line, then text once the tool result is back', async () => {
    const tools = [{name: 'Bash', input_schema: {type: 'object'}}]
    const prompt = {role: 'user', content: [{type: 'text', text: 'Run this.\nRUN: echo \'HTTP 403 Forbidden\' >&2\n'}]}
    const first = await (await post(sim, '/s/run-command/v1/messages', body({tools, messages: [prompt]}))).json()
    const call = first.content.find((c) => c.type === 'tool_use')
    expect(call).to.deep.include({name: 'Bash'})
    expect(call.input.command).to.equal("echo 'HTTP 403 Forbidden' >&2")
    const second = await (
      await post(sim, '/s/run-command/v1/messages', body({tools, messages: [prompt, {role: 'assistant', content: first.content}, {role: 'user', content: [{type: 'tool_result', tool_use_id: call.id, content: ''}]}]}))
    ).json()
    expect(second.content[0]).to.deep.equal({type: 'text', text: 'Ran it.'})
  })

  it('selects the scenario by header, path prefix, then option', async () => {
    expect((await post(sim, '/v1/messages', body(), {'x-sim-scenario': '429'})).status).to.equal(429)
    expect((await post(sim, '/s/429/v1/messages', body())).status).to.equal(429)
    expect((await post(sim, '/v1/messages', body())).status).to.equal(200)
    const other = await startSimulator({scenario: '401'})
    try {
      expect((await post(other, '/v1/messages', body())).status).to.equal(401)
    } finally {
      await other.close()
    }
    expect(sim.requests.map((r) => r.scenario)).to.deep.equal(['429', '429', 'answer'])
  })

  it('401 and 429 answer like the real service', async () => {
    const r401 = await post(sim, '/s/401/v1/messages', body())
    expect(r401.status).to.equal(401)
    expect((await r401.json()).error.type).to.equal('authentication_error')
    const r429 = await post(sim, '/s/429/v1/messages', body())
    expect(r429.status).to.equal(429)
    expect(r429.headers.get('retry-after')).to.equal('1')
    expect((await r429.json()).error.type).to.equal('rate_limit_error')
  })

  it('malformed answers 200 with a body that is not JSON', async () => {
    const r = await post(sim, '/s/malformed/v1/messages', body())
    expect(r.status).to.equal(200)
    const text = await r.text()
    expect(() => JSON.parse(text)).to.throw()
  })

  it('error-result answers a refusal', async () => {
    const msg = await (await post(sim, '/s/error-result/v1/messages', body())).json()
    expect(msg.stop_reason).to.equal('refusal')
  })

  it('slow streams many deltas', async () => {
    const r = await post(sim, '/s/slow/v1/messages', body({stream: true}))
    const deltas = parseSse(await r.text()).filter((e) => e.event === 'content_block_delta')
    expect(deltas.length).to.be.at.least(5)
  })

  it('refuses a wrong key with 401 and never records the key', async () => {
    const r = await post(sim, '/v1/messages', body(), {'x-api-key': 'wrong'})
    expect(r.status).to.equal(401)
    const r2 = await post(sim, '/v1/messages', body(), {'x-api-key': '', authorization: `Bearer ${TOKEN}`})
    expect(r2.status).to.equal(200)
    expect(sim.requests.map((q) => q.authorized)).to.deep.equal([false, true])
    expect(JSON.stringify(sim.requests)).to.not.include(TOKEN)
    expect(JSON.stringify(sim.requests)).to.not.include('wrong')
  })

  it('hang sends the first event, then holds the socket until close()', async () => {
    const got = await new Promise((resolve, reject) => {
      const req = request(`${sim.url}/s/hang/v1/messages`, {method: 'POST', headers: {'content-type': 'application/json', 'x-api-key': TOKEN}}, (res) => {
        let text = ''
        res.on('data', (d) => {
          text += d
          if (text.includes('message_start')) {
            sim.close()
          }
        })
        res.on('close', () => resolve(text))
        res.on('error', () => resolve(text))
      })
      req.on('error', reject)
      req.end(body({stream: true}))
    })
    expect(got).to.include('event: message_start')
    expect(got).to.not.include('message_stop')
    sim = await startSimulator() // afterEach closes something
  })

  it('counts tokens', async () => {
    const r = await post(sim, '/v1/messages/count_tokens', body())
    expect((await r.json()).input_tokens).to.be.above(0)
  })
})

describe('loopback model simulator (OpenAI chat completions)', () => {
  let sim
  afterEach(async () => sim?.close())
  const get = (path, headers = {}) => fetch(`${sim.url}${path}`, {headers})
  const chat = (path, body, headers = {}) => fetch(`${sim.url}${path}`, {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body: JSON.stringify(body)})
  const sseChunks = (text) => text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => b.slice(6))

  it('lists its models at /v1/models (default, option, and per process env)', async () => {
    sim = await startSimulator()
    expect((await (await get('/v1/models')).json()).data.map((m) => m.id)).to.include('glm-5')
    await sim.close()
    sim = await startSimulator({models: ['glm-4.6']})
    expect((await (await get('/s/answer/v1/models')).json()).data.map((m) => m.id)).to.deep.equal(['glm-4.6'])
  })
  it('answers text non-streaming with usage', async () => {
    sim = await startSimulator()
    const doc = await (await chat('/v1/chat/completions', {model: 'glm-5', messages: [{role: 'user', content: 'hi'}]})).json()
    expect(doc.choices[0]).to.deep.include({finish_reason: 'stop'})
    expect(doc.choices[0].message.content).to.equal('Done.')
    expect(doc.usage.prompt_tokens).to.be.above(0)
  })
  it('write-file streams a write tool call, then text once a tool result is back, ending with usage and [DONE]', async () => {
    sim = await startSimulator({scenario: 'write-file'})
    const tools = [{type: 'function', function: {name: 'write'}}]
    const first = sseChunks(await (await chat('/v1/chat/completions', {model: 'glm-5', stream: true, tools, messages: [{role: 'user', content: 'go'}]})).text())
    expect(first.at(-1)).to.equal('[DONE]')
    const events = first.slice(0, -1).map((c) => JSON.parse(c))
    const call = events.flatMap((e) => e.choices).find((c) => c.delta?.tool_calls)?.delta.tool_calls[0]
    expect(call.function.name).to.equal('write')
    expect(JSON.parse(call.function.arguments).filePath).to.equal('sim-output.txt')
    expect(events.flatMap((e) => e.choices).some((c) => c.finish_reason === 'tool_calls')).to.equal(true)
    expect(events.at(-1).usage.completion_tokens).to.be.above(0)
    const second = await (await chat('/v1/chat/completions', {model: 'glm-5', tools, messages: [{role: 'user', content: 'go'}, {role: 'tool', content: 'ok'}]})).json()
    expect(second.choices[0].message.content).to.include('sim-output.txt')
  })
  it('write-outside asks to write the configured absolute path', async () => {
    sim = await startSimulator({scenario: 'write-outside', outsideFile: '/tmp/elsewhere/x.txt'})
    const doc = await (await chat('/v1/chat/completions', {tools: [{type: 'function', function: {name: 'write'}}], messages: []})).json()
    expect(JSON.parse(doc.choices[0].message.tool_calls[0].function.arguments).filePath).to.equal('/tmp/elsewhere/x.txt')
  })
  it('401 with a wrong key, 429 with retry-after, error-result as a content filter stop', async () => {
    sim = await startSimulator({expectedToken: 'right'})
    const denied = await chat('/v1/chat/completions', {messages: []}, {authorization: 'Bearer wrong'})
    expect(denied.status).to.equal(401)
    expect((await denied.json()).error.type).to.equal('invalid_api_key')
    expect((await get('/v1/models', {authorization: 'Bearer wrong'})).status).to.equal(401)
    expect((await get('/s/401/v1/models', {authorization: 'Bearer right'})).status).to.equal(200)
    const limited = await chat('/s/429/v1/chat/completions', {messages: []}, {authorization: 'Bearer right'})
    expect(limited.status).to.equal(429)
    expect(limited.headers.get('retry-after')).to.equal('1')
    const filtered = await (await chat('/s/error-result/v1/chat/completions', {messages: []}, {authorization: 'Bearer right'})).json()
    expect(filtered.choices[0].finish_reason).to.equal('content_filter')
    expect(sim.requests.map((r) => r.path)).to.include('/v1/chat/completions')
  })
})

describe('loopback model simulator (OpenAI Responses, as Codex speaks it)', () => {
  const KEY = 'responses-key'
  let sim
  beforeEach(async () => {
    sim = await startSimulator({expectedToken: KEY})
  })
  afterEach(async () => sim?.close())
  const respond = (path, body, headers = {}) =>
    fetch(`${sim.url}${path}`, {method: 'POST', headers: {'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers}, body: JSON.stringify({model: 'glm-5', ...body})})
  const user = (text) => ({type: 'message', role: 'user', content: [{type: 'input_text', text}]})
  /** [{event, data}] of a Responses SSE stream. */
  const events = async (r) => parseSse(await r.text())
  const done = (evs, type) => evs.filter((e) => e.event === 'response.output_item.done' && e.data.item.type === type).map((e) => e.data.item)

  it('answers text non-streaming, as a completed response with usage', async () => {
    const r = await respond('/v1/responses', {input: [user('hi')]})
    expect(r.status).to.equal(200)
    const doc = await r.json()
    expect(doc).to.include({object: 'response', status: 'completed', model: 'glm-5'})
    expect(doc.output).to.have.length(1)
    expect(doc.output[0]).to.deep.include({type: 'message', role: 'assistant', status: 'completed'})
    expect(doc.output[0].content).to.deep.equal([{type: 'output_text', text: 'Done.', annotations: []}])
    expect(doc.usage.input_tokens).to.be.above(0)
    expect(doc.usage.total_tokens).to.equal(doc.usage.input_tokens + doc.usage.output_tokens)
  })

  it('streams the answer as the real API does: typed events in order, numbered, ending with response.completed and its usage', async () => {
    const r = await respond('/v1/responses', {stream: true, input: [user('hi')]})
    expect(r.headers.get('content-type')).to.include('text/event-stream')
    const evs = await events(r)
    expect(evs.map((e) => e.event)).to.deep.equal([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ])
    for (const e of evs) expect(e.data.type).to.equal(e.event)
    expect(evs.map((e) => e.data.sequence_number)).to.deep.equal(evs.map((_, i) => i))
    expect(evs[0].data.response).to.include({object: 'response', status: 'in_progress', model: 'glm-5'})
    const added = evs[2].data
    expect(added.output_index).to.equal(0)
    expect(added.item).to.deep.include({type: 'message', status: 'in_progress', role: 'assistant', content: []})
    const delta = evs.find((e) => e.event === 'response.output_text.delta').data
    expect(delta).to.include({item_id: added.item.id, output_index: 0, content_index: 0, delta: 'Done.'})
    const completed = evs.at(-1).data.response
    expect(completed.id).to.equal(evs[0].data.response.id)
    expect(completed.status).to.equal('completed')
    expect(completed.output[0].content[0].text).to.equal('Done.')
    expect(completed.usage).to.include.keys('input_tokens', 'output_tokens', 'total_tokens')
    expect(completed.usage.output_tokens).to.be.above(0)
  })

  it('write-file: a function_call item for the offered shell tool, then text once its function_call_output comes back', async () => {
    const tools = [{type: 'function', name: 'shell_command', parameters: {type: 'object'}}, {type: 'function', name: 'apply_patch'}]
    const first = await events(await respond('/s/write-file/v1/responses', {stream: true, tools, input: [user('make the file')]}))
    const [call] = done(first, 'function_call')
    expect(call).to.deep.include({type: 'function_call', status: 'completed', name: 'shell_command'})
    expect(call.call_id).to.be.a('string').and.not.be.empty
    expect(JSON.parse(call.arguments).command).to.include('sim-output.txt')
    const added = first.find((e) => e.event === 'response.output_item.added' && e.data.item.type === 'function_call').data
    expect(added.item).to.deep.include({id: call.id, arguments: '', status: 'in_progress'})
    expect(first.find((e) => e.event === 'response.function_call_arguments.done').data.arguments).to.equal(call.arguments)
    expect(first.at(-1).data.response.output.map((i) => i.type)).to.deep.equal(['message', 'function_call'])
    const input = [user('make the file'), {type: 'function_call', name: call.name, arguments: call.arguments, call_id: call.call_id}, {type: 'function_call_output', call_id: call.call_id, output: 'exit 0'}]
    const second = await events(await respond('/s/write-file/v1/responses', {stream: true, tools, input}))
    expect(done(second, 'function_call')).to.deep.equal([])
    expect(done(second, 'message')[0].content[0].text).to.equal('Wrote sim-output.txt.')
    expect(second.at(-1).event).to.equal('response.completed')
  })

  it("write-file speaks each of Codex's shell tools: exec_command takes cmd, shell takes an argv", async () => {
    const call = async (name) => JSON.parse((await (await respond('/v1/responses', {tools: [{type: 'function', name}], input: [user('go')]}, {'x-sim-scenario': 'write-file'})).json()).output.find((i) => i.type === 'function_call').arguments)
    expect((await call('exec_command')).cmd).to.include('sim-output.txt')
    const argv = (await call('shell')).command
    expect(argv.slice(0, 2)).to.deep.equal(['bash', '-lc'])
    expect(argv[2]).to.include('sim-output.txt')
  })

  it("run-command: a shell call running the prompt's RUN: line, then text", async () => {
    const tools = [{type: 'function', name: 'shell_command'}]
    const doc = await (await respond('/s/run-command/responses', {tools, input: [user("Run this.\nRUN: echo 'HTTP 403 Forbidden' >&2\n")]})).json()
    const call = doc.output.find((i) => i.type === 'function_call')
    expect(JSON.parse(call.arguments)).to.deep.equal({command: "echo 'HTTP 403 Forbidden' >&2"})
    const after = await (await respond('/s/run-command/responses', {tools, input: [user('RUN: true'), {type: 'function_call_output', call_id: call.call_id, output: ''}]})).json()
    expect(after.output[0].content[0].text).to.equal('Ran it.')
  })

  it('refuses a missing or wrong Bearer token with 401 and never records it; 429 with retry-after', async () => {
    const wrong = await respond('/v1/responses', {input: 'hi'}, {authorization: 'Bearer wrong'})
    expect(wrong.status).to.equal(401)
    expect((await wrong.json()).error.code).to.equal('invalid_api_key')
    expect((await respond('/v1/responses', {input: 'hi'}, {authorization: ''})).status).to.equal(401)
    expect((await respond('/s/401/v1/responses', {input: 'hi'})).status).to.equal(401)
    const limited = await respond('/s/429/v1/responses', {stream: true, input: 'hi'})
    expect(limited.status).to.equal(429)
    expect(limited.headers.get('retry-after')).to.equal('1')
    expect((await limited.json()).error.code).to.equal('rate_limit_exceeded')
    expect(sim.requests.map((q) => q.authorized)).to.deep.equal([false, false, true, true])
    expect(sim.requests.map((q) => q.path)).to.deep.equal(Array(4).fill('/v1/responses'))
    expect(JSON.stringify(sim.requests)).to.not.include(KEY)
  })

  it('malformed answers 200 with an event stream whose data is not JSON', async () => {
    const r = await respond('/s/malformed/v1/responses', {stream: true, input: 'hi'})
    expect(r.status).to.equal(200)
    expect(r.headers.get('content-type')).to.include('text/event-stream')
    const text = await r.text()
    expect(() => parseSse(text)).to.throw()
  })

  it('error-result ends incomplete for the content filter, with no output', async () => {
    const evs = await events(await respond('/s/error-result/v1/responses', {stream: true, input: 'hi'}))
    expect(evs.at(-1).event).to.equal('response.incomplete')
    expect(evs.at(-1).data.response).to.deep.include({status: 'incomplete', incomplete_details: {reason: 'content_filter'}, output: []})
  })

  it('slow streams many text deltas that add up to the final text', async () => {
    const evs = await events(await respond('/s/slow/v1/responses', {stream: true, input: 'hi'}))
    const deltas = evs.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta)
    expect(deltas.length).to.be.at.least(5)
    expect(deltas.join('')).to.equal(done(evs, 'message')[0].content[0].text)
    expect(evs.at(-1).event).to.equal('response.completed')
  })

  it('hang sends response.created, then holds the socket until close()', async () => {
    const got = await new Promise((resolve, reject) => {
      const req = request(`${sim.url}/s/hang/v1/responses`, {method: 'POST', headers: {'content-type': 'application/json', authorization: `Bearer ${KEY}`}}, (res) => {
        let text = ''
        res.on('data', (d) => {
          text += d
          if (text.includes('response.created')) sim.close()
        })
        res.on('close', () => resolve(text))
        res.on('error', () => resolve(text))
      })
      req.on('error', reject)
      req.end(JSON.stringify({model: 'glm-5', stream: true, input: 'hi'}))
    })
    expect(got).to.include('event: response.created')
    expect(got).to.not.include('response.completed')
    sim = undefined
  })
})
