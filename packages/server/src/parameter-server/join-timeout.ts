import { errors } from '@starling/core';
import type { Membership } from './membership.js';

/**
 * Arms a server's join deadline: unless all `hosts` expected hosts joined (the run started) within `ms`
 * milliseconds, `fail` is called with a `runtime` StarlingError saying how many did. Clear the returned
 * timer when the run ends.
 */
export function armJoinTimeout(
  membership: Membership,
  hosts: number,
  ms: number,
  fail: (err: unknown) => void,
): NodeJS.Timeout {
  return setTimeout(() => {
    if (membership.started) return;
    fail(errors.runtime(`only ${membership.joined} of ${hosts} worker hosts joined within ${ms} ms`));
  }, ms);
}
