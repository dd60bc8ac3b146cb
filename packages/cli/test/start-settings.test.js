import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {applyConfig, envFromConfig} from '../dist/lib/config.js'
import {configLayer, flagLayer} from '../dist/lib/start-settings.js'

describe('start settings from flags and the config (lib/start-settings.ts)', () => {
  it("start's flags become settings: --timeout in minutes, lists split, numbers checked", () => {
    expect(flagLayer({})).to.deep.equal({})
    expect(flagLayer({provider: 'cc-glm', model: 'm', timeout: '90s', 'fallback-provider': 'a, b', 'fallback-model': 'x', 'max-parallel': '4', 'queue-timeout': '2.5'})).to.deep.equal({
      provider: 'cc-glm', model: 'm', max_runtime_minutes: 1.5, fallback_providers: ['a', 'b'], fallback_models: ['x'], max_parallel: 4, queue_timeout_sec: 2.5,
    })
    expect(() => flagLayer({'max-parallel': '0'})).to.throw(/^invalid --max-parallel "0"/)
    expect(() => flagLayer({'queue-timeout': '-1'})).to.throw(/^invalid --queue-timeout "-1"/)
  })

  it("the config's per-provider values follow the provider", () => {
    const config = {default_provider: 'gemini', max_parallel: {'cc-glm': 2}, fallback_providers: {'cc-glm': ['opencode']}, queue_timeout_sec: 5, thresholds: {stall_minutes: 3}}
    expect(configLayer(config, 'cc-glm')).to.deep.equal({provider: 'gemini', stall_minutes: 3, queue_timeout_sec: 5, fallback_providers: ['opencode'], max_parallel: 2})
    expect(configLayer(config, 'gemini')).to.deep.equal({provider: 'gemini', stall_minutes: 3, queue_timeout_sec: 5})
  })

  it('applyConfig remembers the variables it filled in from the config, not the ones the user set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dxr-config-'))
    try {
      const file = join(dir, 'config.json')
      writeFileSync(file, JSON.stringify({thresholds: {stall_minutes: 3, no_op_minutes: 4}, queue_timeout_sec: 7}))
      const env = {DX_RUNNER_CONFIG: file, DX_RUNNER_NO_OP_MINUTES: '9'}
      applyConfig(env)
      expect(env).to.include({DX_RUNNER_STALL_MINUTES: '3', DX_RUNNER_NO_OP_MINUTES: '9', DX_RUNNER_QUEUE_TIMEOUT_SEC: '7'})
      expect([...envFromConfig()]).to.include.members(['DX_RUNNER_STALL_MINUTES', 'DX_RUNNER_QUEUE_TIMEOUT_SEC']).and.not.include('DX_RUNNER_NO_OP_MINUTES')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
