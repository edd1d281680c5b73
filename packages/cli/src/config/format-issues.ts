/** Starling's zod issue formatter lives with the spec schemas in @starling/core. */
export { formatIssues } from '@starling/core';
