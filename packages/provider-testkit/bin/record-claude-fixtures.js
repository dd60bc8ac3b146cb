#!/usr/bin/env node
// Re-record parser fixtures: run a real agent CLI against the simulator once per scenario.
// Usage: node packages/provider-testkit/bin/record-claude-fixtures.js [claude|claude-code|gemini|opencode] [outDir] [name…]
// With names, only those runs are re-recorded and merged into the existing index.json.
import {spawn, execFileSync} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {startSimulator} from '../dist/simulator/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '../../..')
const cli = process.argv[2] ?? 'claude'
const CLIS = {
  claude: {
    bin: join(repo, 'node_modules/.bin/claude'),
    out: 'packages/provider-cc-glm/test/fixtures',
    args: ['-p', '--model', 'glm-5', '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions'],
    env: (base) => ({IS_SANDBOX: '1', ANTHROPIC_BASE_URL: base, ANTHROPIC_AUTH_TOKEN: 'sim-token', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1'}),
    setup: () => {},
  },
  // the same CLI as the provider claude-code runs it: an Anthropic API key (x-api-key), a Claude model
  'claude-code': {
    bin: join(repo, 'node_modules/.bin/claude'),
    out: 'packages/provider-claude-code/test/fixtures',
    args: ['-p', '--model', 'claude-opus-4-8', '--output-format', 'stream-json', '--verbose', '--dangerously-skip-permissions'],
    env: (base) => ({IS_SANDBOX: '1', ANTHROPIC_BASE_URL: base, ANTHROPIC_API_KEY: 'sim-token', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1'}),
    setup: () => {},
  },
  gemini: {
    bin: join(repo, 'node_modules/.bin/gemini'),
    out: 'packages/provider-gemini/test/fixtures',
    args: ['-m', 'gemini-2.5-pro', '--yolo', '--output-format', 'stream-json'],
    env: (base) => ({GOOGLE_GEMINI_BASE_URL: base, GEMINI_API_KEY: 'sim-token', GEMINI_CLI_TRUST_WORKSPACE: 'true', NO_COLOR: '1'}),
    setup: (home, base, dir, settings = {}) => {
      mkdirSync(join(home, '.gemini'), {recursive: true})
      writeFileSync(join(home, '.gemini/settings.json'), JSON.stringify({security: {auth: {selectedType: 'gemini-api-key'}}, ...settings}))
    },
  },
  opencode: {
    bin: join(repo, 'node_modules/.bin/opencode'),
    out: 'packages/provider-opencode/test/fixtures',
    args: ['run', '--pure', '--model', 'zhipuai-coding-plan/glm-5', '--format', 'json'],
    env: (base, dir) => ({OPENCODE_CONFIG: join(dir, 'opencode.json'), ZAI_API_KEY: 'sim-token', OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1', NO_COLOR: '1'}),
    setup: (home, base, dir) => {
      const config = {provider: {'zhipuai-coding-plan': {npm: '@ai-sdk/openai-compatible', options: {baseURL: `${base}/v1`, apiKey: '{env:ZAI_API_KEY}'}, models: {'glm-5': {tool_call: true}}}}, permission: {edit: 'allow', bash: 'allow', external_directory: 'deny'}}
      writeFileSync(join(dir, 'opencode.json'), JSON.stringify(config))
    },
  },
}
/** The scenario name of a run against a closed loopback port instead of the simulator. */
const UNREACHABLE = 'unreachable'
/**
 * Prompts per scenario. run-command: the model runs the RUN: line through its shell tool; this one prints
 * status-like text in the tool's output and a plain "HTTP 403 Forbidden" on the CLI's own stderr, while
 * the key is fine.
 */
const PROMPTS = {
  'run-command': "Run the command below.\nRUN: echo 'curl: status 401 Unauthorized'; printf 'HTTP 403 Forbidden\\nstatus: 401 Unauthorized\\n' >> /proc/$PPID/fd/2; echo 'Error: request failed with status 403' >&2; echo done > sim-output.txt\n",
}
function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address()
      srv.close(() => resolve(port))
    })
  })
}
const c = CLIS[cli]
if (!c) throw new Error(`unknown CLI ${cli}`)
const out = resolve(process.argv[3] ?? join(repo, c.out))
const claude = c.bin
const version = execFileSync(claude, ['--version'], {encoding: 'utf8'}).trim().split(' ')[0]
const runs = cli === 'opencode' ? [
  ['answer', 'answer', {}],
  ['write-file', 'write-file', {}],
  ['write-outside', 'write-outside', {}],
  ['401', '401', {}],
  ['429', '429', {}],
  ['error-result', 'error-result', {}],
  ['malformed', 'malformed', {}],
  ['hang', 'hang', {DXR_RECORD_KILL_AFTER_MS: '8000'}],
  ['tool-403', 'run-command', {}],
  // opencode retries a refused connection for about a minute, printing nothing, then one error event
  ['unreachable', UNREACHABLE, {}],
] : cli === 'gemini' ? [
  ['answer', 'answer', {}],
  ['write-file', 'write-file', {}],
  ['401', '401', {}],
  ['error-result', 'error-result', {}],
  ['malformed', 'malformed', {}],
  ['429', '429', {DXR_RECORD_KILL_AFTER_MS: '4000'}],
  ['tool-403', 'run-command', {}],
  ['unreachable', UNREACHABLE, {}, {general: {maxAttempts: 2}}],
] : [
  ['answer', 'answer', {}],
  ['write-file', 'write-file', {}],
  ['401', '401', {CLAUDE_CODE_MAX_RETRIES: '0'}],
  ['401-retry', '401', {CLAUDE_CODE_MAX_RETRIES: '2'}],
  ['429', '429', {CLAUDE_CODE_MAX_RETRIES: '0'}],
  ['error-result', 'error-result', {}],
  ['malformed', 'malformed', {CLAUDE_CODE_MAX_RETRIES: '0'}],
  ['tool-403', 'run-command', {}],
  ['unreachable', UNREACHABLE, {CLAUDE_CODE_MAX_RETRIES: '2'}],
]
const only = process.argv.slice(4)
const selected = only.length > 0 ? runs.filter(([name]) => only.includes(name)) : runs
const sim = await startSimulator({expectedToken: 'sim-token'})
mkdirSync(out, {recursive: true})
const indexFile = join(out, 'index.json')
const index = only.length > 0 && existsSync(indexFile) ? JSON.parse(readFileSync(indexFile, 'utf8')) : {}
try {
  for (const [name, scenario, extra, settings] of selected) {
    const base = mkdtempSync(join(tmpdir(), 'dxr-rec-'))
    const wt = join(base, 'wt')
    mkdirSync(wt)
    mkdirSync(join(base, 'home'))
    mkdirSync(join(base, 'tmp'))
    execFileSync('git', ['init', '-q'], {cwd: wt})
    // an unreachable endpoint: a loopback port nothing listens on
    const baseUrl = scenario === UNREACHABLE ? `http://127.0.0.1:${await closedPort()}` : `${sim.url}/s/${scenario}`
    c.setup(join(base, 'home'), baseUrl, base, settings)
    const {DXR_RECORD_KILL_AFTER_MS: killAfter, ...extraEnv} = extra
    const env = {PATH: process.env.PATH, HOME: join(base, 'home'), TMPDIR: join(base, 'tmp'), ...c.env(baseUrl, base), ...extraEnv}
    // Asynchronously: the simulator answers from this same process.
    // Output to files opened for appending, as the job supervisor does (`>> log`), not to sockets:
    // whatever the CLI's children write to its stdout or stderr lands there too.
    const outFd = openSync(join(base, 'stdout'), 'a')
    const errFd = openSync(join(base, 'stderr'), 'a')
    const r = await new Promise((done) => {
      const child = spawn(claude, c.args, {cwd: wt, env, stdio: ['pipe', outFd, errFd]})
      // a CLI that retries for minutes (gemini on 429) is recorded for a few seconds, then killed
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfter ? Number(killAfter) : 180_000)
      child.on('close', (status) => {
        clearTimeout(timer)
        done({status, stdout: readFileSync(join(base, 'stdout'), 'utf8'), stderr: readFileSync(join(base, 'stderr'), 'utf8')})
      })
      child.stdin.end(PROMPTS[scenario] ?? 'Create a file named sim-output.txt in the current directory.\n')
    })
    closeSync(outFd)
    closeSync(errFd)
    // Machine-specific paths are replaced so fixtures stay stable.
    const scrub = (s) => s.split(base).join('/tmp/fixture').split(sim.url).join('http://127.0.0.1:PORT').split(baseUrl).join('http://127.0.0.1:PORT')
    writeFileSync(join(out, `${name}.stdout.jsonl`), scrub(r.stdout))
    writeFileSync(join(out, `${name}.stderr.txt`), scrub(r.stderr))
    index[name] = {exit_code: r.status, scenario, cli_version: version, env: extra, ...(settings ? {settings} : {})}
    console.log(`${name}: exit ${r.status}, ${r.stdout.split('\n').filter(Boolean).length} events`)
    rmSync(base, {recursive: true, force: true})
  }
} finally {
  await sim.close()
}
writeFileSync(indexFile, `${JSON.stringify(index, null, 2)}\n`)
for (const [name] of selected) {
  const text = readFileSync(join(out, `${name}.stdout.jsonl`), 'utf8')
  if (/sk-|Bearer /.test(text)) throw new Error(`${name}: fixture looks like it holds a credential`)
}
