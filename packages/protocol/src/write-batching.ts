/** What `batchWritesPerTick` needs of a socket (a `net.Socket`). */
export interface CorkableSocket {
  cork(): void;
  uncork(): void;
}

/**
 * Returns a function to call before each write to `socket`: the writes of one tick (the frames of
 * a group of events, the acks of handlers that finished together) then leave in one system call.
 * On loopback a write also runs the receiver's TCP path, so one per frame costs as much as the
 * rest of handling it. Frames are unchanged: only how they are grouped into segments.
 * @example const beforeWrite = batchWritesPerTick(request.socket); beforeWrite(); ws.send(frame);
 */
export function batchWritesPerTick(socket: CorkableSocket): () => void {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return () => {
    if (corked) return;
    corked = true;
    socket.cork();
    process.nextTick(uncork);
  };
}
