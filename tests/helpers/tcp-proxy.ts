import net from 'node:net';

/**
 * A TCP proxy in front of the shared Redis, so a test can cut one instance's connection (and
 * restore it), or slow it down, without stopping the server other tests use.
 */
export const createTcpProxy = async (targetPort: number, listenPort = 0) => {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let delayMs = 0;

  /** Forwards `from` to `to`, each chunk `delayMs` late, in order (a chunk never overtakes an earlier one). */
  const relay = (from: net.Socket, to: net.Socket) => {
    const queue: { chunk: Buffer; at: number }[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      while (queue.length > 0 && queue[0].at <= Date.now()) {
        const { chunk } = queue.shift()!;
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(flush, queue[0].at - Date.now());
    };
    from.on('data', (chunk: Buffer) => {
      if (delayMs === 0 && queue.length === 0) {
        to.write(chunk);
        return;
      }
      queue.push({ chunk, at: Math.max(Date.now() + delayMs, queue.at(-1)?.at ?? 0) });
      timer ??= setTimeout(flush, queue[0].at - Date.now());
    });
  };

  const start = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        sockets.add(client);
        sockets.add(upstream);
        relay(client, upstream);
        relay(upstream, client);
        const close = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server!.address() as net.AddressInfo).port));
    });

  const port = await start(listenPort);
  return {
    port,
    /** Drops every connection and stops accepting new ones: Redis is "down" for whoever uses the proxy. */
    async cut() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
    restore: () => start(port),
    /** Delays every chunk both ways by `ms` from now on (0: none): a slow network or a Redis that answers late. */
    delay(ms: number) {
      delayMs = ms;
    },
    close() {
      return this.cut();
    },
  };
};
