export const PACKAGE = '@starling/transport';
