export const PACKAGE = '@starling/cli';
