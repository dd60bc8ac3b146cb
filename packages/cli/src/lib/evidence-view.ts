import {readJsonFile, type ClaimResult, type GateResult, type JobPaths} from '@dx-runner/core'
import {lines} from './output.js'
import {markdownCell, printable} from './printable.js'

/** One line per claim: its status, kind and words, the command and how it ended. */
function claimLine(c: ClaimResult): string {
  const run = c.run
  const how = run === null ? 'no command declared' : run.timed_out ? `timed out after ${Math.round(run.duration_ms / 1000)}s` : run.exit_code === null ? `killed by ${run.signal}` : `exit ${run.exit_code} in ${(run.duration_ms / 1000).toFixed(1)}s`
  return `  ${c.status.padEnd(12)} ${(c.kind ?? '-').padEnd(9)} ${printable(c.text)}${c.command === null ? '' : `  [${printable(c.command)}: ${how}]`}`
}

/** evidence-gate's human output (agent text made printable). */
export function evidenceText(r: GateResult): string {
  const d = r.details as {head?: string | null; dirty?: boolean; claims?: ClaimResult[]; message?: string}
  return lines(
    `evidence gate: ${r.passed ? 'passed' : `FAILED (${r.reason_code})`} at ${d.head ? d.head.slice(0, 12) : 'no commit'}${d.dirty ? ' (uncommitted changes)' : ''}`,
    ...(d.claims ?? []).map(claimLine),
    ...(d.message ? [`  ${d.message}`] : []),
  )
}

/** The job's last evidence-gate result (its evidence-gate artifact), for report; undefined when none was run. */
export function recordedEvidence(paths: JobPaths): GateResult | undefined {
  const r = readJsonFile<GateResult>(paths.evidenceGate)
  return r.kind === 'ok' && r.value.gate === 'evidence' ? r.value : undefined
}

/** report --format markdown's Evidence section: one row per claim. */
export function evidenceMarkdown(r: GateResult): string[] {
  const d = r.details as {head?: string | null; claims?: ClaimResult[]; checked_at?: string}
  const out = ['## Evidence', '', `${r.passed ? 'passed' : `failed (${markdownCell(r.reason_code ?? '-')})`} at ${markdownCell(d.head ?? 'no commit')}, ${markdownCell(d.checked_at ?? '')}`, '', '| claim | kind | status | command | exit | duration (s) |', '| --- | --- | --- | --- | --- | --- |']
  for (const c of d.claims ?? []) {
    const exit = c.run === null ? '-' : c.run.timed_out ? 'timed out' : c.run.exit_code === null ? String(c.run.signal) : String(c.run.exit_code)
    out.push(`| ${markdownCell(c.text)} | ${c.kind ?? '-'} | ${c.status} | ${markdownCell(c.command ?? '-')} | ${markdownCell(exit)} | ${c.run === null ? '-' : (c.run.duration_ms / 1000).toFixed(1)} |`)
  }
  return out
}
