/**
 * Loads `@switchboard/platform` on demand. The SDK does not depend on the platform (an app in
 * production never runs it); only the test kit does, so it is imported at run time and a
 * missing package gives an actionable error instead of a failed SDK import.
 */

/** The part of the platform's public API the test kit uses. */
export interface InProcessPlatform {
  listen(): Promise<string>;
  close(): Promise<void>;
}

interface PlatformModule {
  defaultConfig(overrides: Record<string, unknown>): unknown;
  createPlatform(config: unknown): Promise<InProcessPlatform>;
}

export interface PlatformStartOptions {
  dataDir: string;
  demoPassword: string;
  /** Extra `PlatformConfig` fields (e.g. `eventTimeoutMs`). */
  config?: Record<string, unknown>;
}

// A variable specifier keeps TypeScript from compiling the platform into the SDK's project.
const PLATFORM_PACKAGE = '@switchboard/platform';

/**
 * Starts a platform on loopback (port 0) with the demo workspace (alice, bob, #general).
 * @example const platform = await startInProcessPlatform({ dataDir, demoPassword: 'pw-123456' });
 */
export async function startInProcessPlatform(options: PlatformStartOptions): Promise<{ platform: InProcessPlatform; url: string }> {
  let mod: PlatformModule;
  try {
    mod = (await import(PLATFORM_PACKAGE)) as PlatformModule;
  } catch (error) {
    throw new Error(`@switchboard/sdk/testing needs @switchboard/platform installed (npm i -D @switchboard/platform): ${String(error)}`);
  }
  const config = mod.defaultConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir: options.dataDir,
    databaseUrl: undefined,
    // A fresh key per run: nothing the kit writes outlives the test.
    secretKey: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64'),
    logLevel: 'silent',
    seedDemo: true,
    demoPassword: options.demoPassword,
    // The app under test listens on loopback, which a production platform refuses to call.
    allowPrivateTargets: true,
    ...options.config,
  });
  const platform = await mod.createPlatform(config);
  try {
    return { platform, url: await platform.listen() };
  } catch (error) {
    await platform.close().catch(() => {});
    throw error;
  }
}
