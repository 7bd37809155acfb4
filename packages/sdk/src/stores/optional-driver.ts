import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';

// The database drivers are optional peer dependencies: an app with the JSON store installs no
// native module, so each driver is loaded only when a store that needs it is created.
const require = createRequire(import.meta.url);

function load<T>(name: string, store: string): T {
  try {
    return require(name) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error(`${store} needs the optional dependency "${name}": run \`npm install ${name}\` in your app.`);
    }
    throw error;
  }
}

/** better-sqlite3's constructor, for the SQLite stores. */
export function loadBetterSqlite3(store: string): typeof BetterSqlite3 {
  return load<typeof BetterSqlite3>('better-sqlite3', store);
}

/** node-postgres, for the PostgreSQL stores. */
export function loadPg(store: string): typeof pg {
  return load<typeof pg>('pg', store);
}
