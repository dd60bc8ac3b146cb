import type {IncomingMessage, ServerResponse} from 'node:http'
import {commandFromTexts, inputTokens, nextId, SHELL_WRITE_ARGS, sleep, splitInto, textsOf} from './common.js'
import {SIM_OUTPUT_FILE, type Scenario} from './scenarios.js'

/** A content block of our answer, in Anthropic Messages terms. */
type Block = {type: 'text'; text: string} | {type: 'tool_use'; id: string; name: string; input: Record<string, unknown>}

interface MessagesRequest {
  model?: string
  stream?: boolean
  tools?: {name?: string}[]
  messages?: {role: string; content: unknown}[]
}

function hasToolResult(req: MessagesRequest): boolean {
  return (req.messages ?? []).some(
    (m) => Array.isArray(m.content) && m.content.some((c: {type?: string}) => c && c.type === 'tool_result'),
  )
}

function offersTool(req: MessagesRequest, name: string): boolean {
  return (req.tools ?? []).some((t) => t?.name === name)
}

/** What the model answers for the request, per scenario (for the ones that answer at all). */
export function plan(scenario: Scenario, req: MessagesRequest): {blocks: Block[]; stop: string} {
  if (scenario === 'write-file' && offersTool(req, 'Bash') && !hasToolResult(req)) {
    return {
      blocks: [
        {type: 'text', text: `I will create ${SIM_OUTPUT_FILE}.`},
        {type: 'tool_use', id: nextId('toolu'), name: 'Bash', input: {...SHELL_WRITE_ARGS}},
      ],
      stop: 'tool_use',
    }
  }
  if (scenario === 'write-file') return {blocks: [{type: 'text', text: `Wrote ${SIM_OUTPUT_FILE}.`}], stop: 'end_turn'}
  const command = scenario === 'run-command' ? commandFromTexts((req.messages ?? []).filter((m) => m.role === 'user').flatMap((m) => textsOf(m.content))) : undefined
  if (command && offersTool(req, 'Bash') && !hasToolResult(req)) {
    return {blocks: [{type: 'tool_use', id: nextId('toolu'), name: 'Bash', input: {command, description: 'Run the given command'}}], stop: 'tool_use'}
  }
  if (scenario === 'run-command') return {blocks: [{type: 'text', text: 'Ran it.'}], stop: 'end_turn'}
  // A refusal: the agent CLI reports an error result (claude 2.1.197 then exits 1).
  if (scenario === 'error-result') return {blocks: [], stop: 'refusal'}
  return {blocks: [{type: 'text', text: 'Done.'}], stop: 'end_turn'}
}

function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
}


export function anthropicError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {'content-type': 'application/json', 'request-id': nextId('req'), ...headers})
  res.end(JSON.stringify({type: 'error', error: {type, message}}))
}

/** POST /v1/messages, streaming (SSE) or not, for the scenarios that answer. */
export async function answerMessages(scenario: Scenario, req: MessagesRequest, rawBody: string, res: ServerResponse, isClosed: () => boolean): Promise<void> {
  const model = req.model ?? 'glm-5'
  const {blocks, stop} = plan(scenario, req)
  const usageIn = inputTokens(rawBody)
  const usageOut = 5 + blocks.reduce((n, b) => n + (b.type === 'text' ? Math.ceil(b.text.length / 4) : 20), 0)
  const id = nextId('msg')
  if (!req.stream) {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: blocks,
        stop_reason: stop,
        stop_sequence: null,
        usage: {input_tokens: usageIn, output_tokens: usageOut},
      }),
    )
    return
  }
  res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive'})
  sse(res, 'message_start', {
    type: 'message_start',
    message: {id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: {input_tokens: usageIn, output_tokens: 1}},
  })
  if (scenario === 'hang') return // headers and the first event, then nothing: the socket stays open until close()
  sse(res, 'ping', {type: 'ping'})
  let index = 0
  for (const b of blocks) {
    if (b.type === 'text') {
      sse(res, 'content_block_start', {type: 'content_block_start', index, content_block: {type: 'text', text: ''}})
      const pieces = scenario === 'slow' ? splitInto(b.text.repeat(5), 10) : [b.text]
      for (const p of pieces) {
        if (isClosed()) return
        sse(res, 'content_block_delta', {type: 'content_block_delta', index, delta: {type: 'text_delta', text: p}})
        if (scenario === 'slow') await sleep(300)
      }
    } else {
      sse(res, 'content_block_start', {type: 'content_block_start', index, content_block: {type: 'tool_use', id: b.id, name: b.name, input: {}}})
      sse(res, 'content_block_delta', {type: 'content_block_delta', index, delta: {type: 'input_json_delta', partial_json: JSON.stringify(b.input)}})
    }
    sse(res, 'content_block_stop', {type: 'content_block_stop', index})
    index++
  }
  sse(res, 'message_delta', {type: 'message_delta', delta: {stop_reason: stop, stop_sequence: null}, usage: {output_tokens: usageOut}})
  sse(res, 'message_stop', {type: 'message_stop'})
  res.end()
}

export function tokenFrom(req: IncomingMessage): string | undefined {
  const key = req.headers['x-api-key']
  if (typeof key === 'string' && key) return key
  const auth = req.headers.authorization
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '')
  return undefined
}

export type {MessagesRequest}
