import { startPlatform, type TestPlatform as WebPlatform } from '../../../platform/test/harness.js';
import { ensureWebBuilt } from './web-build.js';

export const PASSWORD = 'web-test-password-1';

export type { TestPlatform as WebPlatform } from '../../../platform/test/harness.js';

/** A real platform on loopback (temp SQLite, demo workspace with alice and bob) serving the built page. */
export async function startWebPlatform(config: Record<string, unknown> = {}): Promise<WebPlatform> {
  await ensureWebBuilt();
  return startPlatform({ config: { demoPassword: PASSWORD, ...config } });
}

/** Signs in over the JSON API (for set-up steps the test does not drive through the page). */
export async function apiLogin(url: string, email: string): Promise<{ token: string; workspaceId: string; workspaceUserId: string }> {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { token: string; workspaceId: string; workspaceUserId: string };
}

/** A JSON call with a person's token. */
export async function apiCall<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authtoken: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
