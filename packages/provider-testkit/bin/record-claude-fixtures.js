#!/usr/bin/env node
// Re-record parser fixtures: run a real agent CLI against the simulator once per scenario.
// Usage: node packages/provider-testkit/bin/record-claude-fixtures.js [claude|gemini|opencode] [outDir]
import {spawn, execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
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
    env: (url, scenario) => ({IS_SANDBOX: '1', ANTHROPIC_BASE_URL: `${url}/s/${scenario}`, ANTHROPIC_AUTH_TOKEN: 'sim-token', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1'}),
    setup: () => {},
  },
  gemini: {
    bin: join(repo, 'node_modules/.bin/gemini'),
    out: 'packages/provider-gemini/test/fixtures',
    args: ['-m', 'gemini-2.5-pro', '--yolo', '--output-format', 'stream-json'],
    env: (url, scenario) => ({GOOGLE_GEMINI_BASE_URL: `${url}/s/${scenario}`, GEMINI_API_KEY: 'sim-token', GEMINI_CLI_TRUST_WORKSPACE: 'true', NO_COLOR: '1'}),
    setup: (home) => {
      mkdirSync(join(home, '.gemini'), {recursive: true})
      writeFileSync(join(home, '.gemini/settings.json'), JSON.stringify({security: {auth: {selectedType: 'gemini-api-key'}}}))
    },
  },
  opencode: {
    bin: join(repo, 'node_modules/.bin/opencode'),
    out: 'packages/provider-opencode/test/fixtures',
    args: ['run', '--pure', '--model', 'zhipuai-coding-plan/glm-5', '--format', 'json'],
    env: (url, scenario, base) => ({OPENCODE_CONFIG: join(base, 'opencode.json'), ZAI_API_KEY: 'sim-token', OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1', NO_COLOR: '1'}),
    setup: (home, url, scenario, base) => {
      const config = {provider: {'zhipuai-coding-plan': {npm: '@ai-sdk/openai-compatible', options: {baseURL: `${url}/s/${scenario}/v1`, apiKey: '{env:ZAI_API_KEY}'}, models: {'glm-5': {tool_call: true}}}}, permission: {edit: 'allow', bash: 'allow', external_directory: 'deny'}}
      writeFileSync(join(base, 'opencode.json'), JSON.stringify(config))
    },
  },
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
] : cli === 'gemini' ? [
  ['answer', 'answer', {}],
  ['write-file', 'write-file', {}],
  ['401', '401', {}],
  ['error-result', 'error-result', {}],
  ['malformed', 'malformed', {}],
  ['429', '429', {DXR_RECORD_KILL_AFTER_MS: '4000'}],
] : [
  ['answer', 'answer', {}],
  ['write-file', 'write-file', {}],
  ['401', '401', {CLAUDE_CODE_MAX_RETRIES: '0'}],
  ['401-retry', '401', {CLAUDE_CODE_MAX_RETRIES: '2'}],
  ['429', '429', {CLAUDE_CODE_MAX_RETRIES: '0'}],
  ['error-result', 'error-result', {}],
  ['malformed', 'malformed', {CLAUDE_CODE_MAX_RETRIES: '0'}],
]
const sim = await startSimulator({expectedToken: 'sim-token'})
mkdirSync(out, {recursive: true})
const index = {}
try {
  for (const [name, scenario, extra] of runs) {
    const base = mkdtempSync(join(tmpdir(), 'dxr-rec-'))
    const wt = join(base, 'wt')
    mkdirSync(wt)
    mkdirSync(join(base, 'home'))
    mkdirSync(join(base, 'tmp'))
    execFileSync('git', ['init', '-q'], {cwd: wt})
    c.setup(join(base, 'home'), sim.url, scenario, base)
    const {DXR_RECORD_KILL_AFTER_MS: killAfter, ...extraEnv} = extra
    const env = {PATH: process.env.PATH, HOME: join(base, 'home'), TMPDIR: join(base, 'tmp'), ...c.env(sim.url, scenario, base), ...extraEnv}
    // Asynchronously: the simulator answers from this same process.
    const r = await new Promise((done) => {
      const child = spawn(claude, c.args, {cwd: wt, env})
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      // a CLI that retries for minutes (gemini on 429) is recorded for a few seconds, then killed
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfter ? Number(killAfter) : 180_000)
      child.on('close', (status) => {
        clearTimeout(timer)
        done({status, stdout, stderr})
      })
      child.stdin.end('Create a file named sim-output.txt in the current directory.\n')
    })
    // Machine-specific paths are replaced so fixtures stay stable.
    const scrub = (s) => s.split(base).join('/tmp/fixture').split(sim.url).join('http://127.0.0.1:PORT')
    writeFileSync(join(out, `${name}.stdout.jsonl`), scrub(r.stdout))
    writeFileSync(join(out, `${name}.stderr.txt`), scrub(r.stderr))
    index[name] = {exit_code: r.status, scenario, cli_version: version, env: extra}
    console.log(`${name}: exit ${r.status}, ${r.stdout.split('\n').filter(Boolean).length} events`)
    rmSync(base, {recursive: true, force: true})
  }
} finally {
  await sim.close()
}
writeFileSync(join(out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`)
for (const [name] of runs) {
  const text = readFileSync(join(out, `${name}.stdout.jsonl`), 'utf8')
  if (/sk-|Bearer /.test(text)) throw new Error(`${name}: fixture looks like it holds a credential`)
}
