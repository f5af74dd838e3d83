/** cluster-key-slot (ioredis's own dependency): the Redis Cluster slot of a key. */
declare module 'cluster-key-slot' {
  /** The slot (0–16383) of a key, by its hash tag `{…}` when it has one. */
  function calculateSlot(key: string | Buffer): number;
  namespace calculateSlot {
    /** The slot all the keys share, or -1 when they span slots. */
    function generateMulti(keys: (string | Buffer)[]): number;
  }
  export = calculateSlot;
}
