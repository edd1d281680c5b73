export const PACKAGE = '@starling/server';
