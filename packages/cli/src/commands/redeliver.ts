import { Command } from 'commander';
import { deliveriesApi } from '../api/deliveries.js';
import { ApiError, CliError, ExitCode } from '../api/errors.js';
import { action, out, printJson, usageExitCode } from '../api/output.js';
import { appContext } from './apps-context.js';

/** `switchboard redeliver <id>`: send a delivery again, under the same delivery id. */
export function redeliverCommand(): Command {
  return usageExitCode(
    new Command('redeliver')
      .description('Send an event delivery again (same delivery id, fresh retry schedule).')
      .argument('<deliveryId>', 'from `switchboard deliveries`')
      .option('--app <appId>', "the app (default: this folder's)")
      .option('--json', 'print the delivery as JSON')
      .action(
        action(async (deliveryId: string, options: { app?: string; json?: boolean }) => {
          const { client, appId } = appContext(options.app);
          const delivery = await deliveriesApi.redeliver(client, appId, deliveryId).catch((error: unknown) => {
            if (error instanceof ApiError && error.status === 409) {
              throw new CliError(`Delivery ${deliveryId} is being attempted right now.`, ExitCode.Failed, 'Wait for that attempt to end, then try again.');
            }
            if (error instanceof ApiError && error.status === 404) {
              throw new CliError(`App ${appId} has no delivery ${deliveryId}.`, ExitCode.NotFound, 'List them with `switchboard deliveries --app <appId>`.');
            }
            throw error;
          });
          if (options.json) return printJson(delivery);
          out(`Delivery ${delivery.id} (${delivery.eventType}) is queued again; follow it with \`switchboard deliveries\`.`);
        }),
      ),
  );
}
