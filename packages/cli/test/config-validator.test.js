import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {validateConfig} from '../dist/lib/config.js'
import {generate, GENERATED} from '../scripts/config-validator.js'

describe('config file validation (ajv, compiled ahead of time)', () => {
  it('the compiled validator is the one ajv makes from CONFIG_SCHEMA today (run `npm run config-validator` after changing the schema)', () => {
    expect(readFileSync(GENERATED, 'utf8')).to.equal(generate())
  })

  it('loading and checking a config loads no schema library', () => {
    const script = `
      import {createRequire} from 'node:module'
      const {validateConfig} = await import(${JSON.stringify(new URL('../dist/lib/config.js', import.meta.url).href)})
      validateConfig({hosts: {a: {}}})
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /[\\\\/]ajv[\\\\/]/.test(k))
      process.stdout.write(JSON.stringify(loaded))`
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {cwd: fileURLToPath(new URL('..', import.meta.url))}).toString()
    expect(JSON.parse(out)).to.deep.equal([])
  })

  // the lines the hand-written validator gave, which users and scripts already read
  const cases = [
    [{}, []],
    [[], ['(top level): expected an object, got an array']],
    ['x', ['(top level): expected an object, got "x"']],
    [null, ['(top level): expected an object, got null']],
    [{artifact_rot: '/tmp/x', thresholds: {stall_minute: 1}}, ['artifact_rot: unknown key', 'thresholds.stall_minute: unknown key']],
    [{artifact_root: ''}, ['artifact_root: must not be empty']],
    [{artifact_root: 'rel'}, ['artifact_root: must be an absolute path, got "rel"']],
    [{artifact_root: 5}, ['artifact_root: expected a string, got 5']],
    [{allowed_prefixes: ['/a', '', 'b', 3]}, ['allowed_prefixes[1]: must not be empty', 'allowed_prefixes[2]: must be an absolute path, got "b"', 'allowed_prefixes[3]: expected a string, got 3']],
    [{fallback_providers: {a: ['x', ''], b: 'y'}}, ['fallback_providers.a[1]: must not be empty', 'fallback_providers.b: expected an array, got "y"']],
    [{thresholds: {stall_minutes: -1, no_op_minutes: '3', first_output_seconds: 1.5, rc_grace_seconds: null, extra: 1}},
      ['thresholds.stall_minutes: must be at least 0, got -1', 'thresholds.no_op_minutes: expected a number, got "3"', 'thresholds.rc_grace_seconds: expected a number, got null', 'thresholds.extra: unknown key']],
    [{log_retention: {keep_logs: 0}}, ['log_retention.keep_logs: must be at least 1, got 0']],
    [{log_retention: {keep_logs: 0.5}}, ['log_retention.keep_logs: expected a integer, got 0.5']],
    [{hosts: {a: {}, b: {ssh: '-oProxy'}, c: {ssh: ' x', port: 3}, d: {ssh: 'ok', connect_timeout_seconds: 0, dx_runner: ''}, e: 'str', 0: {ssh: ''}}},
      ['hosts.0.ssh: must not be empty', 'hosts.a.ssh: required', 'hosts.b.ssh: must not start with "-" or a space, got "-oProxy"', 'hosts.c.ssh: must not start with "-" or a space, got " x"',
        'hosts.c.port: unknown key', 'hosts.d.connect_timeout_seconds: must be at least 1, got 0', 'hosts.d.dx_runner: must not be empty', 'hosts.e: expected an object, got "str"']],
    [{zz: 1, artifact_root: 'x', aa: 2, hosts: {q: {port: 1}}}, ['zz: unknown key', 'artifact_root: must be an absolute path, got "x"', 'aa: unknown key', 'hosts.q.ssh: required', 'hosts.q.port: unknown key']],
    [{hosts: {'a/b~c': {ssh: ''}}}, ['hosts.a/b~c.ssh: must not be empty']],
    [{$schema: 'x', thresholds: {stall_minutes: 2}, hosts: {a: {ssh: 'h'}}}, []],
  ]
  it('each problem is one line naming the key, in the order the keys stand in the file', () => {
    for (const [doc, lines] of cases) expect(validateConfig(doc), JSON.stringify(doc)).to.deep.equal(lines)
  })
})
