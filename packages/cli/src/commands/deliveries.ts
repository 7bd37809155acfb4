import { Command, InvalidArgumentError, Option } from 'commander';
import { type DeliveryRow, deliveriesApi } from '../api/deliveries.js';
import { action, out, paint, printJson, printTable, usageExitCode } from '../api/output.js';
import { appContext } from './apps-context.js';

function limit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('a number from 1 to 1000');
  return n;
}

const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const STATUS_STYLE = { delivered: 'green', failed: 'red', pending: 'yellow', cancelled: 'gray' } as const;

interface ListOptions {
  app?: string;
  failed?: boolean;
  status?: string;
  event?: string;
  limit: number;
  json?: boolean;
}

/** `switchboard deliveries`: the app's event deliveries, newest first. */
export function deliveriesCommand(): Command {
  return usageExitCode(
    new Command('deliveries')
      .description("List an app's event deliveries, newest first (status, attempts, last HTTP status and error).")
      .option('--app <appId>', "the app (default: this folder's)")
      .option('--failed', 'only deliveries that gave up (same as --status failed)')
      .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'delivered', 'failed', 'cancelled']))
      .option('--event <type>', 'only this event type, e.g. NEW_MESSAGE')
      .option('--limit <n>', 'how many (newest first)', limit, 50)
      .option('--json', 'print JSON')
      .action(
        action(async (options: ListOptions) => {
          const { client, appId } = appContext(options.app);
          const status = options.failed ? 'failed' : options.status;
          const rows: DeliveryRow[] = [];
          let cursor: string | undefined;
          // The API pages by 100 at most; follow the cursor up to the limit asked for.
          while (rows.length < options.limit) {
            const page = await deliveriesApi.list(client, appId, {
              status,
              eventType: options.event,
              limit: Math.min(100, options.limit - rows.length),
              cursor,
            });
            rows.push(...page.deliveries);
            if (!page.nextCursor) break;
            cursor = page.nextCursor;
          }
          if (options.json) return printJson(rows);
          if (rows.length === 0) return out(status ? `No ${status} deliveries.` : 'No deliveries yet.');
          printTable(
            ['ID', 'EVENT', 'STATUS', 'ATTEMPTS', 'HTTP', 'CREATED', 'ERROR'],
            rows.map((row) => [
              row.id,
              row.eventType,
              paint(STATUS_STYLE[row.status], row.status + (row.inFlight ? '*' : '')),
              String(row.attemptCount),
              row.lastStatus === null ? '-' : String(row.lastStatus),
              time(row.createdAt),
              row.lastError ?? '',
            ]),
          );
          if (rows.some((row) => row.status === 'failed')) out(paint('gray', 'Send one again with `switchboard redeliver <id>`.'));
        }),
      ),
  );
}
