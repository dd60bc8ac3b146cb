import {expect} from 'chai'
import {maxParallelEnv} from '@dx-runner/core'
import {resolveConcurrency} from '../dist/lib/concurrency.js'

describe('start: concurrency settings (flag > environment > config > default)', () => {
  const cases = [
    ['nothing set: no limit, 300 s wait', {}, {}, {}, {maxParallel: null, queueTimeoutSec: 300, queue: false}],
    ['the config', {}, {}, {max_parallel: {'cc-glm': 3}, queue_timeout_sec: 20}, {maxParallel: 3, queueTimeoutSec: 20, queue: false}],
    ['the environment beats the config', {}, {DX_RUNNER_MAX_PARALLEL_CC_GLM: '4', DX_RUNNER_QUEUE_TIMEOUT_SEC: '5'}, {max_parallel: {'cc-glm': 3}, queue_timeout_sec: 20}, {maxParallel: 4, queueTimeoutSec: 5, queue: false}],
    ['a flag beats the environment', {'max-parallel': '2', 'queue-timeout': '0', queue: true}, {DX_RUNNER_MAX_PARALLEL_CC_GLM: '4'}, {}, {maxParallel: 2, queueTimeoutSec: 0, queue: true}],
    ["another provider's limit does not apply", {}, {DX_RUNNER_MAX_PARALLEL_GEMINI: '1'}, {max_parallel: {gemini: 1}}, {maxParallel: null, queueTimeoutSec: 300, queue: false}],
  ]
  for (const [name, flags, env, config, want] of cases) {
    it(name, () => expect(resolveConcurrency('cc-glm', flags, env, config)).to.deep.equal(want))
  }

  it('names the variable with the provider upper-cased and - as _', () => expect(maxParallelEnv('cc-glm')).to.equal('DX_RUNNER_MAX_PARALLEL_CC_GLM'))

  for (const [flags, env, what] of [
    [{'max-parallel': '0'}, {}, '--max-parallel'],
    [{'max-parallel': '1.5'}, {}, '--max-parallel'],
    [{}, {DX_RUNNER_MAX_PARALLEL_CC_GLM: 'many'}, 'DX_RUNNER_MAX_PARALLEL_CC_GLM'],
    [{'queue-timeout': '-1'}, {}, '--queue-timeout'],
  ]) {
    it(`refuses ${JSON.stringify({...flags, ...env})} in one line naming ${what} (exit 1)`, () => {
      let error
      try {
        resolveConcurrency('cc-glm', flags, env, {})
      } catch (e) {
        error = e
      }
      expect(error?.message).to.match(new RegExp(`^invalid ${what}`))
      expect(error?.exitCode).to.equal(1)
    })
  }
})
