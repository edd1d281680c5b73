export const PACKAGE = '@starling/topologies';
