import type { Socket } from 'zeromq';
import type { LinkStats } from './link-stats.js';

const COUNTED = [
  'accept',
  'connect',
  'connect:retry',
  'handshake',
  'handshake:error:protocol',
  'handshake:error:auth',
  'handshake:error:other',
] as const;

/**
 * Counts a socket's connection events, calls `onDisconnect` on each `disconnect` and `onHandshake` on
 * each completed ZMTP handshake, `onRetry` on each failed (re)connection attempt. ZeroMQ reports
 * these per TCP/IPC connection, never per routing id, so they are hints: the endpoint decides which
 * peer is gone by other means (a DEALER has only one connection; a ROUTER probes its peers).
 */
export function watchConnections(
  socket: Socket,
  stats: LinkStats,
  onDisconnect: () => void,
  onHandshake: () => void = () => {},
  onRetry: () => void = () => {},
): void {
  const events = socket.events;
  events.on('handshake', () => onHandshake());
  events.on('connect:retry', () => onRetry());
  for (const type of COUNTED) events.on(type, () => stats.connection(type));
  events.on('disconnect', () => {
    stats.connection('disconnect');
    onDisconnect();
  });
}
