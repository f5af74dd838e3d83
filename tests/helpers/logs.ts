/**
 * Reads what Strapi's logger writes while a test boots an app: winston's console transport writes to
 * the console's own stdout (jest's console when several test files run), else through console.log.
 * Winston writes through a stream, after the call: keep the capture until the lines are checked.
 */
export const captureLogs = () => {
  const logged: string[] = [];
  const stdout = (console as unknown as { _stdout?: NodeJS.WriteStream })._stdout ?? process.stdout;
  const write = stdout.write.bind(stdout);
  const spies = [
    jest.spyOn(stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return write(chunk);
    }),
    jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      logged.push(parts.map(String).join(' '));
    }),
  ];
  return {
    logged,
    /** Stops capturing (idempotent). */
    restore: () => {
      for (const spy of spies.splice(0)) spy.mockRestore();
    },
  };
};
