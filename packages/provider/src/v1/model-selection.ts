/** Which model a job runs, and why not the one asked for. */
export interface ModelSelection {
  selected_model: string
  /**
   * 'none' when the requested (or default) model was taken; otherwise one entry per model skipped,
   * `<model>: <reason_code>` joined by '; ' (e.g. 'glm-5: provider_model_unavailable'). Core uses the
   * same grammar with provider names when it falls back to another provider.
   */
  fallback_reason: string
}
