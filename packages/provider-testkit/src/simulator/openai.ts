import type {ServerResponse} from 'node:http'
import {commandFromTexts, inputTokens, nextId, SHELL_WRITE_ARGS, SIM_OUTPUT_TEXT, sleep, textsOf} from './common.js'
import {SIM_OUTPUT_FILE, type Scenario} from './scenarios.js'

/** OpenAI chat completions, as OpenCode's openai-compatible provider speaks it. */
export interface ChatRequest {
  model?: string
  stream?: boolean
  tools?: {type?: string; function?: {name?: string}}[]
  messages?: {role?: string; content?: unknown; tool_calls?: unknown[]}[]
}

type ToolCall = {id: string; name: string; args: Record<string, unknown>}

export const OPENAI_CHAT_PATH = /^(?:\/v1)?\/chat\/completions$/
export const OPENAI_MODELS_PATH = /^(?:\/v1)?\/models$/

function offers(req: ChatRequest, name: string): boolean {
  return (req.tools ?? []).some((t) => t.function?.name === name)
}

function hasToolResult(req: ChatRequest): boolean {
  return (req.messages ?? []).some((m) => m.role === 'tool')
}

/** What the model answers, per scenario. `outsideFile` is the absolute path the write-outside scenario asks for. */
export function chatPlan(scenario: Scenario, req: ChatRequest, outsideFile: string): {text: string; calls: ToolCall[]; finish: string} {
  const first = !hasToolResult(req)
  if (scenario === 'write-file' && first) {
    if (offers(req, 'write')) return {text: '', calls: [{id: nextId('call'), name: 'write', args: {filePath: SIM_OUTPUT_FILE, content: `${SIM_OUTPUT_TEXT}\n`}}], finish: 'tool_calls'}
    if (offers(req, 'bash')) return {text: '', calls: [{id: nextId('call'), name: 'bash', args: {...SHELL_WRITE_ARGS}}], finish: 'tool_calls'}
  }
  if (scenario === 'write-outside' && first && offers(req, 'write')) {
    return {text: '', calls: [{id: nextId('call'), name: 'write', args: {filePath: outsideFile, content: 'escaped the worktree\n'}}], finish: 'tool_calls'}
  }
  const command = scenario === 'run-command' ? commandFromTexts((req.messages ?? []).filter((m) => m.role === 'user').flatMap((m) => textsOf(m.content))) : undefined
  if (command && first && offers(req, 'bash')) return {text: '', calls: [{id: nextId('call'), name: 'bash', args: {command, description: 'Run the given command'}}], finish: 'tool_calls'}
  if (scenario === 'run-command') return {text: 'Ran it.', calls: [], finish: 'stop'}
  if (scenario === 'write-file') return {text: `Wrote ${SIM_OUTPUT_FILE}.`, calls: [], finish: 'stop'}
  if (scenario === 'write-outside') return {text: 'Tried to write outside.', calls: [], finish: 'stop'}
  if (scenario === 'error-result') return {text: '', calls: [], finish: 'content_filter'}
  return {text: 'Done.', calls: [], finish: 'stop'}
}

export function openaiError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {'content-type': 'application/json', ...headers})
  res.end(JSON.stringify({error: {message, type, code: type, param: null}}))
}

/** GET /v1/models: the models this simulated service offers. */
export function answerModels(res: ServerResponse, models: readonly string[]): void {
  res.writeHead(200, {'content-type': 'application/json'})
  res.end(JSON.stringify({object: 'list', data: models.map((id) => ({id, object: 'model', created: 1_700_000_000, owned_by: 'dx-runner-simulator'}))}))
}


/** POST /v1/chat/completions, streaming or not, for the scenarios that answer. */
export async function answerChat(scenario: Scenario, req: ChatRequest, rawBody: string, res: ServerResponse, isClosed: () => boolean, outsideFile: string): Promise<void> {
  const model = req.model ?? 'glm-5'
  const {text, calls, finish} = chatPlan(scenario, req, outsideFile)
  const promptTokens = inputTokens(rawBody)
  const outTokens = 5 + Math.ceil(text.length / 4) + calls.length * 20
  const usage = {prompt_tokens: promptTokens, completion_tokens: outTokens, total_tokens: promptTokens + outTokens}
  const id = nextId('chatcmpl')
  const created = Math.floor(Date.now() / 1000)
  const toolCalls = calls.map((c, index) => ({index, id: c.id, type: 'function', function: {name: c.name, arguments: JSON.stringify(c.args)}}))
  if (!req.stream) {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{index: 0, message: {role: 'assistant', content: text || null, ...(calls.length ? {tool_calls: toolCalls.map(({index: _i, ...t}) => t)} : {})}, finish_reason: finish}],
        usage,
      }),
    )
    return
  }
  res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'})
  const send = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) =>
    res.write(`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created, model, choices: [{index: 0, delta, finish_reason: finishReason}], ...extra})}\n\n`)
  send({role: 'assistant', content: ''}, null)
  if (scenario === 'hang') {
    send({content: 'Working'}, null)
    return // then silence until close()
  }
  if (scenario === 'slow') {
    for (let i = 0; i < 10; i++) {
      if (isClosed()) return
      send({content: `part ${i} `}, null)
      await sleep(300)
    }
  }
  if (text) send({content: text}, null)
  if (toolCalls.length) send({tool_calls: toolCalls}, null)
  send({}, finish)
  res.write(`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created, model, choices: [], usage})}\n\n`)
  res.write('data: [DONE]\n\n')
  res.end()
}
