import net from 'node:net';

/**
 * A TCP proxy in front of the shared Redis, so a test can cut one instance's connection (and
 * restore it) without stopping the server other tests use.
 */
export const createTcpProxy = async (targetPort: number, listenPort = 0) => {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;

  const start = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        sockets.add(client);
        sockets.add(upstream);
        client.pipe(upstream).pipe(client);
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
    close() {
      return this.cut();
    },
  };
};
