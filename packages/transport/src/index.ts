export type {
  CodecRejectReason,
  DecodedTensor,
  DecodeLimits,
  DecodeOptions,
  DecodeResult,
  EncodedTensors,
  TensorInput,
} from './codec.js';
export { DEFAULT_DECODE_LIMITS, decodeMessage, encodeHeader, encodeMessage, encodeTensors } from './codec.js';
export type { DealerOptions } from './dealer-endpoint.js';
export { DealerEndpoint } from './dealer-endpoint.js';
export type { Dtype, TensorArray } from './dtypes.js';
export { DTYPES, itemSize } from './dtypes.js';
export type { SendOptions } from './endpoint.js';
export type {
  EndpointLog,
  EndpointOptions,
  IncomingMessage,
  PeerEvent,
  RejectEvent,
  RejectReason,
} from './endpoint-options.js';
export { EXAMPLE_HEADERS } from './examples.js';
export type { HostPresence } from './host-presence.js';
export { HostWatch } from './host-presence.js';
export type { JsonValue } from './json-value.js';
export { toJsonValue } from './json-value.js';
export { type EmulatedLink, LinkShaper } from './link-shaper.js';
export type { EndpointStats, LinkCounters, RefusedCounters } from './link-stats.js';
export type {
  ByeHeader,
  ErrorHeader,
  GossipHeader,
  Header,
  HeaderOf,
  HeartbeatHeader,
  HelloHeader,
  HoldHeader,
  LostHeader,
  MovedHeader,
  NodeStateHeader,
  OutgoingHeader,
  PeerStateHeader,
  ProceedHeader,
  SnapshotHeader,
  TaskHeader,
  TensorDescriptor,
  UpdateHeader,
  UpdatesHeader,
  WelcomeHeader,
} from './messages.js';
export { HEADER_SCHEMAS } from './messages.js';
export type { NodeStatePayload } from './node-state.js';
export { nodeStateMessage, readNodeState } from './node-state.js';
export type { NonFiniteScan } from './non-finite.js';
export { checkNonFiniteScan, firstNonFinite } from './non-finite.js';
export type { DropReason, SendResult } from './outbox.js';
export type { MessageType } from './protocol.js';
export {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  ENDPOINT_PATTERN,
  ID_PATTERN,
  MAX_NODE_ID,
  MAX_PAYLOAD_FRAMES,
  MAX_ROUND,
  MAX_SEQ,
  MAX_TENSORS,
  MESSAGE_TYPES,
  NO_NODE,
  PROTOCOL_VERSION,
  TO_DEALER,
  TO_ROUTER,
} from './protocol.js';
export type { ReductionChain } from './reduction-chain.js';
export { markAndDrain, markAndDrainFlags, markHeld, takeHead } from './reduction-chain.js';
export type { RouterOptions } from './router-endpoint.js';
export { peerIdOf, RouterEndpoint } from './router-endpoint.js';
export type { CurveIdentity, DealerSecurity, RouterSecurity } from './security/identity.js';
export { CURVE_CHUNK_BYTES, generateIdentity } from './security/identity.js';
export type { KeyFilePaths, NamedKey } from './security/key-files.js';
export {
  KEY_FILE_KIND,
  loadAllowList,
  loadIdentity,
  loadPublicKey,
  PUBLIC_SUFFIX,
  SECRET_SUFFIX,
  writeIdentity,
} from './security/key-files.js';
export { secureRoutingId, TAG_LENGTH, TAG_SEPARATOR, tagFor } from './security/routing-tag.js';
export { publicKeyOf, sharedSecret } from './security/x25519.js';
export { isCurveKey, z85Decode, z85Encode } from './security/z85.js';
export type { ZapRegistration } from './security/zap-handler.js';
export { registerZapDomain, ZAP_ENDPOINT, zapHandlerOpen } from './security/zap-handler.js';
export { type LaneUpdate, SHARED_CODEC, SharedLane, sharedReference } from './shared-lane.js';
export { SharedReduction } from './shared-reduction.js';
export type { ShmBinding } from './shm-region.js';
export { ShmMapping } from './shm-region.js';
export type { ShmReduction, ShmTaskConfig } from './shm-rounds.js';
export { ShmRounds } from './shm-rounds.js';
export type { SlotViews } from './shm-slot.js';
export { joinSlot, leaveSlot, slotLayout, slotViews } from './shm-slot.js';
