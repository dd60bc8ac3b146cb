import {expect} from 'chai'
import {readdirSync} from 'node:fs'
import {DEFAULT_THRESHOLDS, loadSchema, resolveThresholds} from '@dx-runner/core'
import {commandFromName, COMMANDS, CONFIG_ENV, fastPathOptions, forwardedFlags, GLOBAL_FLAGS, HOST_FLAG, REMOTE_COMMANDS, THRESHOLD_SETTINGS} from '../dist/lib/flag-spec.js'
import {tryFastPath} from '../dist/fast-path.js'
import {foldPositionals} from '../dist/lib/positional.js'
import {thresholdsFrom} from '../dist/lib/thresholds.js'

const commandsDir = new URL('../dist/commands/', import.meta.url)
// oclif ids: commands/<id>.js, a topic's commands/<topic>/index.js (<topic>) and commands/<topic>/<cmd>.js (<topic>:<cmd>)
const ids = readdirSync(commandsDir, {recursive: true}).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3).replace(/\/index$/, '').replace(/\//g, ':')).sort()
const load = async (id) => (await import(new URL(`${id.replace(/:/g, '/')}${COMMANDS[id] && readdirSync(commandsDir).includes(id) ? '/index' : ''}.js`, commandsDir))).default

/** What a declared oclif flag does, in the spec's terms; the type is found by parsing "7". */
async function described(flag) {
  let type = 'boolean'
  if (flag.type === 'option') type = typeof (await flag.parse('7', {}, flag)) === 'number' ? 'integer' : 'string'
  const out = {type, description: flag.description}
  for (const k of ['default', 'required', 'char', 'options', 'min', 'helpGroup']) if (flag[k] !== undefined) out[k] = flag[k]
  if (type === 'boolean' && out.default === undefined) out.default = false
  return out
}

/** The spec without the CLI-only keys, as the flag should look to oclif. */
function expected(spec) {
  const {forward: _f, oclifOnly: _o, ...props} = spec
  if (props.type === 'boolean' && props.default === undefined) props.default = false
  return props
}

describe('flags are declared once (lib/flag-spec.ts)', () => {
  it('every command has a spec and every spec a command', () => {
    expect(ids).to.deep.equal(Object.keys(COMMANDS).sort())
  })

  it("each command's flags are exactly its spec's, in order, with the same type, description, default and limits", async () => {
    for (const id of ids) {
      const Command = await load(id)
      const spec = {...(COMMANDS[id].remote ? {host: HOST_FLAG} : {}), ...COMMANDS[id].flags}
      expect(Object.keys(Command.flags), id).to.deep.equal(Object.keys(spec))
      // a flag a positional argument may give is not required by oclif: lib/positional.ts requires it after both are parsed
      const byArgs = new Set(Object.values(COMMANDS[id].args ?? {}).map((a) => a.flag))
      for (const [name, flagSpec] of Object.entries(spec)) expect(await described(Command.flags[name]), `${id} --${name}`).to.deep.equal(expected(byArgs.has(name) ? {...flagSpec, required: false} : flagSpec))
      if (COMMANDS[id].args) expect(Object.keys(Command.args ?? {}), `${id} args`).to.deep.equal(Object.keys(COMMANDS[id].args))
      expect(Command.aliases ?? [], `${id} aliases`).to.deep.equal([...(COMMANDS[id].aliases ?? [])])
      expect(Object.keys(Command.baseFlags), id).to.deep.equal(Object.keys(GLOBAL_FLAGS))
      for (const [name, flagSpec] of Object.entries(GLOBAL_FLAGS)) expect(await described(Command.baseFlags[name]), `${id} --${name}`).to.deep.equal(expected(flagSpec))
    }
  })

  it('every --json that names a schema names one core publishes', () => {
    const named = Object.values(COMMANDS).flatMap((c) => Object.values(c.flags)).map((f) => /\(schema: (\w+)\)/.exec(f.description)?.[1]).filter(Boolean)
    expect(named).to.include.members(['status', 'check', 'hosts', 'gate'])
    for (const name of new Set(named)) expect(loadSchema(name), name).to.be.an('object').with.property('$id')
  })

  it('--host is sent away for exactly the commands that declare it', async () => {
    const withHost = []
    for (const id of ids) if ((await load(id)).flags.host) withHost.push(id)
    expect([...REMOTE_COMMANDS].sort()).to.deep.equal(withHost)
  })

  it('--all-hosts forwards only flags the command has, never --host', () => {
    expect(forwardedFlags('status')).to.have.members(['beads', 'provider', 'stall-minutes', 'no-op-minutes', 'first-output-seconds', 'rc-grace-seconds'])
    expect(forwardedFlags('watchdog')).to.have.members(['max-retries', 'backoff-seconds', 'backoff-cap-seconds', 'stall-minutes', 'no-op-minutes', 'first-output-seconds', 'rc-grace-seconds'])
    for (const id of ids) for (const name of forwardedFlags(id)) expect(COMMANDS[id].flags, `${id} --${name}`).to.have.property(name)
  })

  it("the fast path parses a command's own flags with their types, and hands the oclif-only ones and missing required ones to oclif", async () => {
    for (const id of ids) {
      const options = fastPathOptions(id)
      for (const [name, o] of Object.entries(options)) {
        const f = COMMANDS[id].flags[name]
        expect(f, `${id} --${name}`).to.exist
        expect(f.oclifOnly, `${id} --${name}`).to.equal(undefined)
        expect(o.type, `${id} --${name}`).to.equal(f.type === 'boolean' ? 'boolean' : 'string')
      }
      expect(options, id).to.not.have.property('host')
    }
    expect(Object.keys(fastPathOptions('status'))).to.have.members(['beads', 'provider', 'json', 'stall-minutes', 'no-op-minutes', 'first-output-seconds', 'rc-grace-seconds'])
    expect(fastPathOptions('watchdog')).to.deep.equal({})
    // these return before reading anything: no job, no provider is touched
    expect(await tryFastPath(['status', '--watch'])).to.equal(false)
    expect(await tryFastPath(['status', '--all-hosts'])).to.equal(false)
    expect(await tryFastPath(['check', '--json'])).to.equal(false)
    expect(await tryFastPath(['start', '--beads', 'bd-x'])).to.equal(false)
    expect(await tryFastPath(['start', 'bd-x'])).to.equal(false)
    expect(await tryFastPath(['check', 'bd-1', '--beads', 'bd-2'])).to.equal(false)
    expect(await tryFastPath(['check', 'bd-1', 'bd-2'])).to.equal(false)
  })
})

describe('positional ids (lib/positional.ts)', () => {
  it('the argument fills its flag; both equal is fine; both different, a missing id or an extra argument is one usage line', () => {
    expect(foldPositionals('check', ['bd-1'], {json: true})).to.deep.equal({flags: {json: true, beads: 'bd-1'}})
    expect(foldPositionals('check', [undefined], {beads: 'bd-1'})).to.deep.equal({flags: {beads: 'bd-1'}})
    expect(foldPositionals('check', ['bd-1'], {beads: 'bd-1'})).to.deep.equal({flags: {beads: 'bd-1'}})
    expect(foldPositionals('check', ['bd-1'], {beads: 'bd-2'}).error).to.equal('the argument "bd-1" and --beads "bd-2" differ: give the beads once')
    expect(foldPositionals('check', [], {}).error).to.equal('Missing required flag beads')
    expect(foldPositionals('start', ['bd-1'], {}).error).to.equal('Missing required flag prompt-file')
    expect(foldPositionals('check', ['a', 'b'], {})).to.have.property('error')
    expect(foldPositionals('status', [], {})).to.deep.equal({flags: {}})
    expect(foldPositionals('wait', [['bd-1', 'bd-2']], {})).to.deep.equal({flags: {beads: 'bd-1,bd-2'}})
    expect(foldPositionals('wait', ['bd-1', 'bd-2'], {})).to.deep.equal({flags: {beads: 'bd-1,bd-2'}})
    expect(foldPositionals('wait', [[]], {all: true})).to.deep.equal({flags: {all: true}})
  })

  it('ls, ps and list are status; other names are themselves or nothing', () => {
    for (const alias of ['ls', 'ps', 'list', 'status']) expect(commandFromName(alias)).to.equal('status')
    expect(commandFromName('check')).to.equal('check')
    expect(commandFromName('statuss')).to.equal(undefined)
  })
})

describe('thresholds are named in one place', () => {
  it('every threshold core knows has its environment variable in the table, and that variable sets it', () => {
    expect(THRESHOLD_SETTINGS.map((t) => t.key)).to.have.members(Object.keys(DEFAULT_THRESHOLDS))
    for (const t of THRESHOLD_SETTINGS) expect(resolveThresholds({[t.env]: '7.5'})[t.key], t.env).to.equal(7.5)
  })

  it('each threshold flag sets its threshold and wins over the environment; its config key becomes that variable', () => {
    for (const t of THRESHOLD_SETTINGS.filter((s) => s.flag)) {
      expect(thresholdsFrom({[t.flag]: '0.5'}, {[t.env]: '9'})[t.key], t.flag).to.equal(0.5)
      expect(CONFIG_ENV, t.flag).to.deep.include({config: `thresholds.${t.config}`, env: t.env})
      for (const id of ['status', 'check', 'watchdog']) expect(COMMANDS[id].flags, `${id} --${t.flag}`).to.have.property(t.flag)
    }
    expect(() => thresholdsFrom({'no-op-minutes': 'soon'}, {})).to.throw('invalid --no-op-minutes "soon"')
  })
})
