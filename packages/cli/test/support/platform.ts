import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform, defaultConfig, type Platform, type PlatformConfig } from '@switchboard/platform';

export const PASSWORD = 'cli-test-password-1';

export interface TestPlatform {
  url: string;
  platform: Platform;
  stop(): Promise<void>;
}

/** A real platform on loopback with the demo workspace (alice, bob), in a temp SQLite file. */
export async function startTestPlatform(config: Partial<PlatformConfig> = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-cli-platform-'));
  const platform = await createPlatform(
    defaultConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: undefined,
      secretKey: Buffer.alloc(32, 9).toString('base64'),
      logLevel: 'silent',
      seedDemo: true,
      demoPassword: PASSWORD,
      allowPrivateTargets: true,
      ...config,
    }),
  );
  const url = await platform.listen();
  return {
    url,
    platform,
    async stop() {
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
