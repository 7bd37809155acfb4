import type { ManifestResponse } from '@switchboard/protocol';

/**
 * What the app is told: the API and its registration, under our names and Pumble's, so an app
 * written for either SDK runs as is; the JSON file with its install's tokens; the port to listen on.
 */
export function appEnvironment(
  apiUrl: string,
  app: Pick<ManifestResponse, 'id' | 'appKey' | 'clientSecret' | 'signingSecret'>,
  tokenFile: string,
  port: number | undefined,
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SWITCHBOARD_API_URL: apiUrl,
    SWITCHBOARD_APP_ID: app.id,
    SWITCHBOARD_APP_KEY: app.appKey,
    SWITCHBOARD_CLIENT_SECRET: app.clientSecret,
    SWITCHBOARD_SIGNING_SECRET: app.signingSecret,
    SWITCHBOARD_TOKEN_FILE: tokenFile,
    PUMBLE_API_URL: apiUrl,
    PUMBLE_APP_ID: app.id,
    PUMBLE_APP_KEY: app.appKey,
    PUMBLE_APP_CLIENT_SECRET: app.clientSecret,
    PUMBLE_APP_SIGNING_SECRET: app.signingSecret,
    // The Pumble SDK uploads files to a host of their own; ours serves /upload/files itself.
    PUMBLE_FILEUPLOAD_URL: apiUrl,
    ...(port === undefined ? {} : { PORT: String(port) }),
  };
}
