export const PACKAGE = '@starling/native';
