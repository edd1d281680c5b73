import type { EndpointLog } from '@starling/transport';

/** The slice of a pino logger the parameter server uses. */
export interface ServerLog extends EndpointLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
