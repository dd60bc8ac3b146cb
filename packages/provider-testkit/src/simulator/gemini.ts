import type {ServerResponse} from 'node:http'
import {commandFromTexts, inputTokens, SHELL_WRITE_ARGS, sleep, textsOf} from './common.js'
import {SIM_OUTPUT_FILE, type Scenario} from './scenarios.js'

/** Gemini generateContent / streamGenerateContent, as the Gemini CLI speaks it. */
export interface GeminiRequest {
  contents?: {role?: string; parts?: Record<string, unknown>[]}[]
  tools?: {functionDeclarations?: {name?: string}[]}[]
}

type Part = {text: string} | {functionCall: {name: string; args: Record<string, unknown>}}

export const GEMINI_PATH = /^\/v1(?:beta)?\/models\/([^:/]+):(streamGenerateContent|generateContent|countTokens)$/

function offers(req: GeminiRequest, name: string): boolean {
  return (req.tools ?? []).some((t) => (t.functionDeclarations ?? []).some((f) => f.name === name))
}

function hasFunctionResponse(req: GeminiRequest): boolean {
  return (req.contents ?? []).some((c) => (c.parts ?? []).some((p) => 'functionResponse' in p))
}

export function geminiPlan(scenario: Scenario, req: GeminiRequest): {parts: Part[]; finish: string} {
  if (scenario === 'write-file' && offers(req, 'run_shell_command') && !hasFunctionResponse(req)) {
    return {
      parts: [{functionCall: {name: 'run_shell_command', args: {...SHELL_WRITE_ARGS}}}],
      finish: 'STOP',
    }
  }
  if (scenario === 'write-file') return {parts: [{text: `Wrote ${SIM_OUTPUT_FILE}.`}], finish: 'STOP'}
  const command = scenario === 'run-command' ? commandFromTexts((req.contents ?? []).filter((c) => c.role === 'user').flatMap((c) => textsOf(c.parts))) : undefined
  if (command && offers(req, 'run_shell_command') && !hasFunctionResponse(req)) {
    return {parts: [{functionCall: {name: 'run_shell_command', args: {command, description: 'Run the given command'}}}], finish: 'STOP'}
  }
  if (scenario === 'run-command') return {parts: [{text: 'Ran it.'}], finish: 'STOP'}
  if (scenario === 'error-result') return {parts: [], finish: 'SAFETY'}
  return {parts: [{text: 'Done.'}], finish: 'STOP'}
}

export function geminiError(res: ServerResponse, status: number, statusText: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {'content-type': 'application/json', ...headers})
  res.end(JSON.stringify({error: {code: status, message, status: statusText}}))
}


export async function answerGemini(scenario: Scenario, model: string, method: string, req: GeminiRequest, rawBody: string, res: ServerResponse, isClosed: () => boolean): Promise<void> {
  const promptTokens = inputTokens(rawBody)
  if (method === 'countTokens') {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify({totalTokens: promptTokens}))
    return
  }
  const {parts, finish} = geminiPlan(scenario, req)
  const outTokens = 5 + parts.length * 10
  const chunk = (p: Part[], done: boolean) => ({
    candidates: [{content: {parts: p, role: 'model'}, index: 0, ...(done ? {finishReason: finish} : {})}],
    ...(done ? {usageMetadata: {promptTokenCount: promptTokens, candidatesTokenCount: outTokens, totalTokenCount: promptTokens + outTokens}} : {}),
    modelVersion: model,
  })
  if (method === 'generateContent') {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify(chunk(parts, true)))
    return
  }
  res.writeHead(200, {'content-type': 'text/event-stream'})
  const send = (c: unknown) => res.write(`data: ${JSON.stringify(c)}\r\n\r\n`)
  if (scenario === 'hang') {
    send(chunk([{text: 'Working'}], false))
    return // then silence until close()
  }
  if (scenario === 'slow') {
    for (let i = 0; i < 10; i++) {
      if (isClosed()) return
      send(chunk([{text: `part ${i} `}], false))
      await sleep(300)
    }
  }
  send(chunk(parts, true))
  res.end()
}
