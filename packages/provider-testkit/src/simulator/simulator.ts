import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import {answerMessages, anthropicError, tokenFrom, type MessagesRequest} from './anthropic.js'
import {inputTokens} from './common.js'
import {isScenario, SIM_DEFAULT_MODELS, type Scenario} from './scenarios.js'
import {answerChat, answerModels, OPENAI_CHAT_PATH, OPENAI_MODELS_PATH, openaiError, type ChatRequest} from './openai.js'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {answerGemini, GEMINI_PATH, geminiError, type GeminiRequest} from './gemini.js'
import {answerResponses, OPENAI_RESPONSES_PATH, type ResponsesRequest} from './openai-responses.js'

export interface SimulatorOptions {
  /** Default scenario when the request does not name one (default 'answer'). */
  scenario?: Scenario
  /** When set, requests without this key are refused with 401, as the real service does. */
  expectedToken?: string
  host?: string
  port?: number
  /** Model ids listed at GET /v1/models (OpenAI side); also DX_SIM_MODELS (comma-separated). */
  models?: readonly string[]
  /** Absolute path the write-outside scenario asks the agent to write. */
  outsideFile?: string
}

/** One request as the simulator saw it (never the credential). */
export interface SimRequest {
  method: string
  path: string
  scenario: Scenario
  model?: string
  stream?: boolean
  authorized: boolean
}

export interface Simulator {
  url: string
  port: number
  requests: SimRequest[]
  close(): Promise<void>
}

/** Scenario per request: header x-sim-scenario, then a /s/<scenario> path prefix, then DX_SIM_SCENARIO, then the option. */
export function scenarioFor(req: IncomingMessage, path: string, fallback: Scenario): {scenario: Scenario; path: string} {
  let rest = path
  let fromPath: string | undefined
  const m = /^\/s\/([^/]+)(\/.*)?$/.exec(path)
  if (m) {
    fromPath = decodeURIComponent(m[1])
    rest = m[2] ?? '/'
  }
  const header = req.headers['x-sim-scenario']
  const candidates = [typeof header === 'string' ? header : undefined, fromPath, process.env.DX_SIM_SCENARIO]
  for (const c of candidates) if (isScenario(c)) return {scenario: c, path: rest}
  return {scenario: fallback, path: rest}
}

function readBody(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) reject(new Error('body too large'))
      else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Start the loopback model service on 127.0.0.1 (port 0 = any free port). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const requests: SimRequest[] = []
  const sockets = new Set<Socket>()
  const fallback = options.scenario ?? 'answer'
  const models = options.models ?? (process.env.DX_SIM_MODELS !== undefined ? process.env.DX_SIM_MODELS.split(',').map((m) => m.trim()).filter(Boolean) : SIM_DEFAULT_MODELS)
  const outsideFile = options.outsideFile ?? join(tmpdir(), 'dx-runner-sim-outside.txt')

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim')
    const {scenario, path} = scenarioFor(req, url.pathname, fallback)
    const googKey = req.headers['x-goog-api-key']
    const token = typeof googKey === 'string' && googKey ? googKey : (url.searchParams.get('key') ?? tokenFrom(req))
    const authorized = options.expectedToken === undefined || token === options.expectedToken
    const body = req.method === 'POST' ? await readBody(req) : ''
    let parsed: MessagesRequest = {}
    try {
      parsed = body ? (JSON.parse(body) as MessagesRequest) : {}
    } catch {
      parsed = {}
    }
    const gm = GEMINI_PATH.exec(path)
    requests.push({method: req.method ?? 'GET', path, scenario, model: parsed.model ?? (gm ? decodeURIComponent(gm[1]) : undefined), stream: parsed.stream ?? (gm ? gm[2] === 'streamGenerateContent' : undefined), authorized})

    if (path === '/v1/messages/count_tokens' && req.method === 'POST') {
      // counting checks the key only (preflight asks it): scenarios are about the model call
      if (!authorized) return anthropicError(res, 401, 'authentication_error', 'invalid x-api-key')
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify({input_tokens: inputTokens(body)}))
      return
    }
    if (path === '/v1/messages' && req.method === 'POST') {
      if (!authorized || scenario === '401') return anthropicError(res, 401, 'authentication_error', 'invalid x-api-key')
      if (scenario === '429') return anthropicError(res, 429, 'rate_limit_error', 'rate limited', {'retry-after': '1'})
      if (scenario === 'malformed') {
        res.writeHead(200, {'content-type': parsed.stream ? 'text/event-stream' : 'application/json'})
        res.end('this is {not json and not "server-sent events\n\x00\x01')
        return
      }
      await answerMessages(scenario, parsed, body, res, () => res.destroyed || res.writableEnded)
      return
    }
    if (OPENAI_MODELS_PATH.test(path) && req.method === 'GET') {
      // the listing checks the key only: scenarios are about the model call
      if (!authorized) return openaiError(res, 401, 'invalid_api_key', 'Incorrect API key provided.')
      return answerModels(res, models)
    }
    if (OPENAI_CHAT_PATH.test(path) && req.method === 'POST') {
      if (!authorized || scenario === '401') return openaiError(res, 401, 'invalid_api_key', 'Incorrect API key provided.')
      if (scenario === '429') return openaiError(res, 429, 'rate_limit_exceeded', 'Rate limit reached for requests', {'retry-after': '1'})
      if (scenario === 'malformed') {
        res.writeHead(200, {'content-type': (parsed as ChatRequest).stream ? 'text/event-stream' : 'application/json'})
        res.end('data: {not json\n\n\u0000')
        return
      }
      await answerChat(scenario, parsed as ChatRequest, body, res, () => res.destroyed || res.writableEnded, outsideFile)
      return
    }
    if (OPENAI_RESPONSES_PATH.test(path) && req.method === 'POST') {
      if (!authorized || scenario === '401') return openaiError(res, 401, 'invalid_api_key', 'Incorrect API key provided.')
      if (scenario === '429') return openaiError(res, 429, 'rate_limit_exceeded', 'Rate limit reached for requests', {'retry-after': '1'})
      if (scenario === 'malformed') {
        res.writeHead(200, {'content-type': (parsed as ResponsesRequest).stream ? 'text/event-stream' : 'application/json'})
        res.end('event: response.created\ndata: {not json\n\n\u0000')
        return
      }
      await answerResponses(scenario, parsed as ResponsesRequest, body, res, () => res.destroyed || res.writableEnded, outsideFile)
      return
    }
    const g = GEMINI_PATH.exec(path)
    if (g && req.method === 'POST') {
      if (!authorized || scenario === '401') return geminiError(res, 401, 'UNAUTHENTICATED', 'API key not valid. Please pass a valid API key.')
      if (scenario === '429') return geminiError(res, 429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', {'retry-after': '1'})
      if (scenario === 'malformed') {
        res.writeHead(200, {'content-type': g[2] === 'streamGenerateContent' ? 'text/event-stream' : 'application/json'})
        res.end('data: {not json\r\n\r\n\u0000')
        return
      }
      await answerGemini(scenario, decodeURIComponent(g[1]), g[2], parsed as GeminiRequest, body, res, () => res.destroyed || res.writableEnded)
      return
    }
    anthropicError(res, 404, 'not_found_error', `the simulator has no ${req.method} ${path}`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) anthropicError(res, 500, 'api_error', error.message)
      else res.destroy()
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address')
  const host = options.host ?? '127.0.0.1'
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
