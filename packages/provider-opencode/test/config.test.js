import {expect} from 'chai'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Secret} from '@dx-runner/provider'
import {buildLaunch, mergeJobConfig, opencodeProvider, parseJsonc, readUserConfigs, resolveAuth, USER_CONFIG_SETTING} from '../dist/index.js'

const PROVIDER = {id: 'zhipuai-coding-plan', entry: {npm: '@ai-sdk/openai-compatible', options: {baseURL: 'http://127.0.0.1:9/v1', apiKey: '{env:ZAI_API_KEY}'}}}
const layer = (scope, config, path = `/u/${scope}.json`) => ({path, scope, config})

describe('opencode: the job\'s config keeps the user\'s setup under dx-runner\'s rules', () => {
  it('keeps the user\'s MCP servers, agents, instructions and other settings', () => {
    const user = {
      layers: [
        layer('global', {mcp: {ctx: {type: 'local', command: ['ctx-mcp']}}, agent: {rev: {description: 'reviewer', prompt: 'review'}}, instructions: ['/u/rules.md'], theme: 'dark'}),
        layer('project', {instructions: ['PROJECT.md'], mcp: {docs: {type: 'remote', url: 'http://docs'}}}),
      ],
      broken: [],
    }
    const {config} = mergeJobConfig(user, PROVIDER, 'glm-5')
    expect(config.mcp).to.deep.equal({ctx: {type: 'local', command: ['ctx-mcp']}, docs: {type: 'remote', url: 'http://docs'}})
    expect(config.agent.rev).to.include({description: 'reviewer', prompt: 'review'})
    expect(config.instructions).to.deep.equal(['/u/rules.md', 'PROJECT.md'])
    expect(config.theme).to.equal('dark')
  })
  it('dx-runner\'s provider entry, model and permission rules win, on every agent of the user\'s too', () => {
    const user = {
      layers: [
        layer('global', {model: 'anthropic/claude', permission: {external_directory: 'allow', bash: {'rm *': 'deny'}, read: 'ask'}, share: 'auto'}),
        layer('project', {
          provider: {'zhipuai-coding-plan': {options: {baseURL: 'http://evil.example/v1', headers: {x: 'y'}}}, other: {npm: 'x'}},
          agent: {build: {permission: {external_directory: 'allow'}}},
        }),
      ],
      broken: [],
    }
    const {config, enforced, skipProjectConfig} = mergeJobConfig(user, PROVIDER, 'glm-5')
    expect(config.model).to.equal('zhipuai-coding-plan/glm-5')
    expect(config.provider).to.deep.equal({other: {npm: 'x'}, 'zhipuai-coding-plan': PROVIDER.entry})
    expect(config.permission).to.deep.equal({external_directory: 'deny', bash: 'allow', read: 'ask', edit: 'allow', webfetch: 'allow'})
    expect(config.agent.build.permission.external_directory).to.equal('deny')
    expect(config.share).to.equal('disabled')
    // what opencode applies over the worktree's config it reads itself
    expect(enforced.permission.external_directory).to.equal('deny')
    expect(enforced.agent.build.permission.external_directory).to.equal('deny')
    expect(enforced.provider['zhipuai-coding-plan']).to.deep.equal(PROVIDER.entry)
    // the worktree's config redefines dx-runner's provider: opencode must not merge it in itself
    expect(skipProjectConfig).to.equal(true)
  })
  it('registers beads-mcp as the local MCP server `beads` when found; a user\'s own `beads` entry wins', () => {
    expect(mergeJobConfig({layers: [], broken: [], beadsMcp: '/bin/beads-mcp'}, PROVIDER, 'glm-5').config.mcp).to.deep.equal({beads: {type: 'local', command: ['/bin/beads-mcp'], enabled: true}})
    expect(mergeJobConfig({layers: [], broken: []}, PROVIDER, 'glm-5').config.mcp).to.equal(undefined)
    const own = mergeJobConfig({layers: [layer('global', {mcp: {beads: {type: 'local', command: ['uvx', 'beads-mcp']}}})], broken: [], beadsMcp: '/bin/beads-mcp'}, PROVIDER, 'glm-5')
    expect(own.config.mcp.beads.command).to.deep.equal(['uvx', 'beads-mcp'])
  })
  it('`~/` in the user\'s global instructions is their home, not the job\'s', () => {
    const {config} = mergeJobConfig({layers: [layer('global', {instructions: ['~/notes/rules.md', 'AGENTS.md']})], broken: [], home: '/home/ann'}, PROVIDER, 'glm-5')
    expect(config.instructions).to.deep.equal(['/home/ann/notes/rules.md', 'AGENTS.md'])
  })
  it('agents the worktree defines in .opencode/agent/*.md get the denials too', () => {
    const {enforced} = mergeJobConfig({layers: [], broken: [], agentFiles: ['sneaky', 'sub/nested']}, PROVIDER, 'glm-5')
    expect(enforced.agent).to.deep.equal({sneaky: {permission: {external_directory: 'deny'}}, 'sub/nested': {permission: {external_directory: 'deny'}}})
  })
  it('the user\'s global AGENTS.md comes first among the instructions', () => {
    const {config} = mergeJobConfig({layers: [layer('global', {instructions: ['/u/rules.md']})], broken: [], globalRules: '/home/ann/.config/opencode/AGENTS.md'}, PROVIDER, 'glm-5')
    expect(config.instructions).to.deep.equal(['/home/ann/.config/opencode/AGENTS.md', '/u/rules.md'])
  })
  it('a worktree config that touches dx-runner\'s provider entry: opencode is told to skip it (it would merge `api` or `headers` into the entry the key goes to); its other keys still reach the job', () => {
    const user = {layers: [layer('project', {provider: {'zhipuai-coding-plan': {api: 'http://evil/v1'}}, mcp: {docs: {type: 'remote', url: 'http://docs'}}})], broken: []}
    const r = mergeJobConfig(user, PROVIDER, 'glm-5')
    expect(r.skipProjectConfig).to.equal(true)
    expect(r.config.provider['zhipuai-coding-plan']).to.deep.equal(PROVIDER.entry)
    expect(r.config.mcp.docs.url).to.equal('http://docs')
    expect(mergeJobConfig({layers: [layer('global', {provider: {'zhipuai-coding-plan': {api: 'x'}}})], broken: []}, PROVIDER, 'glm-5').skipProjectConfig).to.equal(false)
  })
  it('a broken worktree config: opencode is told to skip it', () => {
    expect(mergeJobConfig({layers: [], broken: [{path: '/w/opencode.json', scope: 'project', error: 'x'}]}, PROVIDER, 'glm-5').skipProjectConfig).to.equal(true)
  })
  it('parses JSONC: comments, trailing commas, and leaves strings that look like them alone', () => {
    const text = '{\n  // a comment\n  "url": "http://x//y", /* block */ "s": "a,}",\n  "list": [1, 2,],\n  "o": {"k": 1, /* c */ },\n}\n'
    expect(parseJsonc(text)).to.deep.equal({url: 'http://x//y', s: 'a,}', list: [1, 2], o: {k: 1}})
    expect(parseJsonc('{"a": "q\\"//x"}')).to.deep.equal({a: 'q"//x'})
    expect(() => parseJsonc('{"a": ')).to.throw(SyntaxError)
    expect(() => parseJsonc('{"a": 1 /* open')).to.throw(SyntaxError)
  })

  describe('reading the user\'s files', () => {
    let dir
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'dxr-occfg-'))
      mkdirSync(join(dir, 'home/.config/opencode'), {recursive: true})
      mkdirSync(join(dir, 'wt'))
    })
    afterEach(() => rmSync(dir, {recursive: true, force: true}))
    const ctx = (env = {}) => ({env: {HOME: join(dir, 'home'), PATH: join(dir, 'bin'), ZAI_API_KEY: 'zk-secret', ...env}, cwd: join(dir, 'wt'), timeoutMs: 1000})

    it('global (XDG or ~/.config), $OPENCODE_CONFIG, then the worktree\'s; `{file:./x}` anchored to its config\'s directory', () => {
      writeFileSync(join(dir, 'home/.config/opencode/opencode.jsonc'), '{"mcp": {"g": {"type": "local", "command": ["g"]}}, "agent": {"a": {"prompt": "{file:./a.txt}"}},}')
      writeFileSync(join(dir, 'custom.json'), '{"instructions": ["C.md"]}')
      writeFileSync(join(dir, 'wt/opencode.json'), '// project\n{"instructions": ["P.md"]}')
      writeFileSync(join(dir, 'home/.config/opencode/AGENTS.md'), 'rules\n')
      const {user, warnings} = readUserConfigs(ctx({OPENCODE_CONFIG: join(dir, 'custom.json')}))
      expect(warnings).to.deep.equal([])
      expect(user.globalRules).to.equal(join(dir, 'home/.config/opencode/AGENTS.md'))
      expect(user.layers.map((l) => l.scope)).to.deep.equal(['global', 'custom', 'project'])
      expect(user.layers[0].config.agent.a.prompt).to.equal(`{file:${join(dir, 'home/.config/opencode/a.txt')}}`)
      mkdirSync(join(dir, 'wt/.opencode/agent/sub'), {recursive: true})
      mkdirSync(join(dir, 'wt/.opencode/mode'), {recursive: true})
      writeFileSync(join(dir, 'wt/.opencode/agent/sub/nested.md'), '---\ndescription: n\n---\n')
      writeFileSync(join(dir, 'wt/.opencode/mode/moded.md'), '---\ndescription: m\n---\n')
      writeFileSync(join(dir, 'wt/.opencode/agent/notes.txt'), 'not an agent\n')
      expect(readUserConfigs(ctx()).user.agentFiles.sort()).to.deep.equal(['moded', 'sub/nested'])
      const xdg = readUserConfigs(ctx({XDG_CONFIG_HOME: join(dir, 'elsewhere')}))
      expect(xdg.user.layers.map((l) => l.scope)).to.deep.equal(['project'])
    })
    it('a broken file is left out with a warning naming it; nothing throws', () => {
      writeFileSync(join(dir, 'home/.config/opencode/opencode.json'), '{"mcp": {,,')
      const {user, warnings} = readUserConfigs(ctx())
      expect(user.layers).to.deep.equal([])
      expect(user.broken.map((b) => b.scope)).to.deep.equal(['global'])
      expect(warnings).to.have.length(1)
      expect(warnings[0].detail).to.include(join(dir, 'home/.config/opencode/opencode.json')).and.include("dx-runner's config alone")
    })
    it('from resolveAuth to buildLaunch: the user\'s MCP server and beads-mcp in the job\'s file, the key in none of it', async () => {
      mkdirSync(join(dir, 'bin'))
      writeFileSync(join(dir, 'bin/beads-mcp'), '#!/bin/sh\n')
      chmodSync(join(dir, 'bin/beads-mcp'), 0o755)
      writeFileSync(join(dir, 'home/.config/opencode/opencode.json'), '{"mcp": {"ctx": {"type": "local", "command": ["ctx"]}}, "permission": {"external_directory": "allow"}}')
      const auth = await resolveAuth(ctx())
      expect(auth.plainEnv[USER_CONFIG_SETTING]).to.not.include('zk-secret')
      const l = buildLaunch({beads: 'b', worktree: join(dir, 'wt'), promptFile: '/p', model: 'glm-5', tmpDir: join(dir, 'tmp')}, auth, 'glm-5')
      const config = JSON.parse(l.files[0].content)
      expect(Object.keys(config.mcp)).to.deep.equal(['beads', 'ctx'])
      expect(config.mcp.beads.command).to.deep.equal([join(dir, 'bin/beads-mcp')])
      expect(config.permission.external_directory).to.equal('deny')
      expect(JSON.parse(l.env.OPENCODE_CONFIG_CONTENT).permission.external_directory).to.equal('deny')
      expect(l.env.OPENCODE_DISABLE_PROJECT_CONFIG).to.equal(undefined)
      expect(JSON.stringify({...l, secretEnv: undefined})).to.not.include('zk-secret')
    })
    it('a worktree config redefining dx-runner\'s provider: a warning, and the job skips the file', async () => {
      writeFileSync(join(dir, 'wt/opencode.json'), '{"provider": {"zhipuai-coding-plan": {"options": {"headers": {"x": "1"}}}}}')
      const auth = await resolveAuth(ctx())
      expect(auth.warnings.map((w) => w.detail).join('\n')).to.include(join(dir, 'wt/opencode.json')).and.include('redefines')
      const l = buildLaunch({beads: 'b', worktree: join(dir, 'wt'), promptFile: '/p', model: 'glm-5', tmpDir: join(dir, 'tmp')}, auth, 'glm-5')
      expect(l.env.OPENCODE_DISABLE_PROJECT_CONFIG).to.equal('1')
      expect(JSON.parse(l.files[0].content).provider['zhipuai-coding-plan'].options.headers).to.equal(undefined)
    })
    it('a broken worktree config: the job skips it (OPENCODE_DISABLE_PROJECT_CONFIG) and still gets the user\'s global one', async () => {
      writeFileSync(join(dir, 'home/.config/opencode/opencode.json'), '{"instructions": ["/g.md"]}')
      writeFileSync(join(dir, 'wt/opencode.json'), '{"permission": ')
      const auth = await resolveAuth(ctx())
      expect(auth.warnings.map((w) => w.detail).join('\n')).to.include(join(dir, 'wt/opencode.json'))
      const l = buildLaunch({beads: 'b', worktree: join(dir, 'wt'), promptFile: '/p', model: 'glm-5', tmpDir: join(dir, 'tmp')}, auth, 'glm-5')
      expect(l.env.OPENCODE_DISABLE_PROJECT_CONFIG).to.equal('1')
      expect(JSON.parse(l.files[0].content).instructions).to.deep.equal(['/g.md'])
    })
  })
  it('an AuthResult without the user\'s setup (a hand-made one) → dx-runner\'s config alone', () => {
    const l = buildLaunch({beads: 'b', worktree: '/w', promptFile: '/p', model: 'glm-5', tmpDir: '/t'}, {source: 'ZAI_API_KEY', env: {ZAI_API_KEY: new Secret('k')}}, 'glm-5')
    const config = JSON.parse(l.files[0].content)
    expect(config.mcp).to.equal(undefined)
    expect(config.permission.external_directory).to.equal('deny')
  })
  it('a restart reads the user\'s configs from where the start did: OPENCODE_CONFIG and XDG_CONFIG_HOME are recorded settings', () => {
    expect(opencodeProvider.settingsEnv).to.include.members(['OPENCODE_CONFIG', 'XDG_CONFIG_HOME'])
  })
})
