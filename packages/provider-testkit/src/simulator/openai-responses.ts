import type {ServerResponse} from 'node:http'
import {commandFromTexts, inputTokens, nextId, SHELL_WRITE_ARGS, sleep, splitInto, textsOf} from './common.js'
import {SIM_OUTPUT_FILE, type Scenario} from './scenarios.js'

/** OpenAI Responses API (`POST /v1/responses`), as Codex CLI speaks it (`wire_api = "responses"`). */
export interface ResponsesRequest {
  model?: string
  stream?: boolean
  instructions?: string
  /** A string, or items: messages ({role, content}), function_call, function_call_output, … */
  input?: string | {type?: string; role?: string; content?: unknown; call_id?: string}[]
  /** Function tools are flat here ({type:'function', name}); a chat-style {function:{name}} is read too. */
  tools?: {type?: string; name?: string; function?: {name?: string}}[]
}

export const OPENAI_RESPONSES_PATH = /^(?:\/v1)?\/responses$/

/** Codex's shell tools, in the order the simulator prefers them, with how each takes a command line. */
const SHELL_TOOLS: {name: string; args: (command: string) => Record<string, unknown>}[] = [
  {name: 'shell_command', args: (command) => ({command})},
  {name: 'exec_command', args: (cmd) => ({cmd})},
  {name: 'shell', args: (command) => ({command: ['bash', '-lc', command]})},
]

/** One output item of our answer, before ids and status are given to it. */
export type ResponsesOutput = {type: 'message'; text: string} | {type: 'function_call'; name: string; arguments: string; call_id: string}

function toolNames(req: ResponsesRequest): string[] {
  return (req.tools ?? []).flatMap((t) => [t?.name, t?.function?.name]).filter((n): n is string => typeof n === 'string')
}

function hasFunctionOutput(req: ResponsesRequest): boolean {
  return Array.isArray(req.input) && req.input.some((i) => i?.type === 'function_call_output')
}

function userTexts(req: ResponsesRequest): string[] {
  if (typeof req.input === 'string') return [req.input]
  return (req.input ?? []).filter((i) => i?.role === 'user').flatMap((i) => textsOf(i.content))
}

/** A call of the first shell tool the request offers, running `command`; undefined when it offers none. */
function shellCall(req: ResponsesRequest, command: string): ResponsesOutput | undefined {
  const offered = toolNames(req)
  const tool = SHELL_TOOLS.find((t) => offered.includes(t.name))
  return tool && {type: 'function_call', name: tool.name, arguments: JSON.stringify(tool.args(command)), call_id: nextId('call')}
}

/** What the model answers, per scenario: output items, and why it stopped when it did not complete. */
export function responsesPlan(scenario: Scenario, req: ResponsesRequest, outsideFile: string): {output: ResponsesOutput[]; incomplete?: string} {
  const first = !hasFunctionOutput(req)
  if (scenario === 'write-file' && first) {
    const call = shellCall(req, SHELL_WRITE_ARGS.command)
    if (call) return {output: [{type: 'message', text: `I will create ${SIM_OUTPUT_FILE}.`}, call]}
  }
  if (scenario === 'write-outside' && first) {
    const call = shellCall(req, `echo 'escaped the worktree' > '${outsideFile}'`)
    if (call) return {output: [call]}
  }
  const command = scenario === 'run-command' ? commandFromTexts(userTexts(req)) : undefined
  if (command && first) {
    const call = shellCall(req, command)
    if (call) return {output: [call]}
  }
  if (scenario === 'run-command') return {output: [{type: 'message', text: 'Ran it.'}]}
  if (scenario === 'write-file') return {output: [{type: 'message', text: `Wrote ${SIM_OUTPUT_FILE}.`}]}
  if (scenario === 'write-outside') return {output: [{type: 'message', text: 'Tried to write outside.'}]}
  // the real API's content filter: the response ends incomplete, with no output
  if (scenario === 'error-result') return {output: [], incomplete: 'content_filter'}
  return {output: [{type: 'message', text: 'Done.'}]}
}

/** An output item as the API shows it, in progress (as added) or completed (as done). */
function item(o: ResponsesOutput, id: string, done: boolean): Record<string, unknown> {
  const status = done ? 'completed' : 'in_progress'
  if (o.type === 'message') return {id, type: 'message', status, role: 'assistant', content: done ? [{type: 'output_text', text: o.text, annotations: []}] : []}
  return {id, type: 'function_call', status, name: o.name, call_id: o.call_id, arguments: done ? o.arguments : ''}
}

/** POST /v1/responses, streaming (SSE, `event:` + `data:` with a sequence_number) or not. */
export async function answerResponses(scenario: Scenario, req: ResponsesRequest, rawBody: string, res: ServerResponse, isClosed: () => boolean, outsideFile: string): Promise<void> {
  const model = req.model ?? 'glm-5'
  const plan = responsesPlan(scenario, req, outsideFile)
  const {incomplete} = plan
  // slow: a longer text, streamed in many deltas
  const output = plan.output.map((o) => (scenario === 'slow' && o.type === 'message' ? {...o, text: o.text.repeat(5)} : o))
  const ids = output.map((o) => nextId(o.type === 'message' ? 'msg' : 'fc'))
  const inTokens = inputTokens(rawBody)
  const outTokens = 5 + output.reduce((n, o) => n + (o.type === 'message' ? Math.ceil(o.text.length / 4) : 20), 0)
  const usage = {input_tokens: inTokens, input_tokens_details: {cached_tokens: 0}, output_tokens: outTokens, output_tokens_details: {reasoning_tokens: 0}, total_tokens: inTokens + outTokens}
  const response = (status: string, items: Record<string, unknown>[], withUsage: boolean) => ({
    id: responseId,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? {reason: incomplete} : null,
    instructions: req.instructions ?? null,
    model,
    output: items,
    parallel_tool_calls: true,
    store: false,
    tool_choice: 'auto',
    tools: req.tools ?? [],
    usage: withUsage ? usage : null,
  })
  const responseId = nextId('resp')
  const createdAt = Math.floor(Date.now() / 1000)
  const finalStatus = incomplete ? 'incomplete' : 'completed'
  const finalItems = output.map((o, i) => item(o, ids[i], true))
  if (!req.stream) {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify(response(finalStatus, finalItems, true)))
    return
  }
  res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'})
  let seq = 0
  const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({type, sequence_number: seq++, ...data})}\n\n`)
  send('response.created', {response: response('in_progress', [], false)})
  if (scenario === 'hang') return // the first event, then silence until close()
  send('response.in_progress', {response: response('in_progress', [], false)})
  for (const [output_index, o] of output.entries()) {
    const item_id = ids[output_index]
    send('response.output_item.added', {output_index, item: item(o, item_id, false)})
    if (o.type === 'message') {
      send('response.content_part.added', {item_id, output_index, content_index: 0, part: {type: 'output_text', text: '', annotations: []}})
      const pieces = scenario === 'slow' ? splitInto(o.text, 10) : [o.text]
      for (const delta of pieces) {
        if (isClosed()) return
        send('response.output_text.delta', {item_id, output_index, content_index: 0, delta, logprobs: []})
        if (scenario === 'slow') await sleep(300)
      }
      send('response.output_text.done', {item_id, output_index, content_index: 0, text: o.text, logprobs: []})
      send('response.content_part.done', {item_id, output_index, content_index: 0, part: {type: 'output_text', text: o.text, annotations: []}})
      send('response.output_item.done', {output_index, item: item(o, item_id, true)})
    } else {
      send('response.function_call_arguments.delta', {item_id, output_index, delta: o.arguments})
      send('response.function_call_arguments.done', {item_id, output_index, name: o.name, arguments: o.arguments})
      send('response.output_item.done', {output_index, item: item(o, item_id, true)})
    }
  }
  send(incomplete ? 'response.incomplete' : 'response.completed', {response: response(finalStatus, finalItems, true)})
  res.end()
}
