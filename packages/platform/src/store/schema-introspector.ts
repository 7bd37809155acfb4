import { type DatabaseIntrospector, type DatabaseMetadata, type Kysely, PostgresDialect, type SchemaMetadata, sql, type TableMetadata } from 'kysely';

/**
 * Lists the tables of the connection's own schema only. Kysely's PostgreSQL introspector (which
 * its Migrator uses to find its tables) reads every schema of the database, calling
 * `pg_get_serial_sequence` on each table, and fails with "schema … does not exist" when another
 * schema is dropped meanwhile — another tenant, another test run. Schemas never see each other here.
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const result = await sql<{ name: string }>`select current_schema() as name`.execute(this.db);
    return result.rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const result = await sql<{ schema: string; name: string; type: string }>`
      select table_schema as schema, table_name as name, table_type as type from information_schema.tables
      where table_schema = current_schema()`.execute(this.db);
    return result.rows.map((row) => ({ name: row.name, schema: row.schema, isView: row.type === 'VIEW', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** PostgresDialect whose introspection stays within the connection's schema. */
export class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}
