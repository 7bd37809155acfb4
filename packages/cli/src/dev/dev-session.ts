import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Manifest, ManifestResponse } from '@switchboard/protocol';
import { CliError, ExitCode } from '../api/errors.js';
import { paint } from '../api/output.js';
import { loadManifest } from '../manifest/load.js';
import { appEnvironment } from './app-env.js';
import { type AppFolder, findAppFolder } from './app-folder.js';
import { ensureInstalled, handOverInstall } from './app-install.js';
import { appLaunch } from './app-launch.js';
import { AppProcess } from './app-process.js';
import { knownRegistration, syncApp } from './app-registration.js';
import { DeliveryTap } from './delivery-tap.js';
import { printChanges, printDelivery, say } from './dev-output.js';
import type { DevPlatform } from './dev-platform.js';
import { startEmbeddedPlatform } from './embedded-platform.js';
import { describeRoutes, localManifest } from './local-manifest.js';
import { freePort, waitForPort } from './port-wait.js';
import { connectRemotePlatform } from './remote-platform.js';
import { watchAppFolder } from './source-watcher.js';

export interface DevOptions {
  cwd: string;
  /** The embedded platform's port. */
  port: number;
  host: string;
  /** Where the platform delivers (the tap); 0 picks a free port. Default: the port of manifest.json's URLs when free. */
  appPort?: number;
  /** The base URL the platform reaches the app at, when not this machine's loopback (`--platform`). */
  appUrl?: string;
  /** A remote Switchboard instead of the embedded one. */
  platform?: string;
  /** Start the app with this shell command instead of its entry file. */
  command?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** The port of the manifest's first loopback URL (`http://localhost:3000/slash` → 3000). */
function manifestPort(manifest: Manifest): number | undefined {
  const urls = [...manifest.slashCommands.map((command) => command.url), manifest.eventSubscriptions.url, ...manifest.redirectUrls];
  for (const url of urls) {
    const { hostname, port } = new URL(url);
    if (port && ['localhost', '127.0.0.1', '[::1]'].includes(hostname)) return Number(port);
  }
  return undefined;
}

/** Where this machine reaches a server bound to `host`. */
const loopbackHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

/** How long a freshly started app has to open its port before dev says so. */
const APP_START_TIMEOUT_MS = 30_000;

/**
 * The dev loop: a platform (embedded or remote), the app registered from manifest.json with
 * local URLs, installed, started with its credentials in the environment, restarted when a
 * source file changes, re-synced when the manifest does; every delivery printed as it happens.
 */
export class DevSession {
  private platform: DevPlatform | undefined;
  private tap: DeliveryTap | undefined;
  private app: AppProcess | undefined;
  private stopWatching: (() => void) | undefined;
  private stopFeed: (() => void) | undefined;
  private registration: ManifestResponse | undefined;
  private env: NodeJS.ProcessEnv = {};
  /** Restarts and syncs run one at a time, in order. */
  private work: Promise<void> = Promise.resolve();
  private stopped = false;
  private appPort: number | undefined;
  private base = '';
  private socketMode = false;
  readonly folder: AppFolder;

  constructor(private readonly options: DevOptions) {
    this.folder = findAppFolder(options.cwd);
  }

  async start(): Promise<void> {
    const { folder, options } = this;
    const manifest = loadManifest(folder.manifestPath);
    const launch = appLaunch(folder.dir, options.command);
    mkdirSync(folder.stateDir, { recursive: true });
    this.socketMode = manifest.socketMode === true;

    if (!this.socketMode) {
      const appPort = await freePort();
      this.appPort = appPort;
      this.tap = new DeliveryTap({ appPort, appReady: (ms) => waitForPort(appPort, ms, () => this.app?.running === true), report: printDelivery });
      const tapPort = await this.listenTap(this.tap, manifest);
      this.base = (options.appUrl ?? `http://127.0.0.1:${tapPort}`).replace(/\/+$/, '');
    } else {
      this.base = options.appUrl ?? 'http://127.0.0.1';
    }
    this.app = new AppProcess(launch, folder.dir, {
      onExit: (code, signal) => say(paint('red', `The app stopped (${signal ?? `exit code ${code}`}). Save a file to start it again.`)),
    });

    // With last run's registration at hand, the app boots while the platform does (each takes
    // seconds); the sync below restarts it only if its credentials turn out different.
    const port = options.platform || options.port !== 0 ? options.port : await freePort(options.host);
    const early = options.platform ? undefined : knownRegistration(folder.stateDir);
    if (early && existsSync(this.tokenFile)) {
      this.env = appEnvironment(`http://${loopbackHost(options.host)}:${port}`, early, this.tokenFile, this.appPort);
      this.app.start(this.env);
    }
    this.platform = options.platform
      ? await connectRemotePlatform(options.platform)
      : await startEmbeddedPlatform({ dataDir: folder.stateDir, port, host: options.host, logLevel: options.logLevel });
    const startedWith = JSON.stringify(this.env);
    const { installed } = await this.sync(manifest, true);
    if (!this.app.running) await this.startApp();
    else if (installed || JSON.stringify(this.env) !== startedWith) await this.restart('the registration');
    else await this.waitForApp();
    if (this.socketMode && this.registration) this.stopFeed = this.platform.watchDeliveries?.(this.registration.id, printDelivery);
    if (options.command && this.registration) await this.handOverInstall(this.registration);
    await this.printBanner(launch.label);
    this.stopWatching = watchAppFolder(folder.dir, {
      onSource: (file) => this.enqueue(() => this.restart(file)),
      onManifest: () => this.enqueue(() => this.resync()),
    });
  }

  /** Stops the watcher, the app (and its process group), the tap and the platform. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopWatching?.();
    this.stopFeed?.();
    await this.app?.stop();
    await this.tap?.close();
    await this.platform?.close();
  }

  /**
   * The tap listens where manifest.json says the app is (e.g. localhost:3000), so the platform's
   * copy stays the same from one run to the next; on a busy port, anywhere. An explicit
   * `--app-port` that is busy is an error.
   */
  private async listenTap(tap: DeliveryTap, manifest: Manifest): Promise<number> {
    const wanted = this.options.appPort;
    try {
      return await tap.listen(wanted ?? manifestPort(manifest) ?? 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      if (wanted !== undefined) throw new CliError(`Port ${wanted} is already in use.`, ExitCode.Usage, 'Pass --app-port <another port> (0 picks a free one).');
      return tap.listen(0);
    }
  }

  /** Kills the app's process group at once (the dev process is exiting without a clean stop). */
  killApp(): void {
    this.app?.killNow();
  }

  private enqueue(task: () => Promise<void>): void {
    this.work = this.work.then(async () => {
      if (this.stopped) return;
      try {
        await task();
      } catch (error) {
        say(paint('red', error instanceof Error ? error.message : String(error)));
        if (error instanceof CliError && error.hint) say(error.hint);
      }
    });
  }

  /** An app started with --command may keep its own tokens (another Pumble SDK): it gets the install through its redirect URL. */
  private async handOverInstall(app: ManifestResponse): Promise<void> {
    try {
      const status = await handOverInstall(this.platform as DevPlatform, app);
      if (status !== undefined) say(`Install handed to the app's redirect URL (HTTP ${status}).`);
    } catch (error) {
      say(paint('yellow', `Handing the install to the app's redirect URL failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  private async startApp(): Promise<void> {
    (this.app as AppProcess).start(this.env);
    await this.waitForApp();
  }

  private async waitForApp(): Promise<void> {
    const app = this.app as AppProcess;
    if (this.appPort === undefined) return;
    const up = await waitForPort(this.appPort, APP_START_TIMEOUT_MS, () => app.running);
    if (!up && app.running) say(paint('yellow', `The app has not opened port ${this.appPort} (its PORT variable) after ${APP_START_TIMEOUT_MS / 1000} s.`));
  }

  private async restart(file: string): Promise<void> {
    say(`${file} changed: restarting the app`);
    await this.app?.stop();
    await this.startApp();
  }

  private async resync(): Promise<void> {
    const manifest = loadManifest(this.folder.manifestPath);
    if ((manifest.socketMode === true) !== this.socketMode) {
      say(paint('yellow', 'socketMode changed: stop dev (Ctrl-C) and start it again to switch transports.'));
      return;
    }
    // The app reads manifest.json when it starts (the SDK checks its listeners against it), and a
    // renewed install brings a new bot token: either way it restarts to see the new state.
    const { changed, installed } = await this.sync(manifest, false);
    if (changed || installed) await this.restart('manifest.json');
  }

  private get tokenFile(): string {
    return join(this.folder.stateDir, 'tokens.json');
  }

  /** Syncs the registration and the install (and the app's environment with them). */
  private async sync(manifest: Manifest, first: boolean): Promise<{ changed: boolean; installed: boolean }> {
    const platform = this.platform as DevPlatform;
    const local = localManifest(manifest, this.base);
    const result = await syncApp(platform, local, this.folder.dir, this.folder.stateDir);
    this.registration = result.app;
    const name = `${paint('bold', result.app.displayName)} (${result.app.id})`;
    if (result.created) say(`Registered ${name} from manifest.json.`);
    else if (result.changes.length > 0) {
      say(`Synced manifest.json to ${name}:`);
      printChanges(result.changes);
    } else if (!first) say('manifest.json changed nothing the platform keeps.');
    if (first || result.changes.length > 0) {
      for (const line of describeRoutes(local)) say(`  ${paint('gray', line)}`);
    }
    const install = await ensureInstalled(platform, result.app, this.tokenFile, result.botScopesChanged);
    if (install.installed) say(`Installed it in the workspace${install.botId ? '; its bot is in #general' : ''}.`);
    this.env = appEnvironment(platform.url, result.app, this.tokenFile, this.appPort);
    return { changed: result.created || result.changes.length > 0, installed: install.installed };
  }

  private async printBanner(label: string): Promise<void> {
    const platform = this.platform as DevPlatform;
    const where = platform.embedded ? `embedded, data in ${relative(process.cwd(), this.folder.stateDir) || '.'}` : 'remote';
    say(`Platform  ${platform.url} (${where})`);
    if (this.appPort !== undefined) say(`App       ${label}, on port ${this.appPort}; the platform delivers to ${this.base}`);
    else say(`App       ${label}, socket mode`);
    if (platform.demoPassword) say(`Demo people alice@example.com and bob@example.com, password ${platform.demoPassword} (shown once)`);
    const link = await platform.signInLink();
    if (link) say(`Chat      ${paint('cyan', link)}  (signs in ${platform.person}; single use, 10 minutes)`);
    const command = this.registration?.slashCommands[0]?.command;
    if (!this.app?.running) say(paint('red', 'The app is not running (its output is above): fix it and save a file to start it again.'));
    say(
      `Ready. ${command ? `Try ${paint('bold', `${command} hi`)} in #general. ` : ''}Saving a file restarts the app; saving manifest.json re-syncs it. Ctrl-C stops.`,
    );
  }
}
