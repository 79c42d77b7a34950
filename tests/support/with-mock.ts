import { type MockServerOptions, type RunningMock, startMock } from '../../mock/server.ts';

/** The mock in this process on a free port for `use`, closed after it, whatever `use` did. */
export async function withMock<T>(
  options: Omit<MockServerOptions, 'port'>,
  use: (mock: RunningMock) => Promise<T>,
): Promise<T> {
  const mock = await startMock({ ...options, port: 0 });
  try {
    return await use(mock);
  } finally {
    await mock.close();
  }
}
