import { request } from 'undici';

/** One JSON request of a benchmark's set-up; anything but `expect` is a failed set-up, thrown with the body. */
export async function json<T>(url: string, init: Parameters<typeof request>[1], expect = 200): Promise<T> {
  const response = await request(url, init);
  const text = await response.body.text();
  if (response.statusCode !== expect) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.statusCode} ${text}`);
  return JSON.parse(text) as T;
}
