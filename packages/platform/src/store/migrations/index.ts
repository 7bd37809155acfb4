import type { Migration, MigrationProvider } from 'kysely';
import * as chatCore from './001_chat_core.js';
import * as peopleAuth from './002_people_auth.js';
import * as apps from './003_apps.js';
import * as delivery from './004_delivery.js';
import * as webhooks from './005_webhooks.js';
import * as triggers from './006_triggers.js';
import * as deliveryAttempts from './007_delivery_attempts.js';
import * as triggerEphemerals from './008_trigger_ephemerals.js';
import * as outboxPlans from './009_outbox_plans.js';
import * as socketCluster from './010_socket_cluster.js';
import * as outboxLeanIndexes from './011_outbox_lean_indexes.js';
import * as pumbleApi from './012_pumble_api.js';
import * as files from './015_files.js';
import * as scheduledMessages from './016_scheduled_messages.js';
import * as messageSearch from './017_message_search.js';
import * as channelReads from './019_channel_reads.js';
import * as loginLeads from './021_login_leads.js';
import * as oneTimeLogins from './023_one_time_logins.js';

/** Migrations are listed in code (not read from disk) so they work from source and from a build alike. */
const migrations: Record<string, Migration> = {
  '001_chat_core': chatCore,
  '002_people_auth': peopleAuth,
  '003_apps': apps,
  '004_delivery': delivery,
  '005_webhooks': webhooks,
  '006_triggers': triggers,
  '007_delivery_attempts': deliveryAttempts,
  '008_trigger_ephemerals': triggerEphemerals,
  '009_outbox_plans': outboxPlans,
  '010_socket_cluster': socketCluster,
  '011_outbox_lean_indexes': outboxLeanIndexes,
  '012_pumble_api': pumbleApi,
  '015_files': files,
  '016_scheduled_messages': scheduledMessages,
  '017_message_search': messageSearch,
  '019_channel_reads': channelReads,
  '021_login_leads': loginLeads,
  '023_one_time_logins': oneTimeLogins,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
