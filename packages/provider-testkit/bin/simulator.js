#!/usr/bin/env node
// dx-runner-simulator [--scenario s] [--port n] [--expected-token-env VAR] [--models a,b] [--outside-file PATH]
// Prints {"url":…,"pid":…} on one line, serves until SIGTERM/SIGINT. The token comes from an env var, never argv.
import {parseArgs} from 'node:util'
import {startSimulator} from '../dist/simulator/index.js'

const {values} = parseArgs({options: {scenario: {type: 'string'}, port: {type: 'string'}, 'expected-token-env': {type: 'string'}, models: {type: 'string'}, 'outside-file': {type: 'string'}}})
const sim = await startSimulator({
  scenario: values.scenario,
  port: values.port ? Number(values.port) : 0,
  expectedToken: values['expected-token-env'] ? process.env[values['expected-token-env']] : undefined,
  models: values.models === undefined ? undefined : values.models.split(',').map((m) => m.trim()).filter(Boolean),
  outsideFile: values['outside-file'],
})
process.stdout.write(`${JSON.stringify({url: sim.url, pid: process.pid})}\n`)
const stop = async () => {
  await sim.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
