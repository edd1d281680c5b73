export const PACKAGE = '@starling/worker';
