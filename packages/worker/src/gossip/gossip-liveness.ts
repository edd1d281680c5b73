/**
 * ZMTP heartbeat timing of every link of a gossip run (coordinator, host-to-coordinator, host-to-host),
 * in milliseconds. A ZMTP timeout measures how late the receiving process's ZeroMQ I/O thread gets the
 * CPU: libzmq runs its timers before reading the socket, so an I/O thread scheduled 600 ms late drops a
 * connection whose answer is already waiting. Gossip runs put many processes on few cores (64 peers on
 * 2 cores), where such delays are routine; 600 ms (the transport default) lost live hosts during set-up.
 * At 64 processes on 2 cores (load 120-140) even 5000 ms was exceeded now and then, so a host whose
 * connection dropped also gets `reconnectGraceMs` to come back before it counts as lost. A killed
 * process closes its connections at once (TCP) and refuses reconnection; a frozen one is dropped after
 * `zmtpTimeoutMs` + `reconnectGraceMs`.
 */
export const GOSSIP_ZMTP = { zmtpHeartbeatMs: 1000, zmtpTimeoutMs: 5000, reconnectGraceMs: 5000 } as const;
