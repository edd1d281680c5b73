/** Zod issues in Starling's form (`<path> must be <expected>, got <found>`): one formatter, in core. */
export { formatIssues } from '@starling/core';
