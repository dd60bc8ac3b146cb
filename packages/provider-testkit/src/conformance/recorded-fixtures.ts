import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {telemetryFromLines, type OutcomeClass, type ProviderV1, type Telemetry} from '@dx-runner/core'

/** What the recorder wrote about one run in index.json. */
export interface RecordingInfo {
  /** the CLI's exit code; absent when the recorder killed it (hang) */
  exit_code?: number | null
  scenario?: string
  cli_version?: string
  [key: string]: unknown
}

/** A directory of recordings as `record-claude-fixtures.js` writes them: <name>.stdout.jsonl, <name>.stderr.txt, index.json. */
export interface RecordedFixtures {
  index: Record<string, RecordingInfo>
  /** one recording's lines: its stdout, then its stderr */
  lines(name: string): string[]
  /** every line of every recording (the conformance suite's `fixtureLines`) */
  allLines(): string[]
  /** the provider's parser folded over one recording */
  telemetryOf(name: string): Telemetry
  /** the provider's classifyExit on one recording; a run the recorder killed counts as exit 137 */
  classify(name: string): OutcomeClass
}

export function recordedFixtures(dir: string, provider: Pick<ProviderV1, 'parseEvent' | 'classifyExit'>): RecordedFixtures {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, RecordingInfo>
  const read = (file: string): string[] => readFileSync(join(dir, file), 'utf8').split('\n')
  const lines = (name: string): string[] => [...read(`${name}.stdout.jsonl`), ...read(`${name}.stderr.txt`)]
  const telemetryOf = (name: string): Telemetry => telemetryFromLines(lines(name), provider.parseEvent)
  return {
    index,
    lines,
    allLines: () => readdirSync(dir).filter((n) => n.endsWith('.jsonl') || n.endsWith('.txt')).flatMap(read),
    telemetryOf,
    classify: (name) => provider.classifyExit({exit_code: index[name]?.exit_code ?? 137, telemetry: telemetryOf(name)}),
  }
}
