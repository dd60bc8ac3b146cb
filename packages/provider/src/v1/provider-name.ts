/** A provider's name: what users pass to --provider, and its artifact directory's name. */
export const PROVIDER_NAME_RE = /^[a-z0-9][a-z0-9-]{0,39}$/
